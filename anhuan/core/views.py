from django.views.generic import TemplateView

from anhuan.core.home import home_context


class HomeView(TemplateView):
    """Home is work: warnings in force, plan items by flag and region, the user's to-do items."""

    template_name = "core/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(home_context(self.request.user))
        return context
