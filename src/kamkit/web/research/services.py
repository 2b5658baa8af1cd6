"""Questionnaires (issue 19, item 2): create a survey of a wave, invite its units'
people by one-time links, remind, close; and the respondent's submission, whose answers
become the wave's ratings through the diagnosis's one wave write
(:func:`kamkit.web.diagnosis.services.write_wave`)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kamkit.core.diagnosis import CaseFileError, parse_case
from kamkit.core.diagnosis.model import Rating, Respondent
from kamkit.core.research.instruments import Item, item_bank
from kamkit.web.diagnosis.models import DiagnosisCase
from kamkit.web.diagnosis.services import may_store, write_wave
from kamkit.web.users.models import User

from .models import (
    LANGUAGES,
    MAX_REMINDERS,
    MAX_SURVEY_DAYS,
    REMIND_AFTER_DAYS,
    CodedSegment,
    CodingDocument,
    PracticeAnswer,
    SegmentCoding,
    Survey,
    SurveyInvitation,
)

MAX_INVITATIONS = 500
"""People invited in one go (kamkit assumption: a wave's units rarely have more)."""
INSTRUMENTS = ("differentiation", "frame_alignment")
"""A wave's instruments: each unit's members rate their own unit (differentiation), or a
partner unit's members rate a KAM unit's frame alignment practices."""


def may_run_surveys(user: User) -> bool:
    """Those who keep the diagnosis's waves run their questionnaires."""
    return may_store(user)


def _allowed(user: User) -> None:
    if not may_run_surveys(user):
        raise PermissionDenied("analysts, KAM directors and administrators run questionnaires")


def questionnaire(survey: Survey) -> tuple[Item, ...]:
    """The survey's rating items, in the item bank's order (a relationship pulse: the
    three processes, then satisfaction and trust; its phase question is apart)."""
    if survey.instrument == "relationship":
        return item_bank().items("relationship") + item_bank().items("outcomes")
    return item_bank().items(survey.instrument)


def _case(wave: DiagnosisCase):
    try:
        return parse_case(wave.source_yaml, source=wave.title)
    except CaseFileError:
        raise ValidationError({"wave": "the wave's case file has problems; fix it first"}) from None


def create_survey(
    user: User,
    wave: DiagnosisCase,
    *,
    anonymous: bool,
    closes_on: dt.date,
    instrument: str = "differentiation",
    remind_after_days: int = REMIND_AFTER_DAYS,
) -> Survey:
    """A new survey of ``wave``; ``ValidationError`` names a bad field."""
    _allowed(user)
    today = timezone.localdate()
    errors = {}
    if instrument not in INSTRUMENTS:
        errors["instrument"] = (
            f"'{instrument}' is not available; expected one of: {', '.join(INSTRUMENTS)}"
        )
    if closes_on < today:
        errors["closes_on"] = "the last day to answer is in the past"
    elif closes_on > today + dt.timedelta(days=MAX_SURVEY_DAYS):
        errors["closes_on"] = f"at most {MAX_SURVEY_DAYS} days ahead"
    if errors:
        raise ValidationError(errors)
    _case(wave)
    return Survey.objects.create(
        wave=wave,
        instrument=instrument,
        anonymous=anonymous,
        closes_on=closes_on,
        created_by=user,
        remind_after_days=remind_after_days,
    )


@dataclass(frozen=True)
class Invitee:
    unit: str
    email: str
    name: str = ""
    language: str = "en"
    target: str = ""
    """Frame alignment: the KAM unit to rate."""


def parse_invitees(text: str, pairs: bool = False) -> list[Invitee]:
    """Lines of ``unit, email[, name[, language]]`` (with ``pairs``, for frame alignment:
    ``partner unit, KAM unit, email[, name[, language]]``); blank lines and ``#`` comments
    left out. ``ValidationError`` on ``invitees`` lists each bad line by number."""
    found, problems = [], []
    shape = "partner unit, KAM unit, email" if pairs else "unit, email"
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(",")]
        target = parts.pop(1) if pairs and len(parts) > 2 else ""
        if len(parts) < 2 or len(parts) > 4 or (pairs and not target):
            problems.append(f"line {number}: expected {shape}[, name[, language]]")
            continue
        unit, email = parts[0], parts[1]
        name = parts[2] if len(parts) > 2 else ""
        language = (parts[3] if len(parts) > 3 else "en").lower() or "en"
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"line {number}: '{email}' is not an email address")
            continue
        if language not in dict(LANGUAGES):
            problems.append(f"line {number}: language '{language}' is not one of en, de")
            continue
        if len(name) > 200:
            problems.append(f"line {number}: the name is longer than 200 characters")
            continue
        found.append(Invitee(unit, email.lower(), name, language, target))
    if problems:
        raise ValidationError({"invitees": problems})
    if not found:
        raise ValidationError({"invitees": f"name at least one person: {shape}"})
    if len(found) > MAX_INVITATIONS:
        raise ValidationError({"invitees": f"at most {MAX_INVITATIONS} people at a time"})
    return found


