from django.urls import path

from missions.web import views

app_name = "missions"

urlpatterns = [
    path("", views.contributions, name="contributions"),
    path("missions/<int:pk>/", views.mission, name="mission"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
