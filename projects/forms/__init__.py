"""Forms of the projects app, by area. Forms validate and render; the services decide."""

from projects.forms.assessments import NOT_APPLICABLE, AssessmentForm
from projects.forms.calls import CallFilterForm, CallForm
from projects.forms.dashboards import DashboardQueryForm, RankingFilterForm
from projects.forms.decisions import DecisionForm
from projects.forms.ids import posted_id, posted_ids
from projects.forms.reviewing import (
    AutoAssignForm,
    ConflictForm,
    InvitationAcceptForm,
    PoolAddForm,
    ReviewForm,
)
from projects.forms.submissions import AttachmentForm, CoHolderForm, ProjectForm

__all__ = [
    "NOT_APPLICABLE",
    "AssessmentForm",
    "AttachmentForm",
    "AutoAssignForm",
    "CallFilterForm",
    "CallForm",
    "CoHolderForm",
    "ConflictForm",
    "DashboardQueryForm",
    "DecisionForm",
    "InvitationAcceptForm",
    "PoolAddForm",
    "ProjectForm",
    "RankingFilterForm",
    "ReviewForm",
    "posted_id",
    "posted_ids",
]