def _link(link_base: str, secret: str) -> str:
    return f"{link_base.rstrip('/')}/q/{secret}/"


MAIL = {
    "en": (
        "{firm}: a short questionnaire about how your unit works",
        "Hello{name},\n\nwe are studying how the units of {firm} work together. Please "
        "answer {count} short questions about your own unit ({unit}); it takes about five "
        "minutes{anonymous}.\n\n{link}\n\nThe link works once, until {closes}.\n",
        ". Your answers are anonymous: they are stored without your name or address",
    ),
    "de": (
        "{firm}: ein kurzer Fragebogen zur Arbeit Ihrer Einheit",
        "Guten Tag{name},\n\nwir untersuchen, wie die Einheiten von {firm} zusammenarbeiten. "
        "Bitte beantworten Sie {count} kurze Fragen zu Ihrer eigenen Einheit ({unit}); das "
        "dauert etwa fünf Minuten{anonymous}.\n\n{link}\n\nDer Link funktioniert einmal, "
        "bis zum {closes}.\n",
        ". Ihre Antworten sind anonym: Sie werden ohne Ihren Namen und Ihre Adresse gespeichert",
    ),
}


FRAME_MAIL = {
    "en": (
        "{firm}: a short questionnaire about working with {unit}",
        "Hello{name},\n\nwe are studying how the units of {firm} work together. Please "
        "answer {count} short questions about how the key account management unit {unit} "
        "works with your unit; it takes about three minutes{anonymous}.\n\n{link}\n\nThe "
        "link works once, until {closes}.\n",
    ),
    "de": (
        "{firm}: ein kurzer Fragebogen zur Zusammenarbeit mit {unit}",
        "Guten Tag{name},\n\nwir untersuchen, wie die Einheiten von {firm} zusammenarbeiten. "
        "Bitte beantworten Sie {count} kurze Fragen dazu, wie die Key-Account-Management-"
        "Einheit {unit} mit Ihrer Einheit zusammenarbeitet; das dauert etwa drei Minuten"
        "{anonymous}.\n\n{link}\n\nDer Link funktioniert einmal, bis zum {closes}.\n",
    ),
}


def _mail(invitation: SurveyInvitation, subject: str, body: str, values: dict) -> None:
    send_mail(
        subject=subject.format(**values),
        message=body.format(**values),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )


def _send(invitation: SurveyInvitation, secret: str, link_base: str, unit_name: str) -> None:
    survey = invitation.survey
    subject, body, anonymous = MAIL[invitation.language]
    if survey.instrument == "frame_alignment":
        subject, body = FRAME_MAIL[invitation.language]
    firm = (
        survey.wave.project.firm
        if survey.wave.project and survey.wave.project.firm
        else survey.wave.title
    )
    values = {
        "firm": firm,
        "name": f" {invitation.name}" if invitation.name else "",
        "count": len(questionnaire(survey)),
        "unit": unit_name,
        "anonymous": anonymous if survey.anonymous else "",
        "link": _link(link_base, secret),
        "closes": survey.closes_on.isoformat(),
    }
    _mail(invitation, subject, body, values)


