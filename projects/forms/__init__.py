"""Forms of the projects app, by area. Forms validate and render; the services decide."""

from projects.forms.assessments import NOT_APPLICABLE, AssessmentForm
from projects.forms.calls import CallFilterForm, CallForm
from projects.forms.dashboards import DashboardQueryForm, RankingFilterForm
from projects.forms.decisions import (
    DECISION_FORM_FIELDS,
    CallTransitionForm,
    DecisionForm,
    PublishForm,
)
from projects.forms.ids import posted_id, posted_ids
from projects.forms.reviewing import (
    AutoAssignForm,
    ConflictForm,
    DueDateForm,
    InvitationAcceptForm,
    PoolAddForm,
    ReviewForm,
)
from projects.forms.search import SearchForm, search_field
from projects.forms.submissions import AttachmentForm, CoHolderForm, ProjectForm

__all__ = [
    "DueDateForm",
    "DECISION_FORM_FIELDS",
    "NOT_APPLICABLE",
    "AssessmentForm",
    "AttachmentForm",
    "AutoAssignForm",
    "CallFilterForm",
    "CallForm",
    "CallTransitionForm",
    "CoHolderForm",
    "ConflictForm",
    "DashboardQueryForm",
    "DecisionForm",
    "InvitationAcceptForm",
    "PoolAddForm",
    "ProjectForm",
    "PublishForm",
    "RankingFilterForm",
    "ReviewForm",
    "SearchForm",
    "search_field",
    "posted_id",
    "posted_ids",
]
