"""The Debian side of the guest build: package versions from apt, ``.deb`` files fetched (never
installed), and the one way the builder runs a tool (argv only; a failure is a ConfigError)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from harness.errors import ConfigError


def run_tool(argv: list[str], **kwargs: object) -> str:
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


def depends_on(package: str, pattern: str) -> str:
    text = run_tool(["apt-cache", "depends", package])
    match = re.search(r"Depends:\s*(" + pattern + r")\b", text)
    if not match:
        raise ConfigError(f"cannot tell which kernel {package} stands for", source="apt-cache")
    return match.group(1)


def candidate(package: str) -> str:
    text = run_tool(["apt-cache", "policy", package])
    match = re.search(r"Candidate:\s*(\S+)", text)
    if not match or match.group(1) == "(none)":
        raise ConfigError(f"Debian package {package} is not available", source="apt-cache")
    return match.group(1)


def installed(package: str) -> str:
    version = run_tool(["dpkg-query", "-W", "-f=${Version}", package]).strip()
    if not version:
        raise ConfigError(f"Debian package {package} is not installed", source="dpkg-query")
    return version


def fetch_deb(debs: Path, name: str, version: str) -> Path:
    safe_version = version.replace(":", "%3a")
    existing = list(debs.glob(f"{name}_{safe_version}_*.deb"))
    if existing:
        return existing[0]
    # Downloaded beside, then renamed in: another build running at the same time never sees
    # a half-written .deb under its final name.
    partial = debs / f".partial-{os.getpid()}"
    partial.mkdir(exist_ok=True)
    try:
        run_tool(["apt-get", "download", f"{name}={version}"], cwd=str(partial))
        found = list(partial.glob(f"{name}_{safe_version}_*.deb"))
        if not found:
            raise ConfigError(f"apt-get download {name}={version} left no .deb", source="apt-get")
        final = debs / found[0].name
        found[0].replace(final)
        return final
    finally:
        shutil.rmtree(partial, ignore_errors=True)
