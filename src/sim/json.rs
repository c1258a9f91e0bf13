//! The JSON form of a simulation (`carrot simulate --format json`), documented in
//! `docs/behaviour.md`. Every quantity is a JSON number: money in plan currency rounded to
//! 2 decimals, hours to 2 decimals, volumes to 3, percentages to 3, ratios to 6. A band is
//! `{"mean", "p10", "p50", "p90"}` over the Monte Carlo trials. Lists are in a fixed order
//! (roles in roster order, people in roster order), so the same inputs give the same bytes.

use std::io::{self, Write};

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use serde::Serialize;

use super::{Band, PersonInfo, PlanOutcome, RoleInfo, Runway, SimReport, Volume};

/// The version of this JSON layout.
pub const FORMAT_VERSION: u32 = 1;

fn round(x: f64, dp: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let f = 10f64.powi(dp);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

#[derive(Serialize)]
struct BandJson {
    mean: f64,
    p10: f64,
    p50: f64,
    p90: f64,
}

fn band(b: &Band, dp: i32) -> BandJson {
    BandJson { mean: round(b.mean, dp), p10: round(b.p10, dp), p50: round(b.p50, dp), p90: round(b.p90, dp) }
}

#[derive(Serialize)]
struct VolumeJson<'a> {
    metric: &'a str,
    expected: f64,
    band: BandJson,
}

fn volumes(v: &[Volume]) -> Vec<VolumeJson<'_>> {
    v.iter().map(|v| VolumeJson { metric: &v.metric, expected: round(v.expected, 3), band: band(&v.band, 3) }).collect()
}

#[derive(Serialize)]
struct HoursJson<'a> {
    activity: &'a str,
    baseline: f64,
    predicted: f64,
    change: f64,
}

fn hours<'a>(activities: &'a [String], baseline: &[f64], predicted: &[f64]) -> Vec<HoursJson<'a>> {
    activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let b = baseline.get(i).copied().unwrap_or(0.0);
            let p = predicted.get(i).copied().unwrap_or(0.0);
            HoursJson { activity: a, baseline: round(b, 2), predicted: round(p, 2), change: round(p - b, 2) }
        })
        .collect()
}

#[derive(Serialize)]
struct TotalsJson<'a> {
    people: usize,
    revenue: BandJson,
    cost: BandJson,
    cost_pct: Option<BandJson>,
    volumes: Vec<VolumeJson<'a>>,
}

#[derive(Serialize)]
struct RoleJson<'a> {
    role: &'a str,
    people: usize,
    hours_per_person: Vec<HoursJson<'a>>,
    volumes: Vec<VolumeJson<'a>>,
    revenue: BandJson,
    cost: BandJson,
    cost_pct: Option<BandJson>,
}

#[derive(Serialize)]
struct QuarterJson<'a> {
    quarter: usize,
    revenue: BandJson,
    cost: BandJson,
    cost_pct: Option<BandJson>,
    volumes: Vec<VolumeJson<'a>>,
}

#[derive(Serialize)]
struct PersonJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    team: &'a str,
    hours: Vec<HoursJson<'a>>,
    hours_moved: f64,
    responsiveness_scale: f64,
    pay: BandJson,
    pay_change: f64,
    revenue: Option<BandJson>,
    gives_up: &'a [String],
}

#[derive(Serialize)]
struct MoverJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    hours_moved: f64,
    pay_change: f64,
    /// The activity gaining the most hours and the one losing the most.
    gains: Option<&'a str>,
    loses: Option<&'a str>,
    /// Why pay changes: each line's expected pay under the baseline at history and under this
    /// plan at the predicted hours, the largest fall first.
    why: Vec<LineChangeJson>,
    /// Lines the plan would pay at history that the predicted hours give up.
    gives_up: &'a [String],
}

#[derive(Serialize)]
struct LineChangeJson {
    line: String,
    baseline: f64,
    predicted: f64,
    change: f64,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    /// The plan line the failure is on (`null` when it concerns the person as a whole).
    line: Option<&'a str>,
    message: String,
}

#[derive(Serialize)]
struct RunwayTotalJson {
    discount_rate: f64,
    revenue: BandJson,
    cost: BandJson,
}

#[derive(Serialize)]
struct AtHistoryJson {
    people: usize,
    revenue: f64,
    cost: f64,
    cost_pct: Option<f64>,
}

/// An exact amount as a JSON number, rounded to `dp` decimals.
fn exact(x: Decimal, dp: u32) -> f64 {
    x.round_dp(dp).to_f64().unwrap_or(f64::NAN)
}

#[derive(Serialize)]
struct PlanJson<'a> {
    plan: &'a str,
    at_history: AtHistoryJson,
    totals: TotalsJson<'a>,
    roles: Vec<RoleJson<'a>>,
    runway: Vec<QuarterJson<'a>>,
    runway_total: RunwayTotalJson,
    runway_assumptions: &'a Runway,
    movers: Vec<MoverJson<'a>>,
    people: Vec<PersonJson<'a>>,
    errors: Vec<ErrorJson<'a>>,
}

