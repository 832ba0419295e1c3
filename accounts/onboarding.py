"""Sign-up confirmed by e-mail. The sign-up form always answers the same page; the account and
its organisation are created only when the address's owner follows the signed, single-use,
expiring link; an address that already has an account gets an e-mail saying so, and nothing
is created. Nothing a visitor sees tells whether an address is registered."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.emails import send_templated_email_on_commit
from accounts.models import SignupRequest, User
from accounts.services import create_once, emailed_token, emailed_token_read, holder_signup

SIGNUP_SALT = "accounts.signup-confirm"


def signup_token(request: SignupRequest) -> str:
    return emailed_token(request, salt=SIGNUP_SALT)


def signup_request_from_token(token: str) -> SignupRequest | None:
    """The unconfirmed sign-up a signed token designates, or None (forged, expired, used)."""
    found = emailed_token_read(
        token, salt=SIGNUP_SALT, max_age=settings.SIGNUP_CONFIRM_HOURS * 3600
    )
    if found is None:
        return None
    pk, email = found
    return (
        SignupRequest.objects.select_related("commune")
        .filter(
            pk=pk,
            email=email,
            existing=False,
            confirmed_at__isnull=True,
        )
        .first()
    )


def signup_request(
    *,
    key,
    email: str,
    password: str,
    full_name: str,
    organisation_name: str,
    legal_form: str,
    siret: str,
    commune,
    links,
) -> SignupRequest:
    """Record a sign-up and e-mail the address: the confirmation link for a new address, or
    "you already have an account" with the login and password-reset links. Once per form
    `key`: a double click sends one e-mail. `links(token)` gives the absolute addresses
    {"confirm", "login", "password_reset"} (token None for an existing account)."""
    email = User.objects.normalize_email(email).strip().lower()
    # Hashed whatever the case, so that the answer takes as long for a registered address.
    password_hash = make_password(password)
    return create_once(
        key=key,
        user=None,
        create=lambda: _signup_request_create(
            email=email,
            password_hash=password_hash,
            full_name=full_name,
            organisation_name=organisation_name,
            legal_form=legal_form,
            siret=siret,
            commune=commune,
            links=links,
        ),
    )


@transaction.atomic
def _signup_request_create(*, email, password_hash, links, **fields) -> SignupRequest:
    # Expired requests go: no password hash is kept longer than its link lives.
    SignupRequest.objects.filter(
        created_at__lt=timezone.now() - timedelta(hours=settings.SIGNUP_CONFIRM_HOURS)
    ).delete()
    if User.objects.filter(email__iexact=email).exists():
        request = SignupRequest.objects.create(email=email, existing=True)
        send_templated_email_on_commit("signup_existing", {"links": links(None)}, [email])
        return request
    request = SignupRequest.objects.create(email=email, password=password_hash, **fields)
    send_templated_email_on_commit(
        "signup_confirm",
        {
            "links": links(signup_token(request)),
            "full_name": request.full_name,
            "hours": settings.SIGNUP_CONFIRM_HOURS,
        },
        [email],
    )
    return request


@transaction.atomic
def signup_confirm(*, request: SignupRequest) -> User:
    """Create the account and organisation a confirmed sign-up describes, once."""
    request = SignupRequest.objects.select_for_update().get(pk=request.pk)
    if request.confirmed_at is not None or request.existing:
        raise ValidationError(
            _("Ce lien a déjà servi : connectez-vous avec votre adresse et votre mot de passe."),
            code="used",
        )
    user = holder_signup(
        email=request.email,
        password=None,
        password_hash=request.password,
        full_name=request.full_name,
        organisation_name=request.organisation_name,
        legal_form=request.legal_form,
        siret=request.siret,
        commune=request.commune,
    )
    request.confirmed_at = timezone.now()
    request.user = user
    request.password = ""
    request.save(update_fields=["confirmed_at", "user", "password"])
    return user
