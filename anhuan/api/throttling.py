"""Rate limiting of API clients: each client's requests are counted on their own.

The rate is ``settings.ANHUAN_API_CLIENT_RATE`` ("600/minute" unless set),
read when a request arrives so that a changed setting applies at once. Signed-in
users of the pages are not limited here.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_CLIENT_RATE = "600/minute"


class ApiClientRateThrottle(SimpleRateThrottle):
    """Count a token client's requests in Django's default cache, keyed by the client's id.

    NOTE: with the default local-memory cache every server process counts on its
    own, so N processes let a client make up to N times the rate. Configure a
    shared cache (Redis) to enforce one limit across processes.
    """

    scope = "api_client"

    def get_rate(self):
        return getattr(settings, "ANHUAN_API_CLIENT_RATE", DEFAULT_CLIENT_RATE)

    def get_cache_key(self, request, view):
        from anhuan.sharing.models import ApiClient

        if not isinstance(request.auth, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
