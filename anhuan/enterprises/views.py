from django.views.generic import ListView

from anhuan.enterprises.models import Enterprise


class EnterpriseListView(ListView):
    template_name = "enterprises/enterprise_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Enterprise.objects.visible_to(self.request.user).select_related("region")
