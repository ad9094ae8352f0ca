"""Reports a client can read: one self-contained HTML file, or a PDF of the same content.

``write_report(files, out, lang=…)`` reads each production file once (``api.prepare_files``),
computes with one :class:`~shootprint.calculator.Calculator` and renders what it returns; nothing
here computes a footprint:

* totals, their Monte Carlo intervals, ratios between options with intervals and P(A < B):
  ``Calculator.compare(productions, samples=…, seed=…)`` (common random numbers);
* intensities (per still image, per second of film, per shoot day): the footprint's own
  ``intensities``; their intervals are the total's interval divided by the same denominator
  (exact: quantiles of a total scale with a constant divisor);
* the sensitivity tornado: ``Calculator.sensitivity([production])`` of the option with the highest central total
  (the option whose uncertainty matters most in absolute terms; a ratio's tornado is dominated by
  the larger option anyway, and kgCO2e reads more easily than a ratio); ``at_p05``/``at_p95`` are
  the total with one input at its 5th/95th percentile and the others at their medians;
* savings of the levers: ``Calculator.whatif(production, levers=…)`` for each option, keeping the levers that
  change something in that file;
* equivalences: ``data/equivalences.csv`` (each row with its source); the report divides a total
  by the row's value.

The text comes from gettext catalogs (``shootprint/locale``; English is the source language),
numbers are formatted per locale with Babel (French: U+202F narrow no-break space between
thousands, decimal comma). HTML opens offline (inline CSS and SVG, system fonts); the PDF is the
same HTML rendered by WeasyPrint with the DejaVu Sans font shipped in ``report/fonts``.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from shootprint import i18n
from shootprint.errors import InputError
from shootprint.report import charts
from shootprint.report.text import input_labels

#: report language → Babel locale used for numbers
LOCALES = {"en": "en", "fr": "fr_FR"}
FORMATS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
#: levers tried on every option; those that change nothing in a file are left out of its chart.
#: ai_model and compute_region need a value chosen by the user, so they are not tried here.
CANDIDATE_LEVERS = (
    "train_instead_of_plane",
    "local_crew",
    "vegetarian_catering",
    "hvo_instead_of_diesel",
    "fewer_iterations",
)
TOP_LINES = 10
TORNADO_ROWS = 10
TORNADO_LABEL_CHARS = 37  # what charts.tornado shows of a label
SENSITIVITY_SAMPLES = 256  # Sobol base samples (a power of 2 keeps the Sobol sequence balanced)
TONNE_THRESHOLD_KG = 10_000  # charts switch to t CO2e when the largest total reaches 10 t
KG_PER_T = 1000.0
FONT_DIR = Path(__file__).parent / "fonts"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"


def N_(text: str) -> str:  # noqa: N802 (the gettext convention for "mark for translation, translate later")
    return text


CATEGORY_NAMES = {
    "travel": N_("Travel"),
    "freight": N_("Freight"),
    "accommodation": N_("Accommodation"),
    "catering": N_("Catering"),
    "energy": N_("Energy"),
    "sets": N_("Sets and materials"),
    "equipment": N_("Equipment"),
    "post_production": N_("Post-production"),
    "waste": N_("Waste"),
    "spend": N_("Purchases (spend-based)"),
    "ai": N_("Generative AI"),
}
STAGE_NAMES = {
    "pre-production": N_("Pre-production"),
    "shoot": N_("Shoot"),
    "post-production": N_("Post-production"),
}
LEVER_NAMES = {
    "train_instead_of_plane": N_("Train instead of plane"),
    "local_crew": N_("Local crew"),
    "vegetarian_catering": N_("Vegetarian catering"),
    "hvo_instead_of_diesel": N_("HVO instead of diesel"),
    "fewer_iterations": N_("Fewer AI iterations"),
    "all levers": N_("All levers together"),
}
STATUS_NAMES = {
    "input": N_("input"),
    "default": N_("default"),
    "parameter": N_("parameter"),
    "measured": N_("measured"),
    "pinned": N_("pinned"),
    "override": N_("override"),
    "estimated": N_("estimated"),
    "spend-based": N_("spend-based"),
    "valid": N_("valid"),
    "valid-generic": N_("valid (generic)"),
    "valid-specific": N_("valid (specific)"),
    "archived": N_("archived"),
}


# -- entry point -------------------------------------------------------------------------------


def write_report(
    files: list[Path],
    out: Path,
    *,
    lang: str = "en",
    samples: int = 2000,
    seed: int = 0,
    factor_set: str | None = None,
    overrides: Path | None = None,
    exclude: tuple[str, ...] = (),
) -> Path:
    """Compare ``files`` and write the report to ``out`` (HTML or PDF, chosen by its suffix).

    Raises InputError for an unknown suffix or language (before any computation) and for bad
    production files (from the API).
    """
    from shootprint.output import check_target, write_with

    out = Path(out)
    kind = check_options(out, lang, files, samples)
    check_target(out, (".html", ".htm", ".pdf"), inputs=[Path(f) for f in files], what=i18n.Message("report"))
    if overrides is not None:
        check_target(out, inputs=[Path(overrides)])
    # a PDF's renderer starts now, in a process of its own, and imports WeasyPrint while this one
    # computes; it gets the page when it is ready (in this process when no such process can start)
    renderer = PdfRenderer.start() if kind == "pdf" else None
    try:
        data = gather(files, samples=samples, seed=seed, factor_set=factor_set, overrides=overrides, exclude=exclude)
        if renderer is not None:
            rendered: str | bytes = renderer.render(render_html(data, lang, pdf=True))
        else:
            rendered = render_report(data, lang, kind)
    finally:
        if renderer is not None:
            renderer.close()
    if isinstance(rendered, bytes):
        return write_with(out, lambda tmp: tmp.write_bytes(rendered), inputs=files)
    return write_with(out, lambda tmp: tmp.write_text(rendered, encoding="utf-8"), inputs=files)


def render_report(data: ReportData, lang: str = "en", kind: str = "html") -> str | bytes:
    """The report of ``data`` (see :func:`gather`): HTML text, or PDF bytes for ``kind`` "pdf"."""
    html = render_html(data, lang, pdf=kind == "pdf")
    return render_pdf(html) if kind == "pdf" else html


def check_options(out: Path, lang: str, files: Sequence[Path], samples: int) -> str:
    problems = []
    kind = FORMATS.get(Path(out).suffix.lower())
    if kind is None:
        problems.append(
            i18n.Message(
                "--out {out}: unknown report format {suffix}; accepted: .html, .pdf",
                out=str(out),
                suffix=repr(Path(out).suffix or "(no suffix)"),
            )
        )
    if lang not in LOCALES:
        problems.append(
            i18n.Message(
                "--lang {given}: unknown language; accepted: {accepted}", given=repr(lang), accepted=", ".join(LOCALES)
            )
        )
    if not files:
        problems.append(i18n.Message("report: give at least one production file"))
    if samples < 10:
        problems.append(
            i18n.Message(
                "--samples {samples}: too few draws for an interval; accepted: 10 or more (2000 is usual)",
                samples=str(samples),
            )
        )
    if problems:
        raise InputError(problems)
    assert kind is not None
    return kind


# -- what the report shows (all from the public API) -------------------------------------------


@dataclass
class ReportData:
    files: list[Path]
    comparison: Any  # api.Comparison with .uncertainty
    table: Any  # the FactorTable the comparison used (names in French, row statuses)
    sensitivity: dict[str, Any] | None
    sensitivity_option: str | None
    whatifs: list[tuple[str, dict[str, Any]]]
    samples: int
    seed: int
    exclude: tuple[str, ...]
    equivalences: list[dict[str, Any]] = field(default_factory=list)


def gather(
    files: Sequence[Path],
    *,
    samples: int,
    seed: int = 0,
    factor_set: str | None = None,
    overrides: Path | None = None,
    exclude: Iterable[str] = (),
    sensitivity_samples: int = SENSITIVITY_SAMPLES,
) -> ReportData:
    from shootprint import api

    files = [Path(f) for f in files]
    # each file (and the overrides file) is read once; every computation below uses the data
    calc = api.calculator(factor_set, overrides)
    prepared = api.prepare_files(files)
    return gather_prepared(
        prepared,
        calc,
        files=files,
        samples=samples,
        seed=seed,
        exclude=exclude,
        sensitivity_samples=sensitivity_samples,
        overrides_source=str(overrides or "overrides"),
    )


def gather_prepared(
    prepared: Sequence[Any],
    calc: Any,
    *,
    files: Sequence[Path],
    samples: int,
    seed: int = 0,
    exclude: Iterable[str] = (),
    sensitivity_samples: int = SENSITIVITY_SAMPLES,
    overrides_source: str = "overrides",
) -> ReportData:
    """What the report shows, from productions already prepared (``Calculator.prepare``: a
    document with its records) and the Calculator holding the override rows; ``files`` are the
    names the report lists for them. Reads no file: a server renders a report from its database."""
    from shootprint.calculator import Calculator

    files = [Path(f) for f in files]
    exclude = tuple(exclude)
    comparison = calc.compare(list(prepared), samples=samples, seed=seed, exclude=exclude)
    chosen = comparison.factor_set
    calc = Calculator(chosen, calc.overrides, overrides_source=overrides_source)
    table = calc.table()
    totals = [fp.total_kgco2e for fp in comparison.footprints]
    top = max(range(len(files)), key=lambda i: totals[i])
    sens = calc.sensitivity([prepared[top]], base_samples=sensitivity_samples, seed=seed, exclude=exclude).to_dict()
    names = list(comparison.uncertainty["totals_kgco2e"]) if comparison.uncertainty else comparison.names
    whatifs = []
    for name, prep in zip(names, prepared, strict=True):
        result = calc.whatif(prep, levers=list(CANDIDATE_LEVERS), samples=samples, seed=seed, exclude=exclude)
        whatifs.append((name, result.to_dict()))
    return ReportData(
        files=files,
        comparison=comparison,
        table=table,
        sensitivity=sens,
        sensitivity_option=names[top],
        whatifs=whatifs,
        samples=samples,
        seed=seed,
        exclude=exclude,
        equivalences=load_equivalences(),
    )


@cache
def _equivalence_rows() -> tuple[dict[str, str], ...]:
    text = resources.files("shootprint.data").joinpath("equivalences.csv").read_text(encoding="utf-8")
    return tuple(csv.DictReader(text.splitlines()))


EQUIVALENCE_COLUMNS = (
    "id",
    "value",
    "unit",
    "label_en",
    "label_fr",
    "factor_id",
    "source",
    "source_url",
    "year",
    "notes",
)


def load_equivalences() -> list[dict[str, Any]]:
    """The rows of ``data/equivalences.csv`` (value in kgCO2e per the thing named)."""
    out = []
    for row in _equivalence_rows():
        value = float(row["value"])
        if not value > 0:
            raise ValueError(f"equivalences.csv: {row['id']}: value must be above 0")
        out.append({**row, "value": value})
    return out


# -- language and numbers ---------------------------------------------------------------------


def translations(lang: str) -> Any:
    from babel.support import NullTranslations, Translations

    if lang == "en":
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [LOCALES[lang], lang], domain="messages")


def number(value: float | None, lang: str, digits: int | None = None) -> str:
    """``value`` for a reader: whole numbers from 100, then 1, 2 decimals, then 3 significant digits.

    ``digits`` forces that many decimals. French: U+202F between thousands, decimal comma.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if digits is None:
        size = abs(value)
        if size == 0 or size >= 100:
            digits = 0
        elif size >= 10:
            digits = 1
        elif size >= 1:
            digits = 2
        else:
            digits = min(2 - math.floor(math.log10(size)), 12)
    rounded = round(value, digits) or 0.0  # no "-0"
    if abs(rounded) * 10**digits >= 1e15:  # past a float's 15 sure digits: babel writes its shortest form
        from babel.numbers import format_decimal

        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return str(format_decimal(rounded, format=pattern, locale=LOCALES[lang]))
    # babel's pattern "#,##0.00…" (groups of three, ``digits`` decimals) written by Python's own
    # formatting, many times faster (a page shows hundreds of numbers): ``rounded`` holds at most
    # ``digits`` decimals and fewer than 15 digits in all, so both write the same digits; the
    # symbols are the locale's, from babel
    group, decimal, minus = _number_symbols(LOCALES[lang])
    text = f"{abs(rounded):,.{digits}f}".translate({ord(","): group, ord("."): decimal})
    return minus + text if rounded < 0 else text


