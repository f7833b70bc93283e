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

import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.sim.guest.cpio import write_initramfs
from harness.sim.guest.debian import fetch_deb, run_tool
from harness.sim.guest.inputs import (
    DEVICE_NODES,
    KERNEL_CMDLINE_BASE,
    PYTHON_PACKAGE,
    input_digest,
    package_versions,
)
from harness.sim.guest.staging import (
    compile_tree,
    kernel_files,
    probe_modules,
    stage_libraries,
    stage_python_packages,
    stage_rest,
    stage_stdlib,
)


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
    versions = package_versions()
    digest, inputs = input_digest(versions)
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
            deb = fetch_deb(debs, name, version)
            (unpacked / name).mkdir(parents=True)
            run_tool(["dpkg-deb", "-x", str(deb), str(unpacked / name)])
        kernel_package = next(name for name in versions if name.startswith("linux-image-"))
        vmlinuz = kernel_files(unpacked / kernel_package, root)
        progress("assembling Python, Pillow, segno, fonts and the harness")
        stage_python_packages(unpacked, root)
        modules = probe_modules(root, unpacked)
        stage_stdlib(root, modules)
        stage_libraries(root, unpacked)
        compile_tree(root)
        stage_rest(root)
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
