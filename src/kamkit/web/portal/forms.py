from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from kamkit.web.users.models import User


class ChoosePasswordForm(forms.Form):
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "autofocus": True}),
    )
    password2 = forms.CharField(
        label="The same again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, name: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.probe = User(username=email, email=email, first_name=name)

    def clean(self):
        data = super().clean()
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            raise ValidationError({"password2": "The two passwords differ."})
        if one:
            try:
                validate_password(one, self.probe)
            except ValidationError as exc:
                raise ValidationError({"password1": exc.messages}) from None
        return data


class RaiseProblemForm(forms.Form):
    title = forms.CharField(max_length=200, label="In a few words")
    framing = forms.CharField(
        label="The problem as you see it",
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "What happens, since when, what it costs you"}
        ),
        max_length=5000,
    )


class FramingForm(forms.Form):
    framing = forms.CharField(
        label="Your framing", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Add a comment",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "Facts, questions, what you tried"}),
        max_length=5000,
    )