def invite(
    user: User, survey: Survey, invitees: list[Invitee], link_base: str
) -> list[SurveyInvitation]:
    """Invite people for units of the wave and email each their link. All or nothing:
    an unknown unit or someone already invited for that unit names its line."""
    _allowed(user)
    if not survey.is_open:
        raise ValidationError({"invitees": "the survey is closed"})
    case = _case(survey.wave)
    units = {u.id: u for u in case.units}
    links = {(link.kam, link.partner) for link in case.links}
    pairs = survey.instrument == "frame_alignment"
    existing = set(survey.invitations.values_list("email", "unit", "target"))
    problems, seen = [], set()
    for i, who in enumerate(invitees, 1):
        key = (who.email, who.unit, who.target)
        if who.unit not in units:
            problems.append(f"line {i}: '{who.unit}' is not a unit of this wave")
        elif pairs and (who.target, who.unit) not in links:
            problems.append(
                f"line {i}: the wave has no pair of KAM unit '{who.target}' "
                f"and partner '{who.unit}'"
            )
        elif not pairs and who.target:
            problems.append(f"line {i}: this questionnaire asks about the person's own unit only")
        elif key in existing or key in seen:
            problems.append(f"line {i}: {who.email} is already invited for {who.unit}")
        seen.add(key)
    if problems:
        raise ValidationError({"invitees": problems})
    made = []
    with transaction.atomic():
        for who in invitees:
            invitation = SurveyInvitation(
                survey=survey,
                unit=who.unit,
                target=who.target,
                email=who.email,
                name=who.name,
                language=who.language,
            )
            secret = invitation.new_secret()
            invitation.sent_at = timezone.now()
            invitation.save()
            made.append((invitation, secret))
    for invitation, secret in made:  # mail after the rows exist: a link never dangles
        about = units[invitation.target].name if invitation.target else units[invitation.unit].name
        _send(invitation, secret, link_base, about)
    _remember_link_base(survey, link_base)
    return [m for m, _ in made]


def _remember_link_base(survey: Survey, link_base: str) -> None:
    """Keep kamkit's address for the reminders the task runner sends, and schedule the
    next one."""
    from .tasks import schedule_reminder

    if survey.link_base != link_base[:300]:
        survey.link_base = link_base[:300]
        survey.save(update_fields=["link_base"])
    schedule_reminder(survey)


def _may_run(user: User, survey: Survey) -> None:
    if survey.wave_id is None:
        if not may_ask_for_pulses(user, survey.account):
            raise PermissionDenied("the account's KA manager and KAM directors run its pulses")
    else:
        _allowed(user)


def remind(user: User, survey: Survey, link_base: str) -> int:
    """Email a new link to everyone who has not answered (at most MAX_REMINDERS times
    each; the earlier link stops working). Returns how many were reminded."""
    _may_run(user, survey)
    if not survey.is_open:
        raise ValidationError({"survey": "the survey is closed"})
    return send_reminders(survey, link_base)


def send_reminders(survey: Survey, link_base: str | None = None) -> int:
    """The reminders themselves, for the page and the automatic reminder task (which
    decide whether they may): a new link to each who has not answered."""
    link_base = link_base or survey.link_base
    units = {u.id: u.name for u in _case(survey.wave).units} if survey.wave_id else {}
    due = list(survey.invitations.filter(answered_at=None, reminders__lt=MAX_REMINDERS))
    now = timezone.now()
    sent = []
    with transaction.atomic():
        for invitation in due:
            secret = invitation.new_secret()
            invitation.reminders += 1
            invitation.reminded_at = now
            invitation.save(update_fields=["digest", "reminders", "reminded_at"])
            sent.append((invitation, secret))
    for invitation, secret in sent:
        if survey.wave_id:
            about = invitation.target or invitation.unit
            _send(invitation, secret, link_base, units.get(about, about))
        else:
            _send_pulse(invitation, secret, link_base)
    return len(sent)


