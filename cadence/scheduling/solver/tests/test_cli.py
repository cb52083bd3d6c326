"""The command line plans a small week, writes the plan, and re-plans from it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cadence.scheduling.solver import call_out, generate, to_json

ROOT = Path(__file__).resolve().parents[4]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cadence.scheduling.solver", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_plans_and_replans_a_small_week(tmp_path: Path) -> None:
    problem = generate(30, seed=4)
    problem_file = tmp_path / "problem.json"
    problem_file.write_text(to_json(problem))
    plan_file = tmp_path / "plan.json"

    done = run(str(problem_file), "--time-limit", "3", "--workers", "2", "--out", str(plan_file))
    assert done.returncode == 0, done.stderr
    assert "Hours met:" in done.stdout
    assert "objective" in done.stdout and "bound" in done.stdout
    assert json.loads(plan_file.read_text())["report"]["status"] in {"OPTIMAL", "FEASIBLE"}

    sick = generate(30, seed=4).staff[-2].id
    changed_file = tmp_path / "changed.json"
    changed_file.write_text(to_json(call_out(problem, sick)))
    again = run(str(changed_file), "--time-limit", "3", "--previous", str(plan_file))
    assert again.returncode == 0, again.stderr
    assert "Re-plan:" in again.stdout


def test_cli_reports_a_bad_file_with_exit_status_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "cadence-schedule-problem/1"}')
    done = run(str(bad))
    assert done.returncode == 2
    assert "missing field 'week_start'" in done.stderr
