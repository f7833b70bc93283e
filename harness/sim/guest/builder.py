"""``harness sim guest build``: the stand-in guest's kernel and initramfs, cached by content hash.

Inputs: Debian's kernel (``linux-image-<abi>-amd64``, fetched with ``apt-get download`` and
unpacked with ``dpkg-deb -x``, never installed) for ``vmlinuz``, ``evdev.ko`` and ``button.ko``;
the host's Debian ``python3.11`` with its shared-library closure and just the stdlib modules the
guest imports (found by running ``guest_init.probe()`` with that interpreter); Debian's
``python3-pil`` (+ ``libimagequant0``, ``libraqm0``, fetched the same way); ``segno`` from the
harness's own environment (pure Python); the fonts; and the harness packages the simulated device
needs (``harness/keys``, ``harness/sim/view.py``, ``harness/sim/model``, ``harness/sim/render``).

The build lands in ``<cache>/<hash>/`` (default cache ``~/.cache/autopilot-harness/guest``), where
the hash covers every input file, the package versions and this builder; a second build with the
same inputs returns at once. ``.deb`` files are kept in ``<cache>/debs``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.errors import ConfigError
from harness.sim.guest.cpio import DeviceNode, write_initramfs

_log = logging.getLogger(__name__)

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

_HARNESS_ROOT = Path(__file__).resolve().parents[3]
_GUEST_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class GuestBuild:
    kernel: Path
    initrd: Path
    digest: str
    reused: bool
    seconds: float
    """Time this call took (a reused build takes well under a second)."""
    info: dict[str, object]


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / (
        "autopilot-harness/guest"
    )


def guest_cmdline(scenario: str = "success", time_scale: float = 60.0, **overrides: object) -> str:
    """The kernel command line that runs ``scenario`` in the guest; overrides as harness.K=V."""
    words = [
        KERNEL_CMDLINE_BASE,
        f"harness.scenario={scenario}",
        f"harness.time_scale={time_scale:g}",
    ]
    for key, value in overrides.items():
        text = str(value).lower() if isinstance(value, bool) or value is None else str(value)
        if re.search(r"[\s\"']", text):
            text = '"' + text.replace('"', "") + '"'
        words.append(f"harness.{key}={text}")
    return " ".join(words)


def build_guest(
    cache_dir: Path | None = None,
    *,
    out_dir: Path | None = None,
    progress: Callable[[str], None] = lambda _message: None,
) -> GuestBuild:
    """Build (or reuse) the guest; copy ``vmlinuz`` and ``initrd.img`` to ``out_dir`` if given."""
    started = time.monotonic()
    cache = Path(cache_dir or default_cache_dir()).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    versions = _package_versions()
    digest, inputs = _input_digest(versions)
    target = cache / digest
    reused = (target / "build.json").is_file()
    if not reused:
        progress(f"building the stand-in guest {digest[:12]} in {target}")
        _build(cache, target, versions, inputs, progress)
    info = json.loads((target / "build.json").read_text())
    kernel, initrd = target / "vmlinuz", target / "initrd.img"
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for source in (kernel, initrd):
            shutil.copyfile(source, out_dir / source.name)
            (out_dir / source.name).chmod(0o644)
        kernel, initrd = out_dir / "vmlinuz", out_dir / "initrd.img"
    seconds = time.monotonic() - started
    return GuestBuild(kernel, initrd, digest, reused, seconds, info)


# ----------------------------------------------------------------------------- inputs
def _package_versions() -> dict[str, str]:
    """Exact Debian packages and versions: the kernel ABI package behind the meta package."""
    kernel = _depends_on(KERNEL_META_PACKAGE, r"linux-image-[0-9][^ ]*-amd64")
    versions = {name: _candidate(name) for name in (kernel, *PIL_PACKAGES)}
    versions[PYTHON_PACKAGE] = _installed(PYTHON_PACKAGE)
    return versions


def _run(argv: list[str], **kwargs: object) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError:
        raise ConfigError(f"{argv[0]} not found", source="sim guest build") from None
    if done.returncode != 0:
        raise ConfigError(
            f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()[-500:]}",
            source="sim guest build",
        )
    return done.stdout


def _depends_on(package: str, pattern: str) -> str:
    text = _run(["apt-cache", "depends", package])
    match = re.search(r"Depends:\s*(" + pattern + r")\b", text)
    if not match:
        raise ConfigError(f"cannot tell which kernel {package} stands for", source="apt-cache")
    return match.group(1)


def _candidate(package: str) -> str:
    text = _run(["apt-cache", "policy", package])
    match = re.search(r"Candidate:\s*(\S+)", text)
    if not match or match.group(1) == "(none)":
        raise ConfigError(f"Debian package {package} is not available", source="apt-cache")
    return match.group(1)


def _installed(package: str) -> str:
    version = _run(["dpkg-query", "-W", "-f=${Version}", package]).strip()
    if not version:
        raise ConfigError(f"Debian package {package} is not installed", source="dpkg-query")
    return version


def _harness_sources() -> list[Path]:
    files: list[Path] = []
    for entry in HARNESS_FILES:
        path = _HARNESS_ROOT / "harness" / entry
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts))
        else:
            files.append(path)
    return files


def _segno_dir() -> Path:
    spec = importlib.util.find_spec("segno")
    if spec is None or spec.origin is None:
        raise ConfigError("segno is not installed in this environment", source="sim guest build")
    return Path(spec.origin).parent


def _input_digest(versions: dict[str, str]) -> tuple[str, list[str]]:
    sha = hashlib.sha256(f"format {BUILD_FORMAT}\n".encode())
    for name, version in sorted(versions.items()):
        sha.update(f"package {name} {version}\n".encode())
    files = [
        *_harness_sources(),
        *sorted(_GUEST_DIR.glob("*.py")),
        *sorted(p for p in _segno_dir().rglob("*.py")),
        *(Path(font) for font in FONTS),
    ]
    for path in files:
        if not path.is_file():
            raise ConfigError(f"input file missing: {path}", source="sim guest build")
        sha.update(f"file {path.name} {hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return sha.hexdigest()[:24], [str(path) for path in files]


# ----------------------------------------------------------------------------- the build
def _build(
    cache: Path,
    target: Path,
    versions: dict[str, str],
    inputs: list[str],
    progress: Callable[[str], None],
) -> None:
    started = time.monotonic()
    work = cache / f"{target.name}.tmp-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    root, unpacked = work / "root", work / "unpacked"
    root.mkdir(parents=True)
    debs = cache / "debs"
    debs.mkdir(exist_ok=True)
    try:
        progress("fetching Debian packages: " + ", ".join(f"{n}={v}" for n, v in versions.items()))
        for name, version in versions.items():
            if name == PYTHON_PACKAGE:
                continue
            deb = _fetch(debs, name, version)
            (unpacked / name).mkdir(parents=True)
            _run(["dpkg-deb", "-x", str(deb), str(unpacked / name)])
        kernel_package = next(name for name in versions if name.startswith("linux-image-"))
        vmlinuz = _kernel_files(unpacked / kernel_package, root)
        progress("assembling Python, Pillow, segno, fonts and the harness")
        _stage_python_packages(unpacked, root)
        modules = _probe_modules(root, unpacked)
        _stage_stdlib(root, modules)
        _stage_libraries(root, unpacked)
        _compile(root)
        _stage_rest(root)
        target_tmp = work / "out"
        target_tmp.mkdir()
        shutil.copyfile(vmlinuz, target_tmp / "vmlinuz")
        progress("writing the initramfs")
        size = write_initramfs(root, target_tmp / "initrd.img", DEVICE_NODES)
        for path in target_tmp.iterdir():
            path.chmod(0o644)
        info = {
            "digest": target.name,
            "packages": versions,
            "stdlib_modules": len(modules),
            "initrd_bytes": size,
            "kernel_bytes": (target_tmp / "vmlinuz").stat().st_size,
            "build_seconds": round(time.monotonic() - started, 1),
            "inputs": inputs,
            "cmdline_base": KERNEL_CMDLINE_BASE,
        }
        (target_tmp / "build.json").write_text(json.dumps(info, indent=2) + "\n")
        if target.exists() and not (target / "build.json").is_file():
            shutil.rmtree(target)  # an incomplete build from before: nobody can boot from it
        try:
            target_tmp.rename(target)
        except OSError:
            if not (target / "build.json").is_file():
                raise
            # Another process built the same inputs meanwhile (the name is their hash) and may
            # be booting a VM from it: keep that one, never delete it under its user.
            progress(f"already built by another process: {target}")
            return
        target.chmod(0o755)
        progress(f"built in {info['build_seconds']} s: initramfs {size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _fetch(debs: Path, name: str, version: str) -> Path:
    safe_version = version.replace(":", "%3a")
    existing = list(debs.glob(f"{name}_{safe_version}_*.deb"))
    if existing:
        return existing[0]
    # Downloaded beside, then renamed in: another build running at the same time never sees
    # a half-written .deb under its final name.
    partial = debs / f".partial-{os.getpid()}"
    partial.mkdir(exist_ok=True)
    try:
        _run(["apt-get", "download", f"{name}={version}"], cwd=str(partial))
        found = list(partial.glob(f"{name}_{safe_version}_*.deb"))
        if not found:
            raise ConfigError(f"apt-get download {name}={version} left no .deb", source="apt-get")
        final = debs / found[0].name
        found[0].replace(final)
        return final
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _kernel_files(kernel_tree: Path, root: Path) -> Path:
    vmlinuz = next((kernel_tree / "boot").glob("vmlinuz-*"), None)
    if vmlinuz is None:
        raise ConfigError("the kernel package holds no boot/vmlinuz-*", source="sim guest build")
    modules_dir = root / "lib/modules"
    modules_dir.mkdir(parents=True)
    for module in ("drivers/input/evdev.ko", "drivers/acpi/button.ko"):
        found = next((kernel_tree / "lib/modules").glob(f"*/kernel/{module}"), None)
        if found is None:
            raise ConfigError(f"the kernel package lacks {module}", source="sim guest build")
        shutil.copyfile(found, modules_dir / found.name)
    return vmlinuz


def _stage_python_packages(unpacked: Path, root: Path) -> None:
    dist = root / DIST_PACKAGES
    dist.mkdir(parents=True)
    shutil.copytree(unpacked / "python3-pil" / DIST_PACKAGES / "PIL", dist / "PIL")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyi", "py.typed")
    shutil.copytree(_segno_dir(), dist / "segno", ignore=ignore)
    for source in _harness_sources():
        relative = source.relative_to(_HARNESS_ROOT)
        (dist / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dist / relative)
    shutil.copyfile(_GUEST_DIR / "guest_init.py", root / "init")
    (root / "init").chmod(0o755)


def _library_path(unpacked: Path) -> str:
    return ":".join(str(p / f"usr/{MULTIARCH_LIBS}") for p in sorted(unpacked.iterdir()))


_PROBE = """
import json, sys, importlib.machinery
sys.path[:0] = [sys.argv[1]]
init = importlib.machinery.SourceFileLoader("guest_init", sys.argv[2]).load_module()
init.stub_heavy_modules()
drawn = init.probe()
files = {name: getattr(module, "__file__", None) for name, module in list(sys.modules.items())}
print(json.dumps({"drawn": drawn, "files": files}))
"""


def _probe_modules(root: Path, unpacked: Path) -> list[str]:
    """Run the guest's code with Debian's python3.11 and PIL; return the stdlib files it used."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "LD_LIBRARY_PATH": _library_path(unpacked),
        "PYTHONHASHSEED": "0",
    }
    output = _run(
        [PYTHON, "-S", "-E", "-B", "-c", _PROBE, str(root / DIST_PACKAGES), str(root / "init")],
        env=environment,
    )
    result = json.loads(output.strip().splitlines()[-1])
    if len(result["drawn"]) < 10:
        raise ConfigError(f"the probe drew only {result['drawn']}", source="sim guest build")
    stdlib = []
    loaded_extensions = set()
    for path in result["files"].values():
        if path and path.startswith(STDLIB + "/"):
            stdlib.append(path[len(STDLIB) + 1 :])
        elif path and path.endswith(".so"):
            loaded_extensions.add(Path(path).name)
    # Pillow's extension modules the guest never loads (WebP, colour management ...) would only
    # drag their libraries into the closure.
    for extension in (root / DIST_PACKAGES).rglob("*.so"):
        if extension.name not in loaded_extensions:
            extension.unlink()
    return sorted(set(stdlib) | set(EXTRA_STDLIB))


