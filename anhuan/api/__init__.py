"""The platform's REST API (Django REST Framework), mounted under ``/api/``.

This package has no models. It contains the API views of the apps, the
shared error format, authentication, permissions and pagination.
"""
