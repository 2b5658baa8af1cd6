"""Phase records → the account's effective phase, by the core rule."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from kamkit.core import relationships as rules
from kamkit.core.lifecycle import PhaseStatement, effective_phase
from kamkit.core.lifecycle.phases import check_decline_decision
from kamkit.web.accounts.models import Account, Person, can
from kamkit.web.base import (
    Conflict,
    by,
    check_all,
    copy_rows,
    insert_many,
    restore,
    save_versioned,
    soft_delete,
)

from .models import (
    DeclineDecision,
    Interaction,
    InteractionWeek,
    JointInitiative,
    PersonPair,
    PhaseRecord,
    Problem,
    ProblemStageChange,
    Pulse,
    UndoneStageMove,
)


def refresh_phases(account_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored effective phase of the given accounts (all when None) from
    their phase records, with one query for the records and one bulk update."""
    records = PhaseRecord.objects.alive()
    accounts = Account.objects.all()
    if account_ids is not None:
        ids = list(account_ids)
        records = records.filter(account_id__in=ids)
        accounts = accounts.filter(pk__in=ids)
    statements: dict[int, list[PhaseStatement]] = defaultdict(list)
    # oldest first: on a tie of dates the statement recorded later wins (core rule)
    for account_id, phase, source, on, reasons in records.order_by("recorded_on", "pk").values_list(
        "account_id", "phase", "source", "recorded_on", "reasons"
    ):
        statements[account_id].append(PhaseStatement(phase, source, on, tuple(reasons or ())))
    # accounts grouped by their new (phase, source, flag): one UPDATE per distinct triple
    # (a few dozen at most), rather than a CASE per account as bulk_update writes it
    changed: dict[tuple[str, str, bool], list[int]] = defaultdict(list)
    for pk, *current in accounts.values_list("pk", "phase", "phase_source", "phase_disagreement"):
        eff = effective_phase(statements.get(pk, ()))
        new = (eff.value or "", eff.source or "", eff.disagreement)
        if tuple(current) != new:
            changed[new].append(pk)
    with transaction.atomic():
        for (phase, source, flag), pks in changed.items():
            # a decline decision holds for the decline it was made in (SPEC §2.3)
            lapse = {} if phase == "decline" else {"decline_decision": ""}
            for start in range(0, len(pks), 900):
                Account.objects.filter(pk__in=pks[start : start + 900]).update(
                    phase=phase, phase_source=source, phase_disagreement=flag, **lapse
                )
    return sum(len(pks) for pks in changed.values())


def record_decline_decision(
    account: Account, decision: str, reason: str, user, decided_on: dt.date | None = None
) -> DeclineDecision:
    """Record revive or wind down for a declining account (SPEC §2.3): the one write path
    for the page, the API and the demo. Only the KAM director (or an administrator) and
    the account's KA manager may; the account must be in decline. Raises
    ``PermissionDenied`` or ``ValidationError`` naming each field (nothing is written then)."""
    if user is not None and not can(user, "change", account):
        raise PermissionDenied("only the KAM director and the account's KA manager decide")
    today = timezone.localdate()
    decided_on = decided_on or today
    with transaction.atomic():
        locked = Account.objects.select_for_update().get(pk=account.pk)
        errors = check_decline_decision(
            choice=decision, reason=reason, phase=locked.phase, on=decided_on, today=today
        )
        if errors:
            raise ValidationError(errors)
        record = DeclineDecision.objects.create(
            account=locked,
            decision=decision,
            decided_on=decided_on,
            reason=reason.strip(),
            decided_by=user,
        )
        Account.objects.filter(pk=account.pk).update(decline_decision=decision)
    account.decline_decision = decision
    return record


# -- one write path for problems and initiatives (issue 15) ----------------------------
# Each function takes the acting user, checks permission, applies the core rules, saves
# in one transaction and tells the other side after the commit. Pages, the API, the
# portal and the demo call these; none of them saves these records by itself. They raise
# PermissionDenied, or Django's ValidationError naming each field.


def acting_side(user, account: Account) -> str:
    """``customer`` for a customer user of this account, ``supplier`` for a user who may
    work on it; PermissionDenied for anyone else."""
    from kamkit.web.users.models import Role

    if user is not None and user.is_authenticated and user.role == Role.CUSTOMER:
        if user.account_id == account.pk:
            return "customer"
        raise PermissionDenied("a customer works on its own account only")
    if user is None or can(user, "change", account):  # None: kamkit itself (demo, imports)
        return "supplier"
    raise PermissionDenied("you may not work on this account")


def _name(user) -> str:
    if user is None:
        return "kamkit"
    person = Person.objects.filter(user=user).first()
    return person.name if person else (user.get_full_name() or user.username)


def _tell_other_side(side: str, record, text: str, link: str | None = None) -> None:
    """The supplier's KA manager when the customer acted; the customer's people when the
    supplier acted on a record shared with them. The notifications are written with the
    change (one transaction); their emails go after the commit."""
    from kamkit.web.portal.services import (
        customer_link,
        notify_customer,
        notify_supplier,
        supplier_link,
    )

    if side == "customer":
        notify_supplier(record.account, text, supplier_link(record) if link is None else link)
    elif getattr(record, "shared", False):
        notify_customer(record.account, text, customer_link(record) if link is None else link)


def _people(account: Account, people) -> list[Person]:
    """The given persons, each of this account (a person of another is a field error)."""
    out = list(people or ())
    wrong = [p for p in out if p.account_id != account.pk or p.deleted_at is not None]
    if wrong:
        raise ValidationError({"participants": f"{wrong[0]} is not a person of this account"})
    return out


