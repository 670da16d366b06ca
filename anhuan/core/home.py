"""What the home page shows; filled in by the pollution app's read functions."""


def home_context(user):
    return {}
