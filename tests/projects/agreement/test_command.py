"""`manage.py agreement FILE.csv`: the published examples through a file, and clear French
errors on files it cannot read."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.projects.agreement.test_agreement import KRIPPENDORFF_2011, SHROUT_FLEISS_1979


def _run(path, *args) -> str:
    out = StringIO()
    call_command("agreement", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def krippendorff_csv(tmp_path):
    lines = ["unite,observateur,valeur,commentaire"]
    for observer, values in KRIPPENDORFF_2011.items():
        for unit, value in enumerate(values, start=1):
            if value is not None:
                lines.append(f"u{unit},{observer},{value},ignoré")
    path = tmp_path / "k.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_agreement_json_reproduces_krippendorff_2011(krippendorff_csv):
    report = json.loads(_run(krippendorff_csv, "--json"))

    assert {metric: round(value, 3) for metric, value in report["alpha"].items()} == {
        "nominal": 0.743,
        "ordinal": 0.815,
        "interval": 0.849,
        "ratio": 0.797,
    }
    assert (report["ratings"], report["units"], report["pairable_units"], report["raters"]) == (
        41,
        12,
        11,
        4,
    )
    assert report["icc"]["design"] == "one-way"
    assert report["icc"]["ICC(2,1)"] is None


def test_agreement_reads_semicolons_and_decimal_commas_of_shrout_fleiss(tmp_path):
    lines = ["cible;juge;note"] + [
        f"{target};{judge};{value},0"
        for target, row in enumerate(SHROUT_FLEISS_1979, start=1)
        for judge, value in enumerate(row, start=1)
    ]
    path = tmp_path / "sf.csv"
    path.write_text("\n".join(lines), encoding="utf-8")

    report = json.loads(_run(path, "--json"))

    assert report["icc"]["design"] == "crossed"
    assert [
        round(report["icc"][name], 2)
        for name in ("ICC(1,1)", "ICC(2,1)", "ICC(3,1)", "ICC(1,k)", "ICC(2,k)", "ICC(3,k)")
    ] == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]


def test_agreement_prints_french_text_by_default(krippendorff_csv):
    out = _run(krippendorff_csv)

    assert "alpha de Krippendorff d'intervalle : 0,849" in out
    assert "alpha de Krippendorff nominal : 0,743" in out
    assert "Plan incomplet" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "Le fichier est vide"),
        ("unite,note\n1,2\n", "moins de trois colonnes"),
        ("u,r,v\n", "aucune note"),
        ("u,r,v\n1,a,2\n1,b,trois\n", "Ligne 3 : « trois » n'est pas un nombre."),
        ("u,r,v\n1,a,2\n1,a,3\n", "Ligne 3 : l'évaluateur « a » a déjà noté l'unité « 1 »"),
        ("u,r,v\n1,a\n", "Ligne 2 : trois colonnes attendues"),
        ("u,r,v\n,a,2\n", "Ligne 2 : l'unité et l'évaluateur sont obligatoires."),
    ],
)
def test_agreement_explains_a_bad_file_in_french(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message):
        _run(path)


def test_agreement_explains_a_missing_or_binary_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        _run(tmp_path / "absent.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(CommandError, match="n'est pas un fichier texte en UTF-8"):
        _run(binary)


def test_agreement_on_a_bad_file_prints_no_traceback(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("u,r,v\n1,a,x\n", encoding="utf-8")

    done = subprocess.run(
        [sys.executable, "manage.py", "agreement", str(path)],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 1
    assert "Ligne 2 : « x » n'est pas un nombre." in done.stderr
    assert "Traceback" not in done.stderr
