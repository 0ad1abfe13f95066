from django.urls import path

from tipdata.accounts import views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/2fa/", views.login_2fa_view, name="login-2fa"),
    path("account/two-factor/", views.twofactor_setup_view, name="twofactor"),
    path("logout/", views.logout_view, name="logout"),
    path("language/", views.language_view, name="language"),
    path("organisation/", views.organisation_switch_view, name="organisation-switch"),
]
