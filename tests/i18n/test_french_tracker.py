"""French all through, for the commands around measured records: ``shootprint track`` (and its
``python -m shootprint.tracker.cli`` entry point), ``shootprint admin backup`` / ``restore``, the
server's settings, and the records, traces and TDP tables the tracker reads.

The method is the French report's (``test_french_everywhere``): the French output holds none of the
engine's English wording (the catalog's msgids cut at their placeholders), and the English output of
the same errors does, so the detector sees what it must see. pydantic's own English wording ("Input
should be …") is not in the catalog, so it is looked for by name.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_french_everywhere import english_in

from shootprint.cli import app
from shootprint.errors import InputError

#: no French locale leaks in from the machine running the tests
ENGLISH_ENV = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "C", "LANGUAGE": ""}
PYDANTIC_ENGLISH = ("Input should", "Field required", "valid number", "valid datetime", "unable to parse")


def _track(lang: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["track", "--lang", lang, *args], env=ENGLISH_ENV)


def test_track_summary_in_french(tmp_path: Path) -> None:
    out = tmp_path / "runs.jsonl"
    french = _track("fr", "--label", "rendu", "--out", str(out), "--", sys.executable, "-c", "pass")
    assert french.exit_code == 0, french.output
    [line] = [ln for ln in french.output.splitlines() if ln.startswith("shootprint track : rendu : ")]
    assert " s, " in line and " J (" in line and str(out) in line
    if "warnings" in line or "avertissements" in line:
        assert " ; avertissements : " in line
    assert english_in(french.output) == []
    english = _track("en", "--label", "rendu", "--out", str(out), "--", sys.executable, "-c", "pass")
    assert english.exit_code == 0 and "shootprint track: rendu: " in english.output


@pytest.mark.parametrize(
    ("args", "french"),
    [
        (["--label", "j"], "erreur\u202f: track : donnez la commande à exécuter après --"),
        (
            ["--label", "j", "--", "shootprint-no-such-command-xyz"],
            "impossible d’exécuter 'shootprint-no-such-command-xyz' : commande introuvable",
        ),
        (["--label", "j", "--push", "ftp://host", "--production", "p", "--", "true"], "donnez l’URL du serveur"),
        (["--label", "j", "--push", "http://host", "--", "true"], "--push URL et --production ID vont ensemble"),
        (
            ["--label", "j", "--out", "/no/such/folder/runs.jsonl", "--", "true"],
            "impossible d’y écrire l’enregistrement",
        ),
    ],
    ids=["no-command", "not-found", "push-url", "push-alone", "out-folder"],
)
def test_track_errors_in_french(args: list[str], french: str) -> None:
    result = _track("fr", *args)
    assert result.exit_code in (2, 127), result.output
    assert result.output.startswith("erreur\u202f: ") and french in result.output
    assert english_in(result.output) == []
    english = _track("en", *args)
    assert english.output.startswith("error: ")
    assert english_in(english.output), "the detector must see the English sentences of these errors"


def test_the_tracker_module_takes_lang_too(tmp_path: Path) -> None:
    run = [sys.executable, "-m", "shootprint.tracker.cli", "--label", "j", "--out", str(tmp_path / "r.jsonl")]
    french = subprocess.run([*run, "--lang", "fr"], capture_output=True, text=True, timeout=60)
    assert french.returncode == 2 and "aucune commande donnée (placez-la après --)" in french.stderr
    assert english_in(french.stderr) == []
    done = subprocess.run(
        [*run, "--lang", "fr", "--", sys.executable, "-c", "pass"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "shootprint track : j : " in done.stderr
    assert english_in(done.stderr) == []


def _bad_records(tmp_path: Path) -> Path:
    good = {
        "label": "gen", "host": "h", "start": "2026-11-25T18:17:39+00:00", "duration_s": 2.0, "energy_j": 4.0,
        "devices": [{"device": "cpu", "energy_j": 4.0, "method": "estimate", "model": None, "details": {}}],
        "warnings": [], "tracker_version": "0.1.0", "run_id": "r1",
    }  # fmt: skip
    bad = [
        {**good, "start": "yesterday"},
        {**good, "duration_s": "long"},
        {**good, "devices": [{**good["devices"][0], "method": "guess"}]},
        {k: v for k, v in good.items() if k != "label"},
        {**good, "devices": "cpu"},
        {**good, "counts": {"images": 1.5}},
        {**good, "energy_j": 5.0},
    ]
    path = tmp_path / "runs.jsonl"
    path.write_text("".join(json.dumps(b) + "\n" for b in bad), encoding="utf-8")
    return path


def test_record_field_errors_in_french(tmp_path: Path) -> None:
    """pydantic's own errors (a date, a number, a choice, a missing field, a list, a whole number) and
    the record's own checks, each in French, named by file, line and field."""
    from shootprint.tracker.records import read_records

    path = _bad_records(tmp_path)
    with pytest.raises(InputError) as info:
        read_records(path)
    french = [p.text("fr") for p in info.value.details]
    english = [p.text("en") for p in info.value.details]
    assert french == [
        f"{path}, ligne 1, champ start : une date et une heure sont attendues (ISO 8601, par exemple "
        "2026-11-25T18:17:39+00:00).",
        f"{path}, ligne 2, champ duration_s : un nombre est attendu.",
        f"{path}, ligne 3, champ devices.0.method : valeurs acceptées : 'nvml', 'rapl', 'estimate', 'replay', "
        "'codecarbon'.",
        f"{path}, ligne 4, champ label : champ obligatoire manquant.",
        f"{path}, ligne 5, champ devices : une liste est attendue.",
        f"{path}, ligne 6, champ counts.images : un nombre entier est attendu, pas un nombre à virgule.",
        f"{path}, ligne 7, champ record : energy_j 5.0 n’est pas la somme des energy_j des appareils (4.0).",
    ]
    assert (
        english[1]
        == f"{path}, line 2, field duration_s: Input should be a valid number, unable to parse string as a number."
    )
    text = "\n".join(french)
    assert english_in(text) == [] and not any(w in text for w in PYDANTIC_ENGLISH)


