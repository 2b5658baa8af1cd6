"""Amounts with their currency, formatted for the reader's language (issue 20)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import formats, translation

register = template.Library()


@register.filter
def money(value, decimals: int = 0) -> str:
    """12000 → "EUR 12,000" in English, "12.000 EUR" in German (the code as ISO 4217
    writes it, settings.KAMKIT_CURRENCY); empty or not a number → "—"."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    number = formats.number_format(amount, decimal_pos=decimals, force_grouping=True)
    code = settings.KAMKIT_CURRENCY
    if translation.get_language() == "de":
        return f"{number}\u00a0{code}"
    return f"{code}\u00a0{number}"


@register.filter
def number(value, decimals: int = 0) -> str:
    """A count or quantity with the language's grouping and decimal mark."""
    if value in (None, ""):
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return formats.number_format(amount, decimal_pos=decimals, force_grouping=True)


@register.filter
def say(text) -> str:
    """A sentence of kamkit's core in the reader's language (``kamkit.web.labels.say``)."""
    from kamkit.web.labels import say as say_again

    return say_again(text)


@register.filter
def values(stored) -> str:
    """Stored values (a preference's channels) by their labels in the reader's language,
    in running text: ``["email", "phone"]`` → "email, phone" / "E-Mail, Telefon"."""
    from kamkit.web.labels import decap as small
    from kamkit.web.labels import value_label

    return ", ".join(small(value_label(v)) for v in stored or ())


@register.filter
def decap(text) -> str:
    """A label inside a sentence (``kamkit.web.labels.decap``)."""
    from kamkit.web.labels import decap as small

    return small(text)


@register.filter
def isodate(value) -> str:
    """A date kept as ISO text (an assessment's JSON) in the reader's date format."""
    import datetime as dt

    from django.utils.formats import date_format

    try:
        return date_format(dt.date.fromisoformat(str(value)[:10]), "SHORT_DATE_FORMAT")
    except ValueError:
        return str(value)