def raise_problem(
    user,
    account: Account,
    *,
    title: str,
    framing: str = "",
    raised_on: dt.date | None = None,
    shared: bool = True,
    participants=(),
    details: dict | None = None,
) -> Problem:
    """A new problem, framed in the words of the side that raises it. A customer's is
    always shared, with its own person taking part; the supplier chooses whether the
    customer sees it and who takes part (people of either side of this account), and may
    record ``details`` (``raised_by``, ``customer_framing``, ``outcome``, ``lessons``) of a
    problem the customer raised outside kamkit."""
    from kamkit.web.accounts.models import customer_person

    side = acting_side(user, account)
    if side == "customer":
        fields = rules.customer_record(
            "problem", {"title": title, "customer_framing": framing, "raised_on": raised_on}
        )
        people = [customer_person(user, create=True)]
    else:
        fields = {
            "title": title,
            "supplier_framing": framing,
            "raised_by": "supplier",
            "shared": shared,
        }
        if raised_on is not None:
            fields["raised_on"] = raised_on
        allowed = ("raised_by", "customer_framing", "outcome", "lessons")
        fields.update({k: v for k, v in (details or {}).items() if k in allowed})
        people = _people(account, participants)
    fields = {k: v for k, v in fields.items() if v is not None}
    with transaction.atomic():
        problem = by(Problem(account=account, **fields), user)
        problem.full_clean()
        problem.save()  # dates its first stage
        problem.stage_changes.update(changed_by=user)
        problem.participants.set(people)
        _tell_other_side(
            side,
            problem,
            gettext_noop("{name} raised a problem: {title}").format(
                name=_name(user), title=problem.title
            ),
        )
    return problem


def create_initiative(user, account: Account, data: dict) -> JointInitiative:
    """A new joint initiative. A customer proposes one with the fields it may set (core
    rule), its own person as owner, shared; the supplier sets any field, and the owners
    must be people of this account on their side."""
    from kamkit.web.accounts.models import customer_person

    side = acting_side(user, account)
    with transaction.atomic():
        if side == "customer":
            fields = rules.customer_record("initiative", data)
            initiative = JointInitiative(
                account=account, customer_owner=customer_person(user, create=True), **fields
            )
            words = gettext_noop("{name} proposed an initiative: {title}")
        else:
            initiative = JointInitiative(account=account, **data)
            words = gettext_noop("{name} started an initiative: {title}")
        by(initiative, user).full_clean()
        initiative.save()
        _tell_other_side(side, initiative, words.format(name=_name(user), title=initiative.title))
    return initiative


class StepRefused(Conflict):
    """A step that is not open now (e.g. a contribution to a realized initiative): the
    message says why (409 in the API, a form error on the page)."""


def update_initiative(user, initiative: JointInitiative, changes: dict, version: int):
    """The supplier's team edits an initiative (any field, status and realized value
    included), with the version the editor loaded; the customer's people are told of a
    change to a shared initiative."""
    if acting_side(user, initiative.account) != "supplier":
        raise PermissionDenied("the customer changes only its own contribution")
    before = initiative.status
    with transaction.atomic():
        save_versioned(initiative, changes, version, user)
        what = (
            gettext_noop("{name} moved “{title}” to {status}").format(
                name=_name(user), title=initiative.title, status=initiative.status.replace("_", " ")
            )
            if initiative.status != before
            else gettext_noop("{name} updated “{title}”").format(
                name=_name(user), title=initiative.title
            )
        )
        _tell_other_side("supplier", initiative, what)
    return initiative


def update_contribution(user, initiative: JointInitiative, changes: dict, version: int):
    """The customer changes its own contribution (the fields it may set, core rule) while
    the initiative is open; the KA manager is told."""
    if acting_side(user, initiative.account) != "customer" or not initiative.shared:
        raise PermissionDenied("the customer's people change their own contribution")
    if why_not := rules.customer_contribution(initiative.status):
        raise StepRefused(f"Not now: {why_not}.")
    mine = {k: v for k, v in changes.items() if k in rules.CUSTOMER_CONTRIBUTION_FIELDS}
    if "customer_know_how" in mine:
        mine["customer_know_how"] = mine["customer_know_how"] or ""
    with transaction.atomic():
        save_versioned(initiative, mine, version, user)
        _tell_other_side(
            "customer",
            initiative,
            gettext_noop("{name} updated their contribution to “{title}”").format(
                name=_name(user), title=initiative.title
            ),
        )
    return initiative


def confirm_value(user, initiative: JointInitiative, value) -> JointInitiative:
    """The customer confirms the value it realized (core rule: while in delivery or
    realized; confirming realizes it), dated today; the KA manager is told."""
    if acting_side(user, initiative.account) != "customer" or not initiative.shared:
        raise PermissionDenied("the customer's people confirm the value they realized")
    changes, errors = rules.customer_confirmation(initiative.status, value)
    if "status" in errors:
        raise StepRefused(errors["status"])
    if errors:
        raise ValidationError(errors)
    changes["customer_confirmed_on"] = timezone.localdate()
    with transaction.atomic():
        save_versioned(initiative, changes, initiative.version, user)
        _tell_other_side(
            "customer",
            initiative,
            gettext_noop("{name} confirmed {value} of value realized from “{title}”").format(
                name=_name(user), value=value, title=initiative.title
            ),
        )
    return initiative


def comment_on_problem(user, problem: Problem, text: str, *, internal: bool = False):
    """A message on a problem: on the shared thread both sides read, or, for the
    supplier, an internal note the customer never sees. A customer writes only on the
    shared thread of a problem shared with it."""
    from .models import ProblemComment

    side = acting_side(user, problem.account)
    if side == "customer":
        if not problem.shared:
            raise PermissionDenied("this problem is not shared with you")
        internal = False
    elif internal is None:
        internal = False
    with transaction.atomic():
        comment = ProblemComment(
            problem=problem, author=user, side=side, text=(text or "").strip(), internal=internal
        )
        if not comment.text:
            raise ValidationError({"text": "write something first"})
        comment.full_clean()
        comment.save()
        if not internal:
            _tell_other_side(
                side,
                problem,
                gettext_noop("{name} commented on “{title}”").format(
                    name=_name(user), title=problem.title
                ),
            )
    return comment


def move_problem_stage(problem: Problem, stage: str, on, user, *, words: str = "") -> str | None:
    """Move a problem to a later stage and keep the date (not before the problem was
    raised, not ahead of tomorrow); returns the problem in words when the move is not
    allowed (nothing is changed then). The other side is told (the customer only of a
    shared problem), in ``words`` when given."""
    if message := rules.check_stage_move(problem.stage, stage):
        return message
    if stage == "jointly_defined" and (why := _definition_missing(problem)):
        return f"{why}: each side agrees on the problem page"
    on = on or timezone.localdate()
    if isinstance(on, dt.datetime):
        on = on.date()
    if errors := rules.check_day("on", on, timezone.localdate(), not_before=problem.raised_on):
        return errors["on"]
    side = acting_side(user, problem.account) if user is not None else "supplier"
    with transaction.atomic():
        save_versioned(problem, {"stage": stage}, problem.version, user)
        ProblemStageChange.objects.create(
            problem=problem, stage=stage, changed_on=on, changed_by=user
        )
        text = words or gettext_noop("{name} moved “{title}” to {stage}").format(
            name=_name(user), title=problem.title, stage=stage.replace("_", " ")
        )
        _tell_other_side(side, problem, text)
    return None