def close_survey(user: User, survey: Survey) -> None:
    """No link of the survey works any more; the answers stay where they went."""
    _may_run(user, survey)
    if survey.closed_at is None:
        survey.closed_at = timezone.now()
        survey.save(update_fields=["closed_at"])


PULSE_MAIL = {
    "en": (
        "{account}: how is our relationship going?",
        "Hello{name},\n\n{manager} of your supplier's key account team asks how the "
        "relationship between {account} and us is going. {count} short questions and one "
        "about where the relationship stands; about three minutes.\n\n{link}\n\nThe link "
        "works once, until {closes}. Your answers reach your key account team with your "
        "name.\n",
    ),
    "de": (
        "{account}: Wie läuft unsere Zusammenarbeit?",
        "Guten Tag{name},\n\n{manager} aus dem Key-Account-Team Ihres Lieferanten "
        "fragt, wie die Beziehung zwischen {account} und uns läuft. {count} kurze Fragen und "
        "eine dazu, wo die Beziehung steht; etwa drei Minuten.\n\n{link}\n\nDer Link "
        "funktioniert einmal, bis zum {closes}. Ihre Antworten erreichen Ihr "
        "Key-Account-Team mit Ihrem Namen.\n",
    ),
}


def may_ask_for_pulses(user: User, account) -> bool:
    """Those who work on the account (its KA manager, KAM directors, administrators)."""
    from kamkit.web.accounts.models import can

    return user.is_authenticated and user.role != "customer" and can(user, "change", account)


def _send_pulse(invitation: SurveyInvitation, secret: str, link_base: str) -> None:
    survey = invitation.survey
    subject, body = PULSE_MAIL[invitation.language]
    manager = survey.created_by
    values = {
        "account": survey.account.name,
        "name": f" {invitation.name}" if invitation.name else "",
        "manager": (manager.get_full_name() or manager.username)
        if manager
        else "Your key account manager",
        "count": len(questionnaire(survey)),
        "link": _link(link_base, secret),
        "closes": survey.closes_on.isoformat(),
    }
    _mail(invitation, subject, body, values)


def ask_for_pulses(
    user: User,
    account,
    people,
    *,
    closes_on: dt.date,
    link_base: str,
    language: str = "en",
    remind_after_days: int = REMIND_AFTER_DAYS,
) -> Survey:
    """A relationship pulse sent to customer contacts of ``account`` by one-time links;
    their answers become the account's pulses (named: a pulse belongs to a person).
    ``ValidationError`` names a person without an email address, or of another account
    or side; nothing is sent then."""
    from kamkit.web.accounts.models import Side

    if not may_ask_for_pulses(user, account):
        raise PermissionDenied("the account's KA manager and KAM directors ask for pulses")
    today = timezone.localdate()
    errors: dict[str, object] = {}
    people = list(people)
    if not people:
        errors["people"] = "choose at least one customer contact"
    problems = []
    for person in people:
        if person.account_id != account.pk or person.side != Side.CUSTOMER:
            problems.append(f"{person.name} is not a customer contact of {account.name}")
        elif not person.email:
            problems.append(
                gettext_noop("{name} has no email address; add one first").format(name=person.name)
            )
    if problems:
        errors["people"] = problems
    if closes_on < today:
        errors["closes_on"] = "the last day to answer is in the past"
    elif closes_on > today + dt.timedelta(days=MAX_SURVEY_DAYS):
        errors["closes_on"] = f"at most {MAX_SURVEY_DAYS} days ahead"
    if language not in dict(LANGUAGES):
        errors["language"] = "en or de"
    if errors:
        raise ValidationError(errors)
    made = []
    with transaction.atomic():
        survey = Survey.objects.create(
            account=account,
            instrument="relationship",
            anonymous=False,
            closes_on=closes_on,
            created_by=user,
            remind_after_days=remind_after_days,
        )
        for person in people:
            invitation = SurveyInvitation(
                survey=survey,
                person=person,
                email=person.email.lower(),
                name=person.name[:200],
                language=language,
            )
            secret = invitation.new_secret()
            invitation.sent_at = timezone.now()
            invitation.save()
            made.append((invitation, secret))
    for invitation, secret in made:
        _send_pulse(invitation, secret, link_base)
    _remember_link_base(survey, link_base)
    return survey


