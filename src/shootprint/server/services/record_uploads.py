"""Measured AI jobs uploaded through the pages: a ``runs.jsonl`` or a CodeCarbon ``emissions.csv``
read record by record (the bad ones named by line, the good ones kept, stored once per ``run_id``
in the records the REST API fills), and an AI activity's ``measured:`` set to a label of them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from shootprint.i18n import N_
from shootprint.server.services import productions, resources
from shootprint.server.services.errors import Invalid
from shootprint.server.services.scope import Scope
from shootprint.server.store.db import Database

#: 5 MB: a day of tracker records is well under it
MAX_UPLOAD_BYTES = 5_000_000
#: activity types that take ``measured:`` (generative AI)
AI_TYPES = ("text_to_image", "image_edit", "upscale", "text_to_video", "image_to_video", "video_upscale", "llm_assist")


@dataclass
class UploadResult:
    kind: str  # "records" (runs.jsonl) or "codecarbon"
    accepted: int = 0
    duplicates: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def _parse_jsonl(filename: str, text: str) -> tuple[list[Any], list[int], list[tuple[int, str]]]:
    objects: list[Any] = []
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((number, f"{filename}: not JSON ({exc.msg}); each line is one record object"))
            continue
        except RecursionError:
            bad.append((number, f"{filename}: nested too deep to be a record"))
            continue
        objects.append(obj)
        lines.append(number)
    return objects, lines, bad


def _parse_csv(filename: str, text: str) -> tuple[list[Any], list[int], list[tuple[int, str]]]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise Invalid(f"{filename}: empty; expected a CodeCarbon emissions.csv with its header line")
    rows: list[Any] = []
    lines: list[int] = []
    bad: list[tuple[int, str]] = []
    for values in reader:
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            bad.append((reader.line_num, f"{filename}: {len(values)} cells where the header has {len(header)}"))
            continue
        rows.append(dict(zip(header, values, strict=True)))
        lines.append(reader.line_num)
    return rows, lines, bad


def _reason(entry: dict[str, Any]) -> str:
    parts = []
    for p in entry.get("problems", []):
        where = ".".join(str(x) for x in p.get("location", [])[2:])
        parts.append(f"{where}: {p.get('message', '')}" if where else str(p.get("message", "")))
    return "; ".join(parts) or "invalid record"


def upload(db: Database, sc: Scope, pid: int, filename: str, content: bytes) -> UploadResult:
    """Read an uploaded records file and store its good records once each (a re-upload adds nothing)."""
    sc.require("editor")
    name = filename or "upload"
    if not content:
        raise Invalid(N_("Choose a runs.jsonl or a CodeCarbon emissions.csv to upload."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise Invalid(f"{name}: the file is larger than 5 MB; send bigger batches through the REST API")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(f"{name}: not a UTF-8 text file (expected runs.jsonl or a CodeCarbon emissions.csv)") from None
    first = text.lstrip().split("\n", 1)[0]
    kind = "codecarbon" if name.lower().endswith(".csv") or not first.startswith("{") else "records"
    if kind == "codecarbon":
        objects, lines, bad = _parse_csv(name, text)
        good, rejected = resources.validate_codecarbon(objects)
    else:
        objects, lines, bad = _parse_jsonl(name, text)
        good, rejected = resources.validate_records(objects)
    digest = hashlib.sha256(content).hexdigest()
    _, answer = resources.ingest(
        db,
        sc,
        pid,
        key=f"web-upload:{uuid.uuid4().hex}",  # each upload answered afresh; run_ids keep records once
        req_hash=digest,
        validated=(good, []),
        token_id=None,
    )
    result = UploadResult(kind, int(answer["accepted"]), int(answer["duplicates"]))
    result.rejected = sorted(bad + [(lines[r["index"]], f"{name}: {_reason(r)}") for r in rejected])
    return result


def summary(db: Database, sc: Scope, pid: int, document: dict[str, Any]) -> list[dict[str, Any]]:
    """Per label: how many records, their energy in kWh, and the AI activity they measure (if any)."""
    by_label: dict[str, dict[str, Any]] = {}
    for obj in resources.record_objects(db, sc, pid):
        label = str(obj.get("label", ""))
        row = by_label.setdefault(label, {"label": label, "count": 0, "energy_kwh": 0.0, "activity": None})
        row["count"] += 1
        row["energy_kwh"] += float(obj.get("energy_j", 0.0)) / 3.6e6
    for act in document.get("activities") or []:
        if isinstance(act, dict) and act.get("measured") in by_label:
            by_label[act["measured"]]["activity"] = act.get("id")
    return sorted(by_label.values(), key=lambda r: r["label"])


def ai_activities(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in document.get("activities") or [] if isinstance(a, dict) and a.get("type") in AI_TYPES]


def link(db: Database, sc: Scope, pid: int, activity_id: str, label: str) -> None:
    """Set (or, with an empty label, remove) an AI activity's ``measured:`` label: a new revision."""
    sc.require("editor")
    _, rev = productions.get(db, sc, pid)
    document = json.loads(json.dumps(rev.document))
    acts = [a for a in ai_activities(document) if a.get("id") == activity_id]
    if not acts:
        raise Invalid(f"activity: {activity_id!r} is not an AI activity of this production")
    if label:
        labels = {str(o.get("label", "")) for o in resources.record_objects(db, sc, pid)}
        if label not in labels:
            raise Invalid(
                f"label: no record labelled {label!r}; labels uploaded: {', '.join(sorted(labels)) or 'none'}"
            )
        for other in document.get("activities") or []:
            if isinstance(other, dict) and other is not acts[0] and other.get("measured") == label:
                other.pop("measured")  # a measured run counts once: it moves to the chosen activity
        acts[0]["measured"] = label
        note = f"{activity_id} measured by the records labelled {label}"
    else:
        acts[0].pop("measured", None)
        note = f"{activity_id}: measured records unlinked"
    productions.save(db, sc, pid, document, base_revision=rev.number, note=note)
