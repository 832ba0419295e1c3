"""Forms of the projects app, by area. Forms validate and render; the services decide."""

from projects.forms.assessments import NOT_APPLICABLE, AssessmentForm
from projects.forms.calls import CallFilterForm, CallForm
from projects.forms.dashboards import RankingFilterForm
from projects.forms.decisions import DecisionForm
from projects.forms.reviewing import (
    AutoAssignForm,
    ConflictForm,
    DueDateForm,
    InvitationAcceptForm,
    PoolAddForm,
    ReviewForm,
)
from projects.forms.submissions import AttachmentForm, CoHolderForm, ProjectForm

__all__ = [
    "DueDateForm",
    "NOT_APPLICABLE",
    "AssessmentForm",
    "AttachmentForm",
    "AutoAssignForm",
    "CallFilterForm",
    "CallForm",
    "CoHolderForm",
    "ConflictForm",
    "DecisionForm",
    "InvitationAcceptForm",
    "PoolAddForm",
    "ProjectForm",
    "RankingFilterForm",
    "ReviewForm",
]
