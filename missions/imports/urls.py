from django.urls import path

from missions.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.UploadView.as_view(), name="import_upload"),
    path("preview/", views.PreviewView.as_view(), name="import_preview"),
    path("confirm/", views.ConfirmView.as_view(), name="import_confirm"),
    path("discard/", views.DiscardView.as_view(), name="import_discard"),
    path("done/", views.DoneView.as_view(), name="import_done"),
]
