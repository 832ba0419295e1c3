"""An organisation's members: invitations by e-mail, roles, removal, several organisations
and the current one."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Membership, OrganisationInvitation, Role, User
from tests.accounts.test_create_once import call_data
from tests.factories import (
    PASSWORD,
    CallFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with the e-mails a request queues on commit sent at once."""
    post = client.post

    def post_and_send(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_send
    return client


@pytest.fixture
def manager():
    return MembershipFactory(role=Role.HOLDER)


def members_url(organisation):
    return reverse("accounts:organisation_members", args=[organisation.pk])


def invitation_link(message) -> str:
    return re.search(r"https?://[^/]+(/comptes/invitation/\S+/)", message.body).group(1)


def invite(client, manager, email="collegue@exemple.fr", role=Role.HOLDER, **extra):
    client.force_login(manager.user)
    return client.post(members_url(manager.organisation), {"email": email, "role": role, **extra})


def test_a_manager_invites_a_colleague_who_creates_an_account_and_joins(client, manager):
    invite(client, manager)
    client.post(reverse("accounts:logout"))

    link = invitation_link(mail.outbox[0])
    page = client.get(link)
    response = client.post(link, {"full_name": "Alex Collègue", "password": "un-mot-de-passe-2026"})

    assert page.status_code == 200
    assert response["Location"] == reverse("projects:landing")
    colleague = User.objects.get(email="collegue@exemple.fr")
    assert colleague.check_password("un-mot-de-passe-2026")
    assert Membership.objects.get(user=colleague).organisation == manager.organisation
    assert client.session["_auth_user_id"] == str(colleague.pk)
    assert manager.organisation.name in mail.outbox[0].subject


def test_an_invited_person_with_an_account_logs_in_then_joins(client, manager):
    colleague = user_with_role(Role.HOLDER)
    invite(client, manager, email=colleague.email.upper())
    link = invitation_link(mail.outbox[0])
    client.force_login(colleague)

    client.post(link)

    assert set(colleague.memberships.values_list("organisation_id", flat=True)) == {
        colleague.memberships.exclude(organisation=manager.organisation).get().organisation_id,
        manager.organisation.pk,
    }


def test_an_invitation_link_works_once(client, manager):
    invite(client, manager)
    link = invitation_link(mail.outbox[0])
    client.post(reverse("accounts:logout"))
    client.post(link, {"full_name": "Alex", "password": "un-mot-de-passe-2026"})
    client.post(reverse("accounts:logout"))

    again = client.post(link, {"full_name": "Autre", "password": "un-mot-de-passe-2026"})

    assert again.status_code == 404
    assert User.objects.filter(email="collegue@exemple.fr").count() == 1


def test_an_invitation_link_expires(client, manager, settings):
    settings.ORGANISATION_INVITATION_DAYS = 14
    invite(client, manager)
    link = invitation_link(mail.outbox[0])
    client.post(reverse("accounts:logout"))

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        response = client.get(link)

    assert response.status_code == 404


def test_a_cancelled_invitation_link_no_longer_works(client, manager):
    invite(client, manager)
    invitation = OrganisationInvitation.objects.get()

    client.post(
        reverse("accounts:invitation_cancel", args=[manager.organisation.pk, invitation.pk])
    )
    client.post(reverse("accounts:logout"))

    assert client.get(invitation_link(mail.outbox[0])).status_code == 404


def test_a_forwarded_link_does_not_enrol_whoever_is_signed_in(client, manager):
    invite(client, manager)
    link = invitation_link(mail.outbox[0])
    someone = user_with_role(Role.HOLDER)
    client.force_login(someone)

    response = client.post(link, follow=True)

    assert "connectez-vous avec cette adresse" in response.content.decode()
    assert not someone.memberships.filter(organisation=manager.organisation).exists()


def test_an_invitation_for_an_existing_account_asks_to_log_in(client, manager):
    UserFactory(email="collegue@exemple.fr")
    invite(client, manager)
    client.post(reverse("accounts:logout"))

    response = client.post(
        invitation_link(mail.outbox[0]), {"full_name": "X", "password": "un-mot-de-passe-2026"}
    )

    assert "connectez-vous puis rouvrez le lien" in response.content.decode()
    assert not Membership.objects.filter(user__email="collegue@exemple.fr").exists()


def test_a_double_clicked_invitation_sends_one(client, manager):
    key = "4f1c2a9e-0b6d-4c55-8a3b-2e1d0c9b8a7f"
    invite(client, manager, once=key)
    invite(client, manager, once=key)

    assert OrganisationInvitation.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_invitation_refuses_a_bad_address_or_role_at_the_field(client, manager):
    bad_email = invite(client, manager, email="pas-une-adresse")
    bad_role = invite(client, manager, role=Role.FUNDER)

    assert "adresse e-mail valide" in str(bad_email.context["form"].errors["email"])
    assert bad_role.context["form"].errors["role"]
    assert OrganisationInvitation.objects.count() == 0


def test_a_funder_manager_sets_a_colleague_s_role_and_it_is_journalled(client):
    funder = MembershipFactory(role=Role.FUNDER)
    colleague = MembershipFactory(organisation=funder.organisation, role=Role.FUNDER)
    client.force_login(funder.user)

    client.post(
        reverse("accounts:membership_role", args=[funder.organisation.pk, colleague.pk]),
        {"role": Role.REVIEWER},
    )

    colleague.refresh_from_db()
    assert colleague.role == Role.REVIEWER
    event = AuditEvent.objects.get(action="organisation.member_role")
    assert (event.before["role"], event.after["role"]) == (Role.FUNDER, Role.REVIEWER)


def test_the_last_manager_can_be_neither_demoted_nor_removed(client):
    funder = MembershipFactory(role=Role.FUNDER)
    reviewer = MembershipFactory(organisation=funder.organisation, role=Role.REVIEWER)
    client.force_login(funder.user)

    demoted = client.post(
        reverse("accounts:membership_role", args=[funder.organisation.pk, funder.pk]),
        {"role": Role.REVIEWER},
        follow=True,
    )
    removed = client.post(
        reverse("accounts:membership_delete", args=[funder.organisation.pk, funder.pk]),
        follow=True,
    )

    funder.refresh_from_db()
    assert funder.role == Role.FUNDER
    assert Membership.objects.filter(pk=funder.pk).exists()
    assert "au moins un gestionnaire" in demoted.content.decode()
    assert "au moins un gestionnaire" in removed.content.decode()
    assert reviewer.role == Role.REVIEWER


def test_a_manager_removes_a_colleague(client, manager):
    colleague = MembershipFactory(organisation=manager.organisation, role=Role.HOLDER)
    client.force_login(manager.user)

    client.post(reverse("accounts:membership_delete", args=[manager.organisation.pk, colleague.pk]))

    assert not Membership.objects.filter(pk=colleague.pk).exists()


@pytest.mark.parametrize("role", [Role.REVIEWER])
def test_a_reviewer_member_cannot_manage_members(client, role):
    funder = MembershipFactory(role=Role.FUNDER)
    reviewer = MembershipFactory(organisation=funder.organisation, role=role)
    client.force_login(reviewer.user)
    organisation = funder.organisation

    assert client.get(members_url(organisation)).status_code == 403
    assert (
        client.post(members_url(organisation), {"email": "x@exemple.fr", "role": role}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("accounts:membership_delete", args=[organisation.pk, funder.pk])
        ).status_code
        == 403
    )
    assert Membership.objects.filter(pk=funder.pk).exists()
    assert OrganisationInvitation.objects.count() == 0


def test_another_organisation_s_manager_cannot_touch_members(client, manager):
    other = MembershipFactory(role=Role.HOLDER)
    colleague = MembershipFactory(organisation=manager.organisation, role=Role.HOLDER)
    invitation = OrganisationInvitation.objects.create(
        organisation=manager.organisation, email="x@exemple.fr", role=Role.HOLDER
    )
    client.force_login(other.user)
    organisation = manager.organisation

    responses = [
        client.get(members_url(organisation)),
        client.post(
            reverse("accounts:membership_role", args=[organisation.pk, colleague.pk]),
            {"role": Role.HOLDER},
        ),
        client.post(reverse("accounts:membership_delete", args=[organisation.pk, colleague.pk])),
        client.post(reverse("accounts:invitation_cancel", args=[organisation.pk, invitation.pk])),
        # A membership of another organisation through one's own organisation's address.
        client.post(
            reverse("accounts:membership_delete", args=[other.organisation.pk, colleague.pk])
        ),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403, 404]
    assert Membership.objects.filter(pk=colleague.pk).exists()
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, manager):
    response = client.get(members_url(manager.organisation))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_person_of_several_organisations_switches_and_creates_for_the_current_one(client):
    first = MembershipFactory(role=Role.FUNDER, organisation__name="A — Région")
    second = MembershipFactory(
        user=first.user, role=Role.FUNDER, organisation__name="B — Fondation"
    )
    client.force_login(first.user)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Changer de structure" in profile

    client.post(reverse("accounts:organisation_switch"), {"organisation": second.organisation.pk})
    client.post(
        reverse("projects:call_create"),
        call_data(title="Appel de la fondation"),
    )

    from projects.models import Call  # a test of accounts reads the call it made

    assert list(Call.objects.values_list("funder_id", flat=True)) == [second.organisation.pk]
    assert client.session["current_organisation"] == second.organisation.pk


