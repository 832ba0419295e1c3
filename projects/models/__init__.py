"""The projects app's models, by area: calls, submissions (projects and attachments),
assessments (self-assessments, reviews and scores), reviewing (assignments and invitations),
reminders and decisions. The models hold fields, constraints and the status groups; rules live in
services (writes) and selectors (reads)."""

from projects.models.assessments import (
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    Opinion,
    Score,
)
from projects.models.calls import (
    Call,
    CallStatus,
    EligibilityItem,
    FeedbackPolicy,
    ReviewerVisibility,
    SelfAssessmentPolicy,
)
from projects.models.decisions import (
    AidNature,
    Decision,
    DecisionStatus,
    Outcome,
    PaymentTerms,
)
from projects.models.reminders import REVIEWER_REMINDER_KINDS, Reminder, ReminderKind
from projects.models.reviewing import (
    ACTIVE_ASSIGNMENT_STATES,
    EXCLUDED_ASSIGNMENT_STATES,
    Assignment,
    AssignmentState,
    ReviewerInvitation,
)
from projects.models.submissions import (
    HIDDEN_PROJECT_STATUSES,
    MAX_ATTACHMENT_BYTES,
    WITHDRAWABLE_PROJECT_STATUSES,
    Attachment,
    Project,
    ProjectStatus,
    ScopeLevel,
    Stage,
    attachment_path,
)
from projects.models.summaries import (
    CallSummary,
    CriterionSummary,
    LevelSummary,
    ProjectSummary,
    ReviewerSummary,
    TerritorySummary,
)

__all__ = [
    "ACTIVE_ASSIGNMENT_STATES",
    "EXCLUDED_ASSIGNMENT_STATES",
    "HIDDEN_PROJECT_STATUSES",
    "MAX_ATTACHMENT_BYTES",
    "WITHDRAWABLE_PROJECT_STATUSES",
    "AidNature",
    "Assessment",
    "AssessmentKind",
    "AssessmentStatus",
    "Assignment",
    "AssignmentState",
    "Attachment",
    "Call",
    "CallSummary",
    "CriterionSummary",
    "LevelSummary",
    "CallStatus",
    "Decision",
    "DecisionStatus",
    "EligibilityItem",
    "FeedbackPolicy",
    "Opinion",
    "Outcome",
    "PaymentTerms",
    "Project",
    "ProjectStatus",
    "ProjectSummary",
    "REVIEWER_REMINDER_KINDS",
    "Reminder",
    "ReminderKind",
    "ReviewerInvitation",
    "ReviewerSummary",
    "TerritorySummary",
    "ReviewerVisibility",
    "Score",
    "ScopeLevel",
    "SelfAssessmentPolicy",
    "Stage",
    "attachment_path",
]
