"""Server settings, from the environment (``SHOOTPRINT_*``) with sensible defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shootprint.i18n import N_, Message


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The user's data folder: $XDG_DATA_HOME/shootprint, else ~/.local/share/shootprint."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "shootprint"


def default_compute_processes() -> int:
    """One process fewer than the cores this process may use, at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 2
    return max(1, cores - 1)


def default_database_url(environ: Mapping[str, str] | None = None) -> str:
    return f"sqlite:///{data_dir(environ) / 'shootprint.sqlite'}"


@dataclass(frozen=True)
class Settings:
    """Everything the application needs to start; ``from_env`` reads the environment."""

    database_url: str = field(default_factory=default_database_url)
    #: cookies only over HTTPS (set SHOOTPRINT_SECURE_COOKIES=1 behind TLS)
    secure_cookies: bool = False
    #: a signed-in session ends after this many hours without a request
    session_idle_hours: float = 12.0
    #: sign-in throttling: failures allowed in the window, per account and per address
    throttle_window_minutes: float = 15.0
    throttle_per_account: int = 5
    throttle_per_address: int = 30
    #: Monte Carlo draws of a comparison (the CLI's --samples for the web)
    samples: int = 10_000
    #: heavy computations (Monte Carlo, PDF) under way at once in each application process
    #: (SHOOTPRINT_COMPUTE_THREADS, 1 to COMPUTE_THREADS_MOST); the requests waiting for them take their
    #: threads from a pool twice as large (:mod:`server.heavy`), so other requests are not blocked
    compute_threads: int = 4
    #: heavy requests that may wait for a thread in each application process (SHOOTPRINT_HEAVY_QUEUE);
    #: one more is answered 503 with Retry-After at once instead of waiting behind them all
    heavy_queue: int = 64
    #: worker processes running those computations (SHOOTPRINT_COMPUTE_PROCESSES), so they never hold the
    #: web process's interpreter lock; 0: in the request's own thread
    compute_processes: int = field(default_factory=default_compute_processes)
    #: when set, GET /metrics needs ``Authorization: Bearer <token>`` (SHOOTPRINT_METRICS_TOKEN)
    metrics_token: str | None = None
    #: apply migrations when the database is new (``shootprint db upgrade`` does it explicitly)
    migrate_on_start: bool = True
    #: no request body (form, upload, API call) larger than this reaches a route: 413 (SHOOTPRINT_MAX_BODY_BYTES)
    max_body_bytes: int = 10 * 1024 * 1024
    #: requests an API token may make per minute, counted in the database (SHOOTPRINT_API_RATE_PER_MINUTE)
    api_rate_per_minute: int = 600
    #: the largest request body the REST API reads (SHOOTPRINT_API_MAX_BODY_BYTES)
    api_max_body_bytes: int = 10 * 1024 * 1024

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        if env.get("SHOOTPRINT_DATABASE_URL"):
            values["database_url"] = env["SHOOTPRINT_DATABASE_URL"]
        else:
            values["database_url"] = default_database_url(env)
        if env.get("SHOOTPRINT_SECURE_COOKIES"):
            values["secure_cookies"] = env["SHOOTPRINT_SECURE_COOKIES"].lower() in ("1", "true", "yes")
        if env.get("SHOOTPRINT_METRICS_TOKEN"):
            values["metrics_token"] = env["SHOOTPRINT_METRICS_TOKEN"]
        if env.get("SHOOTPRINT_SAMPLES"):
            values["samples"] = _whole(
                env, "SHOOTPRINT_SAMPLES", N_("Monte Carlo draws of a comparison"), least=SAMPLES[0], most=SAMPLES[1]
            )
        if env.get("SHOOTPRINT_MAX_BODY_BYTES"):
            values["max_body_bytes"] = _whole(
                env, "SHOOTPRINT_MAX_BODY_BYTES", N_("the largest request body, in bytes"), least=1
            )
        if env.get("SHOOTPRINT_COMPUTE_PROCESSES"):
            values["compute_processes"] = _whole(
                env,
                "SHOOTPRINT_COMPUTE_PROCESSES",
                N_("worker processes for heavy computations; 0 runs them in the request's thread"),
                least=0,
            )
        if env.get("SHOOTPRINT_COMPUTE_THREADS"):
            values["compute_threads"] = _whole(
                env,
                "SHOOTPRINT_COMPUTE_THREADS",
                N_("heavy computations under way at once in each application process"),
                least=1,
                most=COMPUTE_THREADS_MOST,
            )
        if env.get("SHOOTPRINT_HEAVY_QUEUE"):
            values["heavy_queue"] = _whole(
                env,
                "SHOOTPRINT_HEAVY_QUEUE",
                N_("heavy requests that may wait for a thread in each application process"),
                least=1,
            )
        # 0 would not mean "no limit" for either: every API request would be answered 429, or every
        # API request with a body 413
        if env.get("SHOOTPRINT_API_RATE_PER_MINUTE"):
            values["api_rate_per_minute"] = _whole(
                env, "SHOOTPRINT_API_RATE_PER_MINUTE", N_("requests an API token may make per minute"), least=1
            )
        if env.get("SHOOTPRINT_API_MAX_BODY_BYTES"):
            values["api_max_body_bytes"] = _whole(
                env, "SHOOTPRINT_API_MAX_BODY_BYTES", N_("the largest API request body, in bytes"), least=1
            )
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]


#: the draws a comparison accepts (services.decisions.MIN_SAMPLES, services.compute.MAX_SAMPLES): a
#: default outside them would make every comparison page an error
SAMPLES = (100, 100_000)
#: the most heavy computations one application process runs at once: the requests waiting for them
#: take twice as many threads, and a slip of the keyboard (10000) would let 20,000 of them hold one
COMPUTE_THREADS_MOST = 256


def _whole(env: Mapping[str, str], name: str, what: str, least: int | None = None, most: int | None = None) -> int:
    """The whole number of the variable ``name``; a ValueError naming it, the value and what it sets."""
    text = env[name]
    try:
        value = int(text)
    except ValueError:
        raise ValueError(
            Message("{name}: {given} is not a whole number ({what})", name=name, given=repr(text), what=Message(what))
        ) from None
    if least is not None and value < least:
        raise ValueError(
            Message(
                "{name}: {given} is too small: {least} or more ({what})",
                name=name,
                given=repr(text),
                least=str(least),
                what=Message(what),
            )
        )
    if most is not None and value > most:
        raise ValueError(
            Message(
                "{name}: {given} is too large: {most} or less ({what})",
                name=name,
                given=repr(text),
                most=str(most),
                what=Message(what),
            )
        )
    return value