def _submit_pulse(
    invitation: SurveyInvitation, answers: dict[str, int | None], phase: str | None
) -> None:
    """A customer contact's answers as the account's pulse (each process, satisfaction and
    trust the rounded mean of its answered items, reverse-keyed ones scored as the bank
    says) and, when given, their view of the phase; recorded by the one write paths of
    the relationship module in the name of the survey's sender."""
    from kamkit.web.relationships.services import record_phase_view, record_pulse

    survey = invitation.survey
    bank = item_bank()
    per = bank.construct_scores(answers)
    # round half up, as people read a mean of 4.5 on a 1–7 scale (kamkit assumption)
    values = {c: int(sum(v) / len(v) + 0.5) for c, v in per.items()}
    sender = survey.created_by
    record_pulse(sender, survey.account, {"person": invitation.person, **values})
    if phase:
        record_phase_view(
            sender,
            survey.account,
            phase,
            source="customer_self",
            person=invitation.person,
            note=f"From the relationship pulse of {timezone.localdate().isoformat()}",
        )


def check_answers(survey: Survey, raw: dict[str, str | None]) -> dict[str, int | None]:
    """Each item's answer, 1–7 or None (no answer / don't know); ``ValidationError``
    names each bad item. At least one item must be answered, and the respondent must
    consent (``consent``) to the study's use of the answers."""
    answers, problems = {}, {}
    if raw.get("consent") not in ("on", "yes", "1", "true"):
        problems["consent"] = "agree to the use of your answers first"
    for item in questionnaire(survey):
        value = raw.get(item.id)
        if value in (None, "", "none"):
            answers[item.id] = None
            continue
        try:
            number = int(str(value))
        except ValueError:
            problems[item.id] = "choose a point of the scale"
            continue
        if not 1 <= number <= 7:
            problems[item.id] = "choose a point from 1 to 7"
        answers[item.id] = number
    if problems:
        raise ValidationError(problems)
    if all(v is None for v in answers.values()):
        raise ValidationError({"__all__": "answer at least one question"})
    return answers


def submit(invitation: SurveyInvitation, raw: dict[str, str | None]) -> None:
    """The respondent's answers become the wave's ratings (reverse-keyed items scored as
    the item bank says), in one transaction with the wave locked, so answers sent at the
    same moment are all kept; a relationship pulse's become the account's pulse and
    phase view. The invitation is used up."""
    survey = invitation.survey
    answers = check_answers(survey, raw)
    if survey.instrument == "relationship":
        from kamkit.core.lifecycle.phases import PHASES

        phase = raw.get("phase") or None
        if phase is not None and phase not in PHASES:
            raise ValidationError({"phase": "choose one of the descriptions"})
        with transaction.atomic():
            locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
            if locked.answered_at is not None or not survey.is_open:
                raise ValidationError(
                    {"__all__": "this questionnaire was already answered or is closed"}
                )
            _submit_pulse(locked, answers, phase)
            locked.answered_at = timezone.now()
            locked.save(update_fields=["answered_at"])
        return
    if survey.instrument == "frame_alignment":
        _submit_practices(invitation, answers)
        return
    bank = item_bank()
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answered_at is not None or not survey.is_open:
            raise ValidationError(
                {"__all__": "this questionnaire was already answered or is closed"}
            )
        wave = DiagnosisCase.objects.select_for_update().get(pk=survey.wave_id)
        case = _case(wave)
        taken = {r.id for r in case.respondents}
        if survey.anonymous:  # nothing ties these answers to the invitation
            respondent = "anon-" + secrets.token_hex(4)
            while respondent in taken:
                respondent = "anon-" + secrets.token_hex(4)
        else:
            respondent = f"q{locked.pk}"
            if respondent in taken:
                raise ValidationError(
                    {"__all__": "this respondent's answers are already in the wave"}
                )
        ratings = tuple(
            Rating(respondent, item_id, bank.item(item_id).construct, bank.score(item_id, value))
            for item_id, value in answers.items()
            if value is not None
        )
        case = replace(
            case,
            respondents=(
                *case.respondents,
                Respondent(respondent, (locked.unit,), consent_on=timezone.localdate().isoformat()),
            ),
            ratings=(*case.ratings, *ratings),
        )
        kind = "anonymous answers" if survey.anonymous else f"answers of {respondent}"
        write_wave(
            wave,
            case,
            f"Questionnaire {survey.pk}: {kind} added on {timezone.localdate().isoformat()}",
        )
        locked.answered_at = timezone.now()
        if not survey.anonymous:
            locked.respondent = respondent
        locked.save(update_fields=["answered_at", "respondent"])


