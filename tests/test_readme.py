"""Every code block of README.md runs as pasted.

The blocks run in README order in one scratch folder (so a block may use what an earlier one
made, as a reader following along would), with the project's files linked into it, the
virtualenv's ``bin`` first on ``PATH``, and yeouido's data, cache and config directories in
the scratch folder, never the user's. A shell block runs under ``bash -e`` in its own process
group; whatever it left running in the background (``yeouido paper serve &``) keeps running
for the blocks after it and is stopped when the README is done. A block must finish by itself
within its time limit.

The one line that is not run is ``make test``: it is the command that runs this file. ``make``
runs in the checkout (``make -C``), so the virtualenv is only ever installed from there.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK_TIMEOUT_SECONDS = 240
FENCE = re.compile(r"^```(\w*)\s*$")
NOT_RUN = {"make test"}


@dataclass(frozen=True)
class Block:
    """A fenced code block of the README."""

    language: str
    line: int
    text: str

    @property
    def name(self) -> str:
        first = next((line for line in self.text.splitlines() if line.strip()), "")
        return f"L{self.line}-{self.language}-{first[:40]}"


def readme_blocks(text: str) -> list[Block]:
    """The fenced blocks of ``text`` with their language and first line number."""
    blocks: list[Block] = []
    language: str | None = None
    start = 0
    lines: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE.match(line)
        if language is None and match:
            language, start, lines = match.group(1) or "text", number + 1, []
        elif language is not None and line.strip() == "```":
            blocks.append(Block(language, start, "\n".join(lines) + "\n"))
            language = None
        elif language is not None:
            lines.append(line)
    if language is not None:
        raise ValueError(f"README.md: the block opened at line {start - 1} is never closed")
    return blocks


def runnable(block: Block) -> str:
    """The block's text as it runs: a shell block without the lines in ``NOT_RUN``, and
    ``make`` run in the checkout itself (its virtualenv must never be installed from the
    scratch folder's links, which would leave scripts pointing into a deleted folder)."""
    if block.language not in {"sh", "bash", "shell"}:
        return block.text
    kept = []
    for line in block.text.splitlines():
        command = line.split("#", 1)[0].strip()
        if command in NOT_RUN:
            kept.append("")
        elif command.startswith("make "):
            kept.append(f"make -C {shlex.quote(str(ROOT))} {command[len('make ') :]}")
        else:
            kept.append(line)
    return "\n".join(kept) + "\n"


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def test_the_readme_starts_with_the_two_set_up_commands() -> None:
    first = BLOCKS[0]
    commands = [line.split("#", 1)[0].strip() for line in first.text.splitlines()]
    assert [command for command in commands if command] == ["make demo", "make test"]


def test_every_block_has_a_language_this_file_runs() -> None:
    assert {block.language for block in BLOCKS} <= {"sh", "bash", "shell", "python"}


def test_the_block_parser_finds_fences_and_refuses_an_open_one() -> None:
    text = "intro\n```sh\necho one\n```\nmore\n```python\nprint(2)\n```\n"
    assert [(b.language, b.line, b.text) for b in readme_blocks(text)] == [
        ("sh", 3, "echo one\n"),
        ("python", 7, "print(2)\n"),
    ]
    with pytest.raises(ValueError, match="line 2"):
        readme_blocks("x\n```sh\necho\n")


@dataclass
class Scratch:
    """Where the blocks run, their environment, and the process groups they started."""

    folder: Path
    env: dict[str, str]
    groups: list[int]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scratch]:
    """A folder that looks like the checkout to the blocks, and the environment they run in.

    Services a block starts in the background (``yeouido paper serve &``) keep running for the
    blocks after it, as in a reader's terminal, and are stopped when the README is done.
    """
    folder = tmp_path_factory.mktemp("readme")
    for entry in ROOT.iterdir():
        if entry.name not in {".git", ".pytest_cache", ".mypy_cache", ".ruff_cache"}:
            (folder / entry.name).symlink_to(entry)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("YEOUIDO_", "PYTEST_"))
    }
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        YEOUIDO_DATA_DIR=str(folder / "data"),
        YEOUIDO_CACHE_DIR=os.environ.get("YEOUIDO_CACHE_DIR", str(folder / "cache")),
        YEOUIDO_CONFIG_DIR=str(folder / "config"),
        COLUMNS="80",
        PYTHONUNBUFFERED="1",
    )
    state = Scratch(folder, env, [])
    try:
        yield state
    finally:
        for group in state.groups:
            _stop_group(group)


@pytest.mark.parametrize("block", BLOCKS, ids=[block.name for block in BLOCKS])
def test_readme_block_runs_as_pasted(block: Block, scratch: Scratch) -> None:
    text = runnable(block)
    if block.language == "python":
        command = [sys.executable, "-c", text]
    else:
        command = ["bash", "-e", "-c", text]
    log = scratch.folder / f"block-{block.line}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=scratch.folder,
            env=scratch.env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        scratch.groups.append(process.pid)
        try:
            process.wait(timeout=BLOCK_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            _stop_group(process.pid)
            pytest.fail(
                f"README.md line {block.line}: still running after {BLOCK_TIMEOUT_SECONDS} s\n"
                + log.read_text(errors="replace")[-4000:]
            )
    shown = log.read_text(errors="replace")[-4000:]
    assert process.returncode == 0, f"README.md line {block.line} failed:\n{shown}"


def _stop_group(group: int) -> None:
    """Stop what a block left running in the background (a service started with ``&``)."""
    try:
        os.killpg(group, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(50):
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(group, signal.SIGKILL)
