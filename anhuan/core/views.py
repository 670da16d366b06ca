from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.generic import TemplateView

from anhuan.core.home import home_context
from anhuan.organizations.scope import enterprise_id_of


class HomeView(TemplateView):
    """Home is work: warnings in force, plan items by flag and region, the user's to-do items.

    Enterprise contacts go to their enterprise's portal home instead.
    """

    template_name = "core/home.html"

    def get(self, request, *args, **kwargs):
        if enterprise_id_of(request.user) is not None:
            try:
                return redirect(reverse("pollution:portal-home"))
            except NoReverseMatch:
                pass
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(home_context(self.request.user))
        return context
