"""report.html: self-contained, complete, and every device text escaped."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from harness.report import RunBundle, write_html_report
from harness.report.masking import MASK

EVIL = '<script>alert("x")</script>\'&'
EVIL_ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#x27;&amp;"


def evil_bundle(tmp_path: Path) -> RunBundle:
    """A run where every text a device or a config could supply is hostile."""
    bundle = RunBundle(tmp_path, "evil")
    start = bundle.monotonic_start
    bundle.set_device(EVIL + "name", EVIL + "backend", 11, {EVIL + "fact": EVIL + "value"})
    bundle.set_expectation({"profile": EVIL + "expected", EVIL + "key": EVIL + "x"})
    bundle.set_fields(
        profile=EVIL + "profile",
        organization=EVIL + "org",
        user=EVIL + "user",
        ztd_id=EVIL + "ztd",
        elapsed_on_screen=EVIL + "elapsed",
    )
    bundle.add_phase(EVIL + "phase", start, start + 5, EVIL + "phase-detail")
    shot = bundle.save_screenshot("configuration", np.zeros((600, 800, 3), np.uint8))
    bundle.add_step(
        EVIL + "step",
        start,
        start + 1,
        "failed",
        detail=EVIL + "step-detail",
        screenshot=shot,
        screen_state=EVIL + "state",
    )
    bundle.add_event(EVIL + "kind", EVIL + "event-detail")
    bundle.save_diagnostic("unknown", np.full((300, 400, 3), 90, np.uint8))
    bundle.finalise(
        "failed", EVIL + "reason", result="red", error_codes=[EVIL + "code"], category=EVIL + "cat"
    )
    bundle.close()
    return bundle


class TestEscaping:
    def test_every_device_text_comes_out_escaped(self, tmp_path: Path) -> None:
        page = (evil_bundle(tmp_path).path / "report.html").read_text(encoding="utf-8")
        assert "<script" not in page.lower()
        assert 'alert("x")' not in page
        labels = [
            "name", "backend", "fact", "value", "expected", "key", "profile", "org", "user", "ztd",
            "elapsed", "phase", "phase-detail", "step", "step-detail", "state", "kind",
            "event-detail", "reason", "code", "cat",
        ]  # fmt: skip
        missing = [label for label in labels if EVIL_ESCAPED + label not in page]
        assert missing == []

    def test_a_screenshot_path_leaving_the_bundle_is_not_linked(self, tmp_path: Path) -> None:
        (tmp_path / "secret.png").write_bytes(b"not an image")
        bundle = RunBundle(tmp_path, "paths", write_html=False)
        bundle.add_step("x", bundle.monotonic_start, bundle.monotonic_start + 1)
        bundle.result.steps[0].screenshot = "../secret.png"
        bundle.finalise("error", "test")
        bundle.close()
        page = write_html_report(bundle.path).read_text(encoding="utf-8")
        assert 'href="../secret.png"' not in page
        assert "missing: ../secret.png" in page


class TestContent:
    def test_the_page_is_self_contained_with_thumbnails_and_links(self, tmp_path: Path) -> None:
        bundle = evil_bundle(tmp_path)
        page = (bundle.path / "report.html").read_text(encoding="utf-8")
        assert page.count('src="data:image/jpeg;base64,') == 2  # step + diagnostic
        assert 'href="steps/001-configuration.png"' in page
        assert 'href="diagnostics/001-unknown.png"' in page
        assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing external
        assert "<style>" in page
        assert ">FAILED<" in page
        assert "#b3261e" in page  # the red banner

    def test_phase_bars_are_placed_on_a_shared_axis(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "bars", write_html=False)
        start = bundle.monotonic_start
        bundle.add_phase("power-on-to-oobe", start, start + 25)
        bundle.add_phase("provision-to-result", start + 25, start + 100)
        bundle.start_phase("result-to-reseal", at=start + 100)
        bundle.finalise("error", "stalled")
        bundle.close()
        page = write_html_report(bundle.path).read_text(encoding="utf-8")
        assert 'style="left:0.00%;width:25.00%"' in page
        assert 'style="left:25.00%;width:75.00%"' in page
        assert 'class="bar open" style="left:100.00%;width:0.00%"' in page
        assert "1 min 15.0 s" in page  # the 75 s phase, readable

    def test_an_interrupted_run_says_incomplete(self, tmp_path: Path) -> None:
        bundle = RunBundle(tmp_path, "dead", write_html=False)
        bundle.add_event("stall", "no frame for 30 s")
        page = write_html_report(bundle.path).read_text(encoding="utf-8")
        assert ">INCOMPLETE<" in page
        assert "interrupted: the run did not finish" in page
        assert "no frame for 30 s" in page
        bundle.close()

    def test_links_to_log_and_video_when_present(self, tmp_path: Path) -> None:
        with RunBundle(tmp_path, "files") as bundle:
            bundle.attach_logging()
            bundle.add_frame(np.zeros((48, 64, 3), np.uint8), bundle.monotonic_start, "black")
            bundle.finalise("passed", "green")
        page = (bundle.path / "report.html").read_text(encoding="utf-8")
        for name in ("run.log", "video.mp4", "video.vtt", "video.srt", "timeline.jsonl"):
            assert f'href="{name}"' in page

    def test_secrets_are_masked_in_the_page(self, tmp_path: Path) -> None:
        with RunBundle(tmp_path, "masked") as bundle:
            bundle.register_secret("hunter2")
            bundle.set_device("dev", "redfish", facts={"bmc_url": "https://root:hunter2@bmc"})
            bundle.finalise("error", "login hunter2 refused")
        page = (bundle.path / "report.html").read_text(encoding="utf-8")
        assert "hunter2" not in page
        assert f"login {MASK} refused" in page
