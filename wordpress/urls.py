from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

app_name = "wordpress"

urlpatterns = [
    # The link each imported author gets instead of a password (Django's reset tokens: it
    # works once, until PASSWORD_RESET_TIMEOUT, and not after the password is set).
    path(
        "accounts/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            success_url=reverse_lazy("wordpress:password_set"),
            extra_context={"site_header": "Set your password"},
        ),
        name="set_password",
    ),
    path(
        "accounts/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_set",
    ),
]
