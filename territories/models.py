"""French territories from INSEE's official geographic code. Codes are strings (01, 2A, 976)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from territories.text import normalise


class Zone(models.TextChoices):
    METRO = "metro", _("Métropole")
    DROM = "drom", _("Outre-mer")


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices)
    chef_lieu = models.CharField(_("chef-lieu (code commune)"), max_length=5)
    population = models.PositiveIntegerField(_("population"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departements", verbose_name=_("région")
    )
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices)
    chef_lieu = models.CharField(_("chef-lieu (code commune)"), max_length=5)
    population = models.PositiveIntegerField(_("population"))
    # File order, not code order: "2A" sorts after "29" only by an explicit position.
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self):
        return f"{self.name} ({self.code})"


class CommuneQuerySet(models.QuerySet):
    def search(self, text: str):
        """Communes whose postal code starts with `text`, or whose name contains it
        (case and accents ignored). Best matches first."""
        text = (text or "").strip()
        if not text:
            return self.none()
        if text.isdigit():
            return self.filter(postal_codes__contains=text).order_by("-population", "name")
        key = normalise(text)
        return self.filter(search_name__contains=key).order_by(
            # Exact and prefix matches first, then by size: "Lille" before "Lillebonne".
            models.Case(
                models.When(search_name=key, then=0),
                models.When(search_name__startswith=key, then=1),
                default=2,
            ),
            "-population",
            "name",
        )


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(max_length=100, db_index=True, editable=False)
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="communes",
        verbose_name=_("département"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="communes", verbose_name=_("région")
    )
    # Space-separated: a commune may have several postal codes and a postal code several communes.
    postal_codes = models.CharField(_("codes postaux"), max_length=200, blank=True)
    population = models.PositiveIntegerField(_("population"))

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self):
        return self.label

    def save(self, *args, **kwargs):
        self.search_name = normalise(self.name)
        super().save(*args, **kwargs)

    @property
    def first_postal_code(self) -> str:
        return self.postal_codes.split(" ")[0] if self.postal_codes else ""

    @property
    def label(self) -> str:
        """What a person types or picks: "Amiens (80000)". The INSEE code is no word of
        theirs; the rare homonyms sharing a postal code are told apart when picked."""
        return f"{self.name} ({self.first_postal_code})"
