"""Send tracker records to a shootprint server as jobs end, without ever holding up the job.

::

    from shootprint.tracker.push import Pusher

    with Pusher("https://footprint.example.org", "prod-id", token="sp_…") as pusher:
        with track("sdxl-batch", push=pusher):
            generate()          # the record is queued when the block ends; a thread sends it

How it behaves:

* :meth:`Pusher.submit` only puts the record on a bounded in-memory queue (never blocks; when the
  queue is full the record goes straight to the spool file);
* a background thread gathers records into batches (``batch_size`` records, or what arrived within
  ``linger_s``) and sends each with an ``Idempotency-Key`` computed from the batch itself
  (:func:`shootprint.client.idempotency_key`), so a batch sent twice is counted once;
* a failed send is retried with exponential back-off (``retries`` times; ``429``/``503`` answers'
  ``Retry-After`` is honoured); a batch that still cannot be sent is appended to the spool file
  with its key, and is sent on the next run (the spool is read when a pusher starts) and at exit;
* a batch the server answers with ``4xx`` other than ``408``/``425``/``429`` is not retried (it
  would fail the same way): it is kept in the spool's ``.rejected`` file; records the server
  refused one by one (in a ``200`` answer) are listed in the summary;
* :meth:`Pusher.close` waits at most ``close_timeout_s`` for the queue to drain; whatever is left
  is spooled, never lost.

The spool is a JSON Lines file, one batch per line ``{"url", "production", "key", "records"}``;
readers and writers take an exclusive ``flock`` on ``<spool>.lock``, so several tracked processes
can share one spool.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from shootprint.i18n import Message
from shootprint.tracker.records import Record, record_to_dict

#: Answers worth retrying: the server may accept the same batch later.
_RETRY_STATUSES = frozenset({0, 408, 425, 429, 500, 502, 503, 504})


def default_spool_path() -> Path:
    """``$SHOOTPRINT_SPOOL``, else ``spool.jsonl`` in the user's data folder (XDG_DATA_HOME)."""
    env = os.environ.get("SHOOTPRINT_SPOOL")
    if env:
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "shootprint" / "spool.jsonl"


@dataclass
class PushSummary:
    """What a pusher did: records sent (accepted or already there), spooled, refused by the server."""

    accepted: int = 0
    duplicates: int = 0
    spooled: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self, lang: str = "en") -> str:
        """``3 record(s) accepted, 0 already there`` (and what was spooled or refused), in ``lang``."""
        from shootprint.i18n import gettext

        parts = [
            gettext(lang, "{count} record(s) accepted", count=self.accepted),
            gettext(lang, "{count} already there", count=self.duplicates),
        ]
        if self.spooled:
            parts.append(gettext(lang, "{count} spooled for later", count=self.spooled))
        if self.rejected:
            parts.append(gettext(lang, "{count} refused", count=len(self.rejected)))
        return ", ".join(parts)


@dataclass
class _Batch:
    url: str
    production: str
    key: str
    records: list[dict[str, Any]]

    def to_json(self) -> str:
        return json.dumps(
            {"url": self.url, "production": self.production, "key": self.key, "records": self.records},
            ensure_ascii=False,
            allow_nan=False,
        )


class Spool:
    """The local file of batches not sent yet (see the module's docstring)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def rejected_path(self) -> Path:
        return self.path.with_name(self.path.name + ".rejected")

    @contextmanager
    def locked(self) -> Iterator[None]:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a+") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def append(self, batches: Sequence[_Batch], rejected: bool = False) -> None:
        if not batches:
            return
        text = "".join(b.to_json() + "\n" for b in batches)
        with self.locked(), open(self.rejected_path if rejected else self.path, "a", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())

    def flush(self, url: str, send: Callable[[_Batch], str]) -> int:
        """Offer each batch spooled for ``url`` to ``send``; returns the number of batches sent.

        ``send`` answers ``"sent"``, ``"rejected"`` (moved to the ``.rejected`` file) or
        ``"retry"`` (kept, and the flush stops: the server is down again). The lock is held only
        to claim the file (renamed to ``<spool>.<pid>.sending``) and to put back what was not
        sent, never while sending, so jobs spooling meanwhile never wait on the network. A claim
        left by a process that died is taken over: its batches are sent again with the same
        keys, which the server recognises.
        """
        with self.locked():
            claimed = self._claim()
        if not claimed:
            return 0
        keep: list[str] = []
        rejected: list[str] = []
        sent = 0
        stopped = False
        for claim in claimed:
            for line in claim.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                if stopped:
                    keep.append(line)
                    continue
                try:
                    obj = json.loads(line)
                    batch = _Batch(str(obj["url"]), str(obj["production"]), str(obj["key"]), list(obj["records"]))
                except (ValueError, KeyError, TypeError):
                    keep.append(line)  # not ours to judge: left as it is
                    continue
                if batch.url != url:
                    keep.append(line)
                    continue
                outcome = send(batch)
                if outcome == "sent":
                    sent += 1
                elif outcome == "rejected":
                    rejected.append(line)
                else:
                    keep.append(line)
                    stopped = True
        with self.locked():
            if keep:
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write("".join(k + "\n" for k in keep))
                    fh.flush()
                    os.fsync(fh.fileno())
            if rejected:
                with open(self.rejected_path, "a", encoding="utf-8") as fh:
                    fh.write("".join(r + "\n" for r in rejected))
            for claim in claimed:
                claim.unlink(missing_ok=True)
        return sent

    def _claim(self) -> list[Path]:
        """Under the lock: this process's claim of the spool, and claims of processes that died."""
        claims: list[Path] = []
        for orphan in self.path.parent.glob(self.path.name + ".*.sending"):
            pid = orphan.name[len(self.path.name) + 1 :].split(".")[0]
            if pid.isdigit() and not _alive(int(pid)):
                mine = orphan.with_name(f"{self.path.name}.{os.getpid()}.{len(claims)}.orphan.sending")
                os.replace(orphan, mine)
                claims.append(mine)
        if self.path.exists() and self.path.stat().st_size > 0:
            mine = self.path.with_name(f"{self.path.name}.{os.getpid()}.{len(claims)}.sending")
            os.replace(self.path, mine)
            claims.append(mine)
        return claims

    def count(self) -> int:
        if not self.path.exists():
            return 0
        return sum(len(json.loads(line)["records"]) for line in self.path.read_text("utf-8").splitlines() if line)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another pusher of this process is sending it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


