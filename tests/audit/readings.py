"""The two verifiers' verdicts in one shape, (intact, first bad index, problem codes), so that a
test holds verify_log and the outside auditor's tool to the same reading of the same log."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings

from audit.checkpoints import read_anchor, signing_key
from audit.verification import RANGE_CODES, verify

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_log_export.py"

Reading = tuple[bool, int | None, set[str]]


def inside() -> Reading:
    """verify_log's verdict against the test's anchor file."""
    verdict = verify(signing_key().verifier, read_anchor(settings.LOG_CHECKPOINT_FILE))
    return verdict.intact, verdict.first_bad_index, {p.code for p in verdict.problems}


def run_tool(export_path: Path, key_file: Path, *more: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(TOOL), str(export_path), "--key", str(key_file), *more],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def outside(export_path: Path, key_file: Path) -> Reading:
    """The tool's verdict on an export, against the test's anchor file."""
    result = run_tool(export_path, key_file, "--anchor", settings.LOG_CHECKPOINT_FILE)
    assert result.returncode in (0, 1), result.stderr
    codes, exact, ranges = set(), [], []
    for line in result.stdout.splitlines():
        if line.startswith("OK: "):
            continue
        place, _, rest = line.partition(": ")
        if place.startswith("index "):
            code = rest.partition(":")[0]
            index = int(place.removeprefix("index "))
            (ranges if code in RANGE_CODES else exact).append(index)
        else:
            code = place
        codes.add(code)
    intact = result.returncode == 0
    assert intact == (not codes), result.stdout
    return intact, min(exact or ranges, default=None), codes
