"""Writes to accounts and organisations."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Membership, Organisation, Role, SubmittedForm, User
from accounts.tasks import organisation_check


@transaction.atomic
def holder_signup(
    *,
    email: str,
    password: str,
    full_name: str,
    organisation_name: str,
    legal_form: str,
    siret: str,
    commune,
    password_hash: str = "",
) -> User:
    """Create a project holder's account and organisation together, or neither. A concurrent
    sign-up with the same address (a double click) is refused, not a server error. The
    password is given in clear, or already hashed (`password_hash`, a confirmed sign-up)."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email, password=password, full_name=full_name)
            if password_hash:
                user.password = password_hash
                user.save(update_fields=["password"])
    except IntegrityError:
        raise ValidationError(
            _("Un compte existe déjà avec cette adresse."), code="duplicate"
        ) from None
    organisation = Organisation(
        name=organisation_name, legal_form=legal_form, siret=siret, commune=commune
    )
    organisation.full_clean()
    organisation.save()
    Membership.objects.create(user=user, organisation=organisation, role=Role.HOLDER)
    organisation_check_on_commit(organisation)
    return user


def organisation_check_on_commit(organisation: Organisation) -> None:
    """Once the organisation is saved, look its SIRET up in the registries in the
    background (accounts.tasks.organisation_check): never inside the page's request."""
    if organisation.siret:
        transaction.on_commit(lambda: organisation_check.enqueue(organisation.pk))


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict) -> Organisation:
    """Save what the holder declared. A new SIRET is checked again in the background; a
    changed ESUS agrément date waits for an administrator's check again."""
    siret_before, esus_before = organisation.siret, organisation.esus_agreement_date
    for field, value in data.items():
        setattr(organisation, field, value)
    if organisation.esus_agreement_date != esus_before:
        organisation.esus_verified_at = organisation.esus_verified_by = None
    organisation.full_clean()
    organisation.save()
    if organisation.siret != siret_before or (
        organisation.siret and not hasattr(organisation, "checked_facts")
    ):
        organisation_check_on_commit(organisation)
    return organisation


@transaction.atomic
def organisation_esus_verify(*, organisation: Organisation, by: User, ip=None) -> Organisation:
    """An administrator confirms the declared ESUS agrément (journaled)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.esus_agreement_date is None:
        raise ValidationError(_("Cette structure n'a pas déclaré d'agrément ESUS."), code="no-esus")
    organisation.esus_verified_at = timezone.now()
    organisation.esus_verified_by = by
    organisation.save(update_fields=["esus_verified_at", "esus_verified_by"])
    audit_record(
        actor=by,
        action="organisation.esus_verify",
        obj=organisation,
        after={"esus_agreement_date": organisation.esus_agreement_date},
        ip=ip,
    )
    return organisation


def _plain(snapshot):
    """Decimals in fixed notation ("0.0000000000", never "0E-10"): the journal is read by
    people."""
    if not isinstance(snapshot, dict):
        return snapshot
    return {
        key: format(value, "f") if isinstance(value, Decimal) else value
        for key, value in snapshot.items()
    }


def audit_record(*, actor, action: str, obj=None, before=None, after=None, ip=None) -> AuditEvent:
    """Append one event to the journal. Called inside the caller's transaction, so the event
    exists exactly when the change it describes does. `before`/`after` are JSON-serialisable
    snapshots (DjangoJSONEncoder: dates and decimals allowed)."""
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        before=_plain(before),
        after=_plain(after),
        ip=ip or None,
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
    event.save()
    return event


def audit_values(obj, fields) -> dict:
    """The fields' values as the journal keeps them: a related object by its key, read from
    the row (`commune_id`), so that taking a snapshot never loads the object."""
    return {field: getattr(obj, obj._meta.get_field(field).attname) for field in fields}


def audited_update(*, obj, by, action: str, ip=None, **changes):
    """Set `changes` on `obj`, save those fields (and `updated_at` where the model has it) and
    journal the change with the values before and after (and the client's address `ip`), in
    the caller's transaction."""
    before = audit_values(obj, changes)
    for field, value in changes.items():
        setattr(obj, field, value)
    fields = list(changes)
    if any(field.name == "updated_at" for field in obj._meta.concrete_fields):
        fields.append("updated_at")
    obj.save(update_fields=fields)
    audit_record(
        actor=by,
        action=action,
        obj=obj,
        before=before,
        after=audit_values(obj, changes),
        ip=ip,
    )
    return obj


def client_ip(request) -> str | None:
    """The client's address as the web server saw it. Behind a reverse proxy, REMOTE_ADDR is
    the proxy's unless the proxy rewrites it; we do not trust X-Forwarded-For blindly."""
    return request.META.get("REMOTE_ADDR") or None


NOTIFICATION_FIELDS = (
    "language",
    "notify_submission_receipt",
    "notify_draft_reminders",
    "notify_submissions_digest",
)


@transaction.atomic
def user_set_notifications(*, user, **choices):
    """A person's e-mail language and the optional e-mails they receive, journalled."""
    unknown = set(choices) - set(NOTIFICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown notification fields: {sorted(unknown)}")
    return audited_update(obj=user, by=user, action="user.notifications", **choices)


@transaction.atomic
def user_set_language(*, user, language: str):
    """The language of a person's pages and e-mails (one of settings.LANGUAGES), journalled."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationError({"language": _("Langue inconnue.")})
    if user.language == language:
        return user
    return audited_update(obj=user, by=user, action="user.language", language=language)


@transaction.atomic
def create_once(*, key, user, create):
    """`create()`'s object, created once per form `key` (None: no key, simply created).

    The key is inserted first, in the same transaction as the object: a concurrent request
    with the same key waits on the unique index, then finds the object the first one created
    and returns it, so that a double click answers like a single one. A key that another
    person sent, or whose creation failed and left nothing, is refused."""
    if key is None:
        return create()
    user_id = user.pk if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            record = SubmittedForm.objects.create(key=key, user_id=user_id)
    except IntegrityError:
        record = SubmittedForm.objects.filter(key=key).select_related("content_type").first()
        if record is None or record.user_id != user_id or record.content_type is None:
            raise ValidationError(
                _("Ce formulaire a déjà été envoyé : rechargez la page."), code="resent"
            ) from None
        return record.content_type.get_object_for_this_type(pk=record.object_id)
    obj = create()
    record.content_type = ContentType.objects.get_for_model(obj)
    record.object_id = str(obj.pk)
    record.save(update_fields=["content_type", "object_id"])
    return obj


def emailed_token(row, *, salt: str) -> str:
    """A signed token naming one row sent by e-mail (an invitation, a sign-up request): its
    primary key and the address it went to, so a link only works for that row and address."""
    return signing.dumps({"i": row.pk, "e": row.email}, salt=salt)


def emailed_token_read(token: str, *, salt: str, max_age: float) -> tuple[int, str] | None:
    """The (primary key, address) an `emailed_token` carries, or None when it is forged,
    expired or malformed."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    return data["i"], data.get("e")
