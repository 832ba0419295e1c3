"""The dashboards' figures as the API writes them: each exact figure rounded once, half-up,
to the places the pages show (design §4), and the ranking, territory and criterion rows."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from territories.figures import half_up


@extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
class FigureField(serializers.Field):
    """An exact figure (Fraction, Decimal) rounded once, half-up, to `places` decimals, as
    the pages show it: a decimal string, null for no value (design §4)."""

    def __init__(self, places=2, **kwargs):
        self.places = places
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        try:
            return super().get_attribute(instance)
        except (KeyError, AttributeError):
            return None

    def to_representation(self, value):
        rounded = half_up(value, self.places)
        return None if rounded is None else str(rounded)


class PercentField(FigureField):
    """A share in [0, 1] as a percentage rounded once."""

    def to_representation(self, value):
        return super().to_representation(None if value is None else value * 100)


class ReviewFiguresSerializer(serializers.Serializer):
    """A project's reviews that count (a review whose criteria are all N/A included, without
    a total) and the statistics of their totals: sample standard deviation (n − 1), null
    under two totals; disagreement when the range reaches 20 points."""

    reviews = serializers.IntegerField()
    without_total = serializers.IntegerField()
    totals = serializers.IntegerField(source="totals.count")
    mean = FigureField(source="totals.mean")
    median = FigureField(source="totals.median")
    minimum = FigureField(source="totals.minimum")
    maximum = FigureField(source="totals.maximum")
    range = FigureField(source="totals.range")
    std_dev = FigureField(source="totals.std_dev")
    disagreement = serializers.BooleanField()


class SelfAssessmentFigureSerializer(serializers.Serializer):
    status = serializers.CharField(allow_null=True)
    total = FigureField(help_text="Only once submitted.")
    answered = serializers.IntegerField(help_text="Criteria answered, for a draft.")
    criteria = serializers.IntegerField()


class RankingRowSerializer(serializers.Serializer):
    project_id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    departement_code = serializers.CharField(allow_null=True)
    departement_name = serializers.CharField(allow_null=True)
    region_name = serializers.CharField(allow_null=True)
    figures = ReviewFiguresSerializer()
    assigned = serializers.IntegerField()
    coverage = PercentField(places=1)
    gate = serializers.CharField(
        allow_null=True, help_text="passed | failed | unassessed; null: no threshold."
    )
    self_assessment = SelfAssessmentFigureSerializer()
    outcome = serializers.CharField(allow_null=True)


class RankingSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = RankingRowSerializer(many=True, source="rows")


class TerritoryRowSerializer(serializers.Serializer):
    """Per territory, over the calls of one grid version: mean_total is the mean of the
    projects' mean totals (each project once); success_rate = selected ÷ decided, in %."""

    code = serializers.CharField()
    name = serializers.CharField()
    population = serializers.IntegerField()
    region_code = serializers.CharField(allow_null=True)
    submitted = serializers.IntegerField()
    assessed = serializers.IntegerField()
    decided = serializers.IntegerField()
    selected = serializers.IntegerField()
    scored_projects = serializers.IntegerField()
    mean_total = FigureField()
    success_rate = PercentField(places=1)
    per_100k = FigureField()
    requested = FigureField()
    granted = FigureField()


class CriterionFiguresSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    is_core = serializers.BooleanField()
    scale_min = serializers.IntegerField()
    scale_max = serializers.IntegerField()
    threshold = serializers.IntegerField(allow_null=True)
    gate = serializers.CharField(allow_null=True)
    reviews = serializers.IntegerField()
    mean = FigureField()
    median = FigureField()
    self_value = serializers.IntegerField(allow_null=True)
    mean_percent = FigureField(places=1)
    self_percent = FigureField(places=1)
    gap = FigureField(places=1)