def _submit_practices(invitation: SurveyInvitation, answers: dict[str, int | None]) -> None:
    """A partner unit's member's ratings of a KAM unit's practices: kept (scored) apart
    from the invitation, then the pair's practices in the wave set from all answers of
    the survey for the pair: each practice's level from the mean of its items (the item
    bank's bands). A practice nobody rated keeps what the wave records (absent if
    nothing). The analyst's own alignment level, if any, stays and still counts first."""
    from kamkit.core.diagnosis.model import Alignment
    from kamkit.core.diagnosis.scales import PRACTICES

    survey = invitation.survey
    bank = item_bank()
    with transaction.atomic():
        locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.answered_at is not None or not survey.is_open:
            raise ValidationError(
                {"__all__": "this questionnaire was already answered or is closed"}
            )
        wave = DiagnosisCase.objects.select_for_update().get(pk=survey.wave_id)
        case = _case(wave)
        PracticeAnswer.objects.bulk_create(
            PracticeAnswer(
                survey=survey,
                partner=locked.unit,
                kam=locked.target,
                item=item_id,
                value=bank.score(item_id, value),
            )
            for item_id, value in answers.items()
            if value is not None
        )
        scores: dict[str, list[float]] = {}
        for item_id, value in PracticeAnswer.objects.filter(
            survey=survey, partner=locked.unit, kam=locked.target
        ).values_list("item", "value"):
            scores.setdefault(bank.item(item_id).construct, []).append(value)
        respondents = (
            survey.invitations.filter(unit=locked.unit, target=locked.target)
            .exclude(answered_at=None)
            .count()
            + 1
        )
        links = []
        for link in case.links:
            if (link.kam, link.partner) == (locked.target, locked.unit):
                old = link.alignment or Alignment()
                recorded = old.practices or {}
                practices = {
                    p: bank.practice_level(sum(scores[p]) / len(scores[p]))
                    if p in scores
                    else recorded.get(p, "absent")
                    for p in PRACTICES
                }
                tag = f"questionnaire {survey.pk}:"
                plural = "s" if respondents != 1 else ""
                note = f"{tag} {respondents} respondent{plural} of {locked.unit}"
                evidence = tuple(e for e in old.evidence if not e.startswith(tag)) + (note,)
                link = replace(link, alignment=replace(old, practices=practices, evidence=evidence))
            links.append(link)
        write_wave(
            wave,
            replace(case, links=tuple(links)),
            f"Questionnaire {survey.pk}: practices of {locked.target}–{locked.unit} from "
            f"{respondents} answer(s), {timezone.localdate().isoformat()}",
        )
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answered_at"])


