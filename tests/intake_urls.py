"""The project's URLs plus the import pages, for the web tests until the root URL map
includes ``tipdata.intake.urls`` (path "intake/")."""

from django.urls import include, path

from tipdata.config.urls import urlpatterns as project_urls

urlpatterns = [path("intake/", include("tipdata.intake.urls")), *project_urls]
