"""Texts of the core that the interface shows, marked for translation (issue 20).

The core imports no Django: it marks a text with :func:`gettext_noop`, which returns it
unchanged; Django's ``makemessages`` finds the marked texts by that name, and the web
layer translates them where it shows them (``gettext(PHASE_LABELS[key])``)."""

from __future__ import annotations


def gettext_noop(message: str) -> str:
    """``message`` itself: marks it as a text to translate where it is shown."""
    return message
