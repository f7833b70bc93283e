"""harness.vision.qr and qr_payload: decode the QR code off frames, parse both payload forms."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest
import segno

from harness.vision.observation import QrResult
from harness.vision.qr import decode_qr, find_qr
from harness.vision.qr_payload import normalise_guid, parse_qr_payload

ZTD_ID = "7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f"
DEVICE_ID = "0f6e2d8c-1a4b-4e9f-b3c7-5d2a9e8f1b6c"
REAL_PAYLOAD = (
    '{"Version":"1.0.0","Id":"0f6e2d8c-1a4b-4e9f-b3c7-5d2a9e8f1b6c",'
    '"ZtdId":"7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f","PKID":"","SerialNumber":"",'
    '"SequenceBlockNumber":1,"TotalBlocks":1}'
)
WRAPPED_PAYLOAD = "Data to encode" + json.dumps(
    {
        "BlockSequence": {
            "Id": DEVICE_ID,
            "ZtdId": ZTD_ID.upper(),
            "PKID": "",
            "SerialNumber": "5CG1234XYZ",
            "HardwareId": "T0GnBwEAHAAAAAoA",
            "SequenceBlockNumber": 1,
            "TotalBlocks": 1,
        }
    }
)
W10_BLUE = (117, 66, 0)
SUCCESS_GREEN = (51, 117, 0)


# --- frames with a QR code -----------------------------------------------------------------------


def qr_tile(payload: str, module_px: int) -> np.ndarray:
    """Black modules on white with the 4-module quiet zone, as Windows draws it (BGR)."""
    matrix = np.array(segno.make_qr(payload, error="m").matrix, dtype=np.uint8)
    modules = np.where(np.pad(matrix, 4) == 1, 0, 255).astype(np.uint8)
    tile = np.kron(modules, np.ones((module_px, module_px), np.uint8))
    return cv2.cvtColor(tile, cv2.COLOR_GRAY2BGR)


def screen_with_qr(
    size: tuple[int, int], payload: str, module_px: int, background=W10_BLUE
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A coloured screen with the code on the right half; returns the frame and the code's box."""
    width, height = size
    frame = np.empty((height, width, 3), np.uint8)
    frame[:] = background
    cv2.putText(frame, "Organization: Contoso", (width // 12, height // 4), 0, 1, (255,) * 3, 2)
    tile = qr_tile(payload, module_px)
    side = tile.shape[0]
    x, y = int(width * 0.62), (height - side) // 2
    frame[y : y + side, x : x + side] = tile
    return frame, (x, y, side, side)


def jpeg(image: np.ndarray, quality: int = 50) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def scaled_about_centre(image: np.ndarray, factor: float) -> np.ndarray:
    """A scaler error: the picture grows or shrinks about the centre, the frame keeps its size."""
    height, width = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 0, factor)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LINEAR)


def letterboxed(image: np.ndarray, bar_fraction: float) -> np.ndarray:
    height, width = image.shape[:2]
    bar = round(height * bar_fraction)
    inner_w = round(width * (height - 2 * bar) / height)
    picture = cv2.resize(image, (inner_w, height - 2 * bar), interpolation=cv2.INTER_AREA)
    frame = np.zeros_like(image)
    left = (width - inner_w) // 2
    frame[bar : height - bar, left : left + inner_w] = picture
    return frame


def assert_decoded(result: QrResult) -> None:
    assert result.raw == REAL_PAYLOAD, result
    assert result.error is None
    assert result.ztd_id == ZTD_ID
    assert result.decoder is not None


