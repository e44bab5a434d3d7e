"""Every command the README shows runs as written in a clone set up by ``make``.

Commands are the lines of the README's ``sh`` blocks and its inline code that start with a program. Those
run through the project's virtualenv must exist there and answer ``--help`` (the ones that name real
inputs, like ``anomaly score --csv my-historian.csv``, are checked up to their subcommand); a bare
``python -m <our package>`` would use the system Python, which has none of our packages, so none may
appear; ``make`` targets must exist (``make -n``).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[3]
OUR_PACKAGES = ("maintainx", "cloud", "edge_agent", "simulator", "model_registry", "bench", "contract")


def readme_commands() -> list[str]:
    """The commands the README shows, as written (comments after ``#`` dropped)."""
    text = (REPO / "README.md").read_text()
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL):
        commands += [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    prose = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
    for code in re.findall(r"`([^`\n]+)`", prose):
        if re.match(r"(make |\.venv/bin/|python3? )", code):
            commands.append(code.strip())
    return commands


COMMANDS = readme_commands()


def test_the_readme_shows_the_commands_this_test_checks() -> None:
    assert "make demo" in COMMANDS and "make test" in COMMANDS
    assert any(c.startswith(".venv/bin/maintainx demo") for c in COMMANDS)


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.startswith("python")])
def test_no_command_runs_our_code_with_the_system_python(command: str) -> None:
    words = shlex.split(command)
    if "-m" in words:
        module = words[words.index("-m") + 1]
        assert module.split(".")[0] not in OUR_PACKAGES, f"{command!r}: use .venv/bin/python"


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.startswith(".venv/bin/")])
def test_virtualenv_commands_answer_help(command: str) -> None:
    words = shlex.split(command)
    program = REPO / words[0]
    assert program.exists(), f"{words[0]} is not in the virtualenv that make creates"
    argv = [str(program)]
    rest = words[1:]
    if rest[:1] == ["-m"]:
        argv += rest[:2]
        rest = rest[2:]
    if "--help" not in rest:
        # Up to the subcommand: the README's example inputs (my-historian.csv) do not exist here.
        first_option = next((i for i, w in enumerate(rest) if w.startswith("-")), len(rest))
        rest = [*rest[:first_option], "--help"]
    run = subprocess.run(argv + rest, cwd=REPO, capture_output=True, text=True, timeout=120, env=os.environ)
    assert run.returncode == 0, f"{command!r}: {run.stderr}"
    assert "usage:" in run.stdout


@pytest.mark.parametrize("command", [c for c in COMMANDS if c.startswith("make ")])
def test_make_targets_exist(command: str) -> None:
    target = shlex.split(command)[1]
    run = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, f"{command!r}: {run.stderr}"
