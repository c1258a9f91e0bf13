#!/usr/bin/env python3
"""Times `carrot export --template generic` against the pandas script an analyst would write for
the same plan (benches/pandas_export.py), alternating runs in one session, and prints medians of
wall time and peak memory with the ratio to pandas and issue 18's targets (≥ 7× faster than
pandas, ≤ 100 MiB). Run by `cargo bench --no-default-features --bench export_pandas`, which
generates the roster and passes the binary; the pandas side is skipped, with a note, where pandas
is not installed (`scripts/bench-setup.sh` installs it into .venv-bench).

Usage: export_vs_pandas.py --carrot BIN --roster R.csv [--python PY] [--runs 5]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLAN = os.path.join(HERE, "..", "sample_plans", "sales_led.json")


def run(argv):
    """Wall seconds and peak resident memory (MiB) of one run of `argv` (its output discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(argv)}\n{err}")
    return wall, usage.ru_maxrss / 1024


def has_pandas(python):
    return subprocess.run([python, "-c", "import pandas"], capture_output=True).returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--carrot", required=True)
    ap.add_argument("--roster", required=True)
    ap.add_argument("--python", default=None)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    venv = os.path.join(HERE, "..", ".venv-bench", "bin", "python")
    python = args.python or (venv if os.path.exists(venv) else sys.executable)
    pandas = has_pandas(python)
    with tempfile.TemporaryDirectory() as tmp:
        carrot = [args.carrot, "export", "--plan", PLAN, "--roster", args.roster, "--template", "generic",
                  "--pay-date", "2026-10-15", "--force", "--out", os.path.join(tmp, "carrot.csv")]
        script = [python, os.path.join(HERE, "pandas_export.py"), args.roster, os.path.join(tmp, "pandas.csv")]
        figures = {"carrot": [], "pandas": []}
        # One warm-up each (file cache), then alternate so both see the same machine.
        run(carrot)
        if pandas:
            run(script)
        for _ in range(args.runs):
            figures["carrot"].append(run(carrot))
            if pandas:
                figures["pandas"].append(run(script))
    people = sum(1 for _ in open(args.roster, encoding="utf-8", errors="replace")) - 1
    print(f"export of {people:,} people, sales_led.json, generic template, {args.runs} runs each, medians")
    med = {}
    for name, runs in figures.items():
        if not runs:
            continue
        wall = statistics.median(w for w, _ in runs)
        peak = statistics.median(m for _, m in runs)
        med[name] = (wall, peak)
        spread = ", ".join(f"{w:.3f}" for w, _ in runs)
        print(f"  {name:7} wall {wall:.3f} s (runs: {spread}), peak {peak:.0f} MiB")
    wall, peak = med["carrot"]
    print(f"  carrot peak memory {peak:.0f} MiB against the target of 100 MiB: "
          f"{'met' if peak <= 100 else 'NOT met'}")
    if "pandas" in med:
        ratio = med["pandas"][0] / wall
        print(f"  carrot is {ratio:.2f}x as fast as pandas (target 7x: {'met' if ratio >= 7 else 'NOT met'}); "
              f"pandas peak {med['pandas'][1]:.0f} MiB")
    else:
        print(f"  pandas is not installed for {python}: comparison skipped (scripts/bench-setup.sh installs it)")


if __name__ == "__main__":
    main()
