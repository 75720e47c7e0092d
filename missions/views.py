"""Staff pages: thin views that parse input, call a queryset or report, and render."""

from django.views.generic import ListView

from missions.models import Statement


class ContributionListView(ListView):
    template_name = "missions/contribution_list.html"
    context_object_name = "statements"

    def get_queryset(self):
        return (
            Statement.objects.current()
            .with_related()
            .order_by("contribution__mission__name", "contribution__name")
        )
