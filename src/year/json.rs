//! The JSON form of a plan-year pay period (`carrot payouts --period NAME --format json`): the
//! payouts JSON (`engine::json`) with the pay period named and, per person, `ytd` figures:
//!
//! ```json
//! {"plan", "pay_period": {"name", "start", "end"}, "currency",
//!  "employees": [{"employee_id", "name", "role", "team", "proration", "attainment", "ytd_attainment",
//!                 "lines": [{"component", "label", "kind", "amount", "explanation"}],
//!                 "total",
//!                 "ytd": {"earned", "paid", "draws", "draw_balance", "pending", "carried", "clawed_back"},
//!                 "warnings"}],
//!  "not_covered", "errors", "totals", "warnings"}
//! ```
//!
//! Line kinds add `true_up`, `draw`, `draw_recovery`, `deferred` and `clawback` to the payouts'.
//! Amounts are decimal strings with the currency's minor-unit digits, as in the payouts JSON.
//! `proration` is the person's share of the annual quota and target incentive in the period
//! (its phasing × days employed ÷ days); `attainment` is the period's own (its metric ÷ its
//! quota); `ytd_attainment` is the attainment to date that year-to-date lines pay on (`null`
//! when the person's track has no such line).

use serde::Serialize;

use super::{PeriodResult, Ytd};
use crate::engine::json::{Amount, Ratio, TotalsJson};

#[derive(Serialize)]
struct PayPeriodJson<'a> {
    name: &'a str,
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
struct YtdJson {
    earned: Amount,
    paid: Amount,
    draws: Amount,
    draw_balance: Amount,
    pending: Amount,
    carried: Amount,
    clawed_back: Amount,
}

impl YtdJson {
    fn new(y: &Ytd, dp: u32) -> Self {
        Self {
            earned: Amount(y.earned, dp),
            paid: Amount(y.paid, dp),
            draws: Amount(y.draws, dp),
            draw_balance: Amount(y.draw_balance, dp),
            pending: Amount(y.pending(), dp),
            carried: Amount(y.carried, dp),
            clawed_back: Amount(y.clawed_back, dp),
        }
    }
}

#[derive(Serialize)]
struct EmployeeJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    team: &'a str,
    proration: Ratio,
    attainment: Option<Ratio>,
    ytd_attainment: Option<Ratio>,
    lines: Vec<LineJson<'a>>,
    total: Amount,
    ytd: YtdJson,
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

#[derive(Serialize)]
struct ReportJson<'a> {
    plan: &'a str,
    pay_period: PayPeriodJson<'a>,
    currency: &'a str,
    employees: Vec<EmployeeJson<'a>>,
    not_covered: Vec<NotCoveredJson<'a>>,
    errors: Vec<ErrorJson<'a>>,
    totals: TotalsJson<'a>,
    warnings: &'a [String],
}

/// Writes the period as pretty JSON with a final newline.
pub fn write(result: &PeriodResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let r = &result.report;
    let dp = r.minor_units;
    let json = ReportJson {
        plan: &r.plan,
        pay_period: PayPeriodJson {
            name: &result.period.name,
            start: result.period.start.to_string(),
            end: result.period.end.to_string(),
        },
        currency: &r.currency,
        employees: r
            .employees
            .iter()
            .zip(&result.ytd)
            .map(|(e, y)| EmployeeJson {
                employee_id: &e.employee_id,
                name: &e.name,
                role: &e.role,
                team: &e.team,
                proration: Ratio(e.proration),
                attainment: e.attainment.map(|a| Ratio(crate::engine::json::attainment_shown(a))),
                ytd_attainment: y.attainment.map(|a| Ratio(crate::engine::json::attainment_shown(a))),
                lines: e
                    .lines
                    .iter()
                    .map(|l| LineJson {
                        component: l.component().as_str(),
                        label: l.label().as_str(),
                        kind: l.kind.as_str(),
                        amount: Amount(l.amount, dp),
                        explanation: &l.explanation,
                    })
                    .collect(),
                total: Amount(e.total, dp),
                ytd: YtdJson::new(y, dp),
                warnings: &e.warnings,
            })
            .collect(),
        not_covered: r
            .not_covered
            .iter()
            .map(|n| NotCoveredJson {
                employee_id: &n.employee_id,
                name: &n.name,
                role: &n.role,
                reason: format!("the plan has no track for role `{}`", n.role),
            })
            .collect(),
        errors: r
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
        totals: TotalsJson::new(&r.totals, dp),
        warnings: &result.warnings,
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
