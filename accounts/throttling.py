"""Login throttling (django-axes): the account a login attempt is counted against."""


def login_name(request, credentials) -> str:
    """E-mail addresses are case-insensitive logins: "Camille@X.fr" and "camille@x.fr" are one
    account, so their failures add up."""
    return str((credentials or {}).get("username") or "").strip().lower()[:254]
