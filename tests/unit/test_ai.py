"""AI category: every formula against values hand-computed from the cited rows; the AI data.

Factor values are written as literals with their row ids (data/curated/ai.csv, the model table
data/ai_models.csv, the grid rows of energy.csv); expected values never come from the code.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from shootprint.categories import ai
from shootprint.engine import footprint
from shootprint.errors import InputError
from shootprint.factors import FactorTable, read_rows_csv, validate_row
from shootprint.model import Footprint, LineItem
from shootprint.production import validate

DATA = Path(__file__).resolve().parents[2] / "src" / "shootprint" / "data"

GRID_FR = 0.0519  # energy.grid.FR -> ademe:43642, kgCO2e/kWh
GRID_WORLD = 0.475  # energy.grid.WORLD -> codecarbon.grid.world_average_fallback
K_HOST = 1.3  # ai.k_host
K_IDLE = 1.3  # ai.k_idle
PUE_HYPERSCALER = 1.2  # ai.pue.hyperscaler
PUE_LOCAL = 1.0  # ai.pue.local
WUE_ONSITE_DC = 0.5  # ai.wue.onsite.datacenter, L/kWh
WUE_OFFSITE_FR = 3.6737  # ai.wue.offsite.FR (EcoLogits FRA mix), L/kWh
EMBODIED_KG_PER_GPU_H = 0.04  # ai.embodied.gpu_hour.datacenter
UTILISATION = 0.7  # ai.gpu.utilisation
LIFE_DC, LIFE_LOCAL = 3.0, 5.0  # ai.hardware.lifetime_years.datacenter / .local
GPU_POWER_KW = 0.7  # ai.gpu.average_power_kw


def run(*activities: dict[str, Any], records: Any = (), exclude: Any = (), country: str = "FR") -> Footprint:
    acts = [{"id": f"a{i}", "stage": "post-production", **a} for i, a in enumerate(activities)]
    prod = validate({"name": "t", "country": country, "activities": acts})
    return footprint(prod, FactorTable(), records=records, exclude=exclude)


def line(fp: Footprint, suffix: str, activity: str = "a0") -> LineItem:
    found = [ln for ln in fp.lines if ln.id == f"{activity}/{suffix}"]
    assert found, [ln.id for ln in fp.lines]
    return found[0]


# -- energy: GPU-only rows × k_host × k_idle × PUE ---------------------------------------------


def test_flux_dev_cloud_gpu_only_times_overheads_and_grid() -> None:
    fp = run(
        {
            "type": "text_to_image",
            "model": "FLUX.1-dev",
            "kept": 3,
            "iterations": 20,
            "hosting": "cloud",
            "region": "FR",
        }
    )
    e_gpu_kwh = 3 * 20 * 2.208 / 1000  # ai.energy.image.flux1_dev, Wh/image (ML.ENERGY v3, H100)
    e_fac_kwh = e_gpu_kwh * K_HOST * K_IDLE * PUE_HYPERSCALER
    energy = line(fp, "energy")
    assert energy.quantity == pytest.approx(e_fac_kwh)
    assert energy.unit == "kWh"
    assert energy.emissions_kgco2e == pytest.approx(e_fac_kwh * GRID_FR)
    assert energy.quantity_status == "input"
    assert energy.factor_id == "energy.grid.FR"
    ids = [f.id for f in energy.factors]
    assert {"ai.energy.image.flux1_dev", "ai.k_host", "ai.k_idle", "ai.pue.hyperscaler"} <= set(ids)
    # water of the AI compute: E/PUE × (WUE_onsite + PUE × WUE_offsite)
    water = e_fac_kwh / PUE_HYPERSCALER * (WUE_ONSITE_DC + PUE_HYPERSCALER * WUE_OFFSITE_FR)
    assert energy.indicators["water_l"] == pytest.approx(water)
    assert fp.indicators["water_l"] == pytest.approx(water)
    # the same water, split and labelled: electricity generation (as on every grid line) + data-centre cooling
    assert energy.indicators["water_electricity_l"] == pytest.approx(e_fac_kwh * WUE_OFFSITE_FR)
    assert energy.indicators["water_datacentre_l"] == pytest.approx(e_fac_kwh / PUE_HYPERSCALER * WUE_ONSITE_DC)


def test_default_iterations_come_from_the_class_row() -> None:
    fp = run({"type": "text_to_image", "model": "FLUX.1-dev", "kept": 3, "hosting": "cloud", "region": "FR"})
    energy = line(fp, "energy")
    e_fac_kwh = 3 * 20 * 2.208 / 1000 * K_HOST * K_IDLE * PUE_HYPERSCALER  # ai.iterations.image = 20
    assert energy.quantity == pytest.approx(e_fac_kwh)
    assert energy.quantity_status == "default"
    assert "ai.iterations.image" in [f.id for f in energy.factors]


def test_local_gpu_only_row_has_no_idle_factor() -> None:
    fp = run({"type": "text_to_image", "model": "SDXL", "generations": 20, "hosting": "local", "gpu": "RTX 4090"})
    e_fac_kwh = 20 * 0.598 / 1000 * K_HOST * PUE_LOCAL  # ai.energy.image.sdxl_base; no k_idle locally
    energy = line(fp, "energy")
    assert energy.emissions_kgco2e == pytest.approx(e_fac_kwh * GRID_FR)  # production country FR
    assert "ai.k_idle" not in [f.id for f in energy.factors]
    assert "RTX 4090" in energy.label
    # no on-site water for a workstation (ai.wue.onsite.local = 0)
    assert energy.indicators["water_l"] == pytest.approx(e_fac_kwh / PUE_LOCAL * (0 + PUE_LOCAL * WUE_OFFSITE_FR))


def test_steps_and_resolution_scale_linearly_in_steps_and_pixels() -> None:
    fp = run(
        {
            "type": "text_to_image",
            "model": "SD 3.5 Large",
            "generations": 10,
            "steps": 14,
            "resolution": "2048x2048",
            "hosting": "cloud",
            "region": "FR",
        }
    )
    scale = 14 / 28 * (2048 * 2048) / (1024 * 1024)  # measured at 28 steps, 1024×1024
    e_fac_kwh = 10 * 1.228 * scale / 1000 * K_HOST * K_IDLE * PUE_HYPERSCALER  # ai.energy.image.sd3_5_large
    energy = line(fp, "energy")
    assert energy.emissions_kgco2e == pytest.approx(e_fac_kwh * GRID_FR)
    assert "×2" in energy.label and "pixel" in energy.label
    embodied = line(fp, "embodied")  # latency 6.56 s per image scales the same way
    assert embodied.quantity == pytest.approx(10 * 6.56 * scale / 3600)


def test_video_gpu_row_per_second_times_native_clip_length() -> None:
    fp = run({"type": "text_to_video", "model": "Wan 2.1 1.3B", "generations": 4, "hosting": "cloud", "region": "FR"})
    # ai.energy.video.wan2_1_1_3b = 3.3333 Wh/s (18.0 Wh per 5.4 s clip); clip 5.4 s from the model table
    e_fac_kwh = 4 * 3.3333 * 5.4 / 1000 * K_HOST * K_IDLE * PUE_HYPERSCALER
    assert line(fp, "energy").emissions_kgco2e == pytest.approx(e_fac_kwh * GRID_FR)
    assert line(fp, "embodied").quantity == pytest.approx(4 * 95 / 3600)  # 95 s per clip


def test_image_edit_is_a_fraction_of_text_to_image() -> None:
    fp = run(
        {"type": "image_edit", "class": "image-large", "kept": 3, "iterations": 20, "hosting": "cloud", "region": "FR"}
    )
    # ai.energy.image.large 4.4 Wh (facility) × ai.edit.fraction_of_text_to_image 0.6
    assert line(fp, "energy").emissions_kgco2e == pytest.approx(60 * 4.4 * 0.6 / 1000 * GRID_FR)


# -- the boundary rule: facility rows never get k_host, k_idle or PUE -----------------------------


def test_facility_class_row_gets_no_pue_or_overheads() -> None:
    fp = run({"type": "text_to_image", "class": "image-large", "generations": 100, "hosting": "cloud", "region": "FR"})
    energy = line(fp, "energy")
    e_kwh = 100 * 4.4 / 1000  # ai.energy.image.large, facility level
    assert energy.quantity == pytest.approx(e_kwh)
    assert energy.emissions_kgco2e == pytest.approx(e_kwh * GRID_FR)
    ids = [f.id for f in energy.factors]
    assert "ai.k_host" not in ids and "ai.k_idle" not in ids


def test_api_video_ecologits_row_is_facility_level() -> None:
    fp = run({"type": "text_to_video", "model": "Veo 3", "kept": 2, "iterations": 5, "region": "FR"})
    # ai.energy.video.api.google_veo_3_0 = 4.315 Wh/s (EcoLogits, PUE included); 8 s clips
    e_kwh = 10 * 4.315 * 8 / 1000
    energy = line(fp, "energy")
    assert energy.quantity == pytest.approx(e_kwh)
    assert energy.emissions_kgco2e == pytest.approx(e_kwh * GRID_FR)
    # the provider's PUE (ai.provider.google.pue = 1.09) only enters the water formula
    pue, wue_on = 1.09, 0.999  # ai.provider.google.pue, ai.provider.google.wue_onsite
    assert energy.indicators["water_l"] == pytest.approx(e_kwh / pue * (wue_on + pue * WUE_OFFSITE_FR))


def test_api_default_region_is_the_providers_location_with_warning() -> None:
    fp = run({"type": "text_to_video", "model": "Sora 2", "kept": 1, "iterations": 1})
    energy = line(fp, "energy")
    assert energy.factor_id == "energy.grid.US"  # ai.provider.openai.pue region column (EcoLogits: USA)
    assert "ai-provider-location-default" in [w.code for w in energy.warnings]


def test_cloud_without_region_uses_world_with_warning() -> None:
    fp = run({"type": "upscale", "kept": 10})
    energy = line(fp, "energy")
    # default class upscale-gan: ai.energy.upscale.gan 0.2 Wh; ai.iterations.upscale = 1
    assert energy.emissions_kgco2e == pytest.approx(10 * 1 * 0.2 / 1000 * GRID_WORLD)
    assert "ai-cloud-region-unknown" in [w.code for w in energy.warnings]


def test_llm_assist_prompts_times_wh_per_prompt_without_training() -> None:
    fp = run({"type": "llm_assist", "stage": "pre-production", "prompts": 100, "model": "Gemini", "region": "FR"})
    # ai.energy.llm.gemini -> genai.gemini_median_text_prompt 0.24 Wh/prompt (facility)
    assert line(fp, "energy").emissions_kgco2e == pytest.approx(100 * 0.24 / 1000 * GRID_FR)
    assert [ln.id for ln in fp.lines] == ["a0/energy", "a0/embodied"]


# -- embodied ------------------------------------------------------------------------------------


def test_embodied_from_latency() -> None:
    fp = run(
        {
            "type": "text_to_image",
            "model": "FLUX.1-dev",
            "kept": 3,
            "iterations": 20,
            "hosting": "cloud",
            "region": "FR",
        }
    )
    gpu_h = 60 * 11.64 / 3600  # FLUX.1-dev latency 11.64 s on H100 (model table)
    embodied = line(fp, "embodied")
    assert embodied.quantity == pytest.approx(gpu_h)
    assert embodied.unit == "GPU_hour"
    assert embodied.emissions_kgco2e == pytest.approx(gpu_h * EMBODIED_KG_PER_GPU_H / UTILISATION)


def test_embodied_from_energy_over_gpu_power_locally_over_a_longer_life() -> None:
    fp = run({"type": "text_to_image", "class": "image-large", "generations": 100, "hosting": "local"})
    gpu_h = 100 * 4.4 / 1000 / GPU_POWER_KW  # no latency for a class: energy ÷ power
    per_gpu_h = EMBODIED_KG_PER_GPU_H * LIFE_DC / LIFE_LOCAL
    embodied = line(fp, "embodied")
    assert embodied.quantity == pytest.approx(gpu_h)
    assert embodied.emissions_kgco2e == pytest.approx(gpu_h * per_gpu_h / UTILISATION)
    assert "ai.gpu.average_power_kw" in [f.id for f in embodied.factors]


# -- training ------------------------------------------------------------------------------------


def test_training_line_tag_status_warning_and_exclusion() -> None:
    act = {"type": "text_to_image", "model": "SDXL", "kept": 5, "iterations": 10, "hosting": "cloud", "region": "FR"}
    fp = run(act)
    training = line(fp, "training")
    assert training.emissions_kgco2e == pytest.approx(50 * 0.0001)  # ai.training.image, kgCO2e/image
    assert training.factor_status == "estimated"
    assert "training-share-scenario" in [w.code for w in training.warnings]
    excluded = run(act, exclude=["training"])
    assert "a0/training" in excluded.excluded
    assert excluded.total_kgco2e == pytest.approx(fp.total_kgco2e - training.emissions_kgco2e)


def test_video_training_share_per_clip() -> None:
    fp = run({"type": "image_to_video", "model": "Kling", "generations": 3, "region": "FR"})
    assert line(fp, "training").emissions_kgco2e == pytest.approx(3 * 0.01)  # ai.training.video


# -- measured runs -------------------------------------------------------------------------------


@dataclass
class Device:
    device: str
    energy_j: float
    method: str


@dataclass
class Record:
    label: str
    devices: list[Device] = field(default_factory=list)
    energy_j: float = 0.0
    duration_s: float | None = None


def test_measured_gpu_energy_replaces_the_estimate() -> None:
    rec = Record(
        "flux-batch", [Device("gpu:0", 3.6e6, "nvml"), Device("cpu", 0.36e6, "estimate")], 3.96e6, duration_s=1800.0
    )
    fp = run(
        {"type": "text_to_image", "model": "FLUX.1-dev", "kept": 3, "hosting": "local", "measured": "flux-batch"},
        records=[rec],
    )
    energy = line(fp, "energy")
    # 1 kWh of GPU (the estimated CPU is not a measurement) × k_host × PUE local
    assert energy.emissions_kgco2e == pytest.approx(1.0 * K_HOST * PUE_LOCAL * GRID_FR)
    assert energy.factor_status == "measured"
    assert energy.quantity_status == "measured"
    assert "ai.energy.image.flux1_dev" not in [f.id for f in energy.factors]
    embodied = line(fp, "embodied")  # GPU-hours from the run's duration
    assert embodied.quantity == pytest.approx(0.5)
    assert embodied.emissions_kgco2e == pytest.approx(0.5 * EMBODIED_KG_PER_GPU_H * LIFE_DC / LIFE_LOCAL / UTILISATION)
    assert line(fp, "training").emissions_kgco2e == pytest.approx(3 * 20 * 0.0001)  # still per generation


def test_measured_host_counter_drops_k_host_and_runs_add_up() -> None:
    recs = [
        Record("job", [Device("gpu:0", 3.6e6, "nvml"), Device("cpu", 0.36e6, "rapl")], 3.96e6, 600.0),
        Record("job", [Device("gpu:0", 1.8e6, "nvml")], 1.8e6, 300.0),
        Record("other", [Device("gpu:0", 9e9, "nvml")], 9e9, 1.0),
    ]
    fp = run(
        {"type": "text_to_image", "model": "SDXL", "kept": 1, "hosting": "cloud", "region": "FR", "measured": "job"},
        records=recs,
    )
    e_kwh = (3.6e6 + 0.36e6 + 1.8e6) / 3.6e6  # GPU + measured CPU of both runs labelled "job"
    assert line(fp, "energy").emissions_kgco2e == pytest.approx(e_kwh * K_IDLE * PUE_HYPERSCALER * GRID_FR)
    assert "ai.k_host" not in [f.id for f in line(fp, "energy").factors]
    assert line(fp, "embodied").quantity == pytest.approx((600 + 300) / 3600)


def test_measured_line_lists_only_the_factors_applied_to_the_measured_energy() -> None:
    # the estimate's rows (energy per output, default iterations, edit share, clip length) are not
    # in a measured quantity: the line's factor chain must not show them
    rec = Record("r", [Device("gpu:0", 3.6e6, "nvml")], 3.6e6, duration_s=1800.0)
    rec2 = Record("r2", [Device("gpu:0", 3.6e6, "nvml")], 3.6e6, duration_s=1800.0)
    fp = run(
        {"type": "image_edit", "model": "FLUX.1-dev", "kept": 3, "hosting": "local", "measured": "r"},
        {"type": "text_to_video", "class": "video-small", "kept": 3, "region": "FR", "measured": "r2"},
        records=[rec, rec2],
    )
    edit, video = line(fp, "energy", "a0"), line(fp, "energy", "a1")
    assert edit.emissions_kgco2e == pytest.approx(1.0 * K_HOST * PUE_LOCAL * GRID_FR)  # no × 0.6 edit share
    assert [f.id for f in edit.factors] == [
        "energy.grid.FR",
        "ai.k_host",
        "ai.pue.local",
        "ai.wue.onsite.local",
        "ai.wue.offsite.FR",
    ]
    assert video.emissions_kgco2e == pytest.approx(1.0 * K_HOST * K_IDLE * PUE_HYPERSCALER * GRID_FR)
    ids = [f.id for f in video.factors]
    assert not {"ai.iterations.video", "ai.video.clip_seconds", "ai.energy.video.small"} & set(ids)
    # the training share still counts generations (kept × default iterations)
    assert line(fp, "training", "a0").quantity == 3 * 20  # ai.iterations.image
    assert line(fp, "training", "a1").quantity == 3 * 5  # ai.iterations.video


def test_one_measured_run_linked_twice_is_an_error() -> None:
    rec = Record("r", [Device("gpu:0", 3.6e6, "nvml")], 3.6e6, duration_s=1800.0)
    with pytest.raises(InputError, match=r"activities\.a1\.measured: .*'r'.*activities\.a0"):
        run(
            {"type": "text_to_image", "model": "SDXL", "kept": 1, "measured": "r"},
            {"type": "text_to_image", "model": "SDXL", "kept": 1, "measured": "r"},
            records=[rec],
        )


def test_a_model_alias_is_named_in_a_warning() -> None:
    fp = run({"type": "text_to_video", "model": "kling", "kept": 1, "hosting": "api"})
    codes = {w.code: w.message for w in fp.warnings + [w for ln in fp.lines for w in ln.warnings]}
    assert "Kling 2.6" in codes["ai-model-alias"]
    with pytest.raises(InputError, match="Runway Gen-4"):
        run({"type": "text_to_video", "model": "Runway Gen-4", "kept": 1, "hosting": "api"})


def test_measured_label_without_records_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"activities\.a0\.measured: .*'nope'.*job"):
        run(
            {"type": "text_to_image", "model": "SDXL", "kept": 1, "measured": "nope"},
            records=[Record("job", [Device("gpu:0", 1.0, "nvml")], 1.0)],
        )


# -- bad input -----------------------------------------------------------------------------------


def test_unknown_model_lists_close_names_and_classes() -> None:
    with pytest.raises(InputError) as exc:
        run({"type": "text_to_image", "model": "flux dve", "kept": 1})
    msg = str(exc.value)
    assert "activities.a0.model" in msg and "FLUX.1-dev" in msg and "image-large" in msg


@pytest.mark.parametrize(
    ("activity", "path"),
    [
        ({"type": "text_to_image", "model": "SDXL", "kept": 2, "iterations": 0}, "activities.a0.iterations"),
        ({"type": "text_to_image", "model": "SDXL", "kept": 0}, "activities.a0.kept"),
        ({"type": "text_to_image", "model": "SDXL", "generations": "-3"}, "activities.a0.generations"),
        ({"type": "llm_assist", "prompts": 0}, "activities.a0.prompts"),
        ({"type": "text_to_image", "model": "Veo 3", "kept": 1}, "activities.a0.model"),
        ({"type": "text_to_image", "class": "SDXL", "kept": 1}, "activities.a0.class"),
        ({"type": "text_to_image", "model": "SDXL", "kept": 1, "region": "XX"}, "activities.a0.region"),
        ({"type": "text_to_image", "model": "SDXL", "kept": 1, "resolution": "big"}, "activities.a0.resolution"),
        ({"type": "text_to_video", "model": "Veo 3", "kept": 1, "clip_seconds": "2 kg"}, "activities.a0.clip_seconds"),
        ({"type": "text_to_image", "kept": 1}, "activities.a0"),
        ({"type": "text_to_image", "model": "SDXL"}, "activities.a0"),
    ],
)
def test_bad_input_names_the_field(activity: dict[str, Any], path: str) -> None:
    with pytest.raises(InputError, match=path.replace(".", r"\.")):
        run(activity)


def test_unknown_provider_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"activities\.a0\.provider: unknown provider 'acme'"):
        run({"type": "text_to_image", "class": "image-api", "kept": 1, "provider": "acme"})


def test_monte_carlo_runs_on_arrays() -> None:
    from shootprint.uncertainty import MonteCarlo

    prod = validate(
        {
            "name": "t",
            "country": "FR",
            "activities": [
                {"id": "a", "stage": "shoot", "type": "text_to_image", "model": "FLUX.1-dev", "kept": "3 ± 10%"},
                {"id": "b", "stage": "shoot", "type": "text_to_video", "model": "Veo 3", "kept": 2},
            ],
        }
    )
    fp = footprint(prod, FactorTable(), sampler=MonteCarlo(n=200, seed=1))
    energy = [ln for ln in fp.lines if ln.id == "a/energy"][0]
    assert energy.samples is not None and len(energy.samples) == 200
    assert np.all(energy.samples > 0)


# -- the data ------------------------------------------------------------------------------------


def ai_rows() -> list[Any]:
    return read_rows_csv(DATA / "curated" / "ai.csv", "curated")


def test_every_ai_row_is_valid_resolves_and_states_its_uncertainty() -> None:
    table = FactorTable()
    ids = [r.id for r in ai_rows()]
    assert len(ids) == len(set(ids))
    for row in ai_rows():
        assert validate_row(row) == [], row.id
        assert row.id.startswith("ai."), row.id
        resolved = table.resolve(row.id)
        assert resolved.value is not None
        assert resolved.uncertainty_row is not None, f"{row.id}: no uncertainty in its chain"
        if row.uncertainty_kind == "judgement":
            assert row.uncertainty_reason and row.low is not None and row.high is not None, row.id
        if not row.alias_of:
            assert row.licence, row.id
            assert row.low is None or row.low <= row.value <= row.high, row.id  # type: ignore[operator]


def test_model_table_rows_point_at_rows_of_the_right_unit() -> None:
    table = FactorTable()
    units = {"image": "Wh/image", "upscale": "Wh/image", "video": "Wh/s", "video_upscale": "Wh/s", "llm": "Wh/prompt"}
    with (DATA / "ai_models.csv").open(encoding="utf-8", newline="") as fh:
        raw = list(csv.DictReader(fh))
    assert len(raw) == len(ai.model_table())
    for p in ai.model_table():
        assert p.boundary in ("gpu", "facility"), p.name
        assert p.hosting in ("local", "cloud", "api"), p.name
        assert table.resolve(p.energy_id).unit == units[p.kind], p.name
        assert p.cls in ai.classes(), p.name
        if p.provider:
            assert f"ai.provider.{p.provider}.pue" in table and f"ai.provider.{p.provider}.wue_onsite" in table


def test_measured_rows_equal_the_published_figures() -> None:
    table = FactorTable()
    # ML.ENERGY v3.0 H100 Wh/image, and Wh per clip ÷ clip seconds for video
    assert table.resolve("ai.energy.image.flux1_dev").value == 2.208
    assert table.resolve("ai.energy.image.sd3_5_medium").value == 0.439
    assert table.resolve("ai.energy.video.hunyuanvideo").value == pytest.approx(323.4 / 8.6, rel=1e-4)
    assert table.resolve("ai.energy.video.wan2_1_14b").value == pytest.approx(80.3 / 5.4, rel=1e-4)


def test_a_hosted_only_model_cannot_run_locally() -> None:
    from shootprint.errors import InputError
    from shootprint.production import validate

    with pytest.raises(InputError, match="hosting api"):
        validate(
            {
                "name": "t",
                "activities": [
                    {
                        "id": "a",
                        "type": "text_to_image",
                        "stage": "shoot",
                        "model": "Midjourney",
                        "hosting": "local",
                        "kept": 1,
                    }
                ],
            }
        )


def test_hosted_video_api_range_is_the_class_judgement_and_1080p_scales() -> None:
    fp = run({"type": "text_to_video", "model": "Veo 3", "kept": 1, "iterations": 1, "resolution": "1920x1080"})
    energy = line(fp, "energy")
    row = next(f for f in energy.factors if f.id.startswith("ai.energy.video.api"))
    # ai.energy.video.api.google_veo_3_0: EcoLogits' 4.315 Wh/s central, a judgement range from its
    # own low (2.7049) to the hosted-video class default's high (ai.energy.video.api: 160 Wh/s)
    assert row.id == "ai.energy.video.api.google_veo_3_0"
    # the provider's grid (US): OWID/Ember 2023 0.369473 by default, Base Carbone's IEA 2011 0.522 in the range
    assert energy.factors[0].value == pytest.approx(0.369473) and energy.factors[0].uncertainty["high"] >= 0.522
    assert row.uncertainty["kind"] == "judgement"
    assert row.uncertainty["low"] == pytest.approx(2.7049) and row.uncertainty["high"] == pytest.approx(160.0)
    # 8 s at 1080p: energy ∝ pixels, 1920×1080 ÷ 1280×720 = 2.25; Wh → kWh
    assert energy.quantity == pytest.approx(8 * 4.315 * 2.25 / 1000)
    for r in read_rows_csv(DATA / "curated" / "ai.csv", "curated"):
        if r.id.startswith("ai.energy.video.api."):
            assert r.uncertainty_kind == "judgement" and r.high is not None and r.high >= 160.0, r.id