@cache
def _number_symbols(locale: str) -> tuple[str, str, str]:
    """(group, decimal, minus) of ``locale``."""
    from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol

    return get_group_symbol(locale), get_decimal_symbol(locale), get_minus_sign_symbol(locale)


class View:
    """Formatting and translation for one language."""

    def __init__(self, lang: str, table: Any) -> None:
        self.lang = lang
        self.tr = translations(lang)
        self.table = table

    def _(self, text: str) -> str:
        return str(self.tr.gettext(text))

    def text(self, text: str) -> str:
        """Engine-made text (a line label, a warning) in the report's language."""
        return i18n.render(text, self.lang)

    def num(self, value: float | None, digits: int | None = None) -> str:
        return number(value, self.lang, digits)

    def kg(self, value: float | None) -> str:
        return "—" if value is None else f"{self.num(value)} kg CO₂e"

    def ratio(self, value: float | None) -> str:
        if value is None or not math.isfinite(value):
            return "—"
        return "×" + self.num(value, None if value < 100 else 0)

    def tick_ratio(self, value: float) -> str:
        """An axis tick of ratios: ×1, ×10, ×0.1 (no trailing zeros)."""
        if value >= 1 and float(value).is_integer():
            return "×" + self.num(value, 0)
        return "×" + self.num(value, max(0, -math.floor(math.log10(value)))) if value > 0 else "×0"

    def interval(self, d: dict[str, float] | None, fmt: Callable[[float], str] | None = None) -> str:
        if not d:
            return "—"
        f = fmt or self.num
        return f"{f(d['median'])} [{f(d['low'])} – {f(d['high'])}]"

    def pct(self, value: float | None) -> str:
        from babel.numbers import format_percent

        if value is None:
            return "—"
        return str(format_percent(value, format="#,##0 %", locale=LOCALES[self.lang]))

    def category(self, key: str) -> str:
        return self._(CATEGORY_NAMES[key]) if key in CATEGORY_NAMES else key

    def status(self, key: str) -> str:
        return self._(STATUS_NAMES[key]) if key in STATUS_NAMES else key

    def lever(self, key: str) -> str:
        name, _, value = key.partition("=")
        shown = self._(LEVER_NAMES[name]) if name in LEVER_NAMES else name
        return f"{shown} ({value})" if value else shown

    def factor_name(self, factor_id: str, fallback: str = "", resolved_id: str = "") -> str:
        """The factor's name in the report's language where the data has one."""
        for fid in (factor_id, resolved_id):
            if not fid:
                continue
            try:
                row = self.table.get(fid)
            except Exception:  # noqa: BLE001 (an id the table cannot name: keep the engine's name)
                continue
            name = row.name(self.lang)  # the other language when the data has only one
            if name:
                return str(name)
        return fallback or factor_id


