"""Keeping the projects' search text (`Project.search_public`, `search_identity`) in step
with what it is folded from: a project's own fields on its save (`Project.save`), and its
holder organisation's name here, when the organisation is renamed."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Organisation
from projects.models import Project
from territories.text import fold


@receiver(post_save, sender=Organisation, dispatch_uid="search_organisation_saved")
def _organisation_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # A project's identity text starts with its organisation's folded name (fold works
    # character by character): only the projects whose text does not are read again, none
    # on a save that leaves the name as it was.
    stale = Project.objects.filter(organisation=instance).exclude(
        search_identity__startswith=fold(f"{instance.name} ")
    )
    for project in stale.select_related("commune"):
        project.organisation = instance
        project.derive_search_text()
        Project.objects.filter(pk=project.pk).update(search_identity=project.search_identity)
