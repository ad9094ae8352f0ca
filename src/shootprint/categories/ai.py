"""Category: ai — generative-AI production (images, video, upscales, LLM assistance).

Method: docs/methodology/ai.md §1. Every number is a row of ``data/curated/ai.csv``; the
model profiles (which energy row, its boundary, latency, steps, resolution, clip length, provider,
default hosting) are ``data/ai_models.csv``. Symbols and units:

* ``n_generations = kept × iterations`` (count; ``iterations`` per kept asset defaults to the
  class's ``ai.iterations.*`` row) or ``generations`` given directly; ``prompts`` for LLMs.
* per-output energy ``e`` (Wh per image, Wh per second of video, Wh per prompt) from the model's
  row. Video: ``e_clip_wh = e_wh_per_s × clip_s``. Image edit/inpaint:
  ``e × ai.edit.fraction_of_text_to_image``. Scaling where the row states the settings it was
  measured at: ``× steps / steps_ref × (w × h) / (w_ref × h_ref)`` — linear in denoising steps and
  in pixel count, i.e. quadratic in the side length (Delavande et al. arXiv:2509.19222;
  Bertazzini et al. arXiv:2506.17016: doubling the side costs 1.3–4.7×). The factor is said in the
  line's label.
* ``E_kwh = n_generations × e_wh / 1000``. A tracker record (``measured: <label>``) replaces it
  with the measured GPU energy (+ CPU/RAM where a counter measured them), status ``measured``.
* boundary ``gpu`` (a GPU-only measurement, or a measured run):
  ``E_facility_kwh = E_kwh × k_host × k_idle × PUE`` — ``k_host`` (CPU + RAM over GPU) is left out
  when the record measured the host; ``k_idle`` (provisioned idle capacity) applies in data
  centres (cloud, api), not to a local workstation. Boundary ``facility`` (class defaults,
  EcoLogits estimates, vendor figures): ``E_facility_kwh = E_kwh`` — never × k_host, k_idle or PUE.
* ``energy`` line: ``emissions_kgco2e = E_facility_kwh × grid_kgco2e_per_kwh(region)``; the region
  is the activity's ``region``; else, for ``local``, the production's country, for ``api`` the
  provider's compute location (the ``region`` column of ``ai.provider.<p>.pue``), for ``cloud``
  the world average (with a warning).
* water of the AI compute only (``indicators["water_l"]`` of the energy line):
  ``water_l = E_facility_kwh / PUE × (WUE_onsite + PUE × WUE_offsite(region))`` (L/kWh; EcoLogits'
  formula; the artists' side is not in it).
* ``embodied`` line: ``GPU_hours × embodied_kgco2e_per_gpu_hour / utilisation`` where
  ``GPU_hours = n × latency_s / 3600`` when the profile has a measured latency (scaled like the
  energy), a measured run's ``duration_s × GPUs / 3600``, else ``E_kwh / average_gpu_power_kw``
  (assumption row ``ai.gpu.average_power_kw``). A local workstation spreads the data-centre figure
  over its longer life: ``× lifetime_datacenter_years / lifetime_local_years``.
* ``training`` line (images and videos): ``n_generations × training_share`` (kgCO2e per image or
  per clip), tag ``training`` (left out with ``--exclude training``), factor status ``estimated``,
  warning ``training-share-scenario``.

The human side (artists' hours, review, storage, transfer) is not here: it belongs to the
``workstation``, ``storage`` and ``data_transfer`` activities. Running a model on an artist's
workstation whose hours are also counted there double-counts that workstation's embodied share.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from shootprint.categories.energy import GRID, WATER_ELECTRICITY, region_of
from shootprint.engine import Context, Draft, Num, step, v
from shootprint.errors import InputError
from shootprint.i18n import N_, Exact, Joined, Message
from shootprint.model import ActivityBase, FactorUse, Q_count, Q_s, QuantitySpec
from shootprint.vocabulary import term

CATEGORY = "ai"
TAGS = ("training",)  # lines of model training, which --exclude can leave out

MODELS_FILE = "ai_models.csv"
KWH_PER_WH = 1 / 1000
KWH_PER_J = 1 / 3.6e6
S_PER_H = 3600.0
#: tracker methods that read an energy counter (a CPU ``estimate`` is not a measurement)
_COUNTER_METHODS = frozenset({"nvml", "rapl", "replay"})
_HOST_DEVICES = ("cpu", "ram")

Hosting = Literal["local", "cloud", "api"]


# -- the model table -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelProfile:
    """One row of ``data/ai_models.csv``: a named model or a class default.

    ``energy_id`` is the per-output energy row (Wh/image, Wh/s of video, Wh/prompt); ``boundary``
    says whether it is GPU-only (``gpu``) or already facility-level (``facility``).
    ``latency_s`` is per image or per reference clip of ``clip_s`` seconds; ``steps`` and
    ``resolution`` are the settings the energy was measured at (``None``: not scalable).
    """

    name: str
    aliases: tuple[str, ...]
    cls: str
    kind: str  # image | video | upscale | video_upscale | llm
    energy_id: str
    boundary: str  # gpu | facility
    latency_s: float | None
    steps: int | None
    resolution: tuple[int, int] | None
    clip_s: float | None
    provider: str
    hosting: str
    source: str
    notes: str

    @property
    def is_class(self) -> bool:
        return self.name == self.cls


def _key(text: str) -> str:
    """Lower case, letters and digits only: ``FLUX.1-dev`` and ``flux1 dev`` meet."""
    return "".join(c for c in text.casefold() if c.isalnum())


_RES = re.compile(r"^\s*(\d+)\s*[x×]\s*(\d+)\s*$", re.IGNORECASE)


def parse_resolution(text: str) -> tuple[int, int]:
    """``"1024x1024"`` → ``(1024, 1024)``; ValueError naming what is accepted."""
    m = _RES.match(text)
    if not m or int(m.group(1)) <= 0 or int(m.group(2)) <= 0:
        raise ValueError(
            Message("resolution {given!r}: accepted: WIDTHxHEIGHT in pixels, e.g. '1024x1024'", given=text)
        )
    return int(m.group(1)), int(m.group(2))


@cache
def model_table() -> tuple[ModelProfile, ...]:
    """Every profile of ``data/ai_models.csv`` (package data, read once)."""
    text = resources.files("shootprint.data").joinpath(MODELS_FILE).read_text(encoding="utf-8")
    out = []
    for r in csv.DictReader(text.splitlines()):
        out.append(
            ModelProfile(
                name=r["name"],
                aliases=tuple(a.strip() for a in r["aliases"].split(";") if a.strip()),
                cls=r["class"],
                kind=r["kind"],
                energy_id=r["energy_id"],
                boundary=r["boundary"],
                latency_s=float(r["latency_s"]) if r["latency_s"] else None,
                steps=int(r["steps"]) if r["steps"] else None,
                resolution=parse_resolution(r["resolution"]) if r["resolution"] else None,
                clip_s=float(r["clip_s"]) if r["clip_s"] else None,
                provider=r["provider"],
                hosting=r["hosting"],
                source=r["source"],
                notes=r["notes"],
            )
        )
    return tuple(out)


@cache
def _index() -> dict[str, ModelProfile]:
    out: dict[str, ModelProfile] = {}
    for p in model_table():
        for name in (p.name, *p.aliases):
            key = _key(name)
            if key in out and out[key] is not p:
                raise RuntimeError(f"{MODELS_FILE}: name {name!r} given to two models")
            out[key] = p
    return out


def classes(kinds: Sequence[str] | None = None) -> list[str]:
    return [p.name for p in model_table() if p.is_class and (kinds is None or p.kind in kinds)]


def find_model(name: str, kinds: Sequence[str] | None = None) -> ModelProfile:
    """The profile called ``name`` (or one of its aliases); ValueError with close names."""
    found = _index().get(_key(name))
    accepted_classes = ", ".join(classes(kinds))
    if found is None:
        import difflib  # an unknown model only

        names = [p.name for p in model_table() if kinds is None or p.kind in kinds]
        keys = {_key(n): n for n in names}
        close = [keys[k] for k in difflib.get_close_matches(_key(name), list(keys), n=4, cutoff=0.5)]
        models = [p.name for p in model_table() if p.name in names and not p.is_class]
        known = ", ".join(models) or Message("none")
        if close:
            raise ValueError(
                Message(
                    "unknown model {given!r}; close names: {close}; or give a class: {classes} (models known: {known})",
                    given=name,
                    close=", ".join(close),
                    classes=accepted_classes,
                    known=known,
                )
            )
        raise ValueError(
            Message(
                "unknown model {given!r}; or give a class: {classes} (models known: {known})",
                given=name,
                classes=accepted_classes,
                known=known,
            )
        )
    if kinds is not None and found.kind not in kinds:
        raise ValueError(
            Message(
                "{model} is a {kind} model; this activity needs one of kind {kinds}; classes: {classes}",
                model=found.name,
                kind=found.kind,
                kinds=list(kinds),
                classes=accepted_classes,
            )
        )
    return found


# -- input models --------------------------------------------------------------------------------


def _positive(spec: QuantitySpec | None, minimum: float | None = None) -> None:
    """Refuse 0 (or less than ``minimum``) where known at validation (a ``$parameter`` is not)."""
    if spec is None or spec.param:
        return
    low = spec.low if spec.low is not None else spec.central
    if minimum is None and low <= 0:
        raise ValueError(Message("must be more than 0 (got {given}); accepted: a positive number", given=spec.written))
    if minimum is not None and low < minimum:
        raise ValueError(
            Message(
                "must be at least {minimum} (got {given}); accepted: {minimum} or more",
                minimum=Exact(minimum),
                given=spec.written,
            )
        )


class _AIActivity(ActivityBase):
    """What every AI activity has: the model (or class), where it runs, an optional measured run."""

    _KINDS: ClassVar[tuple[str, ...]] = ()
    _DEFAULT_CLASS: ClassVar[str | None] = None

    model: str | None = Field(None, description=N_("a model of the model table (e.g. FLUX.1-dev, Veo 3)"))
    class_: str | None = Field(
        None, alias="class", description=N_("a model class instead of a model (e.g. image-large)")
    )
    hosting: Hosting | None = Field(
        None, description=N_("local (a workstation), cloud (rented GPUs), api (a provider's service)")
    )
    provider: str | None = Field(None, description=N_("the API provider (hosting: api)"))
    datacenter: Literal["hyperscaler", "colocation"] = Field(
        "hyperscaler", description=N_("the kind of data centre of hosting: cloud (sets the PUE)")
    )
    gpu: str | None = Field(None, description=N_("GPU of a local workstation (shown, not used)"))
    measured: str | None = Field(
        None, description=N_("label of tracker records whose measured energy replaces the estimate")
    )

    @field_validator("region")
    @classmethod
    def _region(cls, value: str | None) -> str | None:
        if value is None or value.upper() == "WORLD":
            return value.upper() if value else value
        from shootprint import geo  # the country list; loaded only when a region is given

        try:
            return geo.country_code(value)
        except InputError as exc:
            said = exc.problems[0] if len(exc.problems) == 1 else str(exc)
            raise ValueError(Message("{error}; or WORLD", error=said)) from None

    @field_validator("model")
    @classmethod
    def _model(cls, value: str | None) -> str | None:
        if value is not None:
            find_model(value, cls._KINDS)
        return value

    @field_validator("class_")
    @classmethod
    def _class(cls, value: str | None) -> str | None:
        if value is not None and not find_model(value, cls._KINDS).is_class:
            raise ValueError(
                Message(
                    "{given!r} is a model, not a class; accepted: {accepted}",
                    given=value,
                    accepted=", ".join(classes(cls._KINDS)),
                )
            )
        return value

    @model_validator(mode="after")
    def _check_ai(self) -> _AIActivity:
        if self.model is not None and self.class_ is not None:
            raise ValueError(N_("give model or class, not both"))
        if (self.model or self.class_ or self._DEFAULT_CLASS) is None:
            raise ValueError(
                Message(
                    "give model (a name of the model table) or class (one of {classes})",
                    classes=", ".join(classes(self._KINDS)),
                )
            )
        profile = self.profile()
        hosting = self.hosting or profile.hosting
        if not profile.is_class and profile.hosting == "api" and hosting != "api":
            raise ValueError(
                Message(
                    "{model} runs only as its provider's service: hosting api (its weights are not available to run "
                    "locally or on rented GPUs)",
                    model=profile.name,
                )
            )
        if self.provider is not None and hosting != "api":
            raise ValueError(N_("provider applies to hosting: api only"))
        if self.gpu is not None and hosting != "local":
            raise ValueError(N_("gpu applies to hosting: local only"))
        if self.datacenter != "hyperscaler" and hosting != "cloud":
            raise ValueError(N_("datacenter applies to hosting: cloud only"))
        return self

    def profile(self) -> ModelProfile:
        return find_model(self.model or self.class_ or self._DEFAULT_CLASS or "", self._KINDS)


class _Generations(_AIActivity):
    """Counts of generated outputs: ``kept`` × ``iterations``, or ``generations`` in total."""

    _ITERATIONS_ROW: ClassVar[str] = "ai.iterations.image"

    kept: Q_count | None = Field(None, description=N_("kept assets (images, clips)"))
    iterations: Q_count | None = Field(None, description=N_("generations per kept asset (default: class row)"))
    generations: Q_count | None = Field(None, description=N_("total generations, instead of kept × iterations"))

    @field_validator("kept", "generations")
    @classmethod
    def _more_than_zero(cls, value: QuantitySpec | None) -> QuantitySpec | None:
        _positive(value)
        return value

    @field_validator("iterations")
    @classmethod
    def _at_least_one(cls, value: QuantitySpec | None) -> QuantitySpec | None:
        _positive(value, minimum=1.0)
        return value

    @model_validator(mode="after")
    def _check_counts(self) -> _Generations:
        if self.generations is not None and self.iterations is not None:
            raise ValueError(N_("give generations (the total) or iterations (per kept asset), not both"))
        if self.generations is None and self.kept is None:
            raise ValueError(N_("give kept (kept assets, with optional iterations per kept asset) or generations"))
        return self


class _Settings(_Generations):
    """Denoising steps and output resolution, where they change the energy."""

    steps: int | None = Field(None, gt=0, description=N_("denoising steps (energy ∝ steps)"))
    resolution: str | None = Field(None, description=N_("WIDTHxHEIGHT, e.g. 1024x1024 (energy ∝ pixels)"))

    @field_validator("resolution")
    @classmethod
    def _resolution(cls, value: str | None) -> str | None:
        if value is not None:
            parse_resolution(value)
        return value


class TextToImage(_Settings):
    """Images generated from a prompt."""

    _KINDS: ClassVar[tuple[str, ...]] = ("image",)
    type: Literal["text_to_image"]


class ImageEdit(_Settings):
    """Edits / inpainting with an image model (a fraction of its text-to-image energy)."""

    _KINDS: ClassVar[tuple[str, ...]] = ("image",)
    type: Literal["image_edit"]


class Upscale(_Generations):
    """Image upscales (GAN/CNN or diffusion-based)."""

    _KINDS: ClassVar[tuple[str, ...]] = ("upscale",)
    _DEFAULT_CLASS: ClassVar[str | None] = "upscale-gan"
    _ITERATIONS_ROW: ClassVar[str] = "ai.iterations.upscale"
    type: Literal["upscale"]


class _Video(_Settings):
    _KINDS: ClassVar[tuple[str, ...]] = ("video",)
    _ITERATIONS_ROW: ClassVar[str] = "ai.iterations.video"

    clip_seconds: Q_s | None = Field(None, description=N_("seconds per generated clip"))

    @field_validator("clip_seconds")
    @classmethod
    def _more_than_zero_clip_seconds(cls, value: QuantitySpec | None) -> QuantitySpec | None:
        _positive(value)
        return value


class TextToVideo(_Video):
    """Video clips generated from a prompt."""

    type: Literal["text_to_video"]


class ImageToVideo(_Video):
    """Video clips generated from an image (same energy per clip as text-to-video)."""

    type: Literal["image_to_video"]


class VideoUpscale(_Generations):
    """Video upscales, per second of video."""

    _KINDS: ClassVar[tuple[str, ...]] = ("video_upscale",)
    _DEFAULT_CLASS: ClassVar[str | None] = "video-upscale"
    _ITERATIONS_ROW: ClassVar[str] = "ai.iterations.video_upscale"
    type: Literal["video_upscale"]
    clip_seconds: Q_s | None = Field(None, description=N_("seconds per upscaled clip"))

    @field_validator("clip_seconds")
    @classmethod
    def _more_than_zero_clip_seconds(cls, value: QuantitySpec | None) -> QuantitySpec | None:
        _positive(value)
        return value


class LLMAssist(_AIActivity):
    """Prompts to a chat model (scripts, briefs, prompt writing)."""

    _KINDS: ClassVar[tuple[str, ...]] = ("llm",)
    _DEFAULT_CLASS: ClassVar[str | None] = "llm"
    type: Literal["llm_assist"]
    prompts: Q_count = Field(description=N_("number of prompts"))

    @field_validator("prompts")
    @classmethod
    def _more_than_zero_prompts(cls, value: QuantitySpec | None) -> QuantitySpec | None:
        _positive(value)
        return value


# -- the computation -----------------------------------------------------------------------------


_TASKS = {
    "text_to_image": N_("text to image"),
    "image_edit": N_("image edit"),
    "upscale": N_("upscale"),
    "text_to_video": N_("text to video"),
    "image_to_video": N_("image to video"),
    "video_upscale": N_("video upscale"),
    "llm_assist": N_("LLM assistance"),
}
_UNIT = {
    "image": "Wh/image",
    "upscale": "Wh/image",
    "video": "Wh/s",
    "video_upscale": "Wh/s",
    "llm": "Wh/prompt",
}
_OUTPUT = {"image": "image", "upscale": "image", "video": "clip", "video_upscale": "clip", "llm": "prompt"}


@dataclass
class _Count:
    n: Num
    status: str
    text: str
    factors: list[FactorUse]


def _combine(statuses: Sequence[str]) -> str:
    for s in ("default", "parameter"):
        if s in statuses:
            return s
    return "input"


def _written(spec: Any) -> str:
    """How a quantity was written (for labels): ``3``, ``$kept``, ``3 ± 10%``."""
    return spec.written or f"{spec.central:g}"


def _count(a: _AIActivity, ctx: Context) -> _Count:
    if isinstance(a, LLMAssist):
        return _Count(
            ctx.q(a, "prompts"), ctx.status_of(a, "prompts"), Message("{n} prompts", n=_written(a.prompts)), []
        )
    assert isinstance(a, _Generations)
    if a.generations is not None:
        return _Count(
            ctx.q(a, "generations"),
            ctx.status_of(a, "generations"),
            Message("{n} generations", n=_written(a.generations)),
            [],
        )
    kept = ctx.q(a, "kept")
    assert a.kept is not None
    if a.iterations is not None:
        its = ctx.q(a, "iterations")
        return _Count(
            kept * its,
            _combine([ctx.status_of(a, "kept"), ctx.status_of(a, "iterations")]),
            Message("{kept} kept × {n} iterations", kept=_written(a.kept), n=_written(a.iterations)),
            [],
        )
    row = ctx.factor(a._ITERATIONS_ROW, "iterations per kept asset (default)", "1")
    return _Count(
        kept * v(row),
        "default",
        Message("{kept} kept × {n} iterations (default)", kept=_written(a.kept), n=f"{row.value:g}"),
        [row],
    )


def _scale(a: _AIActivity, p: ModelProfile, ctx: Context) -> tuple[float, Message | str]:
    """Steps and pixel-count scaling relative to the measured settings (a plain float)."""
    factor = 1.0
    notes: list[Message] = []
    steps = getattr(a, "steps", None)
    if steps is not None:
        if p.steps is None:
            ctx.warn(
                "ai-steps-not-scaled",
                N_("{model}: its energy row states no step count; steps={steps} is not used"),
                model=p.name,
                steps=steps,
            )
        elif steps != p.steps:
            factor *= steps / p.steps
            notes.append(Message("{steps}/{measured} steps", steps=steps, measured=p.steps))
    res = getattr(a, "resolution", None)
    if res is not None:
        w, h = parse_resolution(res)
        if p.resolution is None:
            ctx.warn(
                "ai-resolution-not-scaled",
                N_("{model}: its energy row states no resolution; resolution={resolution} is not used"),
                model=p.name,
                resolution=res,
            )
        elif (w, h) != p.resolution:
            w0, h0 = p.resolution
            factor *= (w * h) / (w0 * h0)
            notes.append(Message("{size} vs {measured} measured", size=f"{w}×{h}", measured=f"{w0}×{h0}"))
    if not notes:
        return factor, ""
    return factor, Message(
        "scaled ×{factor} ({notes}; energy ∝ steps × pixel count)", factor=f"{factor:.3g}", notes=notes
    )


def _records(a: _AIActivity, ctx: Context) -> list[Any]:
    found = [r for r in ctx.records if getattr(r, "label", None) == a.measured]
    if not found:
        labels = sorted({str(getattr(r, "label", "")) for r in ctx.records})
        known = ", ".join(labels) if labels else Message("none (give the production's records: files)")
        raise InputError(
            Message(
                "activities.{id}.measured: no tracker record labelled {given}; labels available: {known}",
                id=a.id,
                given=repr(a.measured),
                known=known,
            )
        )
    with_gpu = [r for r in found if _has_gpu(r)]
    if not with_gpu:
        codes = sorted({str(getattr(w, "code", w)) for r in found for w in getattr(r, "warnings", None) or ()})
        why = Message(" (the records say: {codes})", codes=", ".join(codes)) if codes else ""
        raise InputError(
            Message(
                "activities.{id}.measured: the records labelled {given} measured no GPU{why}: they cannot replace the "
                "GPU energy of generation; run shootprint track where the GPU is, or remove measured:",
                id=a.id,
                given=repr(a.measured),
                why=why,
            )
        )
    return with_gpu


def _has_gpu(record: Any) -> bool:
    devices = list(getattr(record, "devices", None) or ())
    return not devices or any(str(getattr(d, "device", "")).startswith("gpu") for d in devices)


@dataclass
class _Measured:
    gpu_kwh: float  # GPU (+ host where a counter measured it) energy, kWh
    host_measured: bool
    gpu_hours: float | None
    text: str


def _measured(records: list[Any]) -> _Measured:
    """Energy of tracker records, read by duck typing (``label``, ``energy_j``, ``devices``)."""
    total_j = 0.0
    host_measured = False
    gpu_hours = 0.0
    durations_known = True
    for rec in records:
        devices = list(getattr(rec, "devices", None) or ())
        if devices:
            for d in devices:
                kind = str(getattr(d, "device", "")).partition(":")[0]
                method = getattr(d, "method", "")
                if kind == "gpu":
                    total_j += float(d.energy_j)
                elif kind in _HOST_DEVICES and method in _COUNTER_METHODS:
                    total_j += float(d.energy_j)
                    host_measured = True
            n_gpus = len({getattr(d, "device", "") for d in devices if str(d.device).startswith("gpu")})
        else:
            total_j += float(rec.energy_j)
            n_gpus = 1
        duration = getattr(rec, "duration_s", None)
        if duration is None:
            durations_known = False
        else:
            gpu_hours += float(duration) * max(n_gpus, 1) / S_PER_H
    text = (
        Message("measured GPU + host energy of {n} run(s)", n=len(records))
        if host_measured
        else Message("measured GPU energy of {n} run(s)", n=len(records))
    )
    return _Measured(total_j * KWH_PER_J, host_measured, gpu_hours if durations_known else None, text)


def _provider(a: _AIActivity, p: ModelProfile, ctx: Context) -> str:
    name = (a.provider or p.provider or "unknown").lower()
    if f"ai.provider.{name}.pue" not in ctx.table:
        known = sorted({m.provider for m in model_table() if m.provider} | {"unknown"})
        raise InputError(
            Message(
                "activities.{id}.provider: unknown provider {given}; accepted: {accepted}",
                id=a.id,
                given=repr(name),
                accepted=", ".join(known),
            )
        )
    return name


def _site(a: _AIActivity, hosting: str, p: ModelProfile, ctx: Context) -> tuple[str, FactorUse, FactorUse]:
    """(grid region, PUE, on-site WUE) of where the compute runs."""
    if hosting == "local":
        return (
            region_of(a, ctx),
            ctx.factor("ai.pue.local", "PUE (local workstation)", "1"),
            ctx.factor("ai.wue.onsite.local", "water: on-site WUE", "L/kWh"),
        )
    if hosting == "cloud":
        region = a.region
        if region is None:
            region = "WORLD"
            ctx.warn(
                "ai-cloud-region-unknown",
                N_(
                    "hosting cloud without region: the world-average grid is used (rule: the location of "
                    "rented GPUs is unknown unless given)"
                ),
            )
        return (
            region.upper(),
            ctx.factor(f"ai.pue.{a.datacenter}", f"PUE ({a.datacenter})", "1"),
            ctx.factor("ai.wue.onsite.datacenter", "water: on-site WUE", "L/kWh"),
        )
    provider = _provider(a, p, ctx)
    pue_id = f"ai.provider.{provider}.pue"
    pue = ctx.factor(pue_id, f"PUE ({provider})", "1")
    wue = ctx.factor(f"ai.provider.{provider}.wue_onsite", "water: on-site WUE", "L/kWh")
    region = a.region
    if region is None:
        region = ctx.table.get(pue_id).region or "WORLD"
        ctx.warn(
            "ai-provider-location-default",
            N_("{provider}: compute location {region} assumed (row {row}; give region to change it)"),
            provider=provider,
            region=region,
            row=pue_id,
        )
    return region.upper(), pue, wue


def compute(a: _AIActivity, ctx: Context) -> list[Draft]:
    """All lines of one AI activity: energy (with water), embodied, training."""
    p = a.profile()
    if a.model and _key(a.model) != _key(p.name):
        ctx.warn(
            "ai-model-alias",
            N_("model {written}: read as the profile {profile} (an alias the model table declares)"),
            written=repr(a.model),
            profile=p.name,
        )
    hosting = a.hosting or p.hosting
    task = Message(_TASKS[a.type])  # type: ignore[attr-defined]
    count = _count(a, ctx)
    energy_row = ctx.main_factor(a, p.energy_id, _UNIT[p.kind], role="energy per output")
    chain: list[FactorUse] = [energy_row, *count.factors]
    scale, scale_text = _scale(a, p, ctx)
    per_output_wh: Num = v(energy_row) * scale
    time_scale = scale  # latency scales like the energy
    if p.kind in ("video", "video_upscale"):
        if getattr(a, "clip_seconds", None) is not None:
            clip_s: Num = ctx.q(a, "clip_seconds")
        elif p.clip_s is not None:
            clip_s = p.clip_s
        else:
            clip_row = ctx.factor("ai.video.clip_seconds", "seconds per clip (default)", "s")
            chain.append(clip_row)
            clip_s = v(clip_row)
        per_output_wh = per_output_wh * clip_s
        if p.clip_s is not None:
            time_scale = time_scale * clip_s / p.clip_s
    if isinstance(a, ImageEdit):
        fraction = ctx.factor("ai.edit.fraction_of_text_to_image", "edit share of text-to-image", "1")
        chain.append(fraction)
        per_output_wh = per_output_wh * v(fraction)
        time_scale = time_scale * v(fraction)
    estimate_kwh = count.n * per_output_wh * KWH_PER_WH

    measured = _measured(_records(a, ctx)) if a.measured else None
    region, pue, wue_onsite = _site(a, hosting, p, ctx)
    grid = ctx.regional(GRID, region, "grid", "kgCO2e/kWh")
    boundary = "gpu" if measured is not None else p.boundary
    overheads: list[FactorUse] = []
    if boundary == "gpu":
        if measured is None or not measured.host_measured:
            overheads.append(ctx.factor("ai.k_host", "k_host (CPU + RAM over GPU)", "1"))
        if hosting != "local":
            overheads.append(ctx.factor("ai.k_idle", "k_idle (idle capacity)", "1"))
        overheads.append(pue)
    base_kwh: Num = measured.gpu_kwh if measured is not None else estimate_kwh
    facility_kwh = base_kwh
    for f in overheads:
        facility_kwh = facility_kwh * v(f)
    wue_offsite = ctx.regional("ai.wue.offsite", region, "water: off-site WUE", "L/kWh")
    water_l = facility_kwh / v(pue) * (v(wue_onsite) + v(pue) * v(wue_offsite))

    if measured is not None:
        how: Message = Joined([measured.text, *(f.role.split(" (")[0] for f in overheads)], " × ")
        # the estimate is replaced: its energy row, the count default (iterations), the clip
        # length and the edit share are not in the measured quantity
        chain = []
    elif boundary == "gpu":
        how = Joined([Message("GPU-only energy"), *(f.role.split(" (")[0] for f in overheads)], " × ")
    else:
        how = Message("facility-level energy (no PUE or overhead re-applied)")
    where = Joined([Message("{hosting} ({region})", hosting=term("hosting", hosting), region=region), a.gpu or ""])
    energy_factors = [
        grid,
        *(step(f, "in quantity") for f in [*chain, *(f for f in overheads if f is not pue), pue]),
        *(step(f, "other indicator") for f in (wue_onsite, wue_offsite)),
    ]
    lines = [
        Draft(
            label=Joined(
                [
                    Message(
                        "AI {task}, {model}: {count}, {where}", task=task, model=p.name, count=count.text, where=where
                    ),
                    how,
                    scale_text,
                    Message("water of the AI compute only"),
                ],
                "; ",
            ),
            quantity=facility_kwh,
            unit="kWh",
            factors=energy_factors,
            emissions_kgco2e=facility_kwh * v(grid),
            quantity_status="measured" if measured is not None else count.status,
            suffix="energy",
            indicators={
                "water_l": water_l,
                # the same water split and labelled: electricity generation (as on every grid line,
                # both sides) and the data centre's own cooling (AI compute only)
                WATER_ELECTRICITY: facility_kwh * v(wue_offsite),
                "water_datacentre_l": facility_kwh / v(pue) * v(wue_onsite),
            },
            factor_status="measured" if measured is not None else None,
        )
    ]

    # embodied: GPU occupancy × embodied per GPU-hour ÷ utilisation
    embodied = ctx.factor("ai.embodied.gpu_hour.datacenter", "embodied per GPU-hour", "kgCO2e/GPU_hour")
    emb_chain: list[FactorUse] = [embodied]
    per_gpu_hour: Num = v(embodied)
    if hosting == "local":
        life_dc = ctx.factor("ai.hardware.lifetime_years.datacenter", "lifetime, data centre (years)", "year")
        life_local = ctx.factor("ai.hardware.lifetime_years.local", "lifetime, workstation (years)", "year")
        emb_chain += [life_dc, step(life_local, "÷")]
        per_gpu_hour = per_gpu_hour * v(life_dc) / v(life_local)
    util = ctx.factor("ai.gpu.utilisation", "GPU utilisation over its life", "1")
    emb_chain.append(step(util, "÷"))
    if measured is not None and measured.gpu_hours is not None:
        gpu_hours: Num = measured.gpu_hours
        hours_text: Message = Message("measured run time")
    elif measured is None and p.latency_s is not None:
        gpu_hours = count.n * p.latency_s * time_scale / S_PER_H
        hours_text = Message("latency {s} s per output", s=f"{p.latency_s:g}")
    else:
        power = ctx.factor("ai.gpu.average_power_kw", "average GPU power (assumption)", "kW")
        emb_chain.append(step(power, "in quantity"))
        basis = base_kwh if boundary == "gpu" else facility_kwh
        gpu_hours = basis / v(power)
        hours_text = Message("energy ÷ average GPU power")
    lines.append(
        Draft(
            label=Message(
                "AI {task}, {model}: embodied hardware share ({how})", task=task, model=p.name, how=hours_text
            ),
            quantity=gpu_hours,
            unit="GPU_hour",
            factors=emb_chain,
            emissions_kgco2e=gpu_hours * per_gpu_hour / v(util),
            quantity_status="measured" if measured is not None else count.status,
            suffix="embodied",
        )
    )

    if p.kind in ("image", "video"):
        row_id = "ai.training.image" if p.kind == "image" else "ai.training.video"
        unit = "kgCO2e/image" if p.kind == "image" else "kgCO2e/clip"
        share = ctx.factor(row_id, "training share (scenario)", unit, status="estimated")
        ctx.warn(
            "training-share-scenario",
            N_(
                "{row}: the training share per output is a scenario (lifetime outputs of a model are "
                "unknown); leave it out with --exclude training"
            ),
            row=row_id,
        )
        lines.append(
            Draft(
                label=Message("AI {task}, {model}: share of model training (scenario)", task=task, model=p.name),
                quantity=count.n,
                unit=_OUTPUT[p.kind],
                factors=[share],
                emissions_kgco2e=count.n * v(share),
                quantity_status=count.status,
                suffix="training",
                tag="training",
                factor_status="estimated",
            )
        )
    return lines


ACTIVITIES = {
    "text_to_image": (TextToImage, compute),
    "image_edit": (ImageEdit, compute),
    "upscale": (Upscale, compute),
    "text_to_video": (TextToVideo, compute),
    "image_to_video": (ImageToVideo, compute),
    "video_upscale": (VideoUpscale, compute),
    "llm_assist": (LLMAssist, compute),
}
