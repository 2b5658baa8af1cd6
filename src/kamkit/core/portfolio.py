"""Key-account selection (SPEC §2.1): criteria scored 0–5 and weighted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kamkit.core.i18n import gettext_noop

SELECTION_CRITERIA: tuple[str, ...] = (
    "revenue_share",
    "growth_potential",
    "lead_user",
    "reputation",
    "market_access",
)
"""Revenue share, growth potential, and strategic importance (lead-user status,
reputation, market access)."""

DEFAULT_WEIGHTS: dict[str, float] = dict.fromkeys(SELECTION_CRITERIA, 1.0)

NO_CONTACT_DAYS = 30
"""An account with no logged interaction for this many days or more is listed as "no
contact": every phase's ideal band asks for at least two interactions in 30 days (SPEC
§2.4, ``phase_bands``), so such an account's frequency fit for the month is nil (kamkit
assumption)."""


def contact_days(last: dt.date | None, today: dt.date) -> int | None:
    """Whole days since the last contact (0: today), or None when there was none."""
    return None if last is None else max(0, (today - last).days)


def contact_cutoff(today: dt.date) -> dt.date:
    """The earliest day a contact keeps an account out of "no contact": one on an
    earlier day is ``NO_CONTACT_DAYS`` or more days ago (days count by the calendar)."""
    return today - dt.timedelta(days=NO_CONTACT_DAYS - 1)


def no_contact(last: dt.date | None, today: dt.date, customer_min: float | None = None) -> bool:
    """No contact for ``NO_CONTACT_DAYS`` days or more, or never; unless the customer's
    own ideal band (``customer_min``: its lower end, contacts per 30 days; SPEC §2.4
    takes the band from the customer's preference first) asks for none at all: then
    silence is what the customer asked for."""
    if customer_min == 0:
        return False
    return last is None or last < contact_cutoff(today)


def selection_score(
    scores: Mapping[str, int | None], weights: Mapping[str, float] | None = None
) -> float | None:
    """Weighted mean of the scored criteria (0–5); criteria without a score are left out.

    None when no criterion is scored or the weights of the scored ones sum to zero.
    """
    weights = weights or DEFAULT_WEIGHTS
    num = den = 0.0
    for criterion in SELECTION_CRITERIA:
        score = scores.get(criterion)
        if score is None:
            continue
        w = float(weights.get(criterion, 1.0))
        num += w * score
        den += w
    return round(num / den, 2) if den > 0 else None


QUADRANTS: dict[tuple[bool, bool], tuple[str, str]] = {
    (True, True): ("key_strategic", gettext_noop("Key strategic")),
    (True, False): ("key_development", gettext_noop("Key development")),
    (False, True): ("key_status", gettext_noop("Key status")),
    (False, False): ("key_streamline", gettext_noop("Key streamline")),
}
"""The KAM portfolio matrix's quadrants by (attractive, strong): McDonald & Woodburn
(2007), who plot account attractiveness against the supplier's relative strength with
the account. kamkit reads the strength as the relationship's effectiveness index (a
kamkit assumption: the papers measure the relationship, not market share)."""
QUADRANT_SOURCE = gettext_noop(
    "McDonald & Woodburn (2007): key strategic, development, status and streamline "
    "accounts; strength read as kamkit's effectiveness index (kamkit assumption)"
)
ATTRACTIVENESS_MIDDLE = 2.5
"""The middle of the 0–5 selection score (SPEC §2.1): at or above it an account counts as
attractive (kamkit assumption)."""
STRENGTH_MIDDLE = 50.0
"""Index 50, every scored process at its baseline in any phase (SPEC §2.5): at or above
it the relationship counts as strong (kamkit assumption)."""


def quadrant(attractiveness: float | None, index: float | None) -> tuple[str, str] | None:
    """(key, label) of an account's quadrant; None when either axis is unknown."""
    if attractiveness is None or index is None:
        return None
    return QUADRANTS[(attractiveness >= ATTRACTIVENESS_MIDDLE, index >= STRENGTH_MIDDLE)]


def quartiles(values: list[float]) -> tuple[float, float, float, float, float] | None:
    """(minimum, first quartile, median, third quartile, maximum) of some values
    (inclusive method, so one value gives itself five times); None for none."""
    import statistics

    if not values:
        return None
    data = sorted(values)
    if len(data) == 1:
        v = data[0]
        return (v, v, v, v, v)
    q1, q2, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return (data[0], q1, q2, q3, data[-1])


ALERT_DROP_POINTS = 10.0
"""An account whose effectiveness index stands this many points or more below the index
stored a month before is flagged to its KA manager and the KAM directors (kamkit
assumption: a tenth of the 0–100 scale, the size of the lever step of SPEC §2.5, so a
fall that one process moving by ten points could explain). ``KAMKIT_ALERT_DROP_POINTS``
sets it for a firm."""
ALERT_WINDOW_DAYS = 30
"""The month compared (the portfolio's change arrows use the same), and the time after an
alert in which the same account is not flagged again (kamkit assumption)."""


def index_fell(
    earlier: float | None, now: float | None, points: float = ALERT_DROP_POINTS
) -> float | None:
    """How many points the index fell from ``earlier`` to ``now`` when that is at least
    ``points``; None otherwise (and when either index is unknown)."""
    if earlier is None or now is None or earlier - now < points:
        return None
    return earlier - now
