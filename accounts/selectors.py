"""Reads about people and their organisations."""


def organisation_ids(user, role: str) -> frozenset[int]:
    """Ids of the organisations where `user` has `role`, read once per user object: a list
    page that checks many objects costs one query."""
    if not (user and user.is_authenticated):
        return frozenset()
    cache = getattr(user, "_organisation_ids_cache", None)
    if cache is None:
        cache = {}
        for organisation_id, member_role in user.memberships.values_list("organisation_id", "role"):
            cache.setdefault(member_role, set()).add(organisation_id)
        cache = {key: frozenset(value) for key, value in cache.items()}
        user._organisation_ids_cache = cache
    return cache.get(role, frozenset())
