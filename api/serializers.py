"""What the API reads and writes. Serializers check types and shapes (DRF's messages, in
French); the rules are the services' and the figures the dashboards'."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.figures import CriterionFiguresSerializer, FigureField, ReviewFiguresSerializer
from grid.models import Axis, Criterion, GridVersion, ScaleLevel
from projects.models import (
    Assessment,
    Call,
    Decision,
    Opinion,
    Outcome,
    Project,
)
from projects.services import PROJECT_FIELDS
from territories.models import Commune

# --- Grid -----------------------------------------------------------------------------------


class ScaleLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScaleLevel
        fields = ["value", "label", "description"]


class CriterionSerializer(serializers.ModelSerializer):
    levels = ScaleLevelSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "code",
            "label",
            "description",
            "question",
            "kind",
            "weight",
            "scale_min",
            "scale_max",
            "allows_not_applicable",
            "threshold",
            "position",
            "levels",
        ]


class AxisSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Axis
        fields = ["id", "code", "label", "description", "position", "criteria"]


class GridVersionSerializer(serializers.ModelSerializer):
    grid = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = GridVersion
        fields = ["id", "grid", "grid_name", "number", "label", "status", "published_at"]


class GridVersionDetailSerializer(GridVersionSerializer):
    axes = AxisSerializer(many=True, read_only=True)

    class Meta(GridVersionSerializer.Meta):
        fields = [*GridVersionSerializer.Meta.fields, "axes"]


# --- Calls ----------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CallSerializer(serializers.ModelSerializer):
    funder = OrganisationRefSerializer(read_only=True)
    regions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    departements = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Call
        fields = [
            "id",
            "title",
            "description",
            "funder",
            "grid_version",
            "regions",
            "departements",
            "opens_at",
            "closes_at",
            "status",
            "self_assessment_policy",
            "reviewer_visibility",
            "blind_mode",
            "feedback_policy",
            "max_amount",
        ]


# --- Projects -------------------------------------------------------------------------------

PROJECT_READ_FIELDS = [
    "id",
    "call",
    "organisation",
    "title",
    *[name for name in PROJECT_FIELDS if name not in ("title", "commune")],
    "commune",
    "departement",
    "region",
    "status",
    "created_at",
    "updated_at",
    "submitted_at",
]


class ProjectSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer(read_only=True)

    class Meta:
        model = Project
        fields = PROJECT_READ_FIELDS
        read_only_fields = PROJECT_READ_FIELDS


class ReviewedProjectSerializer(serializers.ModelSerializer):
    """The project as its reviewer reads it on the scoring form: the holder's organisation is
    withheld in blind mode."""

    organisation = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = [name for name in PROJECT_READ_FIELDS if name not in ("created_at", "updated_at")]
        read_only_fields = fields

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_organisation(self, project):
        if project.call.blind_mode:
            return None
        return {"id": project.organisation_id, "name": project.organisation.name}


class ProjectListSerializer(ProjectSerializer):
    """A project in a list, with its self-assessment (annotations of the selectors): its total
    once submitted; a draft is no figure, only its criteria answered out of the version's."""

    self_total = serializers.SerializerMethodField()
    self_status = serializers.CharField(read_only=True, allow_null=True)
    self_answered = serializers.IntegerField(read_only=True)
    self_criteria = serializers.IntegerField(read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [
            *PROJECT_READ_FIELDS,
            "self_total",
            "self_status",
            "self_answered",
            "self_criteria",
        ]

    @extend_schema_field({"type": "string", "format": "decimal", "nullable": True})
    def get_self_total(self, project):
        if project.self_status != "submitted":
            return None
        return FigureField(places=2).to_representation(project.self_total)


class CallProjectSerializer(ProjectListSerializer):
    """A call's project as its managers list it, with its review progress."""

    assigned_count = serializers.IntegerField(read_only=True)
    done_count = serializers.IntegerField(read_only=True)

    class Meta(ProjectListSerializer.Meta):
        fields = [*ProjectListSerializer.Meta.fields, "assigned_count", "done_count"]


class ProjectWriteSerializer(serializers.ModelSerializer):
    """A holder's draft: the fields the project form saves (`PROJECT_FIELDS`), the commune by
    its INSEE code, and the eligibility statements attested (ids)."""

    commune = serializers.PrimaryKeyRelatedField(
        queryset=Commune.objects.all(), required=False, allow_null=True
    )
    eligibility = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_empty=True
    )

    class Meta:
        model = Project
        fields = [*PROJECT_FIELDS, "eligibility"]
        extra_kwargs = {"title": {"required": False}}


