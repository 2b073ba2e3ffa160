"""One line describing the machine a benchmark ran on, printed by every script in bench/ with its figures."""

from __future__ import annotations

import importlib
import os
import platform
from pathlib import Path


def describe(*packages: str) -> str:
    """CPUs and their model, load average, Python, and the versions of ``packages`` (import names)."""
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = f", load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    versions = []
    for name in packages:
        module = importlib.import_module(name)
        versions.append(f"{name} {getattr(module, '__version__', '?')}")
    extra = ", " + ", ".join(versions) if versions else ""
    return f"{os.cpu_count()} CPUs ({model}){load}, Python {platform.python_version()} on {platform.system()}{extra}"
