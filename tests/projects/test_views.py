from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from grid.models import Criterion
from projects.models import Call, CallStatus, Project, ProjectStatus
from territories.models import Departement, Region
from tests.factories import CallFactory, ProjectFactory, holder_user, user_with_role
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    return [call.title for call in response.context["calls"]]


def test_open_calls_are_filtered_by_region_and_departement(client):
    national = CallFactory(title="National")
    hauts = CallFactory(title="Hauts-de-France")
    hauts.regions.set([Region.objects.get(code="32")])
    gironde = CallFactory(title="Gironde")
    gironde.departements.set([Departement.objects.get(code="33")])
    CallFactory(title="Brouillon", draft=True)
    CallFactory(title="Clos", closes_at=timezone.now() - timedelta(hours=1))
    url = reverse("projects:call_list")

    assert sorted(titles(client.get(url))) == ["Gironde", "Hauts-de-France", "National"]
    assert sorted(titles(client.get(url, {"region": "32"}))) == ["Hauts-de-France", "National"]
    assert sorted(titles(client.get(url, {"region": "75"}))) == ["Gironde", "National"]
    assert sorted(titles(client.get(url, {"departement": "80"}))) == [
        "Hauts-de-France",
        "National",
    ]
    assert national.pk


def test_public_call_page_shows_the_grid_and_paris_times(client):
    call = CallFactory(
        opens_at=timezone.make_aware(datetime(2026, 1, 5, 9, 0), timezone.get_fixed_timezone(60)),
        closes_at=timezone.now() + timedelta(days=3),
    )

    response = client.get(reverse("projects:call_detail", kwargs={"pk": call.pk}))

    content = response.content.decode()
    assert response.status_code == 200
    assert content.count('data-criterion="') == 20
    assert "5 janvier 2026, 09:00" in content


def test_funder_sees_only_their_own_calls(client):
    funder = user_with_role(Role.FUNDER)
    own = CallFactory(funder=funder.memberships.get().organisation, title="À moi")
    other = CallFactory(title="À un autre financeur")
    client.force_login(funder)

    listing = client.get(reverse("projects:funder_call_list"))
    other_page = client.get(reverse("projects:call_manage", kwargs={"pk": other.pk}))
    other_edit = client.get(reverse("projects:call_edit", kwargs={"pk": other.pk}))
    other_move = client.post(
        reverse("projects:call_transition", kwargs={"pk": other.pk}), {"to": "review"}
    )

    assert titles(listing) == [own.title]
    assert (other_page.status_code, other_edit.status_code, other_move.status_code) == (
        403,
        403,
        403,
    )
    assert Call.objects.get(pk=other.pk).status == CallStatus.OPEN


