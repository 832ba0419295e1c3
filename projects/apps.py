from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Appels et projets")

    def ready(self):
        # Connects the receivers that keep the dashboards' summaries in step with every save
        # of an assessment, an assignment or a project, and the projects' search text with
        # their organisation's name, in every process.
        from projects.services import search, summaries  # noqa: F401
