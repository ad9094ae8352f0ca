"""The diffusers integration on a real pipeline built from a tiny random configuration (no weights)."""

from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")

from shootprint.integrations.diffusers import GenerationTracker, count_outputs  # noqa: E402
from shootprint.tracker import ReplaySource, read_records  # noqa: E402


def tiny_pipeline():
    """A DDPM pipeline over a 2-block UNet of 8×8 images, random weights (made here, nothing downloaded)."""
    torch.manual_seed(0)
    unet = diffusers.UNet2DModel(
        sample_size=8,
        in_channels=3,
        out_channels=3,
        layers_per_block=1,
        block_out_channels=(8, 16),
        norm_num_groups=4,
        down_block_types=("DownBlock2D", "DownBlock2D"),
        up_block_types=("UpBlock2D", "UpBlock2D"),
    )
    scheduler = diffusers.DDPMScheduler(num_train_timesteps=10)
    pipe = diffusers.DDPMPipeline(unet=unet, scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def test_each_call_is_a_record_counting_generations_and_steps(tmp_path):
    pipe = tiny_pipeline()
    out = tmp_path / "runs.jsonl"
    gen = GenerationTracker("key-visuals", out=out, sources=lambda: [ReplaySource()])
    result = gen(pipe, batch_size=3, num_inference_steps=4, output_type="np")
    assert result.images.shape == (3, 8, 8, 3)
    gen(pipe, batch_size=2, num_inference_steps=5, output_type="np")

    records = read_records(out)
    assert [r.label for r in records] == ["key-visuals", "key-visuals"]
    assert [r.counts for r in records] == [
        {"calls": 1, "generations": 3, "denoising_steps": 4},
        {"calls": 1, "generations": 2, "denoising_steps": 5},
    ]
    assert gen.generations == 5
    # replayed GPU counters: the records carry GPU energy the engine can use
    assert all(r.has("gpu") and r.energy_j > 0 for r in records)
    assert gen.energy_j == pytest.approx(sum(r.energy_j for r in records))
    line = json.loads(out.read_text().splitlines()[0])
    assert line["counts"]["generations"] == 3


def test_live_sources_on_this_host_measure_the_cpu(tmp_path):
    pipe = tiny_pipeline()
    gen = GenerationTracker("upscale")
    gen(pipe, batch_size=1, num_inference_steps=2, output_type="np")
    (record,) = gen.records
    assert record.has("cpu") and record.duration_s > 0
    assert record.counts["generations"] == 1 and record.counts["denoising_steps"] == 2


def test_a_failing_call_is_still_recorded(tmp_path):
    pipe = tiny_pipeline()
    gen = GenerationTracker("broken", sources=lambda: [ReplaySource()])
    with pytest.raises(TypeError):
        gen(pipe, batch_size=1, num_inference_steps=2, no_such_argument=True)
    (record,) = gen.records
    assert "job-raised" in [w.code for w in record.warnings]
    assert "generations" not in record.counts


def test_step_callback_counts_the_batch_of_a_custom_loop():
    pipe = tiny_pipeline()
    gen = GenerationTracker("custom", sources=lambda: [ReplaySource()])
    cb = gen.callback()
    with gen.measuring(pipe):
        latents = torch.randn(4, 3, 8, 8)
        for step in range(2):
            pipe.unet(latents, step)
            cb(pipe, step, step, {"latents": latents})
    assert gen.records[0].counts == {"calls": 1, "denoising_steps": 2, "generations": 4}


def test_records_are_pushed_as_each_call_ends(tmp_path):
    from shootprint.tracker.push import Pusher

    sent: list[list[dict]] = []

    class FakeClient:
        def push_records(self, production, records, key):
            sent.append(records)
            return {"accepted": len(records), "duplicates": 0, "rejected": []}

        def close(self):
            pass

    pusher = Pusher("http://127.0.0.1:9", "p1", spool=tmp_path / "spool.jsonl", client_factory=FakeClient)
    gen = GenerationTracker("kv", push=pusher, sources=lambda: [ReplaySource()])
    gen(tiny_pipeline(), batch_size=2, num_inference_steps=2, output_type="np")
    summary = pusher.close()
    assert summary.accepted == 1
    assert sent[0][0]["counts"]["generations"] == 2


def test_count_outputs():
    assert count_outputs(None) == 0
    assert count_outputs(([1, 2, 3],)) == 3
    assert count_outputs(type("O", (), {"images": [1, 2]})()) == 2