def test_funder_sees_submitted_projects_never_drafts(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    submitted = ProjectFactory(call=call, submitted=True)
    ProjectFactory(call=call, title="Brouillon secret")
    client.force_login(funder)

    response = client.get(reverse("projects:call_manage", kwargs={"pk": call.pk}))

    assert [p.pk for p in response.context["projects"]] == [submitted.pk]
    assert "Brouillon secret" not in response.content.decode()


def test_funder_creates_a_call_with_paris_dates(client):
    funder = user_with_role(Role.FUNDER)
    client.force_login(funder)
    from tests.factories import published_version

    response = client.post(
        reverse("projects:call_create"),
        {
            "title": "Appel test",
            "description": "",
            "grid_version": published_version().pk,
            "regions": ["32"],
            "opens_at": "2026-12-01T09:00",
            "closes_at": "2027-01-15T18:00",
            "max_amount": "30000",
            "self_assessment_policy": "required",
            "reviewer_visibility": "after_own",
            "feedback_policy": "comments",
            "eligibility": "Être une structure de l'ESS\nAvoir un siège en région",
        },
    )

    call = Call.objects.get(title="Appel test")
    assert response.status_code == 302
    assert call.funder == funder.memberships.get().organisation
    assert call.opens_at.isoformat() == "2026-12-01T08:00:00+00:00"  # 09:00 in Paris (UTC+1)
    assert list(call.eligibility_items.values_list("label", flat=True)) == [
        "Être une structure de l'ESS",
        "Avoir un siège en région",
    ]


def test_holder_journey_draft_self_assessment_submit(client):
    call = CallFactory(eligibility=["Structure de l'ESS"])
    holder = holder_user()
    client.force_login(holder)

    response = client.post(
        reverse("projects:project_create", kwargs={"call_pk": call.pk}), {"title": "Tiers-lieu"}
    )
    project = Project.objects.get(title="Tiers-lieu")
    assert response.status_code == 302
    edit = client.post(
        reverse("projects:project_edit", kwargs={"pk": project.pk}),
        {
            "title": "Tiers-lieu",
            "summary": "Résumé",
            "social_need": "Besoin",
            "solution": "Solution",
            "beneficiaries": "Jeunes",
            "stage": "emergence",
            "budget": "40000",
            "amount_requested": "15000",
            "commune": "80000",
            "scope_level": "commune",
            "eligibility": [call.eligibility_items.get().pk],
        },
    )
    assert edit.status_code == 302, edit.context["form"].errors
    criteria = Criterion.objects.filter(version=call.grid_version)
    data = {f"score_{c.pk}": "2" for c in criteria}
    data[f"score_{criteria[0].pk}"] = "na"
    data[f"comment_{criteria[0].pk}"] = "Pas concerné"
    saved = client.post(reverse("projects:self_assessment_edit", kwargs={"pk": project.pk}), data)
    assert saved.status_code == 302

    submitted = client.post(reverse("projects:project_submit", kwargs={"pk": project.pk}))
    detail = client.get(reverse("projects:project_detail", kwargs={"pk": project.pk}))

    project.refresh_from_db()
    assert submitted.status_code == 302
    assert project.status == ProjectStatus.SUBMITTED
    assert project.commune_id == "80021" and project.departement_id == "80"
    content = detail.content.decode()
    assert "66,67 / 100" in content  # every scored criterion at 2 of 3
    assert "19/20" in content
    assert content.count('class="score-bar"') == 20


def test_submit_page_explains_each_problem(client):
    project = ProjectFactory()
    client.force_login(project.owner)

    response = client.post(reverse("projects:project_submit", kwargs={"pk": project.pk}))

    assert response.status_code == 200
    assert "Il manque" in response.content.decode()
    assert Project.objects.get(pk=project.pk).status == ProjectStatus.DRAFT


def test_colleague_without_invitation_sees_but_cannot_edit(client):
    project = ProjectFactory()
    colleague = holder_user(project.organisation)
    client.force_login(colleague)
    edit_url = reverse("projects:project_edit", kwargs={"pk": project.pk})

    assert (
        client.get(reverse("projects:project_detail", kwargs={"pk": project.pk})).status_code == 200
    )
    assert client.get(edit_url).status_code == 403
    project.co_holders.add(colleague)
    assert client.get(edit_url).status_code == 200


# --- Query counts: list pages must not grow with the data -----------------------------------


def test_open_call_list_queries_do_not_grow(client):
    url = reverse("projects:call_list")
    for _ in range(1):
        CallFactory().regions.set([Region.objects.get(code="32")])
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(4):
        call = CallFactory()
        call.regions.set([Region.objects.get(code="32")])
        call.departements.set([Departement.objects.get(code="33")])

    with count_queries(small.count):
        assert client.get(url).status_code == 200


def test_funder_call_list_queries_do_not_grow(client):
    funder = user_with_role(Role.FUNDER)
    organisation = funder.memberships.get().organisation
    client.force_login(funder)
    url = reverse("projects:funder_call_list")
    ProjectFactory(call=CallFactory(funder=organisation), submitted=True)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(3):
        ProjectFactory(call=CallFactory(funder=organisation), submitted=True)

    with count_queries(small.count):
        assert client.get(url).status_code == 200


def test_holder_project_list_queries_do_not_grow(client):
    holder = holder_user()
    organisation = holder.memberships.get().organisation
    client.force_login(holder)
    url = reverse("projects:project_list")
    ProjectFactory(owner=holder, organisation=organisation, complete=True)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(3):
        ProjectFactory(owner=holder, organisation=organisation, complete=True)

    with count_queries(small.count):
        assert client.get(url).status_code == 200


def test_call_manage_queries_do_not_grow(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    client.force_login(funder)
    url = reverse("projects:call_manage", kwargs={"pk": call.pk})
    ProjectFactory(call=call, submitted=True)
    with count_queries() as small:
        assert client.get(url).status_code == 200
    for _ in range(3):
        ProjectFactory(call=call, submitted=True)

    with count_queries(small.count):
        assert client.get(url).status_code == 200


def test_open_call_edit_form_freezes_the_grid_version(client):
    funder = user_with_role(Role.FUNDER)
    call = CallFactory(funder=funder.memberships.get().organisation)
    client.force_login(funder)

    form = client.get(reverse("projects:call_edit", kwargs={"pk": call.pk})).context["form"]

    assert form.fields["grid_version"].disabled
    assert form.fields["eligibility"].disabled


def test_self_assessment_form_shows_saved_answers(client):
    project = ProjectFactory()
    criteria = list(Criterion.objects.filter(version=project.call.grid_version))
    client.force_login(project.owner)
    url = reverse("projects:self_assessment_edit", kwargs={"pk": project.pk})
    client.post(url, {f"score_{criteria[0].pk}": "3", f"score_{criteria[1].pk}": "na"})

    form = client.get(url).context["form"]

    assert form[f"score_{criteria[0].pk}"].value() == "3"
    assert form[f"score_{criteria[1].pk}"].value() == "na"
    assert form[f"score_{criteria[2].pk}"].value() is None
    assert project.assessments.get().scores.count() == 2


@pytest.mark.parametrize("name", ["project_edit", "attachment_upload", "self_assessment_edit"])
def test_submitted_project_forms_redirect_with_an_explanation(client, name):
    project = ProjectFactory(submitted=True)
    client.force_login(project.owner)

    response = client.get(reverse(f"projects:{name}", kwargs={"pk": project.pk}), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "projects:project_detail", kwargs={"pk": project.pk}
    )
    assert "ne peut plus être modifié" in response.content.decode()


def test_live_total_uses_the_scoring_function_and_saves_nothing(client):
    project = ProjectFactory()
    core = list(Criterion.objects.filter(version=project.call.grid_version, kind="core"))
    client.force_login(project.owner)

    response = client.post(
        reverse("projects:self_assessment_total", kwargs={"pk": project.pk}),
        {f"score_{core[0].pk}": "3", f"score_{core[1].pk}": "0", f"score_{core[2].pk}": "na"},
    )

    content = response.content.decode()
    assert "50,00 / 100" in content  # weights equal: (1 + 0) / 2
    assert "2/20 critères, 2/8 socles" in content
    assert not project.assessments.exists()


def test_call_closing_before_opening_is_explained(client):
    from tests.factories import published_version

    client.force_login(user_with_role(Role.FUNDER))

    response = client.post(
        reverse("projects:call_create"),
        {
            "title": "Appel à l'envers",
            "grid_version": published_version().pk,
            "opens_at": "2027-01-15T18:00",
            "closes_at": "2026-12-01T09:00",
            "self_assessment_policy": "optional",
            "reviewer_visibility": "after_own",
            "feedback_policy": "comments",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["La clôture doit suivre l'ouverture."]
    assert not Call.objects.filter(title="Appel à l'envers").exists()


def test_holder_of_two_organisations_chooses_the_one_carrying_the_project(client):
    holder = holder_user()
    second = holder_user().memberships.get().organisation
    from tests.factories import MembershipFactory

    MembershipFactory(user=holder, organisation=second, role=Role.HOLDER)
    call = CallFactory()
    client.force_login(holder)
    url = reverse("projects:project_create", kwargs={"call_pk": call.pk})

    assert "organisation" in client.get(url).context["form"].fields
    client.post(url, {"title": "Projet partagé", "organisation": second.pk})

    assert Project.objects.get(title="Projet partagé").organisation == second