def _stage_stdlib(root: Path, modules: list[str]) -> None:
    for relative in modules:
        source = Path(STDLIB) / relative
        destination = root / STDLIB.lstrip("/") / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, destination)
    # Parent packages of every module (their __init__.py) must be there too.
    for directory in (root / STDLIB.lstrip("/")).rglob("*"):
        if directory.is_dir() and directory.name != "lib-dynload":
            init = Path(STDLIB) / directory.relative_to(root / STDLIB.lstrip("/")) / "__init__.py"
            if init.is_file() and not (directory / "__init__.py").exists():
                shutil.copyfile(init, directory / "__init__.py")


_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(/\S+)")


def _stage_libraries(root: Path, unpacked: Path) -> None:
    """python3.11 and every shared object in the tree, with the libraries they need."""
    (root / "usr/bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(PYTHON, root / "usr/bin/python3.11")
    (root / "usr/bin/python3").symlink_to("python3.11")
    objects = [root / "usr/bin/python3.11", *sorted(root.rglob("*.so"))]
    needed: dict[str, str] = {}
    environment = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": _library_path(unpacked)}
    for path in objects:
        for line in _run(["ldd", str(path)], env=environment).splitlines():
            match = _LDD_LINE.match(line)
            if match:
                needed[match.group(1)] = match.group(2)
            elif "not found" in line:
                raise ConfigError(f"{path.name}: {line.strip()}", source="sim guest build")
    libs = root / MULTIARCH_LIBS
    libs.mkdir(parents=True, exist_ok=True)
    for soname, path in sorted(needed.items()):
        shutil.copyfile(os.path.realpath(path), libs / soname)
    (root / "lib64").mkdir(exist_ok=True)
    shutil.copyfile(
        os.path.realpath("/lib64/ld-linux-x86-64.so.2"), root / "lib64/ld-linux-x86-64.so.2"
    )
    (root / "lib64/ld-linux-x86-64.so.2").chmod(0o755)


def _compile(root: Path) -> None:
    """Byte-compile once on the host: compiling at every boot under TCG costs seconds."""
    for tree in (root / STDLIB.lstrip("/"), root / DIST_PACKAGES):
        _run(
            [
                PYTHON,
                "-S",
                "-E",
                "-m",
                "compileall",
                "-q",
                "-j",
                "0",
                "--invalidation-mode",
                "unchecked-hash",
                "-s",
                str(root),
                "-p",
                "/",
                str(tree),
            ]
        )


def _stage_rest(root: Path) -> None:
    for font in FONTS:
        destination = root / font.lstrip("/")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(font, destination)
    for directory in ("proc", "sys", "dev", "tmp", "run"):
        (root / directory).mkdir(exist_ok=True)
