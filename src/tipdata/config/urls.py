"""URL map: the web app, the dictionary browser, the REST API and its schema."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/", include("tipdata.api.urls")),
    path("", include("tipdata.accounts.urls")),
    path("standard/", include("tipdata.standard.urls")),
    path("cases/", include("tipdata.cases.urls")),
    path("practice/", include("tipdata.practice.urls")),
    path("quality/", include("tipdata.quality.urls")),
    path("audit/", include("tipdata.audit.urls")),
    path("releases/", include("tipdata.sharing.urls")),
    path("estimation/", include("tipdata.estimation.urls")),
    path("dashboard/", include("tipdata.reports.dashboard_urls")),
    path("reports/", include("tipdata.reports.urls")),
    path("dedupe/", include("tipdata.linkage.urls")),
    path("intake/", include("tipdata.intake.urls")),
    path("", include("tipdata.web.urls")),
]