def customer_step(user, problem: Problem, step: str) -> str | None:
    """The customer's steps on a shared problem (SPEC §2.7): ``agree`` on the definition
    of a reported problem (``agree_definition``), ``confirm`` the resolution of a
    deployed one; its person takes part from then on. Returns why not in words, or None
    when done."""
    from kamkit.web.accounts.models import customer_person

    if acting_side(user, problem.account) != "customer" or not problem.shared:
        raise PermissionDenied("a customer takes these steps on problems shared with it")
    target, why_not = rules.customer_step(step, problem.stage)
    if target is None:
        return why_not
    me = customer_person(user, create=True)
    with transaction.atomic():
        if step == "agree":
            try:
                agree_definition(user, problem)
            except ValidationError as exc:
                return " ".join(m for ms in exc.message_dict.values() for m in ms)
        elif why_not := move_problem_stage(
            problem, target, None, user, words=f"{me.name} confirmed as solved “{problem.title}”"
        ):
            return why_not
        problem.participants.add(me)
    return None


def _definition_missing(problem: Problem) -> str | None:
    """What the problem's joint definition still lacks, in words (None: complete)."""
    return rules.check_joint_definition(
        supplier_framing=problem.supplier_framing,
        customer_framing=problem.customer_framing,
        supplier_agreed=problem.supplier_agreed_on is not None,
        customer_agreed=problem.customer_agreed_on is not None,
    )


def agree_definition(user, problem: Problem, *, for_customer: bool = False) -> Problem:
    """Record one side's agreement on a reported problem's definition (who and when);
    when both sides have framed it and both agreed, it becomes jointly defined (today).
    ``for_customer``: the supplier's team records the customer's agreement, allowed only
    while no customer person of the account has a login (as for the framing)."""
    side = acting_side(user, problem.account)
    if side == "customer" and not problem.shared:
        raise PermissionDenied("this problem is not shared with you")
    if for_customer:
        if side != "supplier" or customer_frames_itself(problem.account):
            raise PermissionDenied("the customer's people agree for themselves in kamkit")
        side = "customer"
    if problem.stage != "reported":
        raise ValidationError(
            {
                "stage": f"the problem is {problem.get_stage_display().lower()}; the definition "
                "is agreed while it is reported"
            }
        )
    empty = [f"{s}_framing" for s in rules.SIDES if not getattr(problem, f"{s}_framing").strip()]
    if empty:
        raise ValidationError(
            {f: "both sides frame the problem before agreeing on its definition" for f in empty}
        )
    with transaction.atomic():
        save_versioned(
            problem,
            {f"{side}_agreed_by": user, f"{side}_agreed_on": timezone.localdate()},
            problem.version,
            user,
        )
        if _definition_missing(problem) is None:
            message = move_problem_stage(
                problem,
                "jointly_defined",
                None,
                user,
                words=gettext_noop("{name} agreed: “{title}” is now jointly defined").format(
                    name=_name(user), title=problem.title
                ),
            )
            if message:
                raise ValidationError({"stage": message})
        else:
            _tell_other_side(
                "customer" if side == "customer" and not for_customer else "supplier",
                problem,
                gettext_noop("{name} agreed on the definition of “{title}”").format(
                    name=_name(user), title=problem.title
                ),
            )
    return problem


def customer_frames_itself(account: Account) -> bool:
    """Once a customer person of the account has a kamkit login, the customer's framing is
    theirs to write; before that the supplier's team may record what the customer said
    (kamkit rule, issue 15: each side frames only its own side)."""
    from kamkit.web.users.models import Role, User

    return User.objects.filter(role=Role.CUSTOMER, account=account, is_active=True).exists()


def edit_problem(user, problem: Problem, changes: dict, version: int, participants=None):
    """The supplier's team edits a problem (title, its own framing, who takes part,
    outcome, lessons, sharing). The customer's framing stays the customer's once a
    customer person has a login; a new framing of a reported problem asks both sides to
    agree again; the customer's people are told when our framing changes on a shared
    problem."""
    account = problem.account
    if acting_side(user, account) != "supplier":
        raise PermissionDenied("the customer frames and comments in its own pages")
    changes = dict(changes)
    if changes.get(
        "customer_framing", problem.customer_framing
    ) != problem.customer_framing and customer_frames_itself(account):
        raise ValidationError(
            {"customer_framing": "the customer's people write their own framing in kamkit"}
        )
    if changes.get("raised_by", problem.raised_by) != problem.raised_by and customer_frames_itself(
        account
    ):
        raise ValidationError(
            {"raised_by": "who raised it is kept once the customer's people work in kamkit"}
        )
    new_raised = changes.get("raised_on", problem.raised_on)
    later = problem.stage_changes.exclude(stage="reported").order_by("changed_on").first()
    if new_raised != problem.raised_on and later and later.changed_on < new_raised:
        raise ValidationError(
            {
                "raised_on": f"it moved to {later.get_stage_display().lower()} on "
                f"{later.changed_on.isoformat()}: it was raised before that"
            }
        )
    people = _people(account, participants) if participants is not None else None
    reframed = any(
        changes.get(f, getattr(problem, f)) != getattr(problem, f)
        for f in ("supplier_framing", "customer_framing")
    )
    if reframed and problem.stage == "reported":
        for side in rules.SIDES:
            changes[f"{side}_agreed_by"] = None
            changes[f"{side}_agreed_on"] = None
    ours_changed = changes.get("supplier_framing", problem.supplier_framing) != (
        problem.supplier_framing
    )
    with transaction.atomic():
        save_versioned(problem, changes, version, user)
        problem.stage_changes.filter(stage="reported").update(changed_on=problem.raised_on)
        if people is not None:
            problem.participants.set(people)
        if ours_changed:
            _tell_other_side(
                "supplier",
                problem,
                gettext_noop("{name} reframed “{title}”").format(
                    name=_name(user), title=problem.title
                ),
            )
    return problem


