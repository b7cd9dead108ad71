from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator

from authors.staff import ROLES, USERNAME_MAX


class StaffInviteForm(forms.Form):
    """A new staff member on one page: name, email, username, role. No password: they choose
    their own through the emailed link."""

    first_name = forms.CharField(max_length=150, help_text="As readers will see it on posts.")
    last_name = forms.CharField(max_length=150, required=False)
    email = forms.EmailField(
        max_length=254, help_text="The invitation with the link to choose a password goes here."
    )
    username = forms.CharField(
        max_length=USERNAME_MAX,
        required=False,
        validators=[UnicodeUsernameValidator()],
        help_text="What they sign in with: letters, digits and . @ + - _ only. Left blank, it is "
        "made from the name (firstname.lastname).",
    )
    role = forms.ChoiceField(
        choices=[(key, f"{label} — {text}") for key, (_, label, text) in ROLES.items()],
        widget=forms.RadioSelect,
        initial="author",
        help_text="What they may do. Change it later on their account page (Groups).",
    )

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "A staff member with this email address exists already. To send them a new "
                "link, select them in the list of users and choose “Resend invitation”."
            )
        return email

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if username and get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(f"The username “{username}” is taken. Choose another.")
        return username
