"""Permission predicates for personal API tokens. What a token may do is its user's: every
API endpoint asks the projects' and grid's own predicates."""

import rules


@rules.predicate
def is_token_owner(user, token):
    return token is not None and bool(user and user.is_authenticated and token.user_id == user.pk)


rules.add_perm("api.manage_tokens", rules.is_authenticated)
rules.add_perm("api.revoke_token", is_token_owner)
