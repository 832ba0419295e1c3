"""Who belongs to an organisation: its managers invite colleagues by e-mail (signed,
single-use, expiring links), set their roles and remove them, never the last manager."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import send_templated_email_on_commit
from accounts.models import Membership, Organisation, OrganisationInvitation, Role, User
from accounts.rules import ORGANISATION_MANAGER_ROLES
from accounts.services import audit_record, create_once, emailed_token, emailed_token_read

INVITATION_SALT = "accounts.organisation-invitation"


def invitation_max_age() -> timedelta:
    return timedelta(days=settings.ORGANISATION_INVITATION_DAYS)


def organisation_roles(organisation: Organisation) -> list[str]:
    """The roles a member of this organisation may have: a funder's people manage calls or
    review; a holder organisation's people all hold its projects."""
    funder_side = organisation.memberships.filter(role__in=[Role.FUNDER, Role.REVIEWER]).exists()
    return [Role.FUNDER, Role.REVIEWER] if funder_side else [Role.HOLDER]


def invitation_token(invitation: OrganisationInvitation) -> str:
    return emailed_token(invitation, salt=INVITATION_SALT)


def invitation_from_token(token: str) -> OrganisationInvitation | None:
    """The pending invitation a signed token designates, or None (forged, expired, used,
    cancelled)."""
    found = emailed_token_read(
        token, salt=INVITATION_SALT, max_age=invitation_max_age().total_seconds()
    )
    if found is None:
        return None
    pk, email = found
    return (
        OrganisationInvitation.objects.select_related("organisation", "invited_by")
        .filter(
            pk=pk,
            email=email,
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
        )
        .first()
    )


def organisation_invite(
    *, organisation: Organisation, email: str, role: str, by: User, link, key=None, ip=None
) -> OrganisationInvitation:
    """Invite `email` into `organisation` with `role`: an e-mail with the link `link(token)`.
    Once per form `key` (a double click sends one invitation)."""
    email = User.objects.normalize_email(email).strip().lower()
    if role not in organisation_roles(organisation):
        raise ValidationError(_("Ce rôle n'existe pas dans cette structure."), code="role")
    if Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, role=role
    ).exists():
        raise ValidationError(
            _("Cette personne est déjà membre de la structure avec ce rôle."), code="member"
        )
    return create_once(
        key=key,
        user=by,
        create=lambda: _invitation_create(
            organisation=organisation, email=email, role=role, by=by, link=link, ip=ip
        ),
    )


@transaction.atomic
def _invitation_create(*, organisation, email, role, by, link, ip):
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=by
    )
    send_templated_email_on_commit(
        "organisation_invitation",
        {
            "organisation": organisation,
            "inviter": by.get_full_name(),
            "role": invitation.get_role_display(),
            "link": link(invitation_token(invitation)),
            "days": settings.ORGANISATION_INVITATION_DAYS,
        },
        [email],
    )
    audit_record(
        actor=by,
        action="organisation.invite",
        obj=organisation,
        after={"email": email, "role": role},
        ip=ip,
    )
    return invitation


@transaction.atomic
def organisation_invitation_cancel(*, invitation: OrganisationInvitation, by: User, ip=None):
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is None and invitation.cancelled_at is None:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])
        audit_record(
            actor=by,
            action="organisation.invitation_cancel",
            obj=invitation.organisation,
            before={"email": invitation.email, "role": invitation.role},
            ip=ip,
        )


@transaction.atomic
def organisation_invitation_accept(
    *, invitation: OrganisationInvitation, user: User | None, full_name: str = "", password=""
) -> User:
    """The signed-in person whose address was invited, or a new account for that address
    (the link proves the address), joins the organisation with the invitation's role."""
    invitation = OrganisationInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.cancelled_at is not None:
        raise ValidationError(_("Cette invitation n'est plus valable."), code="used")
    # A forwarded link must not enrol whoever happens to be signed in.
    if user is not None and user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("Cette invitation est adressée à %(email)s : connectez-vous avec cette adresse.")
            % {"email": invitation.email},
            code="other",
        )
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                _(
                    "Un compte existe déjà pour cette adresse : connectez-vous puis rouvrez "
                    "le lien."
                ),
                code="existing",
            )
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
    Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, role=invitation.role
    )
    invitation.accepted_by = user
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    audit_record(
        actor=user,
        action="organisation.join",
        obj=invitation.organisation,
        after={"user": user.pk, "role": invitation.role},
    )
    return user


def _managers_left(organisation_id: int, without: Membership) -> bool:
    """Whether the organisation keeps a manager once `without` goes. The organisation's
    memberships are locked first: two managers removing each other at once cannot both
    succeed."""
    memberships = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=organisation_id)
        .values_list("pk", "role")
    )
    return any(pk != without.pk and role in ORGANISATION_MANAGER_ROLES for pk, role in memberships)


def _last_manager() -> ValidationError:
    return ValidationError(
        _("La structure doit garder au moins un gestionnaire : nommez-en un autre d'abord."),
        code="last_manager",
    )


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str, by: User, ip=None) -> Membership:
    membership = Membership.objects.select_related("organisation").get(pk=membership.pk)
    if role not in organisation_roles(membership.organisation):
        raise ValidationError(_("Ce rôle n'existe pas dans cette structure."), code="role")
    if role == membership.role:
        return membership
    if role not in ORGANISATION_MANAGER_ROLES and not _managers_left(
        membership.organisation_id, membership
    ):
        raise _last_manager()
    if Membership.objects.filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id, role=role
    ).exists():
        raise ValidationError(_("Cette personne a déjà ce rôle."), code="duplicate")
    before = {"user": membership.user_id, "role": membership.role}
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=by,
        action="organisation.member_role",
        obj=membership.organisation,
        before=before,
        after={"user": membership.user_id, "role": role},
        ip=ip,
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: User, ip=None) -> None:
    membership = Membership.objects.select_related("organisation").get(pk=membership.pk)
    if membership.role in ORGANISATION_MANAGER_ROLES and not _managers_left(
        membership.organisation_id, membership
    ):
        raise _last_manager()
    audit_record(
        actor=by,
        action="organisation.member_remove",
        obj=membership.organisation,
        before={"user": membership.user_id, "role": membership.role},
        ip=ip,
    )
    membership.delete()


@transaction.atomic
def organisation_join_request(*, organisation: Organisation, email: str, full_name: str, link):
    """Tell an organisation's managers that someone who tried to register it asks to join;
    only the managers' invitation lets them in."""
    managers = User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__role__in=ORGANISATION_MANAGER_ROLES,
    ).distinct()
    send_templated_email_on_commit(
        "join_request",
        {"organisation": organisation, "email": email, "full_name": full_name, "link": link},
        list(managers),
    )
