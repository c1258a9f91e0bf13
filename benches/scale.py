#!/usr/bin/env python3
"""Times the real binary on a 100,000-person and a 1,000,000-person roster and prints each of
issue 18's figures against its target: wall time and peak resident memory (measured with
`wait4`), medians of alternating runs. Run by `cargo bench --no-default-features --bench
scale`, which generates the rosters and passes the binary.

Usage: scale.py --carrot BIN --small R100k.csv --large R1M.csv [--runs 5]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PLANS = os.path.join(HERE, "..", "sample_plans")


def plan(name):
    return os.path.join(PLANS, f"{name}.json")


def run(argv, expect_ok=True):
    """Wall seconds and peak resident memory (MiB) of one run of `argv` (stdout discarded)."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    code = os.waitstatus_to_exitcode(status)
    if (code == 0) != expect_ok:
        sys.exit(f"unexpected exit {code}: {' '.join(argv)}\n{err}")
    return wall, usage.ru_maxrss / 1024, err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--carrot", required=True)
    ap.add_argument("--small", required=True)
    ap.add_argument("--large", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    c = args.carrot
    with tempfile.TemporaryDirectory() as tmp:
        out = lambda name: os.path.join(tmp, name)
        three = ["--plan", plan("sales_led"), "--plan", plan("transition"), "--plan", plan("product_led")]
        export = ["export", "--plan", plan("sales_led"), "--template", "generic", "--pay-date", "2026-10-15",
                  "--force"]
        cases = {
            "payouts json 100k": [c, "payouts", "--plan", plan("product_led"), "--roster", args.small,
                                  "--format", "json", "--out", "-"],
            "payouts csv 100k": [c, "payouts", "--plan", plan("product_led"), "--roster", args.small,
                                 "--format", "csv", "--out", "-"],
            "payouts csv 1M": [c, "payouts", "--plan", plan("product_led"), "--roster", args.large,
                               "--format", "csv", "--out", "-"],
            "export 100k": [c] + export + ["--roster", args.small, "--out", out("e100k.csv")],
            "export 1M": [c] + export + ["--roster", args.large, "--out", out("e1m.csv")],
            "compare 3 plans 1M": [c, "compare"] + three + ["--roster", args.large, "--format", "json"],
            "compare --xlsx --html 1M": [c, "compare"] + three + ["--roster", args.large, "--xlsx",
                                         out("h.xlsx"), "--html", out("h.html"), "--force"],
        }
        refused = {"compare --xlsx --html 1M"}
        figures = {name: [] for name in cases}
        notes = {}
        for name, argv in cases.items():  # warm-up (file cache)
            notes[name] = run(argv, name not in refused)[2]
        for _ in range(args.runs):
            for name, argv in cases.items():
                figures[name].append(run(argv, name not in refused)[:2])
    med = {name: (statistics.median(w for w, _ in r), statistics.median(m for _, m in r)) for name, r in figures.items()}
    print(f"carrot at 100,000 and 1,000,000 people, {args.runs} alternating runs each, medians")
    for name, (wall, peak) in med.items():
        spread = ", ".join(f"{w:.2f}" for w, _ in figures[name])
        print(f"  {name:26} wall {wall:6.2f} s (runs: {spread}), peak {peak:5.0f} MiB")

    def verdict(ok):
        return "met" if ok else "NOT met"

    def check(text, ok):
        print(f"  {text}: {verdict(ok)}")

    wall = med["payouts json 100k"][0]
    check(f"payouts --format json, 100,000 people: {wall:.2f} s against 0.4 s", wall <= 0.4)
    for kind, small, large in (("payouts --format csv", "payouts csv 100k", "payouts csv 1M"),
                               ("export", "export 100k", "export 1M")):
        peak = med[large][1]
        ratio = med[large][0] / med[small][0]
        check(f"{kind}, 1,000,000 people: peak {peak:.0f} MiB against 400 MiB", peak <= 400)
        check(f"{kind}: 1,000,000 people take {ratio:.1f}x the time of 100,000 (linear: at most 11x)", ratio <= 11)
    peak = med["compare 3 plans 1M"][1]
    check(f"compare of 3 plans, 1,000,000 people: peak {peak:.0f} MiB against 600 MiB", peak <= 600)
    peak = med["compare --xlsx --html 1M"][1]
    said = notes["compare --xlsx --html 1M"].strip().splitlines()[-1:] or [""]
    check(f"compare --xlsx --html, 1,000,000 people: refused past the documented size, peak {peak:.0f} MiB "
          f"against 600 MiB", peak <= 600)
    print(f"    it says: {said[0][:160]}")


if __name__ == "__main__":
    main()
