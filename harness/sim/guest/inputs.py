"""What the guest is built from (packages, files, layout), and the content hash naming a build."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from harness.errors import ConfigError
from harness.sim.guest.cpio import DeviceNode
from harness.sim.guest.debian import candidate, depends_on, installed

BUILD_FORMAT = "3"
"""Bump when the layout of the initramfs changes in a way the file hashes do not show."""
PYTHON = "/usr/bin/python3.11"
PYTHON_PACKAGE = "python3.11"
KERNEL_META_PACKAGE = "linux-image-amd64"
PIL_PACKAGES = ("python3-pil", "libimagequant0", "libraqm0")
MULTIARCH_LIBS = "lib/x86_64-linux-gnu"
STDLIB = "/usr/lib/python3.11"
DIST_PACKAGES = "usr/lib/python3/dist-packages"
FONTS = (
    "/usr/share/fonts/truetype/open-sans/OpenSans-Light.ttf",
    "/usr/share/fonts/truetype/open-sans/OpenSans-Regular.ttf",
    "/usr/share/fonts/truetype/open-sans/OpenSans-Semibold.ttf",
    "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf",
)
"""Open Sans only: the renderer falls back to DejaVu only when Open Sans is missing."""
# Always present in the guest although a probe on the host may not list them (start-up codecs).
EXTRA_STDLIB = ("encodings/ascii.py", "encodings/latin_1.py", "encodings/utf_8.py")
HARNESS_FILES = (
    "__init__.py",
    "errors.py",
    "keys",
    "sim/__init__.py",
    "sim/view.py",
    "sim/model",
    "sim/render",
)
DEVICE_NODES = (
    DeviceNode("dev/console", 5, 1),
    DeviceNode("dev/urandom", 1, 9, 0o20666),
    DeviceNode("dev/null", 1, 3, 0o20666),
)
KERNEL_CMDLINE_BASE = (
    "console=ttyS0,115200 vga=0x318 vt.global_cursor_default=0 quiet loglevel=4 PYTHONHASHSEED=0"
)

HARNESS_ROOT = Path(__file__).resolve().parents[3]
GUEST_DIR = Path(__file__).resolve().parent


def package_versions() -> dict[str, str]:
    """Exact Debian packages and versions: the kernel ABI package behind the meta package."""
    kernel = depends_on(KERNEL_META_PACKAGE, r"linux-image-[0-9][^ ]*-amd64")
    versions = {name: candidate(name) for name in (kernel, *PIL_PACKAGES)}
    versions[PYTHON_PACKAGE] = installed(PYTHON_PACKAGE)
    return versions


def harness_sources() -> list[Path]:
    files: list[Path] = []
    for entry in HARNESS_FILES:
        path = HARNESS_ROOT / "harness" / entry
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts))
        else:
            files.append(path)
    return files


def segno_dir() -> Path:
    spec = importlib.util.find_spec("segno")
    if spec is None or spec.origin is None:
        raise ConfigError("segno is not installed in this environment", source="sim guest build")
    return Path(spec.origin).parent


def input_digest(versions: dict[str, str]) -> tuple[str, list[str]]:
    sha = hashlib.sha256(f"format {BUILD_FORMAT}\n".encode())
    for name, version in sorted(versions.items()):
        sha.update(f"package {name} {version}\n".encode())
    files = [
        *harness_sources(),
        *sorted(GUEST_DIR.glob("*.py")),
        *sorted(p for p in segno_dir().rglob("*.py")),
        *(Path(font) for font in FONTS),
    ]
    for path in files:
        if not path.is_file():
            raise ConfigError(f"input file missing: {path}", source="sim guest build")
        sha.update(f"file {path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return sha.hexdigest()[:24], [str(path) for path in files]
