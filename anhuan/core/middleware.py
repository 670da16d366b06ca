"""Request middleware of the platform."""

from django.shortcuts import render


class MethodNotAllowedPageMiddleware:
    """Give an empty 405 response (a GET on an action that only accepts POST) a Chinese page.

    Django returns an empty body for such requests, which browsers replace by
    their own English error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and request.method == "GET":
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
