"""Keeping the projects' search text (`Project.search_public`, `search_identity`) in step
with what it is folded from: a project's own fields on its save (`Project.save`), and its
holder organisation's name here, when the organisation is renamed."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Organisation
from projects.models import Project


@receiver(post_save, sender=Organisation, dispatch_uid="search_organisation_saved")
def _organisation_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    for project in Project.objects.filter(organisation=instance).select_related("commune"):
        project.organisation = instance
        before = project.search_identity
        project.derive_search_text()
        if project.search_identity != before:
            Project.objects.filter(pk=project.pk).update(search_identity=project.search_identity)
