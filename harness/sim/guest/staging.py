"""Assembling the guest's root tree: kernel modules, Python with just the stdlib it imports,
Pillow, segno, the harness, the shared-library closure, fonts."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

from harness.errors import ConfigError
from harness.sim.guest.debian import run_tool
from harness.sim.guest.inputs import (
    DIST_PACKAGES,
    EXTRA_STDLIB,
    FONTS,
    GUEST_DIR,
    HARNESS_ROOT,
    MULTIARCH_LIBS,
    PYTHON,
    STDLIB,
    harness_sources,
    segno_dir,
)


def kernel_files(kernel_tree: Path, root: Path) -> Path:
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


def stage_python_packages(unpacked: Path, root: Path) -> None:
    dist = root / DIST_PACKAGES
    dist.mkdir(parents=True)
    shutil.copytree(unpacked / "python3-pil" / DIST_PACKAGES / "PIL", dist / "PIL")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyi", "py.typed")
    shutil.copytree(segno_dir(), dist / "segno", ignore=ignore)
    for source in harness_sources():
        relative = source.relative_to(HARNESS_ROOT)
        (dist / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dist / relative)
    shutil.copyfile(GUEST_DIR / "guest_init.py", root / "init")
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


def probe_modules(root: Path, unpacked: Path) -> list[str]:
    """Run the guest's code with Debian's python3.11 and PIL; return the stdlib files it used."""
    environment = {
        "PATH": "/usr/bin:/bin",
        "LD_LIBRARY_PATH": _library_path(unpacked),
        "PYTHONHASHSEED": "0",
    }
    output = run_tool(
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


def stage_stdlib(root: Path, modules: list[str]) -> None:
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


def stage_libraries(root: Path, unpacked: Path) -> None:
    """python3.11 and every shared object in the tree, with the libraries they need."""
    (root / "usr/bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(PYTHON, root / "usr/bin/python3.11")
    (root / "usr/bin/python3").symlink_to("python3.11")
    objects = [root / "usr/bin/python3.11", *sorted(root.rglob("*.so"))]
    needed: dict[str, str] = {}
    environment = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": _library_path(unpacked)}
    for path in objects:
        for line in run_tool(["ldd", str(path)], env=environment).splitlines():
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


def compile_tree(root: Path) -> None:
    """Byte-compile once on the host: compiling at every boot under TCG costs seconds."""
    for tree in (root / STDLIB.lstrip("/"), root / DIST_PACKAGES):
        run_tool(
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


def stage_rest(root: Path) -> None:
    for font in FONTS:
        destination = root / font.lstrip("/")
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(font, destination)
    for directory in ("proc", "sys", "dev", "tmp", "run"):
        (root / directory).mkdir(exist_ok=True)