def frame_problem(user, problem: Problem, framing: str, version: int) -> Problem:
    """A side's own framing of a problem: the customer's people write the customer's, the
    supplier's team its own; never the other side's. With the version the editor loaded
    (StaleVersion when someone changed it since)."""
    side = acting_side(user, problem.account)
    if side == "customer" and not problem.shared:
        raise PermissionDenied("this problem is not shared with you")
    field = f"{side}_framing"
    changes: dict = {field: (framing or "").strip()}
    if problem.stage == "reported" and changes[field] != getattr(problem, field):
        # a new framing is a new definition: both sides agree again
        changes.update(
            supplier_agreed_by=None,
            supplier_agreed_on=None,
            customer_agreed_by=None,
            customer_agreed_on=None,
        )
    with transaction.atomic():
        save_versioned(problem, changes, version, user)
        _tell_other_side(
            side,
            problem,
            gettext_noop("{name} reframed “{title}”").format(name=_name(user), title=problem.title),
        )
    return problem


def undo_stage_move(user, problem: Problem, reason: str) -> UndoneStageMove:
    """Take back the problem's last stage move (a mis-click), with a reason: the problem
    returns to its previous stage; the move that was undone is kept, with who and why.
    The stage it was raised in cannot be undone. The supplier's side does this."""
    side = acting_side(user, problem.account)
    if side != "supplier":
        raise PermissionDenied("the supplier's team undoes stage moves")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "say why the move is taken back"})
    if errors := rules.check_texts({"note": reason}):
        raise ValidationError({"reason": errors["note"]})
    with transaction.atomic():
        moves = list(problem.stage_changes.select_for_update().order_by("changed_on", "pk"))
        if len(moves) < 2:
            raise ValidationError({"stage": "no stage move to undo: the problem is as raised"})
        last, previous = moves[-1], moves[-2]
        undone = UndoneStageMove.objects.create(
            problem=problem,
            stage=last.stage,
            changed_on=last.changed_on,
            changed_by=last.changed_by,
            back_to=previous.stage,
            undone_by=user,
            reason=reason,
        )
        last.delete()
        save_versioned(problem, {"stage": previous.stage}, problem.version, user)
        _tell_other_side(
            side,
            problem,
            gettext_noop("{name} took back the move of “{title}” to {stage}: {reason}").format(
                name=_name(user),
                title=problem.title,
                stage=last.stage.replace("_", " "),
                reason=reason,
            ),
        )
    return undone


# -- the timeline's entries: interactions, pulses, phase statements (issue 15) ------------


def record_pulse(user, account: Account, data: dict) -> Pulse:
    """A 1–7 pulse: a customer user rates for itself (its own person); the supplier's
    team records a pulse heard from a person of either side of this account. The KA
    manager is told of a customer's own rating."""
    from kamkit.web.accounts.models import customer_person

    side = acting_side(user, account)
    data = {k: v for k, v in data.items() if k != "version"}  # a form's, not a field
    if side == "customer":
        data["person"] = customer_person(user, create=True)
    elif data.get("person") is None or data["person"].account_id != account.pk:
        raise ValidationError({"person": "choose a person of this account"})
    with transaction.atomic():
        pulse = by(Pulse(account=account, **data), user)
        pulse.full_clean()
        pulse.save()
        if side == "customer":
            _tell_other_side(
                "customer",
                pulse,
                gettext_noop("{name} rated the relationship").format(name=_name(user)),
                "",
            )
    return pulse


def record_phase_view(
    user,
    account: Account,
    phase: str,
    *,
    source: str | None = None,
    person: Person | None = None,
    recorded_on: dt.date | None = None,
    note: str = "",
) -> PhaseRecord:
    """A phase statement: a customer user's own self-identification, or the supplier's
    team recording a view of either side or the KA manager's decision (core rule
    ``check_phase_statement``). The account's effective phase follows; the KA manager is
    told of a customer's view."""
    from django.urls import reverse

    from kamkit.web.accounts.models import customer_person

    side = acting_side(user, account)
    if side == "customer":
        source, person = "customer_self", customer_person(user, create=True)
    with transaction.atomic():
        record = by(
            PhaseRecord(
                account=account,
                phase=phase,
                source=source or "",
                person=person,
                recorded_by=user,
                recorded_on=recorded_on or timezone.localdate(),
                note=(note or "").strip(),
            ),
            user,
        )
        record.full_clean()
        record.save()  # refreshes the account's phase
        if side == "customer":
            _tell_other_side(
                "customer",
                record,
                gettext_noop("{name} sees the relationship in {phase}").format(
                    name=_name(user), phase=phase.replace("_", "-")
                ),
                reverse("relationships:phases", kwargs={"pk": account.pk}),
            )
    return record


def set_preferences(
    user, account: Account, data: dict, preference=None, version: int | None = None
):
    """How a customer person (or the whole account: no person) likes to be contacted:
    channels and the ideal band per 30 days (core rule). A customer user sets its own;
    the supplier's team records any customer person's or the account's. A new one when
    ``preference`` is None, else a versioned change. The KA manager is told of a
    customer's own change."""
    from kamkit.web.accounts.models import customer_person

    from .models import CommunicationPreference

    side = acting_side(user, account)
    data = dict(data)
    if side == "customer":
        data["person"] = customer_person(user, create=True)
    person = data.get("person", preference.person if preference else None)
    if person is not None and (person.account_id != account.pk or person.side != "customer"):
        raise ValidationError({"person": "choose a customer-side person of this account"})
    with transaction.atomic():
        if preference is None:
            preference = by(CommunicationPreference(account=account, **data), user)
            preference.full_clean()
            preference.save()
        else:
            save_versioned(preference, data, version or 0, user)
        if side == "customer":
            text = gettext_noop("{name} updated how to be contacted").format(name=_name(user))
            _tell_other_side("customer", preference, text, "")
    return preference


