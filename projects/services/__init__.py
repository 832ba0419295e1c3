"""Writes of the projects app, by area. Every rule is checked before anything is saved, and
every refusal says why in French. What callers outside the package need is re-exported here."""

from projects.services.assessments import (
    NEW_ASSESSMENT,
    StaleAssessment,
    assessment_recompute,
    assessment_save_scores,
    assessment_submit,
    self_assessment_get_or_create,
    self_assessment_problems,
    self_assessment_save,
    stored_totals_match,
)
from projects.services.assignments import assignments_auto, assignments_create
from projects.services.attachments import (
    attachment_add,
    attachment_delete,
    attachment_problems,
    clean_display_name,
)
from projects.services.calls import (
    CALL_FIELDS,
    NEXT_STATUS,
    call_create,
    call_transition,
    call_transition_problems,
    call_update,
)
from projects.services.decisions import decision_record
from projects.services.pool import (
    invitation_accept,
    invitation_from_token,
    invitation_token,
    reviewer_pool_add,
    reviewer_pool_remove,
)
from projects.services.reviewing import (
    REVIEW_FIELDS,
    assignment_declare_conflict,
    assignment_recuse,
    review_problems,
    review_save,
    review_submit,
)
from projects.services.submissions import (
    PROJECT_FIELDS,
    in_call_territory,
    project_add_co_holder,
    project_create,
    project_remove_co_holder,
    project_submission_problems,
    project_submit,
    project_update,
    project_withdraw,
)

__all__ = [
    "CALL_FIELDS",
    "NEW_ASSESSMENT",
    "NEXT_STATUS",
    "PROJECT_FIELDS",
    "REVIEW_FIELDS",
    "StaleAssessment",
    "assessment_recompute",
    "assessment_save_scores",
    "assessment_submit",
    "assignment_declare_conflict",
    "assignment_recuse",
    "assignments_auto",
    "assignments_create",
    "attachment_add",
    "attachment_delete",
    "attachment_problems",
    "call_create",
    "call_transition",
    "call_transition_problems",
    "call_update",
    "clean_display_name",
    "decision_record",
    "in_call_territory",
    "invitation_accept",
    "invitation_from_token",
    "invitation_token",
    "project_add_co_holder",
    "project_create",
    "project_remove_co_holder",
    "project_submission_problems",
    "project_submit",
    "project_update",
    "project_withdraw",
    "review_problems",
    "review_save",
    "review_submit",
    "reviewer_pool_add",
    "reviewer_pool_remove",
    "self_assessment_get_or_create",
    "self_assessment_problems",
    "self_assessment_save",
    "stored_totals_match",
]
