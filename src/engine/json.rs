//! The JSON form of payouts (`carrot payouts --format json`), a stable contract:
//!
//! ```json
//! {"plan", "period": {"start", "end"}, "currency",
//!  "employees": [{"employee_id", "name", "role", "team", "proration", "attainment",
//!                 "lines": [{"component", "label", "kind", "amount", "explanation"}],
//!                 "total", "warnings"}],
//!  "not_covered": [{"employee_id", "name", "role", "reason"}],
//!  "errors": [{"employee_id", "name", "role", "component", "message"}],
//!  "totals": {"total", "by_component": {}, "by_role": {}, "people", "revenue", "cost_pct_of_revenue"}}
//! ```
//!
//! Every amount is a decimal string with exactly the currency's minor-unit digits (`"58000.00"`);
//! proration and attainment are decimal strings with up to 6 decimals (`"0.5"`, `"1.3"`).

use rust_decimal::Decimal;
use serde::Serialize;
use serde::ser::{SerializeMap as _, Serializer};

use super::{EmployeePayout, PayoutReport, Totals};
use crate::money;

/// An amount written with exactly `dp` decimals, as a string.
#[derive(Clone, Copy, Debug)]
pub struct Amount(pub Decimal, pub u32);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&money::fixed(self.0, self.1))
    }
}

/// A ratio written with up to 6 decimals and no trailing zeros, as a string.
#[derive(Clone, Copy, Debug)]
pub struct Ratio(pub Decimal);

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&ratio_text(self.0))
    }
}

/// `0.5`, `1`, `0.333333`: a ratio for machines.
pub fn ratio_text(v: Decimal) -> String {
    let r = v.round_dp(6).normalize();
    if r.is_zero() { "0".to_owned() } else { r.to_string() }
}

/// A map of name → amount, in insertion order.
pub struct AmountMap<'a>(pub &'a indexmap::IndexMap<String, Decimal>, pub u32);

impl Serialize for AmountMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, &Amount(*v, self.1))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct PeriodJson {
    start: String,
    end: String,
}

#[derive(Serialize)]
struct LineJson<'a> {
    component: &'a str,
    label: &'a str,
    kind: &'a str,
    amount: Amount,
    explanation: &'a str,
}

#[derive(Serialize)]
struct EmployeeJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    team: &'a str,
    proration: Ratio,
    attainment: Option<Ratio>,
    lines: Vec<LineJson<'a>>,
    total: Amount,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct NotCoveredJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    reason: String,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    component: Option<&'a str>,
    message: &'a str,
}

/// The totals object, shared with `compare`.
#[derive(Serialize)]
pub struct TotalsJson<'a> {
    total: Amount,
    by_component: AmountMap<'a>,
    by_role: AmountMap<'a>,
    people: usize,
    revenue: Amount,
    cost_pct_of_revenue: Option<String>,
}

impl<'a> TotalsJson<'a> {
    /// The JSON view of `totals`.
    pub fn new(totals: &'a Totals, dp: u32) -> Self {
        Self {
            total: Amount(totals.total, dp),
            by_component: AmountMap(&totals.by_component, dp),
            by_role: AmountMap(&totals.by_role, dp),
            people: totals.people,
            revenue: Amount(totals.revenue, dp),
            cost_pct_of_revenue: totals.cost_pct_of_revenue().map(|p| money::fixed(p, 2)),
        }
    }
}

#[derive(Serialize)]
struct ReportJson<'a> {
    plan: &'a str,
    period: PeriodJson,
    currency: &'a str,
    employees: Vec<EmployeeJson<'a>>,
    not_covered: Vec<NotCoveredJson<'a>>,
    errors: Vec<ErrorJson<'a>>,
    totals: TotalsJson<'a>,
}

fn employee_json(e: &EmployeePayout, dp: u32) -> EmployeeJson<'_> {
    EmployeeJson {
        employee_id: &e.employee_id,
        name: &e.name,
        role: &e.role,
        team: &e.team,
        proration: Ratio(e.proration),
        attainment: e.attainment.map(Ratio),
        lines: e
            .lines
            .iter()
            .map(|l| LineJson {
                component: &l.component,
                label: &l.label,
                kind: l.kind.as_str(),
                amount: Amount(l.amount, dp),
                explanation: &l.explanation,
            })
            .collect(),
        total: Amount(e.total, dp),
        warnings: &e.warnings,
    }
}

/// Writes `report` as pretty JSON (with a final newline) to `out`.
pub fn write_report(report: &PayoutReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let dp = report.minor_units;
    let json = ReportJson {
        plan: &report.plan,
        period: PeriodJson { start: report.period.start.to_string(), end: report.period.end.to_string() },
        currency: &report.currency,
        employees: report.employees.iter().map(|e| employee_json(e, dp)).collect(),
        not_covered: report
            .not_covered
            .iter()
            .map(|n| NotCoveredJson {
                employee_id: &n.employee_id,
                name: &n.name,
                role: &n.role,
                reason: format!("the plan has no track for role `{}`", n.role),
            })
            .collect(),
        errors: report
            .errors
            .iter()
            .map(|e| ErrorJson {
                employee_id: &e.employee_id,
                name: &e.name,
                role: &e.role,
                component: e.component.as_deref(),
                message: &e.message,
            })
            .collect(),
        totals: TotalsJson::new(&report.totals, dp),
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