def log_interaction(user, account: Account, data: dict, participants=()) -> Interaction:
    """A contact logged by the supplier's team: the core rule (a two-way contact has a
    customer-side participant), the shared rules (dates, texts), the people of this
    account. The kept aggregates follow (signals)."""
    if acting_side(user, account) != "supplier":
        raise PermissionDenied("the supplier's team logs its contacts")
    people = _people(account, participants)
    if errors := rules.check_interaction(
        two_way=data.get("two_way", True), participant_sides=[p.side for p in people]
    ):
        raise ValidationError(errors)
    with transaction.atomic():
        interaction = by(Interaction(account=account, logged_by=user, **data), user)
        # the account and the user are the records in hand, not ids to look up; the
        # source-id constraint binds only contacts that came from a source (issue 17:
        # five queries of the 33 a contact took)
        interaction.full_clean(
            exclude=["account", "logged_by"], validate_constraints=bool(interaction.source)
        )
        interaction.save()
        interaction.participants.add(*people)  # a new contact has none to compare with
    return interaction


def edit_interaction(
    user, interaction: Interaction, changes: dict, version: int, participants=None
) -> Interaction:
    """Correct a logged contact, with the version the editor loaded (StaleVersion when
    someone changed it since); the history keeps who changed what."""
    account = interaction.account
    if acting_side(user, account) != "supplier":
        raise PermissionDenied("the supplier's team corrects its contacts")
    people = _people(account, participants) if participants is not None else None
    sides = [p.side for p in (people if people is not None else interaction.participants.all())]
    two_way = changes.get("two_way", interaction.two_way)
    if errors := rules.check_interaction(two_way=two_way, participant_sides=sides):
        raise ValidationError(errors)
    with transaction.atomic():
        save_versioned(interaction, changes, version, user)
        if people is not None:
            interaction.participants.set(people)
    return interaction


ENTRY_KINDS = {"interaction": Interaction, "pulse": Pulse, "phase": PhaseRecord}
"""The timeline entries the supplier's team deletes and restores."""


def not_ours(record) -> str | None:
    """Why the supplier's team may not change this timeline entry, or None: inferred
    phases are kamkit's, and what a customer person recorded in kamkit is theirs."""
    if isinstance(record, PhaseRecord) and record.source == "inferred":
        return "inferred phases are kamkit's; record a decision instead"
    person = getattr(record, "person", None)
    if person is not None and person.side == "customer" and person.user_id:
        return "the customer's people change what they recorded themselves"
    return None


def _entry_allowed(user, record) -> None:
    if acting_side(user, record.account) != "supplier":
        raise PermissionDenied("the supplier's team deletes and restores timeline entries")
    if why := not_ours(record):
        raise PermissionDenied(why)


def check_entry(user, record) -> None:
    """PermissionDenied unless ``user`` may change this timeline entry."""
    _entry_allowed(user, record)


def edit_entry(user, record, changes: dict, version: int):
    """Correct a pulse or a phase statement, with the version the editor loaded: the
    supplier's team what it recorded (not kamkit's inferred phases, not what a customer
    person recorded in kamkit); a customer user its own. The account's phase follows."""
    person = getattr(record, "person", None)
    own = person is not None and user is not None and person.user_id == user.pk
    if not (acting_side(user, record.account) == "customer" and own):
        _entry_allowed(user, record)
    elif "person" in changes and changes["person"] != person:
        raise ValidationError({"person": "a customer changes what it said itself"})
    person = changes.get("person")
    if person is not None and person.account_id != record.account_id:
        raise ValidationError({"person": "choose a person of this account"})
    with transaction.atomic():
        save_versioned(record, changes, version, user)
        if isinstance(record, PhaseRecord):
            refresh_phases([record.account_id])
    return record


def delete_entry(user, record) -> None:
    """Soft-delete an interaction, a pulse or a phase statement (restorable with
    ``restore_entry``); the aggregates and the account's phase follow."""
    _entry_allowed(user, record)
    with transaction.atomic():
        soft_delete(record, user)
        if isinstance(record, PhaseRecord):
            refresh_phases([record.account_id])


def restore_entry(user, record) -> None:
    """Undo ``delete_entry``."""
    _entry_allowed(user, record)
    with transaction.atomic():
        restore(record, user)
        if isinstance(record, PhaseRecord):
            refresh_phases([record.account_id])


# -- many records at once: the demo loader and, later, imports (issue 15, issue 16) -------


def _may_write_all(user, account_ids) -> None:
    if user is None:  # kamkit itself: the demo loader, a command line import
        return
    for account in Account.objects.filter(pk__in=set(account_ids)):
        if acting_side(user, account) != "supplier":
            raise PermissionDenied("bulk writes are the supplier's team's")


def log_interactions_in_bulk(
    user,
    items: list[tuple[Interaction, list[Person]]],
    *,
    skip_invalid: bool = False,
    rebuild: bool = True,
) -> dict[int, dict[str, str]]:
    """Many contacts at once (unsaved ``Interaction``s with their participants): each
    checked like ``log_interaction`` (the core rule, dates, texts, people of its
    account), all written in one transaction, the kept aggregates rebuilt once.

    All or nothing; with ``skip_invalid`` the valid ones, the problems of the others
    returned by position (0-based). An import that writes in chunks passes
    ``rebuild=False`` and calls ``rebuild_pairs``/``rebuild_weeks`` once at its end."""
    _may_write_all(user, [i.account_id for i, _ in items])
    problems: dict[int, dict[str, str]] = {}
    for n, (interaction, people) in enumerate(items):
        wrong = [p for p in people if p.account_id != interaction.account_id]
        errors = rules.check_interaction(
            two_way=interaction.two_way, participant_sides=[p.side for p in people]
        )
        if wrong:
            errors["participants"] = f"{wrong[0]} is not a person of this account"
        if errors:
            if not skip_invalid:
                raise ValidationError({f"record {n + 1}: {k}": v for k, v in errors.items()})
            problems[n] = errors
        interaction.logged_by = interaction.logged_by or user
    checked = [(n, i) for n, (i, _) in enumerate(items) if n not in problems]
    found = check_all([i for _, i in checked], exclude=["account"], collect=skip_invalid)
    for k, errors in found.items():
        problems[checked[k][0]] = errors
    valid = [item for n, item in enumerate(items) if n not in problems]
    through = Interaction.participants.through._meta.db_table
    with transaction.atomic():
        insert_many([i for i, _ in valid])
        links = [(i.pk, p.pk) for i, people in valid for p in people]
        # the link rows are two ids each: one statement for many, without a model each
        if connection.vendor == "postgresql":
            copy_rows(through, ("interaction_id", "person_id"), links)
        else:
            with connection.cursor() as cur:
                for start in range(0, len(links), 5000):
                    cur.executemany(
                        f"INSERT INTO {through} (interaction_id, person_id) VALUES (%s, %s)",
                        links[start : start + 5000],
                    )
        if rebuild:
            accounts = sorted({i.account_id for i, _ in valid})
            rebuild_pairs(accounts)
            rebuild_weeks(accounts)
        _assessed_records_changed({i.account_id for i, _ in valid})
    return problems


