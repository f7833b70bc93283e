"""``report.html``: one self-contained page that explains a run to someone who was not there.

Self-contained means inline CSS, no scripts, no external assets: screenshots are embedded as
downscaled JPEG thumbnails (base64 data URIs), each a link to the full PNG in the bundle. The page
still reads correctly when mailed on its own; only the full-size images, the log and the video
need the bundle folder next to it.

Every text that came from the device or from a result file (OCR, QR payloads, reasons, error
texts, facts) goes through ``html.escape`` - a device that shows ``<script>`` must not script the
report. Links are only made to files that really are inside the bundle folder.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import cv2

from harness.report.atomic import atomic_write_text
from harness.report.masking import SecretMasker
from harness.report.result import Phase, RunResult

RESULT_FILE = "result.json"
REPORT_FILE = "report.html"
THUMBNAIL_WIDTH = 360
LINKED_FILES = (
    ("run.log", "log"),
    ("video.mp4", "video of changed frames"),
    ("video.vtt", "video captions (WebVTT)"),
    ("video.srt", "video captions (SRT)"),
    ("timeline.jsonl", "frame timeline"),
    ("result.json", "run record"),
)
COMPARED_FIELDS = ("profile", "organization", "user", "ztd_id")

VERDICT_COLOURS = {
    "passed": "#1e7b34",
    "failed": "#b3261e",
    "error": "#b35c00",
    "running": "#5f6368",
}

CSS = """
body { font-family: "Open Sans", "DejaVu Sans", Arial, sans-serif; margin: 0; color: #202124; }
main { padding: 0 24px 40px; max-width: 1200px; }
.banner { color: #fff; padding: 20px 24px; }
.banner h1 { margin: 0; font-size: 34px; letter-spacing: 1px; }
.banner p { margin: 6px 0 0; font-size: 18px; }
.banner .meta { font-size: 13px; opacity: 0.9; }
h2 { border-bottom: 1px solid #dadce0; padding-bottom: 4px; margin-top: 32px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { border: 1px solid #dadce0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f3f4; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.ok { color: #1e7b34; font-weight: bold; }
.bad { color: #b3261e; font-weight: bold; }
.warn { color: #b35c00; font-weight: bold; }
.muted { color: #5f6368; }
.bars { border: 1px solid #dadce0; padding: 8px; max-width: 1000px; }
.bar-row { display: flex; align-items: center; margin: 3px 0; font-size: 13px; }
.bar-label { width: 220px; flex: none; overflow: hidden; text-overflow: ellipsis; }
.bar-track { position: relative; flex: 1; height: 18px; background: #f1f3f4; }
.bar { position: absolute; top: 0; height: 18px; background: #1a73e8; min-width: 2px; }
.bar.open { background: #b35c00; }
img.thumb { max-width: 360px; border: 1px solid #dadce0; display: block; }
.gallery { display: flex; flex-wrap: wrap; gap: 12px; }
.gallery figure { margin: 0; }
.gallery figcaption { font-size: 13px; }
code { background: #f1f3f4; padding: 0 3px; }
"""


def write_html_report(bundle_dir: Path, masker: SecretMasker | None = None) -> Path:
    """Render ``bundle_dir/result.json`` into ``bundle_dir/report.html``; return its path."""
    bundle_dir = Path(bundle_dir)
    result = RunResult.load(bundle_dir / RESULT_FILE)
    page = render_html(result, bundle_dir)
    if masker is not None:
        page = masker.mask(page)
    path = bundle_dir / REPORT_FILE
    atomic_write_text(path, page)
    return path


def render_html(result: RunResult, bundle_dir: Path) -> str:
    sections = [
        _banner(result),
        "<main>",
        _device_section(result),
        _screen_section(result),
        _fields_section(result),
        _timings_section(result),
        _steps_section(result, bundle_dir),
        _events_section(result),
        _diagnostics_section(result, bundle_dir),
        _files_section(bundle_dir),
        "</main>",
    ]
    title = f"{result.verdict.upper()} - {result.run_id}"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(sections)
        + "\n</body>\n</html>\n"
    )


def _e(value: object) -> str:
    """Escape anything for HTML text or a quoted attribute; None shows as a dash."""
    return "-" if value is None else html.escape(str(value), quote=True)


def _banner(result: RunResult) -> str:
    label = result.verdict.upper() if result.complete else "INCOMPLETE"
    colour = VERDICT_COLOURS.get(result.verdict, "#5f6368") if result.complete else "#5f6368"
    reason = result.reason if result.complete else "interrupted: the run did not finish"
    finished = result.finished_at or "not finished"
    return (
        f'<div class="banner" style="background:{colour}">'
        f"<h1>{_e(label)}</h1><p>{_e(reason)}</p>"
        f'<p class="meta">run {_e(result.run_id)} &middot; device {_e(result.device.name)} '
        f"&middot; started {_e(result.started_at)} &middot; finished {_e(finished)} "
        f"&middot; harness {_e(result.harness_version)}</p></div>"
    )


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """Headers are plain text (escaped here); cells are HTML the caller already escaped."""
    head = "".join(f"<th>{_e(header)}</th>" for header in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _key_values(pairs: Iterable[tuple[str, object]]) -> str:
    rows = [(_e(key), _e(_plain(value))) for key, value in pairs]
    if not rows:
        return '<p class="muted">none</p>'
    return _table(("key", "value"), rows)


def _plain(value: object) -> object:
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _device_section(result: RunResult) -> str:
    device = result.device
    pairs: list[tuple[str, object]] = [
        ("name", device.name),
        ("backend", device.backend),
        ("windows", device.windows),
    ]
    pairs.extend(sorted(device.facts.items()))
    return (
        "<h2>Device and expectation</h2>"
        "<h3>Device</h3>"
        + _key_values(pairs)
        + "<h3>Expected</h3>"
        + _key_values(sorted(result.expectation.items()))
    )


def _screen_section(result: RunResult) -> str:
    colour_class = {"green": "ok", "red": "bad"}.get(result.result, "muted")
    reseal = result.powered_off_after_reseal
    reseal_html = (
        '<span class="muted">not checked</span>'
        if reseal is None
        else ('<span class="ok">yes</span>' if reseal else '<span class="bad">no</span>')
    )
    rows = [
        ("result screen", f'<span class="{colour_class}">{_e(result.result)}</span>'),
        ("expected result", _e(result.expectation.get("result"))),
        ("error codes", _e(", ".join(result.error_codes) or None)),
        ("category", _e(result.category)),
        ("powered off after Reseal", reseal_html),
    ]
    return "<h2>Result screen</h2>" + _table(("check", "value"), [(_e(k), v) for k, v in rows])


def _fields_section(result: RunResult) -> str:
    read = result.fields
    rows = []
    for name in COMPARED_FIELDS:
        value = getattr(read, name)
        expected = result.expectation.get(name)
        if expected is None:
            verdict = '<span class="muted">not checked</span>'
        elif value is not None and str(value).strip() == str(expected).strip():
            verdict = '<span class="ok">match</span>'
        else:
            verdict = '<span class="bad">mismatch</span>'
        rows.append((_e(name), _e(value), _e(expected), verdict))
    elapsed = [
        ("elapsed on screen (text)", read.elapsed_on_screen),
        ("elapsed on screen (s)", read.elapsed_on_screen_s),
        ("elapsed measured (s)", read.elapsed_measured_s),
        ("difference measured - screen (s)", read.elapsed_difference_s),
    ]
    return (
        "<h2>Fields read vs expected</h2>"
        + _table(("field", "read on screen", "expected", "check"), rows)
        + _key_values(elapsed)
    )


def _timings_section(result: RunResult) -> str:
    if not result.phases:
        return '<h2>Timings</h2><p class="muted">no phase recorded</p>'
    rows = [
        (
            _e(phase.name),
            f'<span class="num">{_e(_seconds(phase.start))}</span>',
            f'<span class="num">{_e(_seconds(phase.end))}</span>',
            f'<span class="num">{_e(_duration(phase.duration_s))}</span>',
            _e(phase.detail),
        )
        for phase in result.phases
    ]
    return (
        "<h2>Timings</h2>"
        + _table(("phase", "start (s)", "end (s)", "duration", "detail"), rows)
        + _phase_bars(result.phases)
    )


def _phase_bars(phases: list[Phase]) -> str:
    """A horizontal bar per phase on a shared axis from 0 to the last known end (pure CSS)."""
    total = max([phase.end or phase.start for phase in phases] + [0.001])
    rows = []
    for phase in phases:
        end = phase.end if phase.end is not None else total
        left = 100.0 * phase.start / total
        width = 100.0 * max(end - phase.start, 0.0) / total
        css_class = "bar" if phase.end is not None else "bar open"
        label = f"{phase.name} ({_duration(phase.duration_s)})"
        rows.append(
            f'<div class="bar-row"><div class="bar-label" title="{_e(label)}">{_e(label)}</div>'
            f'<div class="bar-track"><div class="{css_class}" '
            f'style="left:{left:.2f}%;width:{width:.2f}%"></div></div></div>'
        )
    axis = f'<p class="muted">0 s to {_e(_duration(total))} after the start of the run</p>'
    return '<div class="bars">' + "".join(rows) + axis + "</div>"


def _steps_section(result: RunResult, bundle_dir: Path) -> str:
    if not result.steps:
        return '<h2>Steps</h2><p class="muted">no step recorded</p>'
    outcome_class = {"ok": "ok", "retry": "warn", "failed": "bad", "error": "warn"}
    rows = [
        (
            f'<span class="num">{step.index}</span>',
            _e(step.name),
            f'<span class="num">{_e(_seconds(step.started))}</span>',
            f'<span class="num">{_e(_duration(step.duration_s))}</span>',
            f'<span class="{outcome_class.get(step.outcome, "muted")}">{_e(step.outcome)}</span>',
            _e(step.screen_state),
            f'<span class="num">{step.retries}</span>',
            _e(step.detail),
            _thumbnail(bundle_dir, step.screenshot),
        )
        for step in result.steps
    ]
    headers = ("#", "step", "start (s)", "duration", "outcome", "screen", "retries", "detail", "")
    return "<h2>Steps</h2>" + _table(headers, rows)


def _events_section(result: RunResult) -> str:
    if not result.events:
        return '<h2>Events</h2><p class="muted">no reboot, power event, retry or stall</p>'
    rows = [
        (f'<span class="num">{_e(_seconds(event.time))}</span>', _e(event.kind), _e(event.detail))
        for event in result.events
    ]
    return "<h2>Events</h2>" + _table(("time (s)", "kind", "detail"), rows)


def _diagnostics_section(result: RunResult, bundle_dir: Path) -> str:
    if not result.diagnostics:
        return ""
    figures = "".join(
        f"<figure>{_thumbnail(bundle_dir, path)}<figcaption>{_e(path)}</figcaption></figure>"
        for path in result.diagnostics
    )
    return f'<h2>Diagnostics</h2><div class="gallery">{figures}</div>'


def _files_section(bundle_dir: Path) -> str:
    items = [
        f'<li><a href="{_e(name)}">{_e(name)}</a> - {_e(label)}</li>'
        for name, label in LINKED_FILES
        if (bundle_dir / name).is_file()
    ]
    return "<h2>Files</h2><ul>" + "".join(items) + "</ul>"


def _thumbnail(bundle_dir: Path, relative: str | None) -> str:
    if not relative:
        return '<span class="muted">no screenshot</span>'
    path = _inside(bundle_dir, relative)
    image = cv2.imread(str(path)) if path is not None else None
    if image is None:
        return f'<span class="muted">missing: {_e(relative)}</span>'
    height, width = image.shape[:2]
    if width > THUMBNAIL_WIDTH:
        size = (THUMBNAIL_WIDTH, max(1, round(height * THUMBNAIL_WIDTH / width)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        return f'<span class="muted">unreadable: {_e(relative)}</span>'
    data = base64.b64encode(encoded.tobytes()).decode("ascii")
    return (
        f'<a href="{_e(relative)}" title="full size: {_e(relative)}">'
        f'<img class="thumb" alt="{_e(relative)}" src="data:image/jpeg;base64,{data}"></a>'
    )


def _inside(bundle_dir: Path, relative: str) -> Path | None:
    """The file a relative path names, or None when it would leave the bundle folder."""
    root = bundle_dir.resolve()
    candidate = (root / relative).resolve()
    return candidate if candidate.is_relative_to(root) and candidate.is_file() else None


def _seconds(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def _duration(value: Any) -> str:
    if value is None:
        return "running"
    seconds = float(value)
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{int(minutes)} min {secs:04.1f} s"
    hours, minutes = divmod(int(minutes), 60)
    return f"{hours} h {minutes:02d} min {secs:04.1f} s"
