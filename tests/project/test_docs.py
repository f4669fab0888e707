"""The guided tour in docs/ cannot drift from the code: excerpts equal the source, snippets and commands run.

Rules (stated for writers in docs/README.md, "How these pages are checked"):
- A ```python block preceded by `<!-- excerpt: PATH::NAME -->` must equal a contiguous run of whole lines of
  the definition NAME (a class, function or method, dotted as Class.method) in PATH, taken from its first
  line (decorators included) to its last; both sides are compared without their common indentation, and
  trailing spaces are ignored. `<!-- excerpt: PATH -->` (no NAME) compares against the whole file.
- A ```python block preceded by `<!-- run -->` is executed; the blocks of one page share a namespace, in order.
- Every other ```python block is an error: each one is either checked or run.
- Every ```bash block is run (with `set -euo pipefail`, from the repository root, with this Python first on
  PATH), unless it is preceded by `<!-- not run: REASON -->`; those are listed in NOT_RUN below.
- Every `PATH::NAME` written in backquotes in the prose names a definition that exists, and every relative
  link points at a file that exists.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))

# the only shell blocks the tests do not run, each too slow for a test (minutes on two cores); keep it short
NOT_RUN = {
    "python -m minitorch_mnist train --model lenet --epochs 2",
    "python examples/run_all.py",
    "pytest",
}

FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!--\s*(excerpt:\s*(?P<origin>\S+)|(?P<run>run)|not run:\s*(?P<reason>.*?))\s*-->$")


def blocks(page):
    """(language, marker match or None, code, line number) for every fenced block of `page`."""
    found, lines = [], page.read_text().splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening or not opening.group(1):
            i += 1
            continue
        previous = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        end = next(j for j in range(i + 1, len(lines)) if lines[j].rstrip() == "```")
        found.append((opening.group(1), MARKER.match(previous), "\n".join(lines[i + 1:end]), i + 1))
        i = end + 1
    return found


def all_blocks(language):
    return [(page, *block) for page in PAGES for block in blocks(page) if block[0] == language]


def block_id(item):
    return f"{item[0].name}:{item[4]}"


def definition_lines(origin):
    """The source lines of PATH::NAME (or of the whole file PATH), without the definition's indentation."""
    path, _, name = origin.partition("::")
    source = (ROOT / path).read_text()
    lines = source.splitlines()
    if not name:
        return lines
    body = ast.parse(source).body
    node = None
    for part in name.split("."):
        node = next((n for n in body if isinstance(n, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                     and n.name == part), None)
        if node is None:
            raise AssertionError(f"{path} has no definition {name!r} (looking for {part!r})")
        body = node.body
    first = min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])
    indent = node.col_offset
    return [line[indent:] for line in lines[first - 1:node.end_lineno]]


def is_contiguous_slice(block, source):
    """block == some source[i:i + len(block)], each side stripped of its common indentation."""
    n, block = len(block), dedent(block)
    return any(dedent(source[i:i + n]) == block for i in range(len(source) - n + 1))


def dedent(lines):
    indent = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return [line[indent:] for line in lines]


# ---- python blocks ----

def test_the_tour_has_its_chapters_and_every_python_block_is_checked_or_run():
    assert len(PAGES) >= 8, [page.name for page in PAGES]
    unmarked = [f"{page.name}:{line}" for page, _, marker, _, line in all_blocks("python")
                if marker is None or marker.group("reason") is not None]
    assert not unmarked, f"python blocks with neither <!-- excerpt: PATH::NAME --> nor <!-- run -->: {unmarked}"


EXCERPTS = [item for item in all_blocks("python") if item[2] is not None and item[2].group("origin")]


@pytest.mark.parametrize("item", EXCERPTS, ids=block_id)
def test_excerpt_equals_the_source_it_names(item):
    page, _, marker, code, line = item
    origin = marker.group("origin")
    source = [text.rstrip() for text in definition_lines(origin)]
    block = [text.rstrip() for text in code.splitlines()]
    assert block, f"{page.name}:{line}: empty excerpt of {origin}"
    assert is_contiguous_slice(block, source), (
        f"{page.name}:{line}: the excerpt is no longer a contiguous part of {origin}; copy it again from:\n"
        + "\n".join(source))


def test_excerpts_cover_the_engine_parts_the_tour_explains():
    origins = {item[2].group("origin") for item in EXCERPTS}
    for expected in ["minitorch_mnist/autograd/tensor.py::Tensor.backward", "minitorch_mnist/ops/arithmetic.py::unbroadcast",
                     "minitorch_mnist/ops/activation.py::LogSoftmax", "minitorch_mnist/ops/conv.py::Conv2d",
                     "minitorch_mnist/optim/sgd.py::SGD.step", "minitorch_mnist/tools/gradcheck.py::numerical_grad"]:
        assert expected in origins, f"no excerpt of {expected}"


RUN_PAGES = sorted({item[0] for item in all_blocks("python") if item[2] is not None and item[2].group("run")})


@pytest.mark.parametrize("page", RUN_PAGES, ids=lambda page: page.name)
def test_python_snippets_run(page, monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace = {"__name__": f"docs_{page.stem}"}
    for language, marker, code, line in blocks(page):
        if language == "python" and marker is not None and marker.group("run"):
            try:
                exec(compile(code, f"{page.name}:{line}", "exec"), namespace)
            except Exception as error:
                raise AssertionError(f"{page.name}:{line}: the snippet fails: {error!r}") from error


# ---- shell commands ----

SHELL = all_blocks("bash")
RUN_SHELL = [item for item in SHELL if item[2] is None or item[2].group("reason") is None]


def test_shell_blocks_not_run_are_the_listed_ones_and_say_why():
    skipped = [item for item in SHELL if item[2] is not None and item[2].group("reason") is not None]
    for page, _, marker, code, line in skipped:
        assert marker.group("reason"), f"{page.name}:{line}: <!-- not run: --> needs a reason"
        assert code.strip() in NOT_RUN, f"{page.name}:{line}: {code.strip()!r} is not in NOT_RUN"
    assert all(marker is None or marker.group("run") is None for _, _, marker, _, _ in SHELL)


@pytest.mark.parametrize("item", RUN_SHELL, ids=block_id)
def test_shell_commands_run(item):
    page, _, _, code, line = item
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
                       OMP_NUM_THREADS="1", NUMBA_NUM_THREADS="1")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", code], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (f"{page.name}:{line}: `{code}` exited with {result.returncode}\n"
                                    f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


# ---- references in the prose ----

REFERENCE = re.compile(r"`([\w./-]+\.py)::([\w.]+)`")
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def prose(page):
    """The page without its fenced blocks."""
    return re.sub(r"^```\w*\n.*?^```$", "", page.read_text(), flags=re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_named_definitions_and_links_exist(page):
    text = prose(page)
    for path, name in REFERENCE.findall(text):
        assert (ROOT / path).is_file(), f"{page.name}: `{path}::{name}`: no such file"
        definition_lines(f"{path}::{name}")  # raises naming what is missing
    for target in LINK.findall(text):
        if "://" in target:
            continue
        assert (page.parent / target).exists(), f"{page.name}: link to {target}, which does not exist"


def test_the_graph_picture_is_committed():
    svg = (DOCS / "images" / "mlp_graph.svg").read_text()
    assert "<svg" in svg and "NLLLoss" in svg and "linear_relu_stack.0.weight" in svg