def add_records_in_bulk(user, records: list) -> int:
    """Many initiatives, pulses, preferences or phase statements at once (unsaved, one
    kind per call), each checked by its model's rules; all or nothing."""
    if not records:
        return 0
    _may_write_all(user, [r.account_id for r in records])
    check_all(records, exclude=["account"])
    with transaction.atomic():
        type(records[0]).objects.bulk_create(records, batch_size=1000)
        if isinstance(records[0], PhaseRecord):  # the accounts' phases follow
            refresh_phases({r.account_id for r in records})
        _assessed_records_changed({r.account_id for r in records})
    return len(records)


def add_problems_in_bulk(
    user,
    items: list[tuple[Problem, list[tuple[str, dt.date]], list[Person]]],
) -> int:
    """Many problems with their history at once: each problem (unsaved), the stages it
    reached with their dates (from its first, the day it was raised), and who works on
    it. The history obeys the same rules as a move: forward only, dated within the
    problem's life, and jointly defined only with both framings and both agreements."""
    _may_write_all(user, [p.account_id for p, _, _ in items])
    today = timezone.localdate()
    for n, (problem, stages, people) in enumerate(items, start=1):
        where = f"record {n}"
        current = "reported"
        for k, (stage, on) in enumerate(stages):
            if k == 0:
                if stage != "reported" or on != problem.raised_on:
                    raise ValidationError({f"{where}: stage": "it starts reported, when raised"})
                continue
            if message := rules.check_stage_move(current, stage):
                raise ValidationError({f"{where}: stage": message})
            if errors := rules.check_day("on", on, today, not_before=problem.raised_on):
                raise ValidationError({f"{where}: {stage}": errors["on"]})
            if stage == "jointly_defined" and (why := _definition_missing(problem)):
                raise ValidationError({f"{where}: stage": why})
            current = stage
        problem.stage = current
        if any(p.account_id != problem.account_id for p in people):
            raise ValidationError({f"{where}: participants": "people of its account only"})
    check_all([p for p, _, _ in items], exclude=["account"])
    with transaction.atomic():
        Problem.objects.bulk_create([p for p, _, _ in items], batch_size=1000)
        ProblemStageChange.objects.bulk_create(
            [
                ProblemStageChange(problem=p, stage=stage, changed_on=on, changed_by=user)
                for p, stages, _ in items
                for stage, on in stages
            ],
            batch_size=2000,
        )
        through = Problem.participants.through
        through.objects.bulk_create(
            [through(problem_id=p.pk, person_id=x.pk) for p, _, people in items for x in people],
            batch_size=2000,
        )
        _assessed_records_changed({p.account_id for p, _, _ in items})
    return len(items)


def _assessed_records_changed(account_ids: set[int]) -> None:
    """Bulk writes send no signals: they say themselves that the accounts' stored
    assessments are outdated (``assessment.services.records_changed``)."""
    from kamkit.web.assessment.services import records_changed

    records_changed(account_ids)


def _rebuild(
    table: str,
    account_ids: Iterable[int] | None,
    insert: str,
    part: tuple[str, list, str, list] | None = None,
    part_first: bool = False,
) -> None:
    """Replace an aggregate table's rows of the given accounts (all when None): one DELETE
    and one ``INSERT … SELECT`` over the interactions ``x``, whose ``{accounts}`` marks
    where the filter on the accounts goes. ``part``: only some rows of those accounts,
    as ``(condition on the table's rows, its parameters, condition on x, its
    parameters)``; ``part_first``: the part is the narrower filter, so the account's
    (``+x.account_id``: no index) does not lead SQLite's plan."""
    ids = None if account_ids is None else sorted(set(account_ids))
    if ids == []:
        return
    marks = "" if ids is None else ", ".join(["%s"] * len(ids))
    rows, row_params, source, source_params = part or ("", [], "", [])
    # one transaction for the two statements; inside a caller's, no savepoint of its own
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        if ids is None:
            cur.execute(f"DELETE FROM {table}")
            cur.execute(insert.format(accounts=""))
        else:
            cur.execute(
                f"DELETE FROM {table} WHERE account_id IN ({marks}) {rows}", ids + row_params
            )
            cur.execute(
                insert.format(
                    accounts=f"AND {'+' if part_first else ''}x.account_id IN ({marks}) {source}"
                ),
                ids + source_params,
            )


def rebuild_pairs(
    account_ids: Iterable[int] | None = None, people: Iterable[int] | None = None
) -> None:
    """Recompute the supplier–customer person pairs of the given accounts (all when None)
    from their living interactions; with ``people``, only the pairs of two of them (the
    participants of one contact that changed: its cost is their history's, not the
    account's, issue 17)."""
    x = Interaction._meta.db_table
    link = Interaction.participants.through._meta.db_table
    person = Person._meta.db_table
    pairs = PersonPair._meta.db_table
    _rebuild(
        pairs,
        account_ids,
        f"""
        INSERT INTO {pairs} (account_id, supplier_id, customer_id, first_at, last_at)
        SELECT x.account_id, sl.person_id, cl.person_id, MIN(x.occurred_at), MAX(x.occurred_at)
        FROM {x} x
        JOIN {link} sl ON sl.interaction_id = x.id
        JOIN {person} sp ON sp.id = sl.person_id AND sp.side = 'supplier'
        JOIN {link} cl ON cl.interaction_id = x.id
        JOIN {person} cp ON cp.id = cl.person_id AND cp.side = 'customer'
        WHERE x.deleted_at IS NULL {{accounts}}
        GROUP BY x.account_id, sl.person_id, cl.person_id
        """,
        _pairs_of(people),
        part_first=True,
    )


