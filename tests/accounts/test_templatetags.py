"""The `{% can %}` tag: templates ask the same rules as the views, nothing else."""

import pytest
from django.template import Context, Template

from accounts.models import Role
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

NAV = Template(
    '{% load permissions %}{% can "projects.list_reviews" user as review %}'
    '{% can "projects.list_projects" user as projects %}{{ review }} {{ projects }}'
)


def test_can_follows_the_rules_for_each_role():
    reviewer = user_with_role(Role.REVIEWER)
    holder = user_with_role(Role.HOLDER)

    assert NAV.render(Context({"user": reviewer})) == "True False"
    assert NAV.render(Context({"user": holder})) == "False True"


def test_can_denies_a_superuser_what_the_rules_deny():
    # user.has_perm lets a superuser pass every check; the views ask rules.has_perm, and a
    # link the view would refuse must not be shown.
    superuser = UserFactory(is_superuser=True, is_staff=False)

    assert superuser.has_perm("projects.list_reviews")
    assert NAV.render(Context({"user": superuser})) == "False False"


def test_can_denies_anonymous_visitors():
    from django.contrib.auth.models import AnonymousUser

    assert NAV.render(Context({"user": AnonymousUser()})) == "False False"