def test_records_of_a_production_in_french(tmp_path: Path) -> None:
    """The same errors reach ``shootprint estimate --lang fr`` when a production names the file."""
    _bad_records(tmp_path)
    production = tmp_path / "p.yaml"
    production.write_text(
        "shootprint: 1\nname: P\ncountry: FR\nrecords: [{file: runs.jsonl}]\nactivities:\n"
        "  - {id: g, type: text_to_image, stage: post-production, model: FLUX.1-dev, hosting: cloud, kept: 3}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["estimate", str(production), "--lang", "fr"], env=ENGLISH_ENV)
    assert result.exit_code == 2, result.output
    assert "ligne 2, champ duration_s : un nombre est attendu" in result.output
    assert english_in(result.output) == [] and not any(w in result.output for w in PYDANTIC_ENGLISH)


def test_tracker_tables_and_traces_in_french(tmp_path: Path) -> None:
    from shootprint.tracker.estimate import load_tdp_table
    from shootprint.tracker.replay import load_trace

    header = "id,pattern,tdp_w,threads,example,source,notes\n"
    with pytest.raises(InputError) as info:
        load_tdp_table(header + "a,(,65,-8,x,s,\na,,65,8,x,,\n", name="cpu_tdp.csv")
    french = "\n".join(p.text("fr") for p in info.value.details)
    assert "cpu_tdp.csv, ligne 2, colonne pattern : pas une expression régulière : " in french
    assert "cpu_tdp.csv, ligne 2, colonne threads : doit être supérieur à 0." in french
    assert "cpu_tdp.csv, ligne 3, colonne source : ne doit pas être vide." in french
    assert "cpu_tdp.csv: il faut exactement une ligne d’identifiant 'default'." in french
    assert english_in(french) == [] and not any(w in french for w in PYDANTIC_ENGLISH)

    trace = tmp_path / "trace.csv"
    trace.write_text(
        "time_s,device,method,counter,counter_unit,counter_max,model\n"
        "0,gpu:0,nvml,10,mJ,,A\n1,gpu:0,rapl,20,uJ,,A\n2,gpu:0,nvml,x,mJ,,A\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        load_trace(trace)
    french = "\n".join(p.text("fr") for p in info.value.details)
    assert "ligne 4, colonne counter : un nombre entier est attendu." in french
    assert "gpu:0 mélange des méthodes ou des unités de compteur" in french
    assert english_in(french) == [] and not any(w in french for w in PYDANTIC_ENGLISH)
    with pytest.raises(InputError) as info:
        load_trace(tmp_path / "none.csv")
    assert "lecture de la trace impossible" in info.value.details[0].text("fr")


def test_admin_backup_and_restore_in_french(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    env = {"SHOOTPRINT_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"}
    upgraded = CliRunner().invoke(app, ["db", "upgrade", "--lang", "fr"], env={**ENGLISH_ENV, **env})
    assert upgraded.exit_code == 0 and " : nouvelle base → " in upgraded.output
    file = tmp_path / "backup.gz"
    made = CliRunner().invoke(app, ["admin", "backup", str(file), "--lang", "fr"], env={**ENGLISH_ENV, **env})
    assert made.exit_code == 0, made.output
    assert f"{file} : sauvegarde de " in made.output
    assert re.search(r" \d+ tables, 0 ligne \(révision du schéma ", made.output)  # French: the singular for 0
    assert english_in(made.output) == []

    damaged = tmp_path / "damaged.gz"
    damaged.write_bytes(b"this is not a backup")
    target = {"SHOOTPRINT_DATABASE_URL": f"sqlite:///{tmp_path / 'new.sqlite'}"}
    answers = {
        lang: CliRunner().invoke(app, ["admin", "restore", str(damaged), "--lang", lang], env={**ENGLISH_ENV, **target})
        for lang in ("fr", "en")
    }
    assert answers["fr"].exit_code == 1
    assert answers["fr"].output.startswith(
        f"erreur\u202f: {damaged}: pas une sauvegarde shootprint (pas un fichier gzip"
    )
    assert english_in(answers["fr"].output) == [] and english_in(answers["en"].output)

    # a database holding rows is refused, with a stable code, in French
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from shootprint.server.store.models import Organisation

    engine = sa.create_engine(env["SHOOTPRINT_DATABASE_URL"])
    with Session(engine) as session, session.begin():
        session.add(Organisation(slug="o", name="O"))
    engine.dispose()
    refused = CliRunner().invoke(app, ["admin", "restore", str(file), "--lang", "fr"], env={**ENGLISH_ENV, **env})
    assert refused.exit_code == 1
    assert refused.output.startswith("erreur\u202f: la base de données n’est pas vide (lignes dans organisations) : ")
    assert english_in(refused.output) == []
    from shootprint.server.backup import BackupError, restore
    from shootprint.server.store.models import Base

    with pytest.raises(BackupError) as info:
        restore(env["SHOOTPRINT_DATABASE_URL"], file, Base.metadata)
    assert [p.code for p in info.value.details] == ["restore-database-not-empty"]


def test_server_settings_errors_in_french() -> None:
    pytest.importorskip("fastapi")
    for variable, value, french in [
        ("SHOOTPRINT_COMPUTE_PROCESSES", "two", "SHOOTPRINT_COMPUTE_PROCESSES : 'two' n’est pas un nombre entier ("),
        ("SHOOTPRINT_MAX_BODY_BYTES", "0", "SHOOTPRINT_MAX_BODY_BYTES : '0' est trop petit : 1 ou plus ("),
        ("SHOOTPRINT_SAMPLES", "many", "SHOOTPRINT_SAMPLES : 'many' n’est pas un nombre entier (tirages Monte-Carlo"),
        ("SHOOTPRINT_COMPUTE_THREADS", "0", "SHOOTPRINT_COMPUTE_THREADS : '0' est trop petit : 1 ou plus (calculs"),
        ("SHOOTPRINT_API_RATE_PER_MINUTE", "0", "SHOOTPRINT_API_RATE_PER_MINUTE : '0' est trop petit : 1 ou plus ("),
    ]:
        env = {**ENGLISH_ENV, variable: value}
        result = CliRunner().invoke(app, ["admin", "backup", "x.gz", "--lang", "fr"], env=env)
        assert result.exit_code == 1 and result.output.startswith("erreur\u202f: ") and french in result.output
        assert english_in(result.output) == []
        english = CliRunner().invoke(app, ["admin", "backup", "x.gz", "--lang", "en"], env=env)
        assert english.output.startswith(f"error: {variable}: ") and english_in(english.output)


def test_lang_of_track_defaults_to_the_locale(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["track", "--label", "j"], env={**ENGLISH_ENV, "LC_ALL": "fr_FR.UTF-8"})
    assert result.output.startswith("erreur\u202f: track : donnez la commande")


def test_a_line_that_is_not_json_in_french(tmp_path: Path) -> None:
    from shootprint.tracker.records import read_records

    path = tmp_path / "runs.jsonl"
    path.write_text('{"label": "gen"\nnot json\n{"label": "gen"} tail\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_records(path)
    french = [p.text("fr") for p in info.value.details]
    assert french == [
        f"{path}, ligne 1 : pas un objet JSON (une ',' est attendue, colonne 16).",
        f"{path}, ligne 2 : pas un objet JSON (une valeur est attendue, colonne 1).",
        f"{path}, ligne 3 : pas un objet JSON (du texte après la fin de l’objet, colonne 18).",
    ]
    assert info.value.details[1].text("en") == f"{path}, line 2: not a JSON object (Expecting value, column 1)."
    assert english_in("\n".join(french)) == []


def test_written_files_are_said_in_french(tmp_path: Path) -> None:
    reference = sorted((Path(__file__).resolve().parents[2] / "examples" / "reference").glob("*.yaml"))[0]
    out = tmp_path / "fp.json"
    result = CliRunner().invoke(
        app, ["estimate", str(reference), "--format", "json", "--out", str(out), "--lang", "fr"], env=ENGLISH_ENV
    )
    assert result.exit_code == 0 and f"fichier écrit : {out}" in result.output
    missing = CliRunner().invoke(app, ["estimate", str(reference), "--format", "xlsx", "--lang", "fr"], env=ENGLISH_ENV)
    assert missing.exit_code == 2 and "erreur\u202f: --format xlsx demande --out FICHIER.xlsx" in missing.output
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not a zip", encoding="utf-8")
    imported = CliRunner().invoke(app, ["import", str(bad), "--lang", "fr"], env=ENGLISH_ENV)
    assert imported.exit_code == 2 and imported.output.startswith("erreur\u202f: ")
    assert english_in(imported.output) == [] and english_in(result.output + missing.output) == []


def test_push_notes_and_summary_in_french(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """What ``shootprint track --push`` prints while it sends: its notes and its summary line."""
    from datetime import UTC, datetime

    from shootprint.tracker.push import Pusher
    from shootprint.tracker.records import DeviceEnergy, make_record

    def broken() -> Any:
        raise RuntimeError("no client today")

    pusher = Pusher(
        "http://test", "p", spool=tmp_path / "spool.jsonl", client_factory=broken, sleep=lambda s: None, lang="fr"
    ).start()
    devices = [DeviceEnergy("cpu", 1.0, "estimate")]
    pusher.submit(
        make_record(
            label="j", host="h", start=datetime.now(UTC), duration_s=1.0, devices=devices, tracker_version="t",
            run_id="r1",
        )
    )  # fmt: skip
    summary = pusher.close()
    err = capsys.readouterr().err
    assert "shootprint push: le fil d’envoi s’est arrêté : RuntimeError: no client today" in err
    assert summary.line("fr") == "0 enregistrement(s) accepté(s), 0 déjà présent(s), 1 mis en attente pour plus tard"
    assert summary.line("en") == "0 record(s) accepted, 0 already there, 1 spooled for later"
    assert english_in(err + summary.line("fr")) == []


def test_api_errors_are_shown_in_the_servers_french() -> None:
    """The API gives the French of a service error beside it, and ``shootprint push --lang fr`` shows it."""
    pytest.importorskip("fastapi")
    from shootprint.client import ApiError
    from shootprint.server.api.problems import _service_problems
    from shootprint.server.services.errors import Invalid

    problems = _service_problems(Invalid("cursor: not a cursor this server gave; start from the first page."))
    assert problems[0]["message_fr"] == "cursor : ce curseur ne vient pas de ce serveur ; repartez de la première page."
    err = ApiError(422, "Unprocessable Content", str(problems[0]["message"]), problems)
    assert err.text("fr").splitlines() == [
        "422 Unprocessable Content",
        "  cursor : ce curseur ne vient pas de ce serveur ; repartez de la première page. [invalid-input]",
    ]
    assert err.text("en") == str(err) and english_in(err.text("fr")) == []


def test_serve_says_where_in_french(tmp_path: Path) -> None:
    pytest.importorskip("fastapi")
    env = {**ENGLISH_ENV, "SHOOTPRINT_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}"}
    result = CliRunner().invoke(app, ["serve", "--demo", "--check", "--port", "0", "--lang", "fr"], env=env)
    assert result.exit_code == 0, result.output
    assert "shootprint : connectez-vous avec demo@shootprint.example et le mot de passe " in result.output
    assert "shootprint : en service sur http://127.0.0.1:" in result.output
    assert "/healthz a répondu 200" in result.output
    assert english_in(result.output) == []