def extend_pairs(interaction: Interaction, added: Iterable[int]) -> None:
    """People were added to a living contact: each supplier–customer pair it now links
    that involves one of them starts no later and ends no earlier than the contact. An
    upsert of those rows, exact because adding never shrinks a pair, and as cheap on an
    account of 50,000 contacts as on a new one (issue 17); removals, moves and deletions
    recompute the pairs (``rebuild_pairs`` with ``people``)."""
    added = set(added)
    if interaction.deleted_at is not None or not added:
        return
    link = Interaction.participants.through
    sides = dict(
        Person.objects.filter(
            pk__in=link.objects.filter(interaction_id=interaction.pk).values("person_id")
        ).values_list("pk", "side")
    )
    suppliers = [pk for pk, side in sides.items() if side == "supplier"]
    customers = [pk for pk, side in sides.items() if side == "customer"]
    at = connection.ops.adapt_datetimefield_value(interaction.occurred_at)
    rows = [
        (interaction.account_id, s, c, at, at)
        for s in suppliers
        for c in customers
        if s in added or c in added
    ]
    if not rows:
        return
    t = PersonPair._meta.db_table
    with connection.cursor() as cur:
        cur.executemany(
            f"""
            INSERT INTO {t} (account_id, supplier_id, customer_id, first_at, last_at)
            VALUES (%s, %s, %s, %s, %s)
            ON CONFLICT (account_id, supplier_id, customer_id) DO UPDATE SET
                first_at = CASE WHEN excluded.first_at < {t}.first_at
                           THEN excluded.first_at ELSE {t}.first_at END,
                last_at = CASE WHEN excluded.last_at > {t}.last_at
                          THEN excluded.last_at ELSE {t}.last_at END
            """,
            rows,
        )


def _pairs_of(people: Iterable[int] | None) -> tuple[str, list, str, list] | None:
    if people is None:
        return None
    ids = sorted(set(people)) or [0]  # nobody: no pair (ids start at 1)
    marks = ", ".join(["%s"] * len(ids))
    both = "{s} IN ({m}) AND {c} IN ({m})"
    return (
        "AND " + both.format(s="supplier_id", c="customer_id", m=marks),
        ids + ids,
        "AND " + both.format(s="sl.person_id", c="cl.person_id", m=marks),
        ids + ids,
    )


def count_if(condition: str) -> str:
    """SQL that counts the rows of a group where ``condition`` holds, on either database."""
    if connection.vendor == "postgresql":
        return f"COUNT(*) FILTER (WHERE {condition})"
    return f"SUM({condition})"  # SQLite: a condition is 0 or 1


