import pytest
from django.template.loader import render_to_string

from territories.maps import NO_DATA, PALETTE, class_breaks, colour_for, france_map
from territories.models import Departement, Region

pytestmark = pytest.mark.django_db


def test_class_breaks_are_equal_width():
    assert class_breaks([0, 10]) == [2, 4, 6, 8, 10]
    assert class_breaks([5, 5, 5]) == [5]


def test_colour_for_picks_the_class_and_marks_missing_values():
    breaks = class_breaks([0, 10])

    assert [colour_for(value, breaks) for value in (0, 2, 2.1, 7, 10)] == [
        PALETTE[0],
        PALETTE[0],
        PALETTE[1],
        PALETTE[3],
        PALETTE[4],
    ]
    assert colour_for(None, breaks) == NO_DATA


@pytest.fixture
def departement_names():
    return dict(Departement.objects.values_list("code", "name"))


def test_departement_map_draws_every_departement_once_plus_paris_zoom(departement_names):
    figure = france_map(level="departement", values={"80": 3, "59": 9}, names=departement_names)

    codes = [shape.code for frame in figure["frames"] for shape in frame.shapes]
    assert len(codes) == 101 + 4  # the Paris zoom repeats 75, 92, 93, 94
    assert set(codes) == set(departement_names)
    assert [frame.key for frame in figure["frames"]] == [
        "metro",
        "971",
        "972",
        "973",
        "974",
        "976",
        "paris",
    ]
    fills = {shape.code: shape.fill for frame in figure["frames"] for shape in frame.shapes}
    assert (fills["80"], fills["59"], fills["62"]) == (PALETTE[0], PALETTE[-1], NO_DATA)
    assert [item.label for item in figure["legend"]][-1] == "pas de donnée"


def test_region_map_draws_the_eighteen_regions_with_overseas_insets():
    names = dict(Region.objects.values_list("code", "name"))

    figure = france_map(level="region", values=dict.fromkeys(names, 1), names=names)

    codes = [shape.code for frame in figure["frames"] for shape in frame.shapes]
    assert sorted(codes) == sorted(names)
    assert figure["frames"][1].label == "Guadeloupe"
    assert [item.label for item in figure["legend"]] == ["1"]


def test_map_template_escapes_names_and_links_territories(departement_names):
    names = {**departement_names, "80": "<b>Somme</b>"}
    figure = france_map(
        level="departement", values={"80": 1}, names=names, url_for=lambda code: f"/d/{code}/"
    )

    html = render_to_string("territories/_france_map.html", {"map": figure})

    assert "&lt;b&gt;Somme&lt;/b&gt; : 1" in html
    assert "<b>Somme</b>" not in html
    assert '<a href="/d/80/">' in html
    assert html.count("<path ") == 105


def test_unknown_level_is_refused():
    with pytest.raises(ValueError):
        france_map(level="commune", values={}, names={})
