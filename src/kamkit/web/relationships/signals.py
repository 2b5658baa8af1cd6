"""Keep the interaction aggregates current: whenever an interaction, its participants or a
person changes, the person pairs and the weekly counts of that account are recomputed
(a few milliseconds even for the largest account); an interaction moved to another
account updates both accounts. Bulk loaders call ``rebuild_pairs`` and ``rebuild_weeks``
themselves."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from kamkit.web.accounts.models import Person

from .models import Interaction
from .services import rebuild_pairs, rebuild_weeks


def _accounts(instance: Interaction) -> list[int]:
    ids = [instance.account_id]
    previous = getattr(instance, "_kamkit_previous_account", None)
    if previous is not None and previous != instance.account_id:
        ids.append(previous)
    return ids


@receiver(pre_save, sender=Interaction, dispatch_uid="aggregates_before_interaction")
def _interaction_saving(sender, instance: Interaction, raw: bool = False, **kwargs) -> None:
    if not raw and instance.pk is not None:
        instance._kamkit_previous_account = (
            Interaction.objects.filter(pk=instance.pk).values_list("account_id", flat=True).first()
        )


@receiver(post_save, sender=Interaction, dispatch_uid="pairs_on_interaction")
def _interaction_saved(sender, instance: Interaction, raw: bool = False, **kwargs) -> None:
    if not raw:
        ids = _accounts(instance)
        rebuild_pairs(ids)
        rebuild_weeks(ids)


@receiver(post_delete, sender=Interaction, dispatch_uid="aggregates_on_interaction_delete")
def _interaction_deleted(sender, instance: Interaction, **kwargs) -> None:
    rebuild_pairs([instance.account_id])
    rebuild_weeks([instance.account_id])


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
