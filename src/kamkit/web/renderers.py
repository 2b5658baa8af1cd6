"""How form widgets are drawn: Django's own widgets with Jinja2 (Django ships Jinja2
templates for them), which drew the account page's forms in a fraction of the Django
template engine's time (issue 17); any other widget (the admin's) with Django's
templates, as before."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FastWidgets(BaseRenderer):
    def __init__(self) -> None:
        self.jinja = Jinja2()
        self.django = DjangoTemplates()

    def get_template(self, template_name: str) -> Any:
        try:
            return self.jinja.get_template(template_name)
        except TemplateDoesNotExist:
            return self.django.get_template(template_name)
