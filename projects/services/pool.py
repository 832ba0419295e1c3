"""A call's reviewer pool and the invitations to join it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import send_templated_email_on_commit
from accounts.models import Membership, Role, User
from accounts.services import audit_record, emailed_token, emailed_token_read
from projects.models import (
    Call,
    ReviewerInvitation,
)

INVITATION_SALT = "projects.reviewer-invitation"
INVITATION_MAX_AGE = 30 * 24 * 3600


def invitation_token(invitation: ReviewerInvitation) -> str:
    return emailed_token(invitation, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> ReviewerInvitation | None:
    """The pending invitation a signed token designates, or None (forged, expired, used)."""
    found = emailed_token_read(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    if found is None:
        return None
    pk, email = found
    return (
        ReviewerInvitation.objects.select_related("call__funder")
        .filter(pk=pk, email=email, accepted_at__isnull=True)
        .first()
    )


@transaction.atomic
def reviewer_pool_add(*, call: Call, email: str, by: User, accept_url, ip=None) -> str:
    """Add a reviewer to the call's pool by email: a reviewer of the call's own funder joins at
    once; anyone else, a reviewer of another organisation included, receives an invitation
    link (`accept_url(token)` builds its address) and joins only by accepting it. Returns
    "added" or "invited"; whether the address has an account elsewhere is never told."""
    email = User.objects.normalize_email(email.strip()).lower()
    colleague = Membership.objects.filter(
        user__email__iexact=email,
        user__is_active=True,
        organisation_id=call.funder_id,
        role=Role.REVIEWER,
    ).select_related("user")
    user = colleague[0].user if colleague else None
    if user is not None:
        call.reviewers.add(user)
        audit_record(actor=by, action="pool.add", obj=call, after={"reviewer": user.pk}, ip=ip)
        return "added"
    invitation = ReviewerInvitation.objects.create(call=call, email=email, invited_by=by)
    link = accept_url(invitation_token(invitation))
    send_templated_email_on_commit(
        "reviewer_invitation", {"call": call, "link": link}, [invitation.email]
    )
    return "invited"


@transaction.atomic
def reviewer_pool_remove(*, call: Call, reviewer: User, by: User, ip=None) -> None:
    """Leave the pool; existing assignments stay (recuse them to withdraw the reviewer)."""
    call.reviewers.remove(reviewer)
    audit_record(actor=by, action="pool.remove", obj=call, before={"reviewer": reviewer.pk}, ip=ip)


@transaction.atomic
def invitation_accept(
    *, invitation: ReviewerInvitation, user: User | None, full_name: str = "", password: str = ""
) -> User:
    """Accept an invitation: the signed-in user, or a new account created for the invited
    address, becomes a reviewer of the call's funder and joins the call's pool."""
    invitation = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("Cette invitation a déjà été acceptée."))
    # A forwarded link must not enrol whoever happens to be signed in.
    if user is not None and user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("Cette invitation est adressée à %(email)s : connectez-vous avec cette adresse.")
            % {"email": invitation.email}
        )
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _("Un compte existe déjà pour cette adresse : connectez-vous puis rouvrez le lien.")
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    Membership.objects.get_or_create(
        user=user, organisation=invitation.call.funder, role=Role.REVIEWER
    )
    invitation.call.reviewers.add(user)
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return user
