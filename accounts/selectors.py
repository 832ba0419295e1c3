"""Reads about people and their organisations."""


def organisation_ids(user, role: str) -> frozenset[int]:
    """Ids of the organisations where `user` has `role`, read once per user object
    (`User.memberships_by_role`): a list page that checks many objects costs one query."""
    if not (user and user.is_authenticated):
        return frozenset()
    return user.memberships_by_role().get(role, frozenset())
