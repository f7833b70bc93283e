"""What the figures were measured on: CPU model (lscpu), nproc, Python, OpenCV, numpy."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np


def cpu_model() -> str:
    """``lscpu``'s "Model name", else the ``model name`` line of /proc/cpuinfo, else platform's."""
    lscpu = shutil.which("lscpu")
    if lscpu:
        done = subprocess.run([lscpu], capture_output=True, text=True, check=False, timeout=10)
        for line in done.stdout.splitlines():
            if line.strip().startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine_facts() -> dict[str, object]:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": usable,  # what nproc prints
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "python": platform.python_version(),
        "opencv": cv2.__version__,
        "opencv_threads": cv2.getNumThreads(),
        "numpy": np.__version__,
        "platform": platform.platform(),
    }
