"""Settings for the test suite: the ordinary settings in test mode, with a fast hasher."""

import os

os.environ.setdefault("ANHUAN_MODE", "test")

from anhuan.settings import *  # noqa: E402,F403

# Argon2 is deliberately slow; tests sign in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
