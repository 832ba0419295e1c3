"""What keeps forms' input harmless: a creation form sent twice creates once, and an id too
large for a 64-bit column matches nothing instead of raising."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models.users import User


class SubmittedForm(models.Model):
    """The one-time key a creation form carries (`accounts.forms.SubmitOnceMixin`): the first
    request with the key creates the object; a repeated one (a double click, a resent POST)
    finds what it created instead of creating it twice. The unique key makes concurrent
    requests wait for each other in the database."""

    key = models.UUIDField(_("clé"), unique=True)
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("formulaire envoyé")
        verbose_name_plural = _("formulaires envoyés")

    def __str__(self):
        return str(self.key)


INT64 = range(-(2**63), 2**63)


@models.IntegerField.register_lookup
class IntegerFieldIn(models.lookups.In):
    """`pk__in=[…]` (forms' multiple choices, checkboxes) with an id that fits no 64-bit
    column, e.g. 2**63 typed into a form, matches nothing for that id, on SQLite as on
    PostgreSQL, instead of raising OverflowError. Django already does so for `exact`."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value() and isinstance(self.rhs, list | tuple | set):
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int) or isinstance(value, bool) or value in INT64
            ]
        return super().process_rhs(compiler, connection)