def test_switching_to_an_organisation_one_is_not_part_of_is_refused(client, manager):
    stranger = OrganisationFactory()
    client.force_login(manager.user)

    response = client.post(reverse("accounts:organisation_switch"), {"organisation": stranger.pk})

    assert response["Location"] == reverse("accounts:profile")
    assert "current_organisation" not in client.session


def test_a_holder_of_two_organisations_is_offered_the_current_one_for_a_new_project(client):
    first = MembershipFactory(role=Role.HOLDER, organisation__name="A — Jardins")
    second = MembershipFactory(user=first.user, role=Role.HOLDER, organisation__name="B — Ateliers")
    call = CallFactory()
    client.force_login(first.user)
    client.post(reverse("accounts:organisation_switch"), {"organisation": second.organisation.pk})

    form = client.get(reverse("projects:project_create", args=[call.pk])).context["form"]

    assert form["organisation"].value() == second.organisation.pk


def test_the_members_page_lists_members_and_pending_invitations(client, manager):
    OrganisationInvitation.objects.create(
        organisation=manager.organisation, email="attente@exemple.fr", role=Role.HOLDER
    )
    client.force_login(manager.user)

    page = client.get(members_url(manager.organisation)).content.decode()

    assert manager.user.email in page
    assert "attente@exemple.fr" in page
    assert PASSWORD not in page