# -- building the page --------------------------------------------------------------------------


def render_html(data: ReportData, lang: str, *, pdf: bool = False) -> str:
    """The whole report as one HTML page (``pdf``: with the packaged font for WeasyPrint)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    view = View(lang, data.table)
    env = Environment(
        loader=PackageLoader("shootprint.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(view.tr, newstyle=True)  # type: ignore[attr-defined]
    context = build_context(data, view)
    context["font_css"] = font_css() if pdf else ""
    if pdf:
        # the PDF's charts in the packaged font too: WeasyPrint draws an SVG with its own
        # attributes only, and the system's DejaVu Sans (or whatever stands in for it) would be
        # embedded a second time beside the packaged copy
        family = f'font-family="{charts.FONT_FAMILY}"'
        for key in CHART_KEYS:
            context[key] = context[key].replace(family, f'font-family="{PDF_FONT_FAMILY}, {charts.FONT_FAMILY}"', 1)
    context["pdf"] = pdf
    return env.get_template("report.html.j2").render(**context)


#: the context's SVG charts (build_context)
CHART_KEYS = ("stacked_chart", "ratio_chart", "top_chart", "tornado_chart", "lever_chart")
#: the packaged font's name in the PDF (:func:`font_css`)
PDF_FONT_FAMILY = "Shootprint Sans"


def font_css() -> str:
    """@font-face rules pointing at the packaged DejaVu Sans (file URLs, read by WeasyPrint only)."""
    regular = (FONT_DIR / "DejaVuSans.ttf").as_uri()
    bold = (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri()
    return (
        f'@font-face {{ font-family: "{PDF_FONT_FAMILY}"; src: url("{regular}"); font-weight: normal; }}\n'
        f'@font-face {{ font-family: "{PDF_FONT_FAMILY}"; src: url("{bold}"); font-weight: bold; }}\n'
        f'body, svg {{ font-family: "{PDF_FONT_FAMILY}", sans-serif; }}\n'
        # the page footers are outside body: without this they came out in the system's serif
        f'@page {{ @bottom-left {{ font-family: "{PDF_FONT_FAMILY}", sans-serif; }} '
        f'@bottom-right {{ font-family: "{PDF_FONT_FAMILY}", sans-serif; }} }}\n'
    )


def _import_weasyprint() -> None:
    """Import WeasyPrint, answering its search for Pango, HarfBuzz and fontconfig from one
    ``ldconfig -p`` listing on Linux.

    WeasyPrint tries several names per library (Windows and macOS ones first); each name the
    dynamic loader cannot open directly goes to ``ctypes.util.find_library``, which on Linux runs
    ``ldconfig -p`` again and, when the name is not listed there, ``gcc`` and ``ld``: 22 child
    processes, about a quarter of a second of every PDF. Here a name is looked up in the listing
    read once, with the pattern ``find_library`` uses; a name not listed gets None, and WeasyPrint
    goes on to the ``lib….so.N`` name the loader opens itself (what ``gcc`` would have named).
    Elsewhere, or without a readable ``ldconfig -p``, ``find_library`` is left as it is.
    """
    import sys

    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        import weasyprint  # noqa: F401

        return
    import ctypes.util
    import os
    import re
    import struct
    import subprocess

    try:
        listing = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env={"LC_ALL": "C", "LANG": "C"},
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        listing = b""
    if not listing:
        import weasyprint  # noqa: F401

        return
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }.get(machine, "libc6")

    def find_library(name: str) -> str | None:
        found = re.search(os.fsencode(rf"\s+(lib{re.escape(name)}\.[^\s]+)\s+\({abi}"), listing)
        return os.fsdecode(found.group(1)) if found else None

    original = ctypes.util.find_library
    ctypes.util.find_library = find_library
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = original


def render_pdf(html: str) -> bytes:
    """``html`` as PDF bytes, by WeasyPrint; only the packaged font files may be fetched (no network).

    The cyclic garbage collector is paused while WeasyPrint works (as the CLI's commands run): its
    layout makes some hundred thousand boxes that live until the PDF is written, and the collector
    walked through them again and again, about a seventh of the rendering (a server renders here
    too). It is put back as it was, also on an error; a caller that had paused it keeps it paused."""
    import gc

    _import_weasyprint()
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["file"])
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        pdf = HTML(string=html, base_url=str(FONT_DIR), url_fetcher=fetcher).write_pdf(font_config=FontConfiguration())
    finally:
        if was_enabled:
            gc.enable()
    assert isinstance(pdf, bytes)
    return pdf


class PdfRenderer:
    """:func:`render_pdf` in a child process started before the page exists, so that the child's
    start (importing WeasyPrint, about half a second) runs beside the computations of the report
    on another core instead of after them. The child gets the HTML through a pipe and answers the
    PDF's bytes through another; the PDF is the same, byte for byte, as :func:`render_pdf` makes.

    Only where this is safe and cheap: on Linux (``fork``: the child starts with this process's
    modules, nothing imported twice) and from a process of one thread (a process forked while
    other threads hold locks may hang). :meth:`start` returns None elsewhere, and the caller
    renders in its own process (as a server's worker does: :func:`render_report`). The child never
    outlives its use: :meth:`close` (always called, also on an error or Ctrl-C) ends it and
    collects it, and Linux kills it when its parent dies (:func:`_end_with_parent`). When the
    child fails or dies, :meth:`render` renders in this process instead, which raises the error
    itself if there is one.
    """

    def __init__(self, pid: int, html_fd: int, pdf_fd: int) -> None:
        self.pid = pid
        self._html_fd: int | None = html_fd  # this process writes the page here
        self._pdf_fd: int | None = pdf_fd  # and reads the child's answer here
        self._collected = False  # the child was waited for (it is gone)

    @classmethod
    def start(cls) -> PdfRenderer | None:
        import os
        import sys

        if not sys.platform.startswith("linux") or not hasattr(os, "fork") or not _one_thread():
            return None
        html_read, html_write = os.pipe()
        pdf_read, pdf_write = os.pipe()
        sys.stdout.flush()  # nothing buffered here is written twice
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:
            for fd in (html_read, html_write, pdf_read, pdf_write):
                os.close(fd)
            return None
        if pid == 0:  # the child: never returns
            os.close(html_write)
            os.close(pdf_read)
            _child_render(html_read, pdf_write)
        os.close(html_read)
        os.close(pdf_write)
        return cls(pid, html_write, pdf_read)

    def render(self, html: str) -> bytes:
        """The PDF of ``html``: the child's answer, or :func:`render_pdf` here when it has none
        (an answer counts only from a child that then ended well: one killed while it wrote
        would leave a PDF cut short)."""
        import os

        answer = b""
        try:
            assert self._html_fd is not None and self._pdf_fd is not None
            with os.fdopen(self._html_fd, "wb") as pipe:
                self._html_fd = None
                pipe.write(html.encode("utf-8"))
            with os.fdopen(self._pdf_fd, "rb") as pipe:
                self._pdf_fd = None
                answer = pipe.read()
        except OSError:  # the child is gone (killed, crashed): render here
            answer = b""
        if self._collect(kill=False) == 0 and answer[:1] == _PDF_OK:
            return answer[1:]
        return render_pdf(html)

    def close(self) -> None:
        """End the child (when :meth:`render` did not collect it: an error or Ctrl-C here) and
        collect it."""
        import os

        for fd in (self._html_fd, self._pdf_fd):
            if fd is not None:
                os.close(fd)
        self._html_fd = self._pdf_fd = None
        self._collect(kill=True)

    def _collect(self, *, kill: bool) -> int | None:
        """Wait for the child's end (``kill``: kill it first) and return its exit status (None:
        collected already, or killed by a signal)."""
        import os
        import signal

        if self._collected:
            return None
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            _, status = os.waitpid(self.pid, 0)
        except ChildProcessError:
            status = -1
        self._collected = True
        return os.WEXITSTATUS(status) if status != -1 and os.WIFEXITED(status) else None


_PDF_OK = b"\x00"  # the child's answer starts with this byte, then the PDF; anything else: no PDF


def _one_thread() -> bool:
    """Whether this process runs one thread only (Python's and native ones: numpy's BLAS, say)."""
    import threading

    if threading.active_count() != 1:
        return False
    try:
        import os

        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def _end_with_parent() -> None:
    """Ask Linux to kill this process when its parent ends (``prctl(PR_SET_PDEATHSIG, SIGKILL)``),
    so a renderer whose parent was killed stops at once instead of finishing a PDF nobody reads."""
    import ctypes
    import os
    import signal

    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return  # no prctl: the closed pipe still ends it, after its render
    if os.getppid() != parent:  # the parent ended before the request took effect
        os._exit(1)


def _child_render(html_fd: int, pdf_fd: int) -> None:
    """The forked child of :class:`PdfRenderer`: import WeasyPrint, wait for the page, render it,
    answer, end (``os._exit``: none of the parent's exit handlers run twice)."""
    import os

    status = 0
    try:
        _end_with_parent()
        _import_weasyprint()
        with os.fdopen(html_fd, "rb") as pipe:
            html = pipe.read().decode("utf-8")
        if html:  # no page: the parent gave up
            pdf = render_pdf(html)
            with os.fdopen(pdf_fd, "wb") as pipe:
                pipe.write(_PDF_OK + pdf)
    except BaseException:  # noqa: BLE001 (the parent renders again and raises it itself)
        status = 1
    finally:
        os._exit(status)


def write_pdf(html: str, out: Path) -> None:
    """:func:`render_pdf` written to ``out``."""
    Path(out).write_bytes(render_pdf(html))


def build_context(data: ReportData, view: View) -> dict[str, Any]:
    _ = view._
    comp = data.comparison
    u = comp.uncertainty or {}
    fps = comp.footprints
    names = list(u.get("totals_kgco2e") or comp.names)
    by_name = dict(zip(names, fps, strict=True))
    reference = u.get("reference", names[0])
    level_pct = round(float(u.get("level", 0.9)) * 100)
    largest = max([fp.total_kgco2e for fp in fps] + [0.0])
    in_t = largest >= TONNE_THRESHOLD_KG
    unit = "t CO₂e" if in_t else "kg CO₂e"
    scale = KG_PER_T if in_t else 1.0

    def chart_num(x: float) -> str:
        return view.num(x / scale if scale != 1.0 else x)

    # -- summary rows
    summary = []
    for name in names:
        fp = by_name[name]
        tot_iv = u.get("totals_kgco2e", {}).get(name)
        row: dict[str, Any] = {
            "name": name,
            "total": view.num(fp.total_kgco2e),
            "total_t": view.num(fp.total_kgco2e / KG_PER_T),
            "interval": view.interval(tot_iv),
            "ratio": view.interval(u.get("ratios_to_reference", {}).get(name), view.ratio)
            if name != reference
            else _("lowest"),
            "p_lower": (
                view.num(u["probability_lower"][name].get(reference), 2)
                if name != reference and "probability_lower" in u
                else "—"
            ),
            "intensities": [],
            "metadata": fp.metadata,
        }
        for key in ("per_still_image_kgco2e", "per_film_second_kgco2e", "per_shoot_day_kgco2e"):
            value = fp.intensities.get(key)
            if value is None or not fp.total_kgco2e or not tot_iv:
                row["intensities"].append({"value": view.num(value), "interval": ""})
                continue
            share = value / fp.total_kgco2e  # 1 / the denominator (images, seconds, days)
            scaled = {k: tot_iv[k] * share for k in ("median", "low", "high")}
            row["intensities"].append({"value": view.num(value), "interval": view.interval(scaled)})
        summary.append(row)
    lowest = reference
    highest = max(names, key=lambda n: by_name[n].total_kgco2e)

    # -- ratio matrix (every pair up to scenarios.PAIRWISE_MAX options; beyond, the ratio chart only)
    matrix = []
    for a in names if u.get("ratios") else ():
        cells: list[dict[str, str] | None] = []
        for b in names:
            if a == b:
                cells.append(None)
                continue
            cells.append(
                {
                    "ratio": view.interval((u.get("ratios") or {}).get(a, {}).get(b), view.ratio),
                    "p": view.num(u.get("probability_lower", {}).get(a, {}).get(b), 2),
                }
            )
        matrix.append({"name": a, "cells": cells})

    # -- charts
    categories = comp.categories()
    cat_colours = [(c, view.category(c), _category_colour(c)) for c in categories]
    stacked = charts.stacked_bars(
        names,
        cat_colours,
        {c: {n: by_name[n].by_category.get(c, 0.0) / scale for n in names} for c in categories},
        {n: by_name[n].total_kgco2e / scale for n in names},
        fmt=view.num,
        unit=unit,
        title=_("Emissions by category"),
    )
    ratio_rows = [
        (n, d["median"], d["low"], d["high"])
        for n in names
        if (d := u.get("ratios_to_reference", {}).get(n)) is not None
    ]
    ratio_chart = (
        charts.interval_dots(
            ratio_rows,
            fmt=view.tick_ratio,
            unit=_("× the lowest option ({name})").format(name=reference),
            title=_("Ratios to the lowest option"),
        )
        if ratio_rows
        else ""
    )
    everything = [(n, line) for n in names for line in by_name[n].lines]
    everything.sort(key=lambda t: -t[1].emissions_kgco2e)
    top_lines = everything[:TOP_LINES]
    top_rows = [
        (f"{n} · {view.text(line.label) or line.id}", line.emissions_kgco2e / scale, _category_colour(line.category))
        for n, line in top_lines
    ]
    top_cats = []
    for _n, line in top_lines:
        legend_item = (view.category(line.category), _category_colour(line.category))
        if legend_item not in top_cats:
            top_cats.append(legend_item)
    top_chart = (
        charts.bars(top_rows, fmt=view.num, unit=unit, title=_("The largest lines"), legend=top_cats, label_limit=36)
        if top_rows
        else ""
    )
    top_table = [
        {
            "option": n,
            "id": line.id,
            "label": view.text(line.label),
            "category": view.category(line.category),
            "quantity": f"{view.num(line.quantity)} {line.unit}",
            "factor": view.factor_name(
                line.factor_id,
                line.factors[0].name if line.factors else "",
                line.factors[0].resolved_id if line.factors else "",
            ),
            "emissions": view.num(line.emissions_kgco2e),
        }
        for n, line in top_lines
    ]

    # -- sensitivity
    sens = data.sensitivity or {}
    tornado_rows = []
    moving = [r for r in sens.get("inputs") or [] if r["at_p05"] != r["at_p95"]]  # constants say nothing
    shown = moving[:TORNADO_ROWS]
    # the chart cuts labels at 37 characters: cut here, so two factors never read the same
    short = input_labels(shown, view.lang, limit=TORNADO_LABEL_CHARS)
    for r, chart_label in zip(shown, short, strict=True):
        tornado_rows.append(
            {
                "label": _input_label(r["input"], view),
                "chart_label": chart_label,
                "key": r["input"],
                "st": view.num(r["ST"], 2),
                "s1": view.num(r["S1"], 2),
                "low": view.num(r["at_p05"]),
                "high": view.num(r["at_p95"]),
                "at_p05": r["at_p05"],
                "at_p95": r["at_p95"],
            }
        )
    tornado_chart = ""
    if tornado_rows:
        tornado_chart = charts.tornado(
            [(r["chart_label"], r["at_p05"] / scale, r["at_p95"] / scale) for r in tornado_rows],
            sens["output_at_medians"] / scale,
            fmt=view.num,
            unit=unit,
            title=_("Sensitivity of the total"),
            low_name=_("input at its 5th percentile"),
            high_name=_("input at its 95th percentile"),
        )

    # -- levers
    lever_groups = []
    lever_table = []
    for name, result in data.whatifs:
        applied = [
            v
            for v in result["variants"]
            if v["changes"] and v["saving_kgco2e"] != 0 and (v["variant"] != "all levers" or _count_applied(result) > 1)
        ]
        if not applied:
            continue
        lever_groups.append(
            (
                name,
                [
                    (
                        view.lever(v["variant"]),
                        v["saving_kgco2e"] / scale,
                        v["saving_interval_kgco2e"]["low"] / scale,
                        v["saving_interval_kgco2e"]["high"] / scale,
                    )
                    for v in applied
                ],
            )
        )
        for v in applied:
            lever_table.append(
                {
                    "option": name,
                    "lever": view.lever(v["variant"]),
                    "total": view.num(v["total_kgco2e"]),
                    "saving": view.num(v["saving_kgco2e"]),
                    "interval": view.interval(v["saving_interval_kgco2e"]),
                    "pct": view.num(v["saving_pct"], 1) if v["saving_pct"] is not None else "—",
                    "p": view.num(v["probability_lower"], 2),
                    "changes": v.get("changes_fr") or v["changes"] if view.lang == "fr" else v["changes"],
                }
            )
    lever_chart = (
        charts.savings(lever_groups, fmt=view.num, unit=unit, title=_("Savings of the levers")) if lever_groups else ""
    )
    # levers that cannot apply to an option (e.g. fewer iterations of a single one): said, with why
    levers_skipped = [
        {
            "option": name,
            "lever": view.lever(s["lever"]),
            "reason": (s.get("reason_fr") or s["reason"]) if view.lang == "fr" else s["reason"],
        }
        for name, result in data.whatifs
        for s in result.get("skipped", [])
    ]

    # -- equivalences
    equivalences = []
    for eq in data.equivalences:
        equivalences.append(
            {
                "label": eq["label_fr"] if view.lang == "fr" else eq["label_en"],
                "value": view.num(eq["value"]),
                "unit": eq["unit"],
                "source": eq["source"],
                "source_url": eq["source_url"],
                "year": eq["year"],
                "per_option": [view.num(by_name[n].total_kgco2e / eq["value"]) for n in names],
            }
        )

    # -- appendix: factors, defaults, warnings
    factors: dict[tuple[str, str, float], dict[str, Any]] = {}
    uncertainty_defaulted: dict[str, str] = {}
    default_lines = []
    for n in names:
        for line in by_name[n].lines:
            if line.quantity_status == "default":
                default_lines.append(
                    {
                        "option": n,
                        "id": line.id,
                        "label": view.text(line.label),
                        "quantity": f"{view.num(line.quantity)} {line.unit}",
                    }
                )
            for f in line.factors:
                fkey = (f.id, f.unit, f.value)
                entry = factors.get(fkey)
                if entry is None:
                    entry = factors[fkey] = _factor_entry(f, view)
                entry["options"].add(n)
                if (f.uncertainty or {}).get("kind", "none") == "none":
                    uncertainty_defaulted.setdefault(
                        f.resolved_id or f.id, view.factor_name(f.id, f.name, f.resolved_id)
                    )
    factor_rows = sorted(factors.values(), key=lambda e: (e["id"], e["unit"]))
    for e in factor_rows:
        e["options"] = ", ".join(x for x in names if x in e["options"])
    warnings: dict[tuple[str, str], list[str]] = {}
    for n in names:
        fp = by_name[n]
        for w in [w for line in fp.lines for w in line.warnings] + list(fp.warnings):
            who = warnings.setdefault((w.code, w.text(view.lang)), [])
            if n not in who:
                who.append(n)
    warning_rows = [{"code": c, "message": m, "options": ", ".join(o)} for (c, m), o in warnings.items()]
    warning_rows.extend({"code": "comparison", "message": view.text(w), "options": ""} for w in comp.warnings)
    excluded = sorted({x for fp in fps for x in fp.excluded})
    overrides_used = sorted({x for fp in fps for x in fp.overrides_used})
    versions = fps[0].versions if fps else {}
    stages = [view._(STAGE_NAMES[s]) for s in STAGE_NAMES]

    sensitivity_note = (
        _(
            "Sobol indices of the total of {name}, the option with the highest total: its uncertainty weighs "
            "most in absolute terms, and the ratio between options is driven by the larger one."
        ).format(name=data.sensitivity_option)
        if len(names) > 1
        else _("Sobol indices of the total of {name}.").format(name=data.sensitivity_option)
    )
    return {
        "lang": view.lang,
        "title": _("Carbon footprint report"),
        "names": names,
        "reference": reference,
        "lowest": lowest,
        "highest": highest,
        "summary": summary,
        "matrix": matrix,
        "level": level_pct,
        "samples": view.num(float(u.get("samples", data.samples)), 0),
        "seed": u.get("seed", data.seed),
        "common": u.get("common_random_numbers", True),
        "stacked_chart": stacked,
        "ratio_chart": ratio_chart,
        "top_chart": top_chart,
        "top_table": top_table,
        "tornado_chart": tornado_chart,
        "tornado_rows": tornado_rows,
        "sensitivity_note": sensitivity_note,
        "sensitivity_base": view.num(sens.get("output_at_medians")),
        "sensitivity_samples": sens.get("base_samples"),
        "sensitivity_evaluations": view.num(float(sens.get("evaluations", 0)), 0),
        "lever_chart": lever_chart,
        "lever_table": lever_table,
        "levers_skipped": levers_skipped,
        "equivalences": equivalences,
        "categories": [
            {
                "name": view.category(c),
                "colour": _category_colour(c),
                "values": [view.num(by_name[n].by_category.get(c, 0.0)) for n in names],
            }
            for c in categories
        ],
        "totals_row": [view.num(by_name[n].total_kgco2e) for n in names],
        "factor_rows": factor_rows,
        "default_lines": default_lines,
        "uncertainty_defaulted": sorted(uncertainty_defaulted.items()),
        "warnings": warning_rows,
        "excluded": excluded,
        "overrides_used": overrides_used,
        "versions": versions,
        "factor_set": comp.factor_set,
        "stages": stages,
        "category_names": [view.category(c) for c in categories],
        "files": [f.name for f in data.files],
        "unit": unit,
    }


def _count_applied(result: dict[str, Any]) -> int:
    return sum(1 for v in result["variants"] if v["variant"] != "all levers" and v["changes"] and v["saving_kgco2e"])


@cache
def _category_order() -> tuple[str, ...]:
    from shootprint.categories import MODULES

    return tuple(MODULES)


def _category_colour(category: str) -> str:
    order = _category_order()
    return charts.colour(order.index(category) if category in order else len(order) + hash(category) % 5)


def _input_label(key: str, view: View) -> str:
    """A Sobol input key in words: ``factor:ID`` → the factor's name; quantities keep their path."""
    if key.startswith("factor:"):
        fid = key.removeprefix("factor:")
        return f"{view.factor_name(fid)} ({fid})"
    return key


def _factor_entry(f: Any, view: View) -> dict[str, Any]:
    unc = f.uncertainty or {}
    kind = unc.get("kind", "none")
    if kind == "none":
        unc_text = view._("none published (default used)")
    elif unc.get("pct") is not None and unc.get("low") is None:
        unc_text = f"±{view.num(unc['pct'], 0)} %" + ("" if kind == "published" else " (" + view._("judgement") + ")")
    elif unc.get("low") is not None:
        unc_text = f"{view.num(unc['low'])} – {view.num(unc['high'])}" + (
            " (" + view._("judgement") + ")" if kind == "judgement" else ""
        )
    else:
        unc_text = kind
    data_status = ""
    try:
        data_status = view.status(view.table.get(f.resolved_id or f.id).status)
    except Exception:  # noqa: BLE001 (a factor the table no longer holds, e.g. a measured one)
        data_status = ""
    return {
        "id": f.id,
        "resolved_id": f.resolved_id if f.resolved_id and f.resolved_id != f.id else "",
        "name": view.factor_name(f.id, f.name, f.resolved_id),
        "value": view.num(f.value),
        "unit": f.unit,
        "source": f.source,
        "status": view.status(f.status),
        "data_status": data_status,
        "licence": f.licence,
        "uncertainty": unc_text,
        "role": f.role,
        "options": set(),
    }
