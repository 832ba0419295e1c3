"""`{% can "app.perm" user obj as name %}`: the templates' side of the one permission check.

Views ask `accounts.permissions`; so do templates, through this tag. `{% perms %}` and rules'
`{% has_perm %}` go through `user.has_perm`, which lets superusers pass every check (unlike the
views) and falls back on Django's model permissions, two queries a page for nothing."""

from django import template

from accounts import permissions

register = template.Library()


@register.simple_tag
def can(perm, user, obj=None) -> bool:
    return permissions.can(user, perm, obj)
