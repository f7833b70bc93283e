"""The reference the classification figure is judged against: one full-frame Tesseract pass.

``tesserocr`` with page segmentation mode 3 (automatic layout, Tesseract's default) on the whole
frame: what reading a screen costs without any of vision's shortcuts. Issue 10 asks
classification to cost at most a tenth of it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image


def tesseract_full_frame() -> Callable[[np.ndarray], str] | str:
    """A call reading a whole BGR frame with tesserocr (psm 3), or why there is none."""
    try:
        import tesserocr
    except ImportError as exc:
        return f"not available (tesserocr: {exc})"
    from harness.vision.ocr_tesseract import tessdata_dir

    path = tessdata_dir()
    kwargs = {"path": str(path)} if path else {}
    try:
        api = tesserocr.PyTessBaseAPI(lang="eng", psm=tesserocr.PSM.AUTO, **kwargs)
    except RuntimeError as exc:
        return f"not available (Tesseract: {exc})"

    def read(image_bgr: np.ndarray) -> str:
        api.SetImage(Image.fromarray(np.ascontiguousarray(image_bgr[:, :, ::-1])))
        return api.GetUTF8Text()

    return read