#[derive(Serialize)]
struct RoleInfoJson<'a> {
    role: &'a str,
    activities: &'a [String],
    metrics: &'a [String],
    people: usize,
    responsiveness: f64,
    risk_aversion: f64,
}

#[derive(Serialize)]
struct DefaultJson<'a> {
    role: &'a str,
    item: &'a str,
    source: &'a str,
    people: usize,
    value: f64,
}

#[derive(Serialize)]
struct SkippedJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    format: u32,
    baseline_plan: &'a str,
    currency: &'a str,
    trials: usize,
    seed: u64,
    quarters: usize,
    noise_scale: f64,
    roles: Vec<RoleInfoJson<'a>>,
    baseline: PlanJson<'a>,
    plans: Vec<PlanJson<'a>>,
    defaults: Vec<DefaultJson<'a>>,
    skipped: Vec<SkippedJson<'a>>,
    paid_on_history: usize,
    notes: &'a [String],
}

fn activities_of<'a>(roles: &'a [RoleInfo], role: &str) -> &'a [String] {
    roles.iter().find(|r| r.role == role).map_or(&[], |r| r.activities.as_slice())
}

fn plan<'a>(r: &'a SimReport, p: &'a PlanOutcome) -> PlanJson<'a> {
    let person = |k: usize| -> Option<&'a PersonInfo> { r.people.get(k) };
    let h = &p.at_history;
    PlanJson {
        plan: &p.plan,
        at_history: AtHistoryJson {
            people: h.people,
            revenue: exact(h.revenue, 2),
            cost: exact(h.cost, 2),
            cost_pct: (!h.revenue.is_zero())
                .then(|| h.cost.checked_div(h.revenue))
                .flatten()
                .map(|r| exact(r * Decimal::ONE_HUNDRED, 3)),
        },
        totals: TotalsJson {
            people: p.totals.people,
            revenue: band(&p.totals.revenue, 2),
            cost: band(&p.totals.cost, 2),
            cost_pct: p.totals.cost_pct.as_ref().map(|b| band(b, 3)),
            volumes: volumes(&p.totals.volumes),
        },
        roles: p
            .roles
            .iter()
            .map(|role| RoleJson {
                role: &role.role,
                people: role.people,
                hours_per_person: hours(activities_of(&r.roles, &role.role), &role.baseline_hours, &role.hours),
                volumes: volumes(&role.volumes),
                revenue: band(&role.revenue, 2),
                cost: band(&role.cost, 2),
                cost_pct: role.cost_pct.as_ref().map(|b| band(b, 3)),
            })
            .collect(),
        runway: p
            .runway
            .iter()
            .map(|q| QuarterJson {
                quarter: q.quarter,
                revenue: band(&q.revenue, 2),
                cost: band(&q.cost, 2),
                cost_pct: q.cost_pct.as_ref().map(|b| band(b, 3)),
                volumes: volumes(&q.volumes),
            })
            .collect(),
        runway_total: RunwayTotalJson {
            discount_rate: round(p.runway_total.discount_rate, 6),
            revenue: band(&p.runway_total.revenue, 2),
            cost: band(&p.runway_total.cost, 2),
        },
        runway_assumptions: &p.runway_assumptions,
        movers: p
            .movers
            .iter()
            .filter_map(|&k| {
                let info = person(k)?;
                let outcome = p.people.get(k)?.as_ref()?;
                let activities = activities_of(&r.roles, &info.role);
                let change: Vec<f64> = outcome.hours.iter().zip(&info.baseline_hours).map(|(a, b)| a - b).collect();
                let arg = |better: fn(f64, f64) -> bool| {
                    change
                        .iter()
                        .enumerate()
                        .fold(None, |best: Option<(usize, f64)>, (i, &c)| match best {
                            Some((_, b)) if !better(c, b) => best,
                            _ => Some((i, c)),
                        })
                        .and_then(|(i, _)| activities.get(i).map(String::as_str))
                };
                let base_lines = r.baseline.people.get(k).and_then(Option::as_ref).map_or(&[][..], |o| &o.lines[..]);
                Some(MoverJson {
                    employee_id: &info.employee_id,
                    name: &info.name,
                    role: &info.role,
                    hours_moved: round(outcome.hours_moved, 2),
                    pay_change: round(outcome.pay_change, 2),
                    gains: arg(|c, b| c > b),
                    loses: arg(|c, b| c < b),
                    why: super::line_changes(base_lines, &outcome.lines)
                        .into_iter()
                        .filter(|(_, _, a, b)| (b - a).abs() >= 0.005)
                        .map(|(line, _, a, b)| LineChangeJson {
                            line,
                            baseline: round(a, 2),
                            predicted: round(b, 2),
                            change: round(b - a, 2),
                        })
                        .collect(),
                    gives_up: &outcome.gives_up,
                })
            })
            .collect(),
        people: r
            .people
            .iter()
            .zip(&p.people)
            .filter_map(|(info, outcome)| {
                let o = outcome.as_ref()?;
                Some(PersonJson {
                    employee_id: &info.employee_id,
                    name: &info.name,
                    role: &info.role,
                    team: &info.team,
                    hours: hours(activities_of(&r.roles, &info.role), &info.baseline_hours, &o.hours),
                    hours_moved: round(o.hours_moved, 2),
                    responsiveness_scale: round(info.responsiveness_scale, 6),
                    pay: band(&o.pay, 2),
                    pay_change: round(o.pay_change, 2),
                    revenue: o.revenue.as_ref().map(|b| band(b, 2)),
                    gives_up: &o.gives_up,
                })
            })
            .collect(),
        errors: p
            .errors
            .iter()
            .filter_map(|e| {
                let info = person(e.person)?;
                Some(ErrorJson {
                    employee_id: &info.employee_id,
                    name: &info.name,
                    line: e.error.line(),
                    message: e.error.to_string(),
                })
            })
            .collect(),
    }
}

