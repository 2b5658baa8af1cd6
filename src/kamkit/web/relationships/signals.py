"""Keep the person pairs current: whenever an interaction, its participants or a person
changes, the pairs of that account are recomputed (a few milliseconds even for the
largest account). Bulk loaders call ``rebuild_pairs`` themselves."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from kamkit.web.accounts.models import Person

from .models import Interaction
from .services import rebuild_pairs


@receiver(post_save, sender=Interaction, dispatch_uid="pairs_on_interaction")
def _interaction_saved(sender, instance: Interaction, raw: bool = False, **kwargs) -> None:
    if not raw:
        rebuild_pairs([instance.account_id])


@receiver(m2m_changed, sender=Interaction.participants.through, dispatch_uid="pairs_on_links")
def _participants_changed(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        rebuild_pairs([instance.account_id])


@receiver(post_save, sender=Person, dispatch_uid="pairs_on_person")
def _person_saved(
    sender, instance: Person, raw: bool = False, created: bool = False, **kwargs
) -> None:
    if not raw and not created:  # a new person has no interactions yet
        rebuild_pairs([instance.account_id])
