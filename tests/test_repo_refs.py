"""A clone of the repository must be self-contained.

* No tracked text file refers to a path outside the repository (a sibling checkout, the
  machine it was written on, someone's home directory), nor to a science file that is
  not in the repository: the science reference is ``docs/science.md``.
* Every relative link in the Markdown documents points to a file that exists.
* Every command on the science page prints what the page says it prints. A command that
  trains a network prints its outcome in a form that holds on any processor (the page's
  *Exact numbers and numbers "about"*), so it is run once more in a new process with
  another OpenBLAS kernel and initial weights perturbed by one part in 10^12, and must
  print the same lines there too.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import pytest
from readings_probe import other_blas_env

ROOT = Path(__file__).resolve().parent.parent

# Each pattern is written so that this file does not match it itself (a character class
# or an escaped dot breaks the literal text).
OUTSIDE = {
    "a sibling directory": re.compile(r"\.\./shared\b"),
    "a path on the authoring machine": re.compile(r"(?<![\w.])/wor[k]/"),
    "a home directory": re.compile(
        r"(?<![\w.])(/hom[e]/[\w.-]+|/roo[t]/|/User[s]/[\w.-]+|[A-Z]:\\User[s]\\)"),
    "a path under ~": re.compile(r"(?<![\w/~])[~]/"),
    "a science file that is not in the repository": re.compile(r"SCIENCE\.md"),
}

MARKDOWN = ("README.md", "CONTRIBUTING.md", "BENCHMARKS.md")
# [text](target "title") and ![alt](target), and reference definitions "[label]: target".
INLINE_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
# Code is not a link: fenced blocks and `spans` are removed before links are read.
FENCED = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+).+?\1", re.DOTALL)
EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.IGNORECASE)


@cache
def tracked_files() -> tuple[str, ...]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    return tuple(sorted(p for p in out.stdout.decode("utf-8").split("\0") if p))


def text_of(path: str) -> str | None:
    """The file's text, or None for a binary file (or one deleted in the working tree)."""
    try:
        data = (ROOT / path).read_bytes()
    except FileNotFoundError:
        return None
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def outside_references(text: str) -> list[tuple[int, str, str]]:
    """(line number, what, matched text) for every reference to something outside the repository."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for what, pattern in OUTSIDE.items():
            for hit in pattern.finditer(line):
                found.append((number, what, hit.group(0)))
    return found


def markdown_documents() -> list[str]:
    files = set(tracked_files())
    docs = [p for p in MARKDOWN if p in files]
    docs += [p for p in files if p.startswith("docs/") and p.endswith(".md")]
    return sorted(docs)


def relative_links(text: str) -> list[str]:
    prose = CODE_SPAN.sub("", FENCED.sub("", text))
    targets = INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)
    return [t for t in targets if not EXTERNAL.match(t)]


def broken_links(doc: str) -> list[str]:
    """Relative links of ``doc`` whose file is missing or lies outside the repository."""
    broken = []
    base = (ROOT / doc).parent
    for target in relative_links(text_of(doc) or ""):
        path = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
        if not path:
            continue
        # GitHub resolves a leading "/" against the repository root.
        resolved = (ROOT / path.lstrip("/")) if path.startswith("/") else (base / path)
        resolved = resolved.resolve()
        if not resolved.is_relative_to(ROOT) or not resolved.exists():
            broken.append(target)
    return broken


def test_the_checks_catch_what_they_should() -> None:
    sample = "\n".join([
        "see ../sha" + "red/notes",
        "cd /wor" + "k/main",
        "open /hom" + "e/alice/x, /roo" + "t/.cache and ~" + "/data",
        "the SCIENCE" + ".md file",
        "fine: docs/science.md, https://arxiv.org/abs/1502.01852, /usr/bin/chromium, 1/2",
    ])
    whats = [what for _, what, _ in outside_references(sample)]
    assert whats.count("a home directory") == 2
    assert set(whats) == set(OUTSIDE)
    assert all(number < 5 for number, _, _ in outside_references(sample))

    links = relative_links("[a](docs/x.md#part) ![b](img.png) [c](https://x.org) [d](#top)\n"
                           "`[e](not/a/link.md)`\n```\n[f](nor/this.md)\n```\n[g]: ref.md\n")
    assert links == ["docs/x.md#part", "img.png", "ref.md"]


@pytest.mark.parametrize("path", tracked_files())
def test_no_reference_outside_the_repository(path: str) -> None:
    text = text_of(path)
    if text is None:
        pytest.skip("binary file")
    found = outside_references(text)
    assert not found, "\n".join(f"{path}:{n}: {what}: {hit!r}" for n, what, hit in found)


def test_the_science_page_exists() -> None:
    assert (ROOT / "docs" / "science.md").is_file()
    assert "docs/science.md" in markdown_documents()


@pytest.mark.parametrize("doc", markdown_documents())
def test_relative_markdown_links_point_to_files(doc: str) -> None:
    broken = broken_links(doc)
    assert not broken, f"{doc}: links to missing files: {broken}"


def science_commands() -> list[tuple[str, list[str]]]:
    """(command, expected output lines) of every ```bash block of docs/science.md.

    A block's lines starting with "# " are its expected output; the rest is the command.
    """
    text = text_of("docs/science.md") or ""
    out = []
    for _, body in re.findall(r"^( *)```bash\n(.*?)^\1```", text, re.MULTILINE | re.DOTALL):
        lines = textwrap.dedent(body).splitlines()
        expected = [line[2:] for line in lines if line.startswith("# ")]
        command = "\n".join(line for line in lines if not line.startswith("# "))
        out.append((command, expected))
    return out


@pytest.mark.slow  # runs every command of docs/science.md (trainings)
@pytest.mark.parametrize(("command", "expected"), science_commands())
def test_science_page_commands_print_what_it_says(command: str, expected: list[str]) -> None:
    assert expected, "a command on the science page needs its output under it"
    words = shlex.split(command)  # also checks the shell quoting a reader will paste
    if len(words) == 3 and words[:2] == ["python", "-c"]:
        # `python -c CODE`: run CODE in this interpreter (from the root, as the page says),
        # which shares its imports with the rest of the suite instead of paying ~2 s each.
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(words[2], "<docs/science.md>", "exec"), {"__name__": "__main__"})
        printed = out.getvalue()
    else:
        script = re.sub(r"^python ", f"{sys.executable} ", command, flags=re.MULTILINE)
        done = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        printed = done.stdout
    assert printed.strip().splitlines() == expected


def training_commands() -> list[tuple[str, list[str]]]:
    """The science page's commands that train a network (their outcomes are "about")."""
    return [(c, e) for c, e in science_commands() if ".fit(" in c]


def test_the_page_has_training_commands() -> None:
    assert len(training_commands()) >= 4


@pytest.mark.slow  # trainings, on another BLAS kernel
@pytest.mark.parametrize(("command", "expected"), training_commands())
def test_training_commands_print_the_same_on_another_processor(command: str, expected: list[str]) -> None:
    words = shlex.split(command)
    assert len(words) == 3 and words[:2] == ["python", "-c"], "training commands are `python -c CODE`"
    # Another BLAS kernel, and every network's initial weights times 1 + 1e-12 ε: the
    # last-bit differences another processor makes, before training amplifies them.
    prelude = ("import sys; sys.path.insert(0, 'tests')\n"
               "from readings_probe import perturb_initial_weights\n"
               "perturb_initial_weights(1e-12)\n")
    done = subprocess.run([sys.executable, "-c", prelude + words[2]], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **other_blas_env()})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines() == expected