def progress(survey: Survey) -> list[dict]:
    """Per unit of the wave with invitations: invited, answered, reminded (a relationship
    pulse: one row, the account)."""
    if survey.wave_id is None:
        names = {"": survey.account.name}
    else:
        case = parse_case(survey.wave.source_yaml, source=survey.wave.title)
        names = {u.id: u.name for u in case.units}
    rows: dict[str, dict] = {}
    for inv in survey.invitations.all():
        row = rows.setdefault(
            inv.unit,
            {"unit": inv.unit, "name": names.get(inv.unit, inv.unit), "invited": 0, "answered": 0},
        )
        row["invited"] += 1
        row["answered"] += inv.answered_at is not None
    for row in rows.values():
        row["share"] = round(100 * row["answered"] / row["invited"]) if row["invited"] else 0
    return sorted(rows.values(), key=lambda r: r["name"])


# -- coding (issue 19, item 3) -----------------------------------------------------------

MAX_DOCUMENT_BYTES = 20 * 2**20
"""A transcript or REFI-QDA project of at most 20 MB (kamkit assumption)."""


def import_document(
    user: User, wave: DiagnosisCase, name: str, data: bytes, unit: str | None = None
) -> CodingDocument:
    """Bring a transcript or a REFI-QDA project into the wave for coding: its paragraphs,
    and for a project each coder's codes mapped to dimensions and practices by name.
    ``ValidationError`` names the file's problem, an unknown unit, or the speakers that
    are no respondents when no unit is given; nothing is stored then."""
    from kamkit.core.research.coding import CodingFileError, map_codes, read_source

    _allowed(user)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": f"larger than {MAX_DOCUMENT_BYTES // 2**20} MB"})
    case = _case(wave)
    try:
        segments, coders, codes = read_source(name, data)
    except CodingFileError as exc:
        raise ValidationError({"file": str(exc)}) from None
    if not segments:
        raise ValidationError({"file": f"{name}: no paragraphs of text"})
    units = {u.id for u in case.units}
    if unit and unit not in units:
        raise ValidationError({"unit": f"'{unit}' is not a unit of this wave"})
    respondents = {r.id for r in case.respondents}
    unknown = sorted(
        {s.speaker or "(no speaker)" for s in segments if s.speaker not in respondents}
    )
    if unknown and not unit:
        raise ValidationError(
            {
                "unit": "these speakers are no respondents of the wave; choose the unit "
                "they speak for: " + ", ".join(unknown[:20])
            }
        )
    mapping = map_codes(codes)
    with transaction.atomic():
        document = CodingDocument.objects.create(
            wave=wave,
            name=name[:200],
            kind=CodingDocument.Kind.QDPX if coders else CodingDocument.Kind.TRANSCRIPT,
            unit=unit or "",
            code_map=mapping,
            created_by=user,
        )
        rows = CodedSegment.objects.bulk_create(
            CodedSegment(document=document, index=i, text=s.text, speaker=(s.speaker or "")[:100])
            for i, s in enumerate(segments)
        )
        if coders:  # every coder of the project read every paragraph
            SegmentCoding.objects.bulk_create(
                SegmentCoding(
                    segment=row,
                    coder=coder[:150],
                    targets=sorted({mapping[c] for c in s.codes.get(coder, ()) if c in mapping}),
                )
                for row, s in zip(rows, segments, strict=True)
                for coder in coders
            )
    return document


def save_codes(user: User, document: CodingDocument, codes: dict[int, list[str]]) -> int:
    """The user's codes of some paragraphs (segment id → dimensions and practices; an
    empty list: read, none given). Returns how many paragraphs were saved."""
    from kamkit.core.research.coding import TARGETS

    _allowed(user)
    ids = set(document.segments.filter(pk__in=codes).values_list("pk", flat=True))
    problems = [t for targets in codes.values() for t in targets if t not in TARGETS]
    if problems:
        raise ValidationError(
            {"codes": f"not a dimension or practice: {', '.join(sorted(set(problems)))}"}
        )
    coder = user.get_username()
    with transaction.atomic():
        for sid, targets in codes.items():
            if sid in ids:
                SegmentCoding.objects.update_or_create(
                    segment_id=sid,
                    coder=coder,
                    defaults={"targets": sorted(set(targets)), "coded_at": timezone.now()},
                )
    return len(ids)


def adjudicate_segment(user: User, segment: CodedSegment, targets: list[str]) -> None:
    """Settle a paragraph's dimensions and practices after the coders disagreed."""
    from kamkit.core.research.coding import TARGETS

    _allowed(user)
    bad = [t for t in targets if t not in TARGETS]
    if bad:
        raise ValidationError({"codes": f"not a dimension or practice: {', '.join(bad)}"})
    segment.adjudicated = sorted(set(targets))
    segment.adjudicated_by = user
    segment.save(update_fields=["adjudicated", "adjudicated_by"])


@dataclass
class DocumentAgreement:
    coders: list[str]
    agreement: list
    """core CodeAgreement per dimension or practice."""
    disagreements: list[int]
    """Segment ids the coders coded differently, in document order."""
    coded: dict[str, int]
    """coder → paragraphs coded."""


def document_agreement(document: CodingDocument) -> DocumentAgreement:
    """The coders' agreement on the document, per dimension and practice."""
    from kamkit.core.research.coding import TARGETS, Segment, agreement_by_code

    rows = list(document.segments.prefetch_related("codings"))
    segments, read = [], {}
    for row in rows:
        seg = Segment(document.name, row.index, row.text, row.speaker or None)
        for c in row.codings.all():
            seg.codes[c.coder] = set(c.targets)
            read.setdefault(c.coder, set()).add(seg.key)
        segments.append(seg)
    coders = sorted(read)
    identity = {t: t for t in TARGETS}
    result = agreement_by_code(segments, identity, coders, read) if len(coders) > 1 else []
    differ = {k for a in result for k in a.disagreements}
    ids = [row.pk for row, seg in zip(rows, segments, strict=True) if seg.key in differ]
    return DocumentAgreement(coders, result, ids, {c: len(v) for c, v in read.items()})


def add_to_wave(user: User, document: CodingDocument, rule: str = "majority") -> int:
    """The document's paragraphs join the wave as statements: each with its adjudicated
    dimensions, else those the coders' ``rule`` gives (practices are not statements'
    dimensions). Once per document. Returns how many statements were added."""
    from kamkit.core.research.coding import TARGETS, Segment, adjudicate, statements_for

    _allowed(user)
    if document.added_at is not None:
        raise ValidationError({"__all__": "this document's statements are already in the wave"})
    rows = list(document.segments.prefetch_related("codings"))
    identity = {t: t for t in TARGETS}
    coders = sorted({c.coder for row in rows for c in row.codings.all()})
    segments = []
    for row in rows:
        seg = Segment(document.name, row.index, row.text, row.speaker or None)
        seg.codes = {c.coder: set(c.targets) for c in row.codings.all()}
        if row.adjudicated is not None:  # the adjudicator's word is final
            kept = set(row.adjudicated)
        elif coders:
            kept = adjudicate(seg, identity, coders, rule)
        else:
            kept = set()
        seg.codes = {"kept": kept}
        segments.append(seg)
    with transaction.atomic():
        wave = DiagnosisCase.objects.select_for_update().get(pk=document.wave_id)
        case = _case(wave)
        try:
            statements = statements_for(
                segments,
                case,
                mapping=identity,
                coders=["kept"],
                rule="kept",
                unit=document.unit or None,
            )
        except ValueError as exc:
            raise ValidationError({"__all__": str(exc)}) from None
        new = replace(case, statements=(*case.statements, *statements))
        how = f"{rule} of {', '.join(coders)}" if coders else "not coded"
        write_wave(
            wave,
            new,
            f"Statements from {document.name} added on {timezone.localdate().isoformat()} "
            f"({how}; adjudicated where settled)",
        )
        document.added_at = timezone.now()
        document.save(update_fields=["added_at"])
    return len(statements)
