"""The project's URLs plus one view that fails, for the error-page test (test_production.py)."""

from django.urls import path

from tracker.urls import urlpatterns as project_urlpatterns


def boom(request):
    # Carries a "secret" so that the test can check it never reaches the page.
    raise RuntimeError("boom: the secret database password is hunter2")


urlpatterns = [path("boom/", boom, name="boom"), *project_urlpatterns]
