"""Signal receivers that keep search vectors current (connected in MarketplaceConfig.ready)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User, UserSkill

from .. import events
from ..models import Project, ProjectTag
from .indexing import search_index_project, search_index_user

USER_TEXT_FIELDS = {"name", "title", "bio"}


@receiver(events.project_published)
@receiver(events.project_updated)
def _index_project_on_event(sender, project, **kwargs):
    search_index_project(project.pk)


@receiver(post_save, sender=Project)
def _index_project_on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    # Counter updates (proposal_count, status moves) do not change the text; skip them.
    if raw or (update_fields is not None and not {"title", "description"} & set(update_fields)):
        return
    search_index_project(instance.pk)


@receiver(m2m_changed, sender=Project.skills.through)
def _index_project_on_skills(sender, instance, action, reverse=False, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        search_index_project(instance.pk)


@receiver(post_save, sender=ProjectTag)
@receiver(post_delete, sender=ProjectTag)
def _index_project_on_tag(sender, instance, raw=False, **kwargs):
    if not raw:
        search_index_project(instance.project_id)


@receiver(post_save, sender=User)
def _index_user_on_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and not USER_TEXT_FIELDS & set(update_fields)):
        return
    search_index_user(instance.pk)


@receiver(post_save, sender=UserSkill)
@receiver(post_delete, sender=UserSkill)
def _index_user_on_skill(sender, instance, raw=False, **kwargs):
    if not raw:
        search_index_user(instance.user_id)