class ProjectCreateSerializer(ProjectWriteSerializer):
    call = serializers.IntegerField()
    organisation = serializers.IntegerField(
        required=False,
        help_text="Structure porteuse, pour un porteur membre de plusieurs structures.",
    )

    class Meta(ProjectWriteSerializer.Meta):
        fields = ["call", "organisation", *ProjectWriteSerializer.Meta.fields]
        extra_kwargs = {"title": {"required": True}}


# --- Assessments ----------------------------------------------------------------------------


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField(max_length=10, help_text="Code du critère (S1, C4…).")
    value = serializers.IntegerField(allow_null=True, help_text="null : « sans objet ».")
    comment = serializers.CharField(allow_blank=True, required=False, default="")


class AssessmentSerializer(serializers.ModelSerializer):
    scores = serializers.SerializerMethodField()
    # Stored to ten places; shown, like on the pages, rounded once to two.
    total = FigureField()
    core_total = FigureField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "project",
            "kind",
            "status",
            "grid_version",
            "total",
            "core_total",
            "scored_count",
            "core_scored_count",
            "row_version",
            "updated_at",
            "submitted_at",
            "scores",
        ]

    @extend_schema_field(ScoreSerializer(many=True))
    def get_scores(self, assessment):
        codes = self.context["codes"]
        return [
            {"criterion": codes[score.criterion_id], "value": score.value, "comment": score.comment}
            for score in sorted(assessment.scores.all(), key=lambda s: s.criterion_id)
        ]


class ReviewSerializer(AssessmentSerializer):
    class Meta(AssessmentSerializer.Meta):
        fields = [
            *AssessmentSerializer.Meta.fields,
            "opinion",
            "strengths",
            "weaknesses",
            "recommended_amount",
        ]


class AssessmentWriteSerializer(serializers.Serializer):
    row_version = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="La version lue (null pour une première écriture) : 409 si elle a changé.",
    )
    scores = ScoreSerializer(many=True)

    def validate_scores(self, scores):
        codes = [score["criterion"] for score in scores]
        if len(codes) != len(set(codes)):
            raise serializers.ValidationError("Chaque critère ne figure qu'une fois.")
        return scores


class ReviewWriteSerializer(AssessmentWriteSerializer):
    scores = ScoreSerializer(many=True, required=False, default=list)
    opinion = serializers.ChoiceField(choices=Opinion.choices, allow_blank=True, required=False)
    strengths = serializers.CharField(allow_blank=True, required=False)
    weaknesses = serializers.CharField(allow_blank=True, required=False)
    recommended_amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False, min_value=0
    )


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    row_version = serializers.IntegerField(allow_null=True)


# --- Reviewing, decisions, figures ----------------------------------------------------------


class AssignmentSerializer(serializers.Serializer):
    """A line of the reviewer's list; the holder's organisation is withheld in blind mode."""

    project = serializers.IntegerField(source="project_id")
    title = serializers.CharField(source="project.title")
    call = serializers.IntegerField(source="project.call_id")
    call_title = serializers.CharField(source="project.call.title")
    organisation = serializers.SerializerMethodField()
    departement = serializers.CharField(source="project.departement_id", allow_null=True)
    state = serializers.CharField()
    review_status = serializers.CharField()
    review_total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)

    def get_organisation(self, assignment) -> str | None:
        if assignment.project.call.blind_mode:
            return None
        return assignment.project.organisation.name


class DecisionSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title", read_only=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices)

    class Meta:
        model = Decision
        fields = [
            "project",
            "project_title",
            "outcome",
            "amount_granted",
            "motivation",
            "decided_at",
            # proposed (the call's managers only) or published (the holder knows it)
            "status",
            "published_at",
        ]


class ReviewerScoresSerializer(serializers.Serializer):
    reviewer = serializers.CharField(help_text="Nom, ou « Évaluateur n » pour un évaluateur.")
    total = FigureField()
    opinion = serializers.CharField(allow_blank=True)
    strengths = serializers.CharField(allow_blank=True)
    weaknesses = serializers.CharField(allow_blank=True)
    scores = ScoreSerializer(many=True)


class ProjectReviewsSerializer(serializers.Serializer):
    aggregate = ReviewFiguresSerializer()
    criteria = CriterionFiguresSerializer(many=True)
    reviews = ReviewerScoresSerializer(many=True)


class FeedbackCommentSerializer(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True)
    strengths = serializers.CharField(allow_blank=True)
    weaknesses = serializers.CharField(allow_blank=True)


class FeedbackSerializer(serializers.Serializer):
    decision = DecisionSerializer(allow_null=True)
    comments = FeedbackCommentSerializer(many=True)
    criteria = CriterionFiguresSerializer(many=True)


class TokenInfoSerializer(serializers.Serializer):
    """Who the credentials act as."""

    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    administrator = serializers.BooleanField()