/// Writes `report` as pretty-printed JSON with a final newline.
pub fn write_report(report: &SimReport, w: &mut dyn Write) -> io::Result<()> {
    let json = ReportJson {
        format: FORMAT_VERSION,
        baseline_plan: &report.baseline_plan,
        currency: &report.currency,
        trials: report.trials,
        seed: report.seed,
        quarters: report.quarters,
        noise_scale: round(report.noise_scale, 6),
        roles: report
            .roles
            .iter()
            .map(|r| RoleInfoJson {
                role: &r.role,
                activities: &r.activities,
                metrics: &r.metrics,
                people: r.people,
                responsiveness: round(r.responsiveness, 6),
                risk_aversion: round(r.risk_aversion, 6),
            })
            .collect(),
        baseline: plan(report, &report.baseline),
        plans: report.plans.iter().map(|p| plan(report, p)).collect(),
        defaults: report
            .defaults
            .iter()
            .map(|d| DefaultJson {
                role: &d.role,
                item: &d.item,
                source: d.source.as_str(),
                people: d.people,
                value: round(d.value, 6),
            })
            .collect(),
        skipped: report
            .skipped
            .iter()
            .map(|s| SkippedJson { employee_id: &s.employee_id, name: &s.name, role: &s.role, reason: &s.reason })
            .collect(),
        paid_on_history: report.paid_on_history,
        notes: &report.notes,
    };
    serde_json::to_writer_pretty(&mut *w, &json).map_err(io::Error::other)?;
    writeln!(w)
}

#[derive(Serialize)]
struct ActivityFitJson<'a> {
    activity: &'a str,
    previous: f64,
    recorded: f64,
    predicted: f64,
}

#[derive(Serialize)]
struct RoleFitJson<'a> {
    role: &'a str,
    people: usize,
    responsiveness: f64,
    rmse_hours: f64,
    rmse_hours_no_change: f64,
    backtest_rmse_hours: f64,
    backtest_responsiveness: [f64; 2],
    activities: Vec<ActivityFitJson<'a>>,
}

#[derive(Serialize)]
struct UnfittedJson<'a> {
    role: &'a str,
    reason: &'a str,
}

/// The JSON form of a history fit (`carrot simulate --fit-history --format json`).
#[derive(Serialize)]
pub struct FitJson<'a> {
    format: u32,
    previous_plan: &'a str,
    baseline_plan: &'a str,
    previous_columns: &'a [String],
    roles: Vec<RoleFitJson<'a>>,
    unfitted: Vec<UnfittedJson<'a>>,
    /// [`super::fit::HistoryFit::cautions`].
    cautions: Vec<String>,
}

/// [`FitJson`] of a fit.
pub fn fit_json(fit: &super::fit::HistoryFit) -> FitJson<'_> {
    FitJson {
        format: FORMAT_VERSION,
        previous_plan: &fit.previous_plan,
        baseline_plan: &fit.baseline_plan,
        previous_columns: &fit.previous_columns,
        roles: fit
            .roles
            .iter()
            .map(|r| RoleFitJson {
                role: &r.role,
                people: r.people,
                responsiveness: round(r.epsilon, 6),
                rmse_hours: round(r.rmse, 2),
                rmse_hours_no_change: round(r.rmse_no_change, 2),
                backtest_rmse_hours: round(r.backtest_rmse, 2),
                backtest_responsiveness: [round(r.backtest_epsilon[0], 6), round(r.backtest_epsilon[1], 6)],
                activities: r
                    .activities
                    .iter()
                    .map(|a| ActivityFitJson {
                        activity: &a.activity,
                        previous: round(a.previous, 2),
                        recorded: round(a.actual, 2),
                        predicted: round(a.predicted, 2),
                    })
                    .collect(),
            })
            .collect(),
        unfitted: fit.unfitted.iter().map(|(role, reason)| UnfittedJson { role, reason }).collect(),
        cautions: fit.cautions(),
    }
}

/// Writes a history fit as pretty JSON ending with a newline.
pub fn write_fit(fit: &super::fit::HistoryFit, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &fit_json(fit)).map_err(io::Error::other)?;
    writeln!(w)
}
