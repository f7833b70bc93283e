"""Every command the README shows works: each line of its command blocks is run as written.

The commands run, in order, in one scratch folder that holds links to this checkout's ``.venv`` and
``fixtures``, so that outputs (``green.png``, ``runs/``) land there and the paths the README uses
resolve. ``make test`` is this suite itself and is not run again from inside it; ``make run`` is.
Commands that serve until Ctrl-C are started, must print that they are up, then get SIGINT
(by their PID) and must stop cleanly.
"""

from __future__ import annotations

import os
import re
import shlex
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests._xvfb_display import XDisplay

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# Exit codes a command may end with, where 0 is not the only right one (documented beside it).
ALLOWED_EXIT = {"needle match": {0, 1}}
# What a long-running command prints once it is up.
SERVING = {
    "sim serve": re.compile(r"mjpeg|stream|http://127\.0\.0\.1", re.IGNORECASE),
    "sim window": re.compile(r"window .* open on display"),
}
RUNS_UNTIL_INTERRUPTED = ("sim serve", "sim window")
NOT_RUN_FROM_INSIDE = {"make test": "this test suite is `make test` itself"}


def readme_commands() -> list[str]:
    """The lines of the README's fenced command blocks, comments stripped."""
    commands: list[str] = []
    inside = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
            continue
        if inside and line.strip():
            commands.append(re.sub(r"\s+#.*$", "", line).strip())
    return commands


def _subcommand(command: str) -> str:
    words = shlex.split(command)
    if words[0] == "make":
        return " ".join(words[:2])
    return " ".join(word for word in words[1:3] if not word.startswith("-"))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for all the commands, run in the README's order: a later line reads what an
    earlier one wrote (``green.png``), as it does for the reader typing them."""
    folder = tmp_path_factory.mktemp("readme")
    for name in (".venv", "fixtures"):
        (folder / name).symlink_to(ROOT / name)
    return folder


def test_the_readme_shows_commands() -> None:
    commands = readme_commands()
    assert "make run" in commands and "make test" in commands
    assert sum(command.startswith(".venv/bin/harness") for command in commands) >= 10


@pytest.mark.slow
@pytest.mark.parametrize("command", readme_commands())
def test_a_readme_command_works(
    command: str, scratch: Path, request: pytest.FixtureRequest
) -> None:
    subcommand = _subcommand(command)
    if subcommand in NOT_RUN_FROM_INSIDE:
        pytest.skip(NOT_RUN_FROM_INSIDE[subcommand])
    argv = shlex.split(command)
    env = dict(os.environ)
    cwd = scratch
    if argv[0] == "make":
        cwd = ROOT  # the Makefile works on its checkout
    if subcommand == "sim window":
        display: XDisplay = request.getfixturevalue("xvfb_display")
        env.update(display.env())
    if subcommand in RUNS_UNTIL_INTERRUPTED:
        _check_serves_until_interrupted(argv, cwd, env, SERVING[subcommand])
        return
    done = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    assert done.returncode in ALLOWED_EXIT.get(subcommand, {0}), output


def _check_serves_until_interrupted(
    argv: list[str], cwd: Path, env: dict[str, str], up: re.Pattern[str]
) -> None:
    log = cwd / "serve.log"
    with log.open("w") as sink:
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        # Up means: still running after start-up and, where it prints endpoints, printed them.
        # This waits on the command's own output, not on a clock the test races.
        for _ in range(600):  # up to a minute of start-up on a loaded machine
            if process.poll() is not None:
                break
            if up.search(log.read_text(errors="replace")):
                break
            time.sleep(0.1)
        assert process.poll() is None, log.read_text(errors="replace")
        assert up.search(log.read_text(errors="replace")), log.read_text(errors="replace")
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
    output = log.read_text(errors="replace")
    assert "Traceback" not in output, output
