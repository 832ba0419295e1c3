"""The accounts app's models, by concept: users, organisations, memberships, the audit
journal, e-mail deliveries, form input safeguards, and joining (sign-ups and invitations)."""

# In the order the models were defined when they were one module, so that Django registers
# them, and creates their content types and permissions, in the same order as before.
# isort: off
from accounts.models.users import Language, User, UserManager
from accounts.models.organisations import LegalForm, Organisation, OrganisationCheck
from accounts.models.memberships import Membership, Role
from accounts.models.audit import AuditEvent, AuditEventQuerySet
from accounts.models.deliveries import DeliveryStatus, EmailDelivery
from accounts.models.form_input import INT64, IntegerFieldIn, SubmittedForm
from accounts.models.joining import OrganisationInvitation, SignupRequest

# isort: on

__all__ = [
    "INT64",
    "AuditEvent",
    "AuditEventQuerySet",
    "DeliveryStatus",
    "EmailDelivery",
    "IntegerFieldIn",
    "Language",
    "LegalForm",
    "Membership",
    "Organisation",
    "OrganisationCheck",
    "OrganisationInvitation",
    "Role",
    "SignupRequest",
    "SubmittedForm",
    "User",
    "UserManager",
]