class TestDecodeQr:
    @pytest.mark.parametrize(
        ("size", "module_px"), [((1024, 768), 3), ((1920, 1080), 5), ((3840, 2160), 10)]
    )
    def test_clean_frames_at_every_resolution(self, size, module_px):
        frame, (x, y, side, _) = screen_with_qr(size, REAL_PAYLOAD, module_px)
        result = decode_qr(frame)
        assert_decoded(result)
        assert result.decoder == "zbar"
        bx, by, bw, bh = result.box
        # zbar's box is the code without its quiet zone.
        quiet = 4 * module_px
        assert abs(bx - (x + quiet)) <= module_px and abs(by - (y + quiet)) <= module_px
        assert abs(bw - (side - 2 * quiet)) <= 2 * module_px
        assert abs(bh - bw) <= module_px

    @pytest.mark.parametrize("size", [(1024, 768), (1920, 1080), (3840, 2160)])
    def test_jpeg_50(self, size):
        frame, _ = screen_with_qr(size, REAL_PAYLOAD, max(3, size[1] // 216), SUCCESS_GREEN)
        assert_decoded(decode_qr(jpeg(frame)))

    @pytest.mark.parametrize("factor", [0.95, 1.05])
    @pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
    def test_scaled_and_compressed(self, size, factor):
        frame, _ = screen_with_qr(size, REAL_PAYLOAD, max(3, size[1] // 216))
        assert_decoded(decode_qr(jpeg(scaled_about_centre(frame, factor))))

    @pytest.mark.parametrize("size", [(1024, 768), (1920, 1080)])
    def test_letterboxed(self, size):
        frame, _ = screen_with_qr(size, REAL_PAYLOAD, max(3, size[1] // 216))
        assert_decoded(decode_qr(jpeg(letterboxed(frame, 0.1))))

    def test_tiny_code_needs_the_hint_crop_upscaled(self):
        # 2 px modules, blurred and compressed: too small for zbar on the full frame.
        frame, box = screen_with_qr((1920, 1080), REAL_PAYLOAD, 2)
        frame = jpeg(cv2.GaussianBlur(frame, (0, 0), 0.9), 60)
        result = decode_qr(frame, hint_box=box)
        assert_decoded(result)
        assert result.decoder.startswith("zbar+hint")
        x, y, w, h = result.box
        assert box[0] <= x and x + w <= box[0] + box[2]
        assert box[1] <= y and y + h <= box[1] + box[3]

    def test_opencv_reads_the_code_when_zbar_reads_nothing(self, monkeypatch):
        from harness.vision import qr

        monkeypatch.setitem(qr.DECODERS, "zbar", lambda image: [])
        frame, (x, y, side, _) = screen_with_qr((1024, 768), REAL_PAYLOAD, 4)
        result = decode_qr(jpeg(frame))
        assert_decoded(result)
        assert result.decoder == "opencv-aruco"
        bx, by, bw, _bh = result.box
        assert abs(bx - (x + 16)) <= 4 and abs(by - (y + 16)) <= 4
        assert abs(bw - (side - 32)) <= 8

    def test_no_code_gives_raw_none(self):
        frame = np.empty((768, 1024, 3), np.uint8)
        frame[:] = W10_BLUE
        result = decode_qr(frame, hint_box=(600, 200, 200, 200))
        assert result == QrResult(raw=None)

    def test_a_code_with_a_bad_payload_is_reported_not_raised(self):
        frame, _ = screen_with_qr((1024, 768), "https://example.com/not-autopilot", 4)
        result = decode_qr(frame)
        assert result.raw == "https://example.com/not-autopilot"
        assert result.ztd_id is None
        assert "not JSON" in result.error

    def test_wrapped_form_on_screen(self):
        frame, _ = screen_with_qr((1920, 1080), WRAPPED_PAYLOAD, 4)
        result = decode_qr(jpeg(frame))
        assert result.ztd_id == ZTD_ID
        assert result.payload["HardwareId"] == "T0GnBwEAHAAAAAoA"

    def test_find_qr_reports_the_decoder_and_box(self):
        frame, _ = screen_with_qr((1024, 768), REAL_PAYLOAD, 4)
        decoded = find_qr(frame)
        assert decoded is not None
        assert decoded.text == REAL_PAYLOAD
        assert decoded.decoder == "zbar"

    def test_a_located_square_is_read_first_and_only_it(self, monkeypatch):
        from harness.vision import qr

        scanned: list[tuple[int, int]] = []
        zbar = qr.DECODERS["zbar"]

        def counting_zbar(image):
            scanned.append(image.shape[:2])
            return zbar(image)

        monkeypatch.setitem(qr.DECODERS, "zbar", counting_zbar)
        frame, box = screen_with_qr((1920, 1080), REAL_PAYLOAD, 4)
        decoded = find_qr(jpeg(frame), located=box)
        assert decoded is not None and decoded.text == REAL_PAYLOAD
        assert decoded.decoder == "zbar+located"
        assert len(scanned) == 1 and scanned[0][0] * scanned[0][1] < 1920 * 1080 / 4
        x, y, w, h = decoded.box  # in frame pixels, inside the square it was found in
        assert box[0] <= x and x + w <= box[0] + box[2]
        assert box[1] <= y and y + h <= box[1] + box[3]

    def test_a_wrong_located_square_falls_back_to_the_whole_frame(self):
        frame, _ = screen_with_qr((1920, 1080), REAL_PAYLOAD, 4)
        decoded = find_qr(jpeg(frame), located=(40, 600, 200, 200))
        assert decoded is not None and decoded.text == REAL_PAYLOAD
        assert decoded.decoder == "zbar"

    @pytest.mark.parametrize("preset", ["jpeg50", "scaled95", "scaled105", "letterbox", "bezel"])
    @pytest.mark.parametrize("windows", [10, 11])
    def test_simulated_configuration_screen(self, preset, windows):
        bgr = pytest.importorskip("harness.sim.render.bgr")
        artefacts = pytest.importorskip("harness.sim.render.artefacts")
        samples = pytest.importorskip("harness.sim.model.samples")
        view = samples.view_for("configuration", windows)
        frame = bgr.render_bgr(view, (1024, 768), artefacts.PRESETS[preset], seed=3)
        result = decode_qr(frame)
        assert result.raw == view.data["qr_payload"]
        assert result.error is None
        assert result.ztd_id == json.loads(view.data["qr_payload"])["ZtdId"].lower()


# --- payloads ------------------------------------------------------------------------------------


class TestParsePayload:
    def test_real_form(self):
        result = parse_qr_payload(REAL_PAYLOAD, decoder="zbar")
        assert result.error is None
        assert result.ztd_id == ZTD_ID
        assert result.decoder == "zbar"
        assert result.raw == REAL_PAYLOAD
        assert result.payload["Id"] == DEVICE_ID
        assert result.payload["TotalBlocks"] == 1

    def test_wrapped_form(self):
        result = parse_qr_payload(WRAPPED_PAYLOAD)
        assert result.error is None
        assert result.ztd_id == ZTD_ID  # upper case in the payload, normalised here
        assert result.payload["SerialNumber"] == "5CG1234XYZ"
        assert result.payload["Id"] == DEVICE_ID

    def test_wrapped_form_with_separator_and_whitespace(self):
        text = "Data to encode:\r\n " + json.dumps({"BlockSequence": {"ZtdId": ZTD_ID}}) + "\n"
        assert parse_qr_payload(text).ztd_id == ZTD_ID

    def test_extra_keys_are_kept(self):
        document = json.loads(REAL_PAYLOAD) | {"Tenant": "contoso", "Future": {"x": 1}}
        result = parse_qr_payload(json.dumps(document))
        assert result.error is None
        assert result.payload["Future"] == {"x": 1}
        wrapped = {"BlockSequence": {"ZtdId": ZTD_ID, "NewField": 7}, "Checksum": "ab"}
        result = parse_qr_payload("Data to encode" + json.dumps(wrapped))
        assert result.ztd_id == ZTD_ID
        assert result.payload["NewField"] == 7

    @pytest.mark.parametrize(
        "ztd_id",
        [
            "7A3C9E2F-5B1D-4C8A-9E6F-2D4B8A1C3E5F",
            "{7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f}",
            "7a3c9e2f5b1d4c8a9e6f2d4b8a1c3e5f",
            " 7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f ",
        ],
    )
    def test_ztd_id_is_normalised(self, ztd_id):
        result = parse_qr_payload(json.dumps({"ZtdId": ztd_id}))
        assert result.ztd_id == ZTD_ID
        assert result.error is None

    def test_key_case_is_tolerated(self):
        assert parse_qr_payload(json.dumps({"ztdId": ZTD_ID})).ztd_id == ZTD_ID

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            (None, "QR payload is empty"),
            ("", "QR payload is empty"),
            ("   \n", "QR payload is empty"),
            ("hello world", "QR payload is not JSON"),
            ('{"ZtdId": "7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f"', "QR payload is not JSON"),
            ("[1, 2, 3]", "QR payload is JSON but not an object (list)"),
            ('"7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f"', "JSON but not an object (str)"),
            ('{"Version":"1.0.0","Id":"x"}', "QR payload has no ZtdId (keys: Id, Version)"),
            ("{}", "QR payload has no ZtdId (keys: none)"),
            ('{"ZtdId":"not-a-guid"}', "QR payload: ZtdId 'not-a-guid' is not a GUID"),
            ('{"ZtdId":""}', "ZtdId '' is not a GUID"),
            ('{"ZtdId":null}', "ZtdId None is not a GUID"),
            ('{"ZtdId":12345}', "ZtdId 12345 is not a GUID"),
            ('{"ZtdId":"7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5"}', "is not a GUID"),
            ('{"ZtdId":"7a3c9e2f-5b1d4c8a-9e6f-2d4b8a1c3e5f"}', "is not a GUID"),
            ('{"ZtdId":"{7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5f"}', "is not a GUID"),
            ('{"ZtdId":"7a3c9e2f-5b1d-4c8a-9e6f-2d4b8a1c3e5g"}', "is not a GUID"),
            ("Data to encode", "after the 'Data to encode' prefix is not JSON"),
            ("Data to encode<garbage>", "after the 'Data to encode' prefix is not JSON"),
            ('Data to encode{"BlockSequence": 5}', "'BlockSequence' is not an object"),
            (
                'Data to encode{"BlockSequence": {"Id": "x"}}',
                "prefix has no ZtdId (keys: Id)",
            ),
            (
                'Data to encode{"BlockSequence": {"ZtdId": "zz"}}',
                "prefix: ZtdId 'zz' is not a GUID",
            ),
        ],
    )
    def test_bad_payloads_give_a_clear_error(self, text, message):
        result = parse_qr_payload(text)
        assert result.ztd_id is None
        assert result.error is not None
        assert message in result.error
        assert result.raw == text

    def test_long_garbage_is_shortened_in_the_error(self):
        result = parse_qr_payload("x" * 5000)
        assert "not JSON" in result.error
        assert len(result.error) < 300

    def test_normalise_guid(self):
        assert normalise_guid("7A3C9E2F5B1D4C8A9E6F2D4B8A1C3E5F") == ZTD_ID
        assert normalise_guid("urn:uuid:" + ZTD_ID) is None
        assert normalise_guid("") is None