_STOP = object()


class Pusher:
    """Sends records to ``/api/v1/productions/{production}/records`` from a background thread.

    ``url`` is the server's root; ``token`` an API token with the ``records`` scope (default:
    ``$SHOOTPRINT_TOKEN``). ``spool`` is the file of unsent batches (default:
    :func:`default_spool_path`). ``client_factory`` builds the :class:`shootprint.client.Client`
    (tests inject a transport). ``sleep`` is the back-off's sleep (tests make it instant).
    """

    def __init__(
        self,
        url: str,
        production: str,
        *,
        token: str | None = None,
        spool: str | Path | None = None,
        batch_size: int = 50,
        linger_s: float = 0.2,
        max_queue: int = 10_000,
        retries: int = 4,
        backoff_s: float = 0.5,
        max_backoff_s: float = 8.0,
        timeout_s: float = 10.0,
        close_timeout_s: float = 30.0,
        client_factory: Callable[[], Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        lang: str = "en",
    ) -> None:
        self.url = url.rstrip("/")
        #: the language of the notes printed on standard error (``summary.errors`` keeps both)
        self.lang = lang
        self.production = production
        self.token = token if token is not None else os.environ.get("SHOOTPRINT_TOKEN")
        self.spool = Spool(spool if spool is not None else default_spool_path())
        self.batch_size = max(1, batch_size)
        self.linger_s = linger_s
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.timeout_s = timeout_s
        self.close_timeout_s = close_timeout_s
        self._client_factory = client_factory
        self._sleep = sleep
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max(1, max_queue))
        self._closing = threading.Event()
        self._closed = threading.Event()  # close() has returned: the thread sends nothing more
        self.summary = PushSummary()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._client: Any = None
        self._inflight: _Batch | None = None
        # every submitted record until the thread has sent or spooled it: what close() spools when the
        # thread cannot finish in time, wherever the record is (queued, being batched, in flight)
        self._unsent: dict[int, dict[str, Any]] = {}

    # -- the job's side: never blocks --------------------------------------------------------

    def start(self) -> Pusher:
        """Start the sending thread; it first sends what an earlier run spooled for this server."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="shootprint-push", daemon=True)
            self._thread.start()
        return self

    def submit(self, record: Record | Mapping[str, Any]) -> None:
        """Queue one record (a :class:`Record` or its JSON object); never blocks, never raises."""
        obj = record_to_dict(record) if isinstance(record, Record) else dict(record)
        if self._thread is None:
            self.start()
        with self._lock:
            self._unsent[id(obj)] = obj
        try:
            self._queue.put_nowait(obj)
        except queue.Full:
            self._settled([obj])
            self._spool([obj])

    def close(self, timeout_s: float | None = None) -> PushSummary:
        """Send what is queued (waiting at most ``timeout_s``, default ``close_timeout_s``); spool the rest."""
        timeout = self.close_timeout_s if timeout_s is None else timeout_s
        if self._thread is not None:
            self._closing.set()
            try:
                self._queue.put(_STOP, timeout=max(timeout, 0.01))
            except queue.Full:
                pass
            self._thread.join(timeout)
            # the server hangs (or the thread stopped): every record not yet sent or spooled goes to the spool
            with self._lock:
                unsent, self._unsent = self._unsent, {}
                inflight = self._inflight
            if inflight is not None:  # may also arrive: the same key makes the server count it once
                self._spool_batch(inflight)
                for r in inflight.records:
                    unsent.pop(id(r), None)
            self._drain_queue()
            self._spool(list(unsent.values()))  # queued or being gathered into a batch
            self._closed.set()
        else:
            self._drain_to_spool()
        if self._client is not None:
            self._client.close()
        return self.summary

    def __enter__(self) -> Pusher:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the sending thread -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._flush_spool()
            stop = False
            while not stop:
                batch: list[dict[str, Any]] = []
                item = self._next()
                if item is _STOP:
                    break
                batch.append(item)
                deadline = time.monotonic() + self.linger_s
                while len(batch) < self.batch_size:
                    wait = deadline - time.monotonic()
                    try:
                        item = self._queue.get(timeout=max(wait, 0.0)) if wait > 0 else self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if item is _STOP:
                        stop = True
                        break
                    batch.append(item)
                self._send_or_spool(self._batch(batch))
            if not self._closed.is_set():  # close() gave up waiting: what is left is spooled for the next run
                self._flush_spool()
        except Exception as err:  # never let the thread die silently with records in memory
            self._note(Message("push thread stopped: {error}", error=f"{type(err).__name__}: {err}"))
            self._drain_queue()
            with self._lock:
                unsent, self._unsent = self._unsent, {}
            self._spool(list(unsent.values()))

    def _next(self) -> Any:
        """The next queued item; ``_STOP`` once close() has returned (it may have drained the queue)."""
        while True:
            try:
                return self._queue.get(timeout=0.2)
            except queue.Empty:
                if self._closed.is_set():
                    return _STOP

    def _batch(self, records: list[dict[str, Any]]) -> _Batch:
        from shootprint.client import idempotency_key

        return _Batch(self.url, self.production, idempotency_key(self.production, records), records)

    def _client_now(self) -> Any:
        if self._client is None:
            if self._client_factory is not None:
                self._client = self._client_factory()
            else:
                from shootprint.client import Client

                self._client = Client(self.url, self.token, timeout_s=self.timeout_s)
        return self._client

    def _send(self, batch: _Batch, retries: int) -> str:
        """Send one batch, retrying with back-off: ``"sent"``, ``"rejected"`` or ``"retry"``."""
        from shootprint.client import ApiError

        delay = self.backoff_s
        for attempt in range(retries + 1):
            try:
                answer = self._client_now().push_records(batch.production, batch.records, key=batch.key)
            except ApiError as err:
                if err.status not in _RETRY_STATUSES:
                    self._note(
                        Message(
                            "server refused a batch of {count}: {error}",
                            count=len(batch.records),
                            error=str(err).splitlines()[0] if str(err) else "",
                        )
                    )
                    return "rejected"
                if attempt == retries or (self._closing.is_set() and err.status == 0):
                    break  # closing with the server down: no more waiting, the spool keeps it
                wait = err.retry_after_s if err.retry_after_s is not None else delay
                self._sleep(min(wait, self.max_backoff_s))
                delay = min(delay * 2, self.max_backoff_s)
                continue
            with self._lock:
                self.summary.accepted += int(answer.get("accepted", 0))
                self.summary.duplicates += int(answer.get("duplicates", 0))
                self.summary.rejected.extend(answer.get("rejected", []))
            return "sent"
        return "retry"

    def _send_or_spool(self, batch: _Batch) -> bool:
        """Send one batch with retries; spool it if it cannot be sent. True when sent."""
        with self._lock:
            self._inflight = batch
        try:
            outcome = self._send(batch, self.retries)
            if outcome == "rejected":
                self._spool_batch(batch, rejected=True)
            elif outcome == "retry":
                self._spool_batch(batch)
        finally:
            with self._lock:
                self._inflight = None
        self._settled(batch.records)  # not on an exception: the thread's last act spools what is unsent
        return outcome == "sent"

    def _flush_spool(self) -> None:
        """Send the batches an earlier run (or this one) left in the spool for this server."""
        try:
            self.spool.flush(self.url, lambda batch: self._send(batch, 1))
        except OSError as err:
            self._note(Message("cannot read the spool {path}: {error}", path=str(self.spool.path), error=str(err)))

    def _spool(self, records: list[dict[str, Any]]) -> None:
        if records:
            self._spool_batch(self._batch(records))

    def _spool_batch(self, batch: _Batch, rejected: bool = False) -> None:
        try:
            self.spool.append([batch], rejected=rejected)
            if not rejected:
                with self._lock:
                    self.summary.spooled += len(batch.records)
        except OSError as err:  # the records would be lost: say so loudly, with the records
            self._note(
                Message(
                    "cannot write the spool {path}: {error}; records: {records}",
                    path=str(self.spool.path),
                    error=str(err),
                    records=batch.to_json(),
                )
            )

    def _settled(self, records: list[dict[str, Any]]) -> None:
        """These records are sent or spooled: close() need not keep them."""
        with self._lock:
            for r in records:
                self._unsent.pop(id(r), None)

    def _drain_queue(self) -> list[dict[str, Any]]:
        left: list[dict[str, Any]] = []
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not _STOP:
                left.append(item)
        return left

    def _drain_to_spool(self) -> None:
        left = self._drain_queue()
        self._settled(left)
        self._spool(left)

    def _note(self, message: Message) -> None:
        """A note on standard error in the pusher's language; ``summary.errors`` keeps the Message."""
        with self._lock:
            self.summary.errors.append(message)
        print(f"shootprint push: {message.render(self.lang)}", file=sys.stderr)
