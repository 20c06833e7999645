"""Shared helpers: interleaved timing, machine facts, BENCHMARKS.md sections.

Timing on a shared 2-core machine is noisy, so every benchmark measures *ratios*
against a reference measured in the same process: the candidates are timed in
turn, round after round (interleaved), and the median of each is taken, so a
burst of load from another process hits all of them alike.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "BENCHMARKS.md"


def calibrate(fn: Callable[[], object], target: float = 0.02, cap: int = 10_000,
              clock: Callable[[], float] = time.perf_counter) -> int:
    """How many calls of ``fn`` take about ``target`` seconds (at least 1)."""
    fn()  # warm up
    k = 1
    while k < cap:
        t0 = clock()
        for _ in range(k):
            fn()
        dt = clock() - t0
        if dt >= target:
            break
        k = min(cap, max(k * 2, int(k * target / max(dt, 1e-9))))
    return k


def interleaved(
    fns: dict[str, Callable[[], object]], rounds: int = 15, target: float = 0.01,
    clock: Callable[[], float] = time.process_time,
) -> dict[str, float]:
    """Median seconds per call of each function, timed round-robin.

    Each function is called ``k`` times per round (``k`` calibrated so a round takes
    about ``target`` seconds); rounds alternate between the functions so load from
    other processes affects all of them alike.

    The default clock is the process's **CPU time**: with BLAS limited to one
    thread, that is the work a step costs, and it barely moves when other
    processes compete for the two cores (wall time then grows by the load
    average). Pass ``clock=time.perf_counter`` for wall time, which is the right
    measure with several BLAS threads.
    """
    reps = {name: calibrate(fn, target, clock=clock) for name, fn in fns.items()}
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            k = reps[name]
            t0 = clock()
            for _ in range(k):
                fn()
            samples[name].append((clock() - t0) / k)
    return {name: statistics.median(s) for name, s in samples.items()}


def blas_info() -> list[dict]:
    """threadpoolctl's view of the loaded BLAS libraries."""
    from threadpoolctl import threadpool_info

    return threadpool_info()


def machine() -> str:
    """A markdown description of the machine and the numerical stack."""
    import sklearn

    cpu, simd = "unknown", ""
    try:
        info = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", info, re.M)
        cpu = m.group(1) if m else cpu
        f = re.search(r"^flags\s*:\s*(.+)$", info, re.M)
        flags = set(f.group(1).split()) if f else set()
        simd = ", ".join(x for x in ("avx2", "fma", "avx512f") if x in flags)
    except OSError:
        pass
    lines = [
        f"- CPU: {cpu} ({simd}); `nproc` = {os.cpu_count()} (shared with other processes)",
        f"- Python {platform.python_version()}, NumPy {np.__version__}, "
        f"scikit-learn {sklearn.__version__}",
        f"- `OPENBLAS_CORETYPE` = {os.environ.get('OPENBLAS_CORETYPE', '(unset)')}",
    ]
    for lib in blas_info():
        desc = f"{lib.get('internal_api')} {lib.get('version') or ''}".strip()
        if lib.get("architecture"):
            desc += f", architecture {lib['architecture']}, {lib.get('threading_layer')} threading"
        lines.append(
            f"- threadpoolctl, {lib.get('user_api')}: {desc}, default {lib.get('num_threads')} "
            f"threads (`{Path(lib.get('filepath', '')).name}`)"
        )
    return "\n".join(lines)


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A markdown table."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def write_section(name: str, body: str) -> None:
    """Replace the text between ``<!-- bench:NAME -->`` markers in BENCHMARKS.md."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = REPORT.read_text() if REPORT.exists() else ""
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        i, j = text.index(start), text.index(end) + len(end)
        text = text[:i] + block + text[j:]
    else:
        text = text.rstrip() + f"\n\n{block}\n"
    REPORT.write_text(text)


def fmt_time(seconds: float) -> str:
    """Seconds as µs / ms with three significant digits."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def load_core_at(rev: str):
    """:mod:`core.mlp` as it was at git revision ``rev``, imported apart from today's.

    Before the split ``core/mlp.py`` was one module; since, ``core/mlp/`` is a package
    whose modules import each other as ``core.mlp.…``. A package is written to a
    temporary folder with those imports renamed to its own name, so the old modules
    use one another and never today's (the rest of ``core`` is today's either way).
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True,
                              cwd=ROOT).stdout

    name = f"core._mlp_at_{git('rev-parse', '--short', rev).strip()}"
    if name in sys.modules:
        return sys.modules[name]
    files = git("ls-tree", "--name-only", rev, "core/mlp.py", "core/mlp/").split()
    if files == ["core/mlp.py"]:
        spec = importlib.util.spec_from_loader(name, loader=None)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod  # dataclasses look their module up
        exec(compile(git("show", f"{rev}:core/mlp.py"), f"{rev}:core/mlp.py", "exec"), mod.__dict__)
        return mod
    folder = Path(tempfile.mkdtemp(prefix="mlp_at_")) / name.rsplit(".", 1)[1]
    folder.mkdir()
    for path in files:
        if path.endswith(".py"):
            text = re.sub(r"\bcore\.mlp\b", name, git("show", f"{rev}:{path}"))
            (folder / Path(path).name).write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, folder / "__init__.py",
                                                  submodule_search_locations=[str(folder)])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod
