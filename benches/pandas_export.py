#!/usr/bin/env python3
"""The pandas script an analyst would write for `sample_plans/sales_led.json`: read the roster,
compute every payout line, write the payroll CSV (the columns of `carrot export --template
generic`) and a reconciliation of totals per earning code.

It is the peer `benches/export_vs_pandas.py` times `carrot export` against (issue 18), so it is
written the way such a script is written: vectorised pandas in float64, rounded to the cent at
the end of each line. It follows docs/plan-format.md for this plan: proration by days employed,
fx conversion of money columns, graduated commission tiers on attainment with a threshold, a
utilisation bonus curve, and a plan cap as its own adjustment line.

Usage: pandas_export.py ROSTER.csv OUT.csv [--pay-date 2026-10-15]
"""

import sys

import numpy as np
import pandas as pd

PLAN_CURRENCY = "EUR"
PERIOD_START = pd.Timestamp("2026-07-01")
PERIOD_END = pd.Timestamp("2026-09-30")
FX = {"EUR": 1.0, "GBP": 1.17, "CHF": 1.06, "USD": 0.92}
# Sales: graduated tiers in attainment, nothing below half of quota, capped at 3 × TI.
TIERS = [(0.0, 0.08), (1.0, 0.12), (1.5, 0.15)]
THRESHOLD = 0.5
SALES_CAP_TI = 3.0
# Consultants: bonus of 100% of TI times a curve of billable / target hours, capped at 2 × TI.
CURVE_X = [0.85, 1.0, 1.2]
CURVE_Y = [0.5, 1.0, 1.6]
CONSULTANT_CAP_TI = 2.0


def round_cents(x):
    """Half away from zero, to the cent (float: what a spreadsheet or pandas script does)."""
    return np.sign(x) * np.floor(np.abs(x) * 100 + 0.5) / 100


def main():
    roster_path, out_path = sys.argv[1], sys.argv[2]
    pay_date = sys.argv[sys.argv.index("--pay-date") + 1] if "--pay-date" in sys.argv else "2026-10-15"
    df = pd.read_csv(
        roster_path,
        dtype={"employee_id": str},
        usecols=[
            "employee_id", "name", "role", "currency", "target_incentive", "quota", "start_date",
            "end_date", "revenue", "billable_hours", "billable_target_hours",
        ],
        parse_dates=["start_date", "end_date"],
    )

    # Proration: days employed inside the period over days in the period (inclusive).
    days = (PERIOD_END - PERIOD_START).days + 1
    first = df["start_date"].where(df["start_date"] > PERIOD_START, PERIOD_START)
    last = df["end_date"].fillna(PERIOD_END)
    last = last.where(last < PERIOD_END, PERIOD_END)
    p = ((last - first).dt.days + 1).clip(lower=0) / days

    # Money columns in the plan's currency.
    fx = df["currency"].map(FX)
    ti = df["target_incentive"] * fx * p
    quota = df["quota"] * fx * p
    revenue = (df["revenue"] * fx).clip(lower=0)

    lines = []
    sales = df["role"] == "sales"
    attainment = revenue / quota
    commission = pd.Series(0.0, index=df.index)
    for i, (start, rate) in enumerate(TIERS):
        end = TIERS[i + 1][0] if i + 1 < len(TIERS) else np.inf
        commission += rate * (attainment.clip(upper=end) - start).clip(lower=0) * quota
    commission = commission.where(attainment >= THRESHOLD, 0.0)
    ok = sales & (quota > 0) & (p > 0)
    lines.append(pd.DataFrame({"i": df.index[ok], "code": "COMM", "component": "revenue_commission",
                               "raw": commission[ok]}))
    sales_cap = (SALES_CAP_TI * ti - commission).where(commission > SALES_CAP_TI * ti)
    capped = ok & sales_cap.notna()
    lines.append(pd.DataFrame({"i": df.index[capped], "code": "CAPADJ", "component": "cap_adjustment",
                               "raw": sales_cap[capped]}))

    consultants = (df["role"] == "consultant") & (df["billable_target_hours"] > 0) & (p > 0)
    x = df["billable_hours"].clip(lower=0) / df["billable_target_hours"]
    y = pd.Series(np.interp(x.fillna(0), CURVE_X, CURVE_Y), index=df.index).where(x >= CURVE_X[0], 0.0)
    bonus = ti * y
    lines.append(pd.DataFrame({"i": df.index[consultants], "code": "BONUS", "component": "utilisation_bonus",
                               "raw": bonus[consultants]}))
    consultant_cap = (CONSULTANT_CAP_TI * ti - bonus).where(bonus > CONSULTANT_CAP_TI * ti)
    capped = consultants & consultant_cap.notna()
    lines.append(pd.DataFrame({"i": df.index[capped], "code": "CAPADJ", "component": "cap_adjustment",
                               "raw": consultant_cap[capped]}))

    out = pd.concat(lines).sort_values("i", kind="stable")
    out["amount"] = round_cents(out["raw"])
    people = df.loc[out["i"]]
    payroll = pd.DataFrame({
        "employee_id": people["employee_id"].values,
        "name": people["name"].values,
        "period_start": PERIOD_START.date().isoformat(),
        "period_end": PERIOD_END.date().isoformat(),
        "pay_date": pay_date,
        "earning_code": out["code"].values,
        "component": out["component"].values,
        "amount": out["amount"].values,
        "currency": PLAN_CURRENCY,
    })
    payroll.to_csv(out_path, index=False, float_format="%.2f", lineterminator="\r\n")

    by_code = payroll.groupby("earning_code")["amount"].sum()
    with open(out_path + ".reconciliation.txt", "w", encoding="utf-8") as rec:
        rec.write(f"People: {payroll['employee_id'].nunique()}\nLines: {len(payroll)}\n")
        for code, total in by_code.items():
            rec.write(f"  {code} {total:,.2f}\n")
        rec.write(f"Grand total: {payroll['amount'].sum():,.2f} {PLAN_CURRENCY}\n")


if __name__ == "__main__":
    main()
