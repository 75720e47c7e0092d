from django.urls import path

from missions import views

app_name = "missions"

urlpatterns = [
    path("", views.ContributionListView.as_view(), name="contributions"),
]