def week_of(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: the key of ``InteractionWeek``."""
    return day - dt.timedelta(days=day.weekday())


def utc_week(moment: dt.datetime) -> dt.date:
    """The key of ``InteractionWeek`` for a moment: the Monday of its UTC date."""
    return week_of(moment.astimezone(dt.UTC).date())


def rebuild_weeks(
    account_ids: Iterable[int] | None = None, weeks: Iterable[dt.date] | None = None
) -> None:
    """Recompute the weekly interaction counts of the given accounts (all when None) from
    their living interactions; with ``weeks`` (Mondays), only those weeks (a contact
    logged or moved changes one or two: its cost is theirs, not the account's, issue 17).
    The week is the Monday of the interaction's UTC date, whatever the firm's time
    zone."""
    x = Interaction._meta.db_table
    table = InteractionWeek._meta.db_table
    if connection.vendor == "postgresql":
        week = "(date_trunc('week', x.occurred_at AT TIME ZONE 'UTC'))::date"
    else:  # SQLite keeps UTC text; back six days, then forward to the next Monday
        week = "date(x.occurred_at, '-6 days', 'weekday 1')"
    counts = ", ".join(
        count_if(cond)
        for cond in (
            "x.initiated_by = 'customer'",
            "x.two_way",
            "x.content = 'strategic'",
            "x.formality = 'formal'",
        )
    )
    _rebuild(
        table,
        account_ids,
        f"""
        INSERT INTO {table}
            (account_id, week, interactions, by_customer, two_way, strategic, formal)
        SELECT x.account_id, {week}, COUNT(*), {counts}
        FROM {x} x
        WHERE x.deleted_at IS NULL {{accounts}}
        GROUP BY x.account_id, {week}
        """,
        _weeks_of(weeks),
    )


def _weeks_of(weeks: Iterable[dt.date] | None) -> tuple[str, list, str, list] | None:
    if weeks is None:
        return None
    mondays = sorted(set(weeks))
    if not mondays:
        return ("AND 1 = 0", [], "AND 1 = 0", [])
    ops = connection.ops
    keys = [ops.adapt_datefield_value(m) for m in mondays]
    ranges: list = []
    for m in mondays:
        start = dt.datetime.combine(m, dt.time.min, tzinfo=dt.UTC)
        ranges += [
            ops.adapt_datetimefield_value(start),
            ops.adapt_datetimefield_value(start + dt.timedelta(days=7)),
        ]
    within = " OR ".join(["(x.occurred_at >= %s AND x.occurred_at < %s)"] * len(mondays))
    marks = ", ".join(["%s"] * len(mondays))
    return (f"AND week IN ({marks})", keys, f"AND ({within})", ranges)


def set_internal_units(user, record: Problem | JointInitiative, units: Iterable) -> list:
    """Name the internal units involved in a problem or an initiative (issue 18: the
    diagnosis reads them as evidence). The supplier's team only: it is internal, and the
    customer never sees it. ``units``: InternalUnit records or their ids; every id must
    exist (``ValidationError`` on ``internal_units`` otherwise; nothing changes then)."""
    from kamkit.web.accounts.models import InternalUnit

    if acting_side(user, record.account) != "supplier":
        raise PermissionDenied("the supplier's team names the internal units involved")
    ids = []
    for unit in units:
        ids.append(unit.pk if isinstance(unit, InternalUnit) else unit)
    if any(not isinstance(i, int) or isinstance(i, bool) for i in ids):
        raise ValidationError({"internal_units": "expected the ids of internal units"})
    found = list(InternalUnit.objects.filter(pk__in=ids))
    missing = sorted(set(ids) - {u.pk for u in found})
    if missing:
        raise ValidationError({"internal_units": f"no internal unit with id {missing[0]}"})
    with transaction.atomic():
        record.internal_units.set(found)
    return found


# -- the account plan (issue 20) ---------------------------------------------------------


def _linked(account: Account, records, kind: str) -> list:
    out = list(records or ())
    wrong = [r for r in out if r.account_id != account.pk or r.deleted_at is not None]
    if wrong:
        raise ValidationError({kind: f"“{wrong[0]}” is not of this account"})
    return out


def save_objective(
    user,
    account: Account,
    data: dict,
    *,
    objective=None,
    version: int | None = None,
    initiatives=None,
    problems=None,
):
    """Add an objective to the account plan, or change one with the version the editor
    loaded; its initiatives and problems must be of the account. The supplier's team
    only (the customer comments on shared ones)."""
    from django.urls import reverse

    from .models import Objective

    if acting_side(user, account) != "supplier":
        raise PermissionDenied("the supplier's team keeps the account plan")
    initiatives = _linked(account, initiatives, "initiatives")
    problems = _linked(account, problems, "problems")
    with transaction.atomic():
        if objective is None:
            objective = by(Objective(account=account, **data), user)
            objective.full_clean()
            objective.save()
            words = gettext_noop("{name} added a shared objective: {title}")
        else:
            objective = save_versioned(objective, data, version, user)
            words = gettext_noop("{name} changed the shared objective: {title}")
        objective.initiatives.set(initiatives)
        objective.problems.set(problems)
        if objective.shared:
            _tell_other_side(
                "supplier",
                objective,
                words.format(name=_name(user), title=objective.title),
                reverse("relationships:account_plan", kwargs={"pk": account.pk}),
            )
    return objective


def review_objective(user, objective, current_value, version: int):
    """Record where an objective stands today: its current value and the review day (the
    next review is a cadence later)."""
    if acting_side(user, objective.account) != "supplier":
        raise PermissionDenied("the supplier's team reviews the account plan")
    return save_versioned(
        objective,
        {"current_value": current_value, "last_reviewed_on": timezone.localdate()},
        version,
        user,
    )


def comment_on_objective(user, objective, text: str):
    """A comment on an objective: the customer on a shared one (the mutual plan), the
    supplier's team on any; the other side is told of it when it is shared."""
    from django.urls import reverse

    from .models import ObjectiveComment

    side = acting_side(user, objective.account)
    if side == "customer" and not objective.shared:
        raise PermissionDenied("this objective is not shared with you")
    with transaction.atomic():
        comment = ObjectiveComment(
            objective=objective, author=user, side=side, text=(text or "").strip()
        )
        if not comment.text:
            raise ValidationError({"text": "write something first"})
        comment.full_clean()
        comment.save()
        if objective.shared:
            _tell_other_side(
                side,
                objective,
                gettext_noop("{name} commented on the objective “{title}”").format(
                    name=_name(user), title=objective.title
                ),
                reverse("relationships:account_plan", kwargs={"pk": objective.account_id}),
            )
    return comment


# -- tasks (issue 20) --------------------------------------------------------------------


def create_task(user, account: Account, data: dict):
    """A task on the account, owned by someone of our side (a kamkit user) or of the
    customer's (then it is shared, so the customer sees it). The supplier's team creates
    tasks; the owner is told."""
    from django.urls import reverse

    from kamkit.web.portal.services import notify_people

    from .models import Task

    if acting_side(user, account) != "supplier":
        raise PermissionDenied("the supplier's team assigns tasks")
    owner = data.get("owner")
    if owner is not None and (owner.role == "customer" or not owner.is_active):
        raise ValidationError({"owner": "choose someone of our side, or a customer contact"})
    with transaction.atomic():
        task = by(Task(account=account, created_by=user, **data), user)
        if task.owner_person_id:
            task.shared = True
        task.full_clean()
        task.save()
        link = reverse("tasks")
        words = gettext_noop("{name} gave you a task on {account}: {title} (due {due})").format(
            name=_name(user), account=account.name, title=task.title, due=task.due_on
        )
        if task.owner_id and task.owner_id != getattr(user, "pk", None):
            notify_people(account, [task.owner], [], words, link)
        elif task.owner_person_id:
            person = task.owner_person
            notify_people(
                account,
                [person.user] if person.user_id else [],
                [] if person.user_id else [person.email],
                words,
                link,
            )
    return task


def update_task(user, task, changes: dict, version: int):
    """Change a task (title, due day, done) with the version the editor loaded: the
    supplier's team of the account."""
    if acting_side(user, task.account) != "supplier":
        raise PermissionDenied("the supplier's team changes tasks; an owner ticks theirs off")
    return save_versioned(task, changes, version, user)


def complete_task(user, task, done: bool = True):
    """Mark a task done (or open again): its owner, or the supplier's team of the account."""
    side = acting_side(user, task.account)
    own = task.owner_id == user.pk or (
        task.owner_person_id is not None and task.owner_person.user_id == user.pk
    )
    if side == "customer" and not own:
        raise PermissionDenied("only the task's owner marks it done")
    return save_versioned(
        task, {"done_on": timezone.localdate() if done else None}, task.version, user
    )


def remind_due_tasks(today=None) -> int:
    """Remind each owner of an open task due today or earlier, once (in kamkit, and by
    email where notifications go by email). Returns how many tasks were reminded."""
    from django.urls import reverse

    from kamkit.web.portal.services import notify_people

    from .models import Task

    today = today or timezone.localdate()
    due = Task.objects.open().filter(due_on__lte=today, reminded_on=None)
    count = 0
    for task in due.select_related("account", "owner", "owner_person__user"):
        template = (
            gettext_noop("Task due today on {account}: {title}")
            if task.due_on == today
            else gettext_noop("Task due since {due} on {account}: {title}")
        )
        text = template.format(account=task.account.name, title=task.title, due=task.due_on)
        with transaction.atomic():
            if task.owner_id:
                notify_people(task.account, [task.owner], [], text, reverse("tasks"))
            else:
                person = task.owner_person
                users = [person.user] if person.user_id else []
                notify_people(
                    task.account,
                    users,
                    [] if users else [person.email],
                    text,
                    reverse("tasks"),
                )
            Task.objects.filter(pk=task.pk).update(reminded_on=today)
        count += 1
    return count
