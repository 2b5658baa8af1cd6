"""Inviting a customer person, accepting, and revoking access: the one path for the
pages and any future API."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from kamkit.web.accounts.models import Person, Side
from kamkit.web.users.models import Role, User

from .models import INVITATION_DAYS, Invitation


class InvitationRefused(Exception):
    """Why this person cannot be invited (in words for the KA manager)."""


def check_invitable(person: Person) -> None:
    if person.side != Side.CUSTOMER:
        raise InvitationRefused("only the customer's people are invited to the portal")
    if not person.email:
        raise InvitationRefused(f"{person.name} has no email address; add one first")
    if person.user_id and person.user.is_active:
        raise InvitationRefused(f"{person.name} already has access")
    taken = User.objects.filter(username__iexact=person.email).exclude(pk=person.user_id)
    if taken.exists():
        raise InvitationRefused(
            f"{person.email} is already the login of another kamkit user; use another address"
        )


def invite(person: Person, by: User, link_base: str) -> Invitation:
    """Create the invitation and email the link (Django's email backend: the console by
    default, SMTP when configured)."""
    check_invitable(person)
    invitation, secret = Invitation.issue(person, by)
    link = f"{link_base.rstrip('/')}/portal/invite/{secret}/"
    send_mail(
        subject=f"{person.account.name}: your access to kamkit",
        message=(
            f"Hello {person.name},\n\n"
            f"{by.get_full_name() or by.username} invites you to kamkit, where you and your "
            f"supplier's team share the joint initiatives, problems and ratings of your "
            f"relationship.\n\nSet your password here (the link works once, for "
            f"{INVITATION_DAYS} days):\n{link}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[person.email],
    )
    return invitation


@transaction.atomic
def accept(invitation: Invitation, password: str) -> User:
    """Create (or re-activate) the customer user of the invited person, set the password,
    and use up the invitation."""
    person = invitation.person
    user = person.user
    if user is None:
        user = User(
            username=invitation.email.lower(),
            email=invitation.email,
            first_name=person.name.split(" ")[0],
            last_name=" ".join(person.name.split(" ")[1:]),
            role=Role.CUSTOMER,
            account=person.account,
        )
    user.is_active = True
    user.set_password(password)
    user.save()
    if person.user_id != user.pk:
        person.user = user
        person.save(update_fields=["user", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return user


@transaction.atomic
def revoke(person: Person) -> None:
    """Close the person's access: the user can no longer log in, open links stop working.
    Everything they recorded stays, with its history."""
    now = timezone.now()
    Invitation.objects.filter(person=person, accepted_at=None, revoked_at=None).update(
        revoked_at=now
    )
    if person.user_id:
        User.objects.filter(pk=person.user_id).update(is_active=False)


def notify_supplier(account, text: str, link: str = "") -> int:
    """Tell the account's KA manager (and, when none is set, the directors) in kamkit,
    and by email when ``KAMKIT_NOTIFY_BY_EMAIL`` is on. Returns how many were told."""
    from .models import Notification

    recipients = [account.ka_manager] if account.ka_manager_id else []
    if not recipients:
        recipients = list(User.objects.filter(role=Role.KAM_DIRECTOR, is_active=True))
    Notification.objects.bulk_create(
        Notification(recipient=r, account=account, text=text[:300], link=link) for r in recipients
    )
    if getattr(settings, "KAMKIT_NOTIFY_BY_EMAIL", False):
        addresses = [r.email for r in recipients if r.email]
        if addresses:
            send_mail(
                subject=f"kamkit: {account.name}",
                message=text + (f"\n\n{link}" if link else ""),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=addresses,
                fail_silently=True,
            )
    return len(recipients)


def supplier_link(record) -> str:
    """Where the KA manager works on a problem or an initiative (a notification's link)."""
    from django.urls import reverse

    from kamkit.web.relationships.models import Problem

    name = "problem_edit" if isinstance(record, Problem) else "initiative_edit"
    return reverse(f"relationships:{name}", kwargs={"pk": record.pk})


def customer_creates(kind: str, user: User, data: dict):
    """A problem or initiative raised by a customer user, in the pages or the API: only the
    fields a customer may set (core rule), for its own account, with its own person as
    participant (problem) or owner (initiative); the KA manager is told. Raises Django's
    ``ValidationError`` naming the field when the record is not valid; nothing is saved
    then."""
    from kamkit.core import relationships as rules
    from kamkit.web.accounts.models import customer_person
    from kamkit.web.relationships.models import JointInitiative, Problem

    if user.role != Role.CUSTOMER or not user.account_id:
        raise PermissionError("only a customer user creates records as the customer")
    fields = rules.customer_record(kind, data)
    with transaction.atomic():
        me = customer_person(user, create=True)
        if kind == "problem":
            record = Problem(account_id=user.account_id, **fields)
        else:
            record = JointInitiative(account_id=user.account_id, customer_owner=me, **fields)
        record.full_clean()
        record.save()
        if kind == "problem":
            record.stage_changes.update(changed_by=user)  # its first stage, dated by save()
            record.participants.add(me)
            words = "raised a problem"
        else:
            words = "proposed an initiative"
        notify_supplier(record.account, f"{me.name} {words}: {record.title}", supplier_link(record))
    return record
