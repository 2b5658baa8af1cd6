"""The perception gap of one account (SPEC §2.7) from its pulses and phase statements:
the core compares, this module reads the records and draws the charts. The same
context serves the supplier's page and, when the KA manager shares it, the customer's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from kamkit.core.lifecycle.phases import PhaseStatement
from kamkit.core.perception import ITEMS, Rating, current_gaps, monthly_means, phase_views
from kamkit.web.accounts.models import Account
from kamkit.web.assessment.charts import lines_over_time
from kamkit.web.labels import ITEM_LABELS, PHASE_LABELS
from kamkit.web.relationships.models import PhaseRecord, PhaseSource, Pulse

MONTHS = 12
MAX_AGE_DAYS = 365  # a rating older than this no longer counts as the side's view


def perception_context(
    account: Account, today: dt.date | None = None, *, for_customer: bool = False
) -> dict:
    """Both sides' ratings of each item now and month by month over the last year, and
    their phase views over time. Individual pulses are not listed: a side's rating is the
    mean of its people's."""
    today = today or timezone.localdate()
    first = (today.replace(day=1) - dt.timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    oldest = min(first, today - dt.timedelta(days=MAX_AGE_DAYS))
    rows = (
        Pulse.objects.alive()
        .filter(account=account, rated_on__lte=today, rated_on__gte=oldest)
        .values_list("rated_on", "person__side", "person_id", *ITEMS)
    )
    ratings = [
        Rating(on, side, person, dict(zip(ITEMS, values, strict=True)))
        for on, side, person, *values in rows
    ]
    gaps = current_gaps(ratings, today, MAX_AGE_DAYS)
    series = monthly_means(ratings, first, today)
    charts = {
        item: lines_over_time(
            series[item],
            {"supplier": _("Your supplier"), "customer": _("Your side")}
            if for_customer
            else {"supplier": _("Our side"), "customer": _("The customer")},
            scale=(1, 7, (1, 4, 7)),
            title=_("{item}: both sides' ratings by month").format(item=ITEM_LABELS[item]),
            empty=_("Not enough ratings over the year for a trend."),
            bridge=True,
        )
        for item in ITEMS
    }
    statements = (
        PhaseRecord.objects.alive()
        .filter(
            account=account,
            recorded_on__lte=today,
            source__in=(PhaseSource.SUPPLIER_SELF, PhaseSource.CUSTOMER_SELF),
        )
        .order_by("recorded_on", "pk")
        .values_list("phase", "source", "recorded_on")
    )
    views = [
        {
            "on": v.on,
            "supplier": PHASE_LABELS.get(v.supplier or ""),
            "customer": PHASE_LABELS.get(v.customer or ""),
            "differ": v.differ,
        }
        for v in phase_views(PhaseStatement(p, s, on) for p, s, on in statements)
    ]
    return {
        "account": account,
        "gaps": gaps,
        "wide": [g for g in gaps if g.wide],
        "charts": [(ITEM_LABELS[item], charts[item]) for item in ITEMS],
        "views": list(reversed(views)),
        "latest_views": views[-1] if views else None,
        "rated": any(g.supplier is not None or g.customer is not None for g in gaps),
    }
