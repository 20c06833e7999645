"""A shared link shows the same conclusions on any machine.

On one deployment a link reproduces the same numbers: every run is deterministic for
its settings. Another machine rounds differently (OpenBLAS picks a matrix-multiply
kernel for its processor, NumPy a SIMD path for ``exp`` and ``tanh``), and training
amplifies last-bit differences. What must not change is what the pages *say*.

This test opens every section of every page at its defaults here, and again in a new
process that multiplies matrices with another OpenBLAS kernel and whose networks start
from initial weights changed by one part in 10^12 (``readings_probe.py``). The
sentences must be the same word for word once their numbers are set aside, and every
number close: within ``REL`` of each other, or both below ``TINY`` (a rounding error
of 1.2e−16 against 1.3e−16 says the same thing).

*Cures* trains 50-layer networks, which are chaotic in their rounding: its accuracies
may differ between machines, so its experiments are compared in their own test, word
for word with their numbers set aside. Every verdict it prints (which networks learned,
over the run and its copies; batch norm's two modes; the overflow; clipping) is words.

The lesson's page opens on a question, before any run; its verdicts are compared on
their own, at every setting each step offers (``lesson_probe.py``), with one BLAS
thread as well.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import sys

import pytest
from lesson_probe import answers
from readings_probe import EXTRA, HERE, SKIPPED, other_blas_env, readings

#: Two numbers of a reading agree within this relative difference (98% against 99%).
REL = 0.1
#: ... or when both are below this (rounding errors).
TINY = 1e-9
#: Sections whose numbers are timings of this machine (its facts table's speed column),
#: which differ from run to run: only their words are compared.
TIMED = {"shapes/facts"}
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:[eE][−+-]?\d+)?")


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def differences(name: str, here: list[str], there: list[str]) -> list[str]:
    """What differs between two readings of one section, beyond close numbers."""
    if len(here) != len(there):
        return [f"{name}: {len(here)} texts here, {len(there)} there"]
    found = []
    for a, b in zip(here, there, strict=True):
        if NUMBER.sub("#", a) != NUMBER.sub("#", b):
            found.append(f"{name}: words differ:\n  here:  {a}\n  there: {b}")
        elif name not in TIMED:
            for x, y in zip(map(_number, NUMBER.findall(a)), map(_number, NUMBER.findall(b)), strict=True):
                if not (x == y or max(abs(x), abs(y)) < TINY
                        or abs(x - y) <= REL * max(abs(x), abs(y))):
                    found.append(f"{name}: {x:g} here, {y:g} there:\n  here:  {a}\n  there: {b}")
    return found


def test_the_comparison_sets_numbers_aside_but_not_words() -> None:
    same = ["Train accuracy: 98%", "up to 1.2e−16, which is rounding error", "1,652 samples"]
    close = ["Train accuracy: 99%", "up to 1.3e−16, which is rounding error", "1,700 samples"]
    assert differences("x", same, close) == []
    assert differences("x", ["loss 0.05"], ["loss 0.19"])
    assert differences("x", ["the network learned"], ["the network did not learn"])
    assert differences("x", ["a"], ["a", "b"])
    assert differences("shapes/facts", ["ReLU 1.0, GELU 7.9"], ["ReLU 1.0, GELU 12.5"]) == []
    assert not math.isnan(_number("9.5e−07"))


def _there(*args: str) -> subprocess.Popen:
    """The probe's readings in a new process (another BLAS kernel, weights moved by 1e-12),
    started now so it runs while this process computes its own; :func:`_result` waits."""
    env = {**os.environ, **other_blas_env()}
    return subprocess.Popen([sys.executable, str(HERE / "readings_probe.py"), "--perturb", "1e-12",
                             *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=HERE.parent)


def _result(probe: subprocess.Popen, timeout: float = 900) -> dict[str, list[str]]:
    try:
        out, err = probe.communicate(timeout=timeout)
    finally:
        if probe.poll() is None:
            probe.kill()
    assert probe.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow  # trains every page's defaults twice, once on another BLAS kernel
def test_readings_at_the_defaults_hold_on_another_processor() -> None:
    probe = _there()
    here = readings()
    there = _result(probe)
    assert set(there) == set(here)
    assert all(here.values()), "every section shows text"
    found = [d for name in here for d in differences(name, here[name], there[name])]
    assert not found, "\n".join(found)


@pytest.mark.slow
def test_the_cures_verdicts_hold_on_another_processor() -> None:
    # Every verdict the Cures section prints at its defaults (each experiment's)
    # stays the same when every initial weight moves by 1e-12 (and the matrices are
    # multiplied by another kernel): the words of every reading, numbers set aside.
    names = {*SKIPPED, *EXTRA}
    probe = _there("--only", ",".join(sorted(names)))
    here = readings(names)
    there = _result(probe, timeout=1800)
    assert set(here) == set(there) == names
    assert all(here.values())
    found = []
    for name in sorted(names):
        a, b = here[name], there[name]
        if len(a) != len(b):
            found.append(f"{name}: {len(a)} texts here, {len(b)} there")
        found += [f"{name}: words differ:\n  here:  {x}\n  there: {y}"
                  for x, y in zip(a, b, strict=False) if NUMBER.sub("#", x) != NUMBER.sub("#", y)]
    assert not found, "\n".join(found)


def lesson_differences(here: dict, there: dict) -> list[str]:
    """What differs between two runs of the lesson's steps: any answer (the verdict a
    learner gets), or a number beyond ``REL`` (both below ``TINY``: rounding errors)."""
    found = []
    for code, runs in here.items():
        for settings, (answer, numbers) in runs.items():
            other, other_numbers = there[code][settings]
            if answer != other:
                found.append(f"{code} {settings}: answer {answer!r} here, {other!r} there")
            for k, x in numbers.items():
                y = other_numbers[k]
                if x is None or y is None or isinstance(x, str):
                    if x != y:
                        found.append(f"{code} {settings}: {k} {x!r} here, {y!r} there")
                elif not (x == y or max(abs(x), abs(y)) < TINY
                          or abs(x - y) <= REL * max(abs(x), abs(y))):
                    found.append(f"{code} {settings}: {k} {x:g} here, {y:g} there")
    return found


def test_the_lesson_comparison_sees_answers_and_numbers() -> None:
    here = {"dead": {"{}": ["few", {"dead": 0.03, "epoch": None}]}}
    assert lesson_differences(here, here) == []
    assert lesson_differences(here, {"dead": {"{}": ["few", {"dead": 0.031, "epoch": None}]}}) == []
    assert lesson_differences(here, {"dead": {"{}": ["many", {"dead": 0.03, "epoch": None}]}})
    assert lesson_differences(here, {"dead": {"{}": ["few", {"dead": 0.5, "epoch": None}]}})
    assert lesson_differences(here, {"dead": {"{}": ["few", {"dead": 0.03, "epoch": 1}]}})


@pytest.mark.slow
def test_the_lessons_verdicts_hold_on_another_processor() -> None:
    """Every step of the lesson at every setting it offers (its trainings included): the
    answer its rule derives is the same with another BLAS kernel, one BLAS thread and
    initial weights changed by one part in 10^12, and its numbers are close."""
    env = {**os.environ, **other_blas_env(), "OPENBLAS_NUM_THREADS": "1"}
    probe = subprocess.Popen([sys.executable, str(HERE / "lesson_probe.py"), "--perturb", "1e-12"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             cwd=HERE.parent)
    here = json.loads(json.dumps(answers()))  # the probe's JSON form (settings as keys)
    there = _result(probe, timeout=600)
    assert set(there) == set(here) and all(set(there[c]) == set(here[c]) for c in here)
    found = lesson_differences(here, there)
    assert not found, "\n".join(found)
