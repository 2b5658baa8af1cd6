"""Inviting a customer person, accepting, and revoking access: the one path for the
pages and any future API."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from kamkit.web.accounts.models import Person, Side
from kamkit.web.users.models import Role, User

from .models import INVITATION_DAYS, Invitation

log = logging.getLogger(__name__)


class InvitationRefused(Exception):
    """Why this person cannot be invited (in words for the KA manager)."""


def check_invitable(person: Person) -> None:
    if person.side != Side.CUSTOMER:
        raise InvitationRefused("only the customer's people are invited to the portal")
    if not person.email:
        raise InvitationRefused(
            gettext_noop("{name} has no email address; add one first").format(name=person.name)
        )
    if person.user_id and person.user.is_active:
        raise InvitationRefused(f"{person.name} already has access")
    taken = User.objects.filter(username__iexact=person.email).exclude(pk=person.user_id)
    if taken.exists():
        raise InvitationRefused(
            f"{person.email} is already the login of another kamkit user; use another address"
        )


def invite(person: Person, by: User, link_base: str, language: str = "") -> Invitation:
    """Create the invitation and email the link (Django's email backend: the console by
    default, SMTP when configured), in ``language`` (one of ``settings.LANGUAGES``; empty:
    the installation's). The new login reads kamkit in that language too."""
    if language and language not in dict(settings.LANGUAGES):
        raise InvitationRefused(
            gettext_noop("{language} is not a language of kamkit").format(language=language[:20])
        )
    check_invitable(person)
    invitation, secret = Invitation.issue(person, by, language=language)
    link = f"{link_base.rstrip('/')}/portal/invite/{secret}/"
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = gettext("%(account)s: your access to kamkit") % {"account": person.account.name}
        message = gettext(
            "Hello %(name)s,\n\n"
            "%(by)s invites you to kamkit, where you and your supplier's team share the joint "
            "initiatives, problems and ratings of your relationship.\n\n"
            "Set your password here (the link works once, for %(days)s days):\n%(link)s\n"
        ) % {
            "name": person.name,
            "by": by.get_full_name() or by.username,
            "days": INVITATION_DAYS,
            "link": link,
        }
    send_mail(
        subject=subject,
        message=message,
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
    if invitation.language and not user.language:
        user.language = invitation.language
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


def absolute(link: str) -> str:
    """``link`` as an address that works outside kamkit (in an email): a path gets
    ``KAMKIT_BASE_URL`` in front; left as it is when that is not set (a warning is
    logged once) or when it is an address already."""
    if not link.startswith("/"):
        return link
    base = getattr(settings, "KAMKIT_BASE_URL", "")
    if not base:
        if not _WARNED:
            _WARNED.append(True)
            log.warning("KAMKIT_BASE_URL is not set: links in emails are paths only")
        return link
    return base + link


_WARNED: list[bool] = []


def _email_after_commit(account, recipients, text: str, link: str) -> None:
    """With ``KAMKIT_NOTIFY_BY_EMAIL`` on, mail the recipients once the write that caused
    it has committed (a rolled-back write sends nothing; the notification rows are part
    of the write itself). Each reads it in their own language (a user's choice; else the
    installation's), one mail per language."""
    from kamkit.web.labels import say

    if not getattr(settings, "KAMKIT_NOTIFY_BY_EMAIL", False):
        return
    by_language: dict[tuple[str, bool], list[str]] = {}
    for r in recipients:
        if r.email and getattr(r, "notify_by_email", True):  # a user may have said no
            language = getattr(r, "language", "") or settings.LANGUAGE_CODE
            user = isinstance(r, User)  # else a person without a login (an address)
            by_language.setdefault((language, user), []).append(r.email)
    for (language, user), addresses in by_language.items():
        with translation.override(language):
            # without a login a link leads to a login page they cannot pass: none then
            message = say(text) + (f"\n\n{absolute(link)}" if link and user else "")
            if user:
                footer = gettext(
                    "You get this because kamkit tells you by email of what needs you. "
                    "Every notification, and where to stop these emails: %(link)s"
                ) % {"link": absolute(reverse("portal:notifications"))}
            else:  # no login: the link would lead nowhere for them
                footer = gettext(
                    "You get this because your supplier tracks it with you in kamkit "
                    "(%(account)s). To stop these emails, tell your contact there."
                ) % {"account": account.name}
            message += "\n\n-- \n" + footer

        def send(addresses=addresses, message=message) -> None:
            send_mail(
                subject=f"kamkit: {account.name}",
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=addresses,
                fail_silently=True,
            )

        transaction.on_commit(send)


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
    _email_after_commit(account, recipients, text, link)
    return len(recipients)


def notify_people(account, users, emails, text: str, link: str = "") -> int:
    """Tell these users in kamkit and, with ``KAMKIT_NOTIFY_BY_EMAIL`` on, them and these
    further addresses (people without a login) by email. Returns how many were told."""
    from types import SimpleNamespace

    from .models import Notification

    users = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create(
        Notification(recipient=u, account=account, text=text[:300], link=link) for u in users
    )
    others = [SimpleNamespace(email=e) for e in emails if e]
    _email_after_commit(account, [*users, *others], text, link)
    return len(users) + len(others)


def notify_customer(account, text: str, link: str = "") -> int:
    """Tell the account's customer users (active ones) in kamkit, and by email when
    ``KAMKIT_NOTIFY_BY_EMAIL`` is on. Returns how many were told."""
    from .models import Notification

    recipients = list(User.objects.filter(role=Role.CUSTOMER, account=account, is_active=True))
    Notification.objects.bulk_create(
        Notification(recipient=r, account=account, text=text[:300], link=link) for r in recipients
    )
    _email_after_commit(account, recipients, text, link)
    return len(recipients)


def customer_link(record) -> str:
    """Where the customer's people see a shared problem or initiative."""
    from django.urls import reverse

    from kamkit.web.relationships.models import Problem

    name = "problem" if isinstance(record, Problem) else "initiative"
    return reverse(f"portal:{name}", kwargs={"pk": record.pk})


def supplier_link(record) -> str:
    """Where the KA manager works on a problem or an initiative (a notification's link)."""
    from django.urls import reverse

    from kamkit.web.relationships.models import Problem

    name = "problem_edit" if isinstance(record, Problem) else "initiative_edit"
    return reverse(f"relationships:{name}", kwargs={"pk": record.pk})


def mark_read(user: User, notification_id: int | None = None):
    """Mark one of the user's own notifications read (returned; ``DoesNotExist`` for
    anyone else's), or all of them when no id is given."""
    from .models import Notification

    mine = Notification.objects.filter(recipient=user)
    if notification_id is None:
        mine.filter(read_at=None).update(read_at=timezone.now())
        return None
    note = mine.get(pk=notification_id)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note
