"""Measure diffusers pipelines: each call is a tracked job whose record counts its generations.

::

    from diffusers import StableDiffusionXLPipeline
    from shootprint.integrations.diffusers import GenerationTracker
    from shootprint.tracker.push import Pusher

    gen = GenerationTracker("key-visuals", out="runs.jsonl")        # and/or push=Pusher(url, production_id)
    images = gen(pipe, prompt=prompts, num_inference_steps=30).images
    gen.generations, gen.records[-1].energy_j                       # images so far; J of the last call

    # or as a callback of pipelines that take ``callback_on_step_end``:
    cb = gen.callback()
    with gen.measuring(pipe):
        pipe(prompt=prompts, callback_on_step_end=cb)

Each call of the pipeline runs inside a :class:`~shootprint.tracker.Tracker` (NVML for the GPUs,
RAPL or the estimate for the CPU, as ``shootprint track`` does), so the record has the same schema
as ``runs.jsonl`` and its ``counts`` say what the energy bought:

* ``generations`` — outputs returned (images, or videos: the first dimension of the output), the
  count a production's AI activity is written in;
* ``denoising_steps`` — forward passes of the pipeline's denoiser (``unet`` or ``transformer``),
  counted by a forward pre-hook, so classifier-free guidance batched in one pass counts once;
* ``calls`` — pipeline calls (1 per record).

A production's AI activity takes the energy with ``measured: <label>``. The module imports neither
torch nor diffusers: it works on any object that behaves like a diffusers pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shootprint.tracker.records import Record
from shootprint.tracker.sources import PowerSource, Selection
from shootprint.tracker.tracking import Tracker

if TYPE_CHECKING:
    from shootprint.tracker.push import Pusher

#: Attributes where diffusers pipelines keep their denoising network, in the order tried.
DENOISERS: tuple[str, ...] = ("unet", "transformer", "prior", "decoder")


def count_outputs(output: Any) -> int:
    """Number of generations in a pipeline's output (``.images``, ``.frames``, or a tuple's first item).

    A list counts its items; an array or tensor its first dimension (a batch); ``None`` counts 0.
    """
    value = output
    for name in ("images", "frames", "videos", "audios"):
        if hasattr(output, name):
            value = getattr(output, name)
            break
    else:
        if isinstance(output, tuple) and output:
            value = output[0]
    if value is None:
        return 0
    shape = getattr(value, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return len(value)
    return 1


class GenerationTracker:
    """Measures diffusers pipeline calls as tracked jobs labelled ``label`` (see the module docstring).

    ``out`` is a JSON Lines file each record is appended to; ``push`` a
    :class:`~shootprint.tracker.push.Pusher` each record is queued on as its call ends; ``sources``
    a factory of power sources for each call (tests: replayed counters), else the automatic choice.
    """

    def __init__(
        self,
        label: str,
        *,
        out: str | Path | None = None,
        push: Pusher | None = None,
        sources: Callable[[], Sequence[PowerSource] | Selection] | None = None,
    ) -> None:
        self.label = label
        self.out = Path(out) if out is not None else None
        self.push = push
        self._sources = sources
        self.records: list[Record] = []
        self._current: Tracker | None = None
        self._callback_steps = 0

    @property
    def generations(self) -> int:
        """Generations over every measured call so far."""
        return sum(r.counts.get("generations", 0) for r in self.records)

    @property
    def energy_j(self) -> float:
        """Energy (J) over every measured call so far."""
        return sum(r.energy_j for r in self.records)

    def __call__(self, pipe: Any, *args: Any, **kwargs: Any) -> Any:
        """Run ``pipe(*args, **kwargs)`` as one measured job; returns the pipeline's output."""
        with self.measuring(pipe) as tracker:
            output = pipe(*args, **kwargs)
            tracker.count("generations", count_outputs(output))
        return output

    @contextmanager
    def measuring(self, pipe: Any) -> Iterator[Tracker]:
        """Measure whatever runs ``pipe`` inside the block as one job (steps counted on its denoiser).

        Without a call through :meth:`__call__`, give the number of generations with
        ``tracker.count("generations", n)`` inside the block, or use :meth:`callback`, whose
        last step reports the batch size it saw.
        """
        tracker = Tracker(self.label, self.out, sources=self._sources() if self._sources else None, push=self.push)
        handles = self._hook(pipe, tracker)
        self._current = tracker
        try:
            with tracker:
                tracker.count("calls")
                yield tracker
        finally:
            self._current = None
            for handle in handles:
                handle.remove()
            if tracker.record is not None:
                self.records.append(tracker.record)

    def callback(self) -> Callable[[Any, int, Any, dict[str, Any]], dict[str, Any]]:
        """A ``callback_on_step_end`` for pipelines that take one: counts the generations of the
        batch being denoised (the latents' first dimension, at the first step) inside :meth:`measuring`."""

        def on_step_end(pipe: Any, step: int, timestep: Any, callback_kwargs: dict[str, Any]) -> dict[str, Any]:
            tracker = self._current
            latents = callback_kwargs.get("latents")
            if tracker is not None and step == 0 and latents is not None and "generations" not in tracker.counts:
                shape = getattr(latents, "shape", None)
                if shape:
                    tracker.count("generations", int(shape[0]))
            return callback_kwargs

        return on_step_end

    def _hook(self, pipe: Any, tracker: Tracker) -> list[Any]:
        """Forward pre-hooks counting the denoiser's passes; none if the pipeline has no such module."""
        handles = []
        for name in DENOISERS:
            module = getattr(pipe, name, None)
            register = getattr(module, "register_forward_pre_hook", None)
            if register is None:
                continue

            def count_step(_module: Any, _inputs: Any) -> None:
                tracker.count("denoising_steps")

            handles.append(register(count_step))
            break
        if not handles:
            tracker.warn(
                "denoiser-not-found",
                f"no {' / '.join(DENOISERS)} module on {type(pipe).__name__}: denoising steps not counted",
            )
        return handles
