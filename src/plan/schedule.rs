//! The plan year: a schedule of pay periods inside the plan's `period`, how quota and target
//! incentive are phased across them, draws, clawbacks, and per component the accumulation window
//! and deferred instalments. A plan without a `schedule` is a single-period plan, unchanged.
//!
//! The semantics are in `docs/plan-format.md` ("Plan years"); the computation is `crate::year`.

use chrono::{Datelike as _, NaiveDate};
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{EarningCodes, Plan, num, num_opt};
use super::{Component, Problem};
use crate::num::Rational;

/// How a plan year is split into pay periods, and the rules that span periods.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    /// The pay periods: `"month"`, `"quarter"`, or explicit named ranges.
    pub periods: PeriodSpec,
    /// Shares of the annual quota and target incentive per pay period (one per period), or per
    /// group of periods (e.g. four quarterly shares on a monthly schedule, each split equally
    /// over its months). Empty: equal shares. They must add up to exactly 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub phasing: Vec<Share>,
    /// Whether a negative year-to-date true-up is taken back from the person (a negative line)
    /// instead of being carried against later true-ups (the default).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recover_negative_true_ups: bool,
    /// Draws per role (track key).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub draws: IndexMap<String, Draw>,
    /// Clawbacks on leavers and cancelled deals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clawback: Option<Clawback>,
}

/// A share (`0.2` = 20%), exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Share(#[serde(with = "num")] pub Decimal);

/// The pay periods of a schedule.
#[derive(Clone, Debug, PartialEq)]
pub enum PeriodSpec {
    /// Calendar months, named `2026-01`.
    Month,
    /// Calendar quarters, named `2026-Q1`.
    Quarter,
    /// Named ranges, in order, covering the plan period without gaps.
    Explicit(Vec<NamedPeriod>),
}

impl Serialize for PeriodSpec {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Month => s.serialize_str("month"),
            Self::Quarter => s.serialize_str("quarter"),
            Self::Explicit(list) => list.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for PeriodSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        match value {
            serde_json::Value::String(s) if s == "month" => Ok(Self::Month),
            serde_json::Value::String(s) if s == "quarter" => Ok(Self::Quarter),
            serde_json::Value::Array(_) => {
                Vec::<NamedPeriod>::deserialize(value).map(Self::Explicit).map_err(serde::de::Error::custom)
            }
            other => Err(serde::de::Error::custom(format!(
                "periods must be \"month\", \"quarter\" or a list of {{\"name\", \"start\", \"end\"}}, not {other}"
            ))),
        }
    }
}

/// One explicit pay period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedPeriod {
    /// The name used on the command line (`--period NAME`) and in the ledger.
    pub name: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
}

/// A resolved pay period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PayPeriod {
    /// Its name (`2026-03`, `2026-Q1`, or the schedule's).
    pub name: String,
    /// First day.
    pub start: NaiveDate,
    /// Last day (inclusive).
    pub end: NaiveDate,
}

impl PayPeriod {
    /// Days in the period, both ends counted.
    pub fn days(&self) -> i64 {
        ((self.end - self.start).num_days() + 1).max(0)
    }

    /// Days `start..=end` (open ends: the whole period) overlaps this period.
    pub fn employed_days(&self, start: Option<NaiveDate>, end: Option<NaiveDate>) -> i64 {
        let s = start.map_or(self.start, |s| s.max(self.start));
        let e = end.map_or(self.end, |e| e.min(self.end));
        ((e - s).num_days() + 1).clamp(0, self.days())
    }

    /// Whether `date` falls inside the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }
}

/// What happens to a recoverable draw balance at a moment (year end, or leaving).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BalancePolicy {
    /// Written off: the person owes nothing.
    #[default]
    Forgive,
    /// Kept in the ledger as owed, recovered from later earnings.
    Carry,
    /// Taken back at once from that period's pay (a `draw_recovery` line, even below the draw).
    Recover,
}

impl BalancePolicy {
    /// The word used in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Forgive => "forgive",
            Self::Carry => "carry",
            Self::Recover => "recover",
        }
    }
}

/// A draw: an amount per pay period paid when earnings fall short of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draw {
    /// The draw per pay period, prorated by the days employed in the period.
    #[serde(with = "num")]
    pub amount: Decimal,
    /// Whether a shortfall is a balance recovered from later earnings above the draw.
    pub recoverable: bool,
    /// What happens to a balance still owed after the last pay period.
    #[serde(default)]
    pub at_year_end: BalancePolicy,
    /// What happens to a balance still owed when the person leaves.
    #[serde(default)]
    pub on_leaving: BalancePolicy,
    /// Payroll earning code of draw and draw-recovery lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earning_code: Option<String>,
    /// Earning codes per payroll template.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub earning_codes: IndexMap<String, String>,
}

impl Draw {
    /// The payroll codes of draw lines.
    pub fn codes(&self) -> EarningCodes<'_> {
        EarningCodes { default: self.earning_code.as_deref(), per_template: &self.earning_codes }
    }
}

/// Clawbacks: leavers and cancelled deals.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clawback {
    /// A leaver whose last day is within this many days after a period's end has the share
    /// `leaver_share` of what that period paid clawed back (0: no leaver clawback).
    #[serde(default)]
    pub leaver_window_days: u32,
    /// The share of those payouts clawed back (default 1 = all).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub leaver_share: Option<Decimal>,
    /// Whether a negative metric (a cancelled deal) on a period line claws back what it paid,
    /// at most what that line paid so far this year.
    #[serde(default)]
    pub cancelled_deals: bool,
    /// Payroll earning code of leaver clawback lines (cancelled-deal clawbacks use the line's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earning_code: Option<String>,
    /// Earning codes per payroll template.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub earning_codes: IndexMap<String, String>,
}

impl Clawback {
    /// The payroll codes of leaver clawback lines.
    pub fn codes(&self) -> EarningCodes<'_> {
        EarningCodes { default: self.earning_code.as_deref(), per_template: &self.earning_codes }
    }

    /// The share clawed back from a leaver.
    pub fn leaver_share(&self) -> Decimal {
        self.leaver_share.unwrap_or(Decimal::ONE)
    }
}

/// What a component measures: its pay period, or the year to date.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The pay period alone.
    #[default]
    Period,
    /// The plan year to date: pays what it earned to date minus what it already paid.
    Ytd,
}

impl Window {
    /// Whether this is the default (so plan files can leave it out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// The names a scheduled plan's metrics may also use: `ytd_<metric>` for every roster metric,
/// and these two (the roster's full-year quota and target incentive, neither phased nor
/// prorated).
pub const ANNUAL_QUOTA: &str = "annual_quota";
/// See [`ANNUAL_QUOTA`].
pub const ANNUAL_TARGET_INCENTIVE: &str = "annual_target_incentive";
/// Prefix of the year-to-date metrics.
pub const YTD_PREFIX: &str = "ytd_";

impl Schedule {
    /// The pay periods inside `plan_period`, or why they cannot be made.
    pub fn pay_periods(&self, plan_period: super::Period) -> Result<Vec<PayPeriod>, Problem> {
        let whole = |months: u32, path: &str| -> Result<Vec<PayPeriod>, Problem> {
            let start = plan_period.start;
            let aligned = start.day() == 1 && (start.month() - 1).is_multiple_of(months);
            let mut out = Vec::new();
            let mut s = start;
            while s <= plan_period.end && aligned {
                let next = s
                    .checked_add_months(chrono::Months::new(months))
                    .ok_or_else(|| Problem::error(path, "the plan period runs past the last date Carrot can count"))?;
                let e = next.pred_opt().unwrap_or(next);
                let name = if months == 1 {
                    format!("{}-{:02}", s.year(), s.month())
                } else {
                    format!("{}-Q{}", s.year(), (s.month() - 1) / 3 + 1)
                };
                out.push(PayPeriod { name, start: s, end: e });
                s = next;
            }
            let unit = if months == 1 { "month" } else { "quarter" };
            match out.last() {
                Some(last) if aligned && last.end == plan_period.end => Ok(out),
                _ => Err(Problem::error(
                    path,
                    format!(
                        "\"{unit}\" needs a plan period of whole calendar {unit}s (it is {} to {}); give explicit \
                         periods instead",
                        plan_period.start, plan_period.end
                    ),
                )),
            }
        };
        match &self.periods {
            PeriodSpec::Month => whole(1, "schedule.periods"),
            PeriodSpec::Quarter => whole(3, "schedule.periods"),
            PeriodSpec::Explicit(list) => {
                if list.is_empty() {
                    return Err(Problem::error("schedule.periods", "lists no period; give at least one"));
                }
                let mut expected = plan_period.start;
                for (i, p) in list.iter().enumerate() {
                    let at = format!("schedule.periods[{i}]");
                    if p.name.trim().is_empty() {
                        return Err(Problem::error(format!("{at}.name"), "must not be empty"));
                    }
                    if list.iter().take(i).any(|q| q.name == p.name) {
                        return Err(Problem::error(format!("{at}.name"), format!("`{}` is used twice", p.name)));
                    }
                    if p.start != expected {
                        return Err(Problem::error(
                            format!("{at}.start"),
                            format!(
                                "is {}; the periods must follow each other from the plan's start, so it must be {expected}",
                                p.start
                            ),
                        ));
                    }
                    if p.end < p.start {
                        return Err(Problem::error(format!("{at}.end"), "is before the period's start"));
                    }
                    expected = p.end.succ_opt().unwrap_or(p.end);
                }
                let last = list.last().map_or(plan_period.end, |p| p.end);
                if last != plan_period.end {
                    return Err(Problem::error(
                        format!("schedule.periods[{}].end", list.len() - 1),
                        format!("is {last}; the last period must end with the plan period, on {}", plan_period.end),
                    ));
                }
                Ok(list.iter().map(|p| PayPeriod { name: p.name.clone(), start: p.start, end: p.end }).collect())
            }
        }
    }

    /// Each period's exact share of the annual quota and target incentive (`n` periods).
    pub fn shares(&self, n: usize) -> Result<Vec<Rational>, Problem> {
        if n == 0 {
            return Ok(Vec::new());
        }
        if self.phasing.is_empty() {
            let each = Rational::new(1, n as i128).unwrap_or(Rational::ZERO);
            return Ok(vec![each; n]);
        }
        let groups = self.phasing.len();
        if !n.is_multiple_of(groups) {
            return Err(Problem::error(
                "schedule.phasing",
                format!(
                    "has {groups} share(s) for {n} pay period(s); give one share per period, or one per equal group \
                     of periods (e.g. 4 quarterly shares for 12 months)"
                ),
            ));
        }
        for (i, s) in self.phasing.iter().enumerate() {
            if s.0.is_sign_negative() {
                return Err(Problem::error(format!("schedule.phasing[{i}]"), "must not be negative"));
            }
        }
        let sum: Decimal = self.phasing.iter().map(|s| s.0).sum();
        if sum != Decimal::ONE {
            return Err(Problem::error(
                "schedule.phasing",
                format!("the shares add up to {sum}; they must add up to exactly 1"),
            ));
        }
        let per_group = n / groups;
        let split = Rational::new(1, per_group as i128).unwrap_or(Rational::ONE);
        Ok(self
            .phasing
            .iter()
            .flat_map(|s| std::iter::repeat_n(Rational::from_decimal(s.0).mul(&split), per_group))
            .collect())
    }
}

/// The plan's pay periods, when it has a schedule that resolves.
pub fn pay_periods(plan: &Plan) -> Option<Vec<PayPeriod>> {
    plan.schedule.as_ref().and_then(|s| s.pay_periods(plan.period).ok())
}

/// Every problem with the plan's schedule and the components' year settings.
pub fn validate(plan: &Plan) -> Vec<Problem> {
    let mut problems = Vec::new();
    let Some(schedule) = &plan.schedule else {
        for (role, track) in &plan.tracks {
            for (i, c) in track.components.iter().enumerate() {
                let at = format!("tracks.{role}.components[{i}]");
                if c.window() == Window::Ytd {
                    problems.push(Problem::error(
                        format!("{at}.window"),
                        "\"ytd\" needs a plan year: add a \"schedule\" with the pay periods",
                    ));
                }
                if !c.instalments().is_empty() {
                    problems.push(Problem::error(
                        format!("{at}.instalments"),
                        "instalments need a plan year: add a \"schedule\" with the pay periods",
                    ));
                }
            }
        }
        return problems;
    };
    let periods = match schedule.pay_periods(plan.period) {
        Ok(p) => p,
        Err(p) => {
            problems.push(p);
            Vec::new()
        }
    };
    if !periods.is_empty()
        && let Err(p) = schedule.shares(periods.len())
    {
        problems.push(p);
    }
    for (role, draw) in &schedule.draws {
        let at = format!("schedule.draws.{role}");
        if !plan.tracks.contains_key(role) {
            let roles: Vec<&str> = plan.tracks.keys().map(String::as_str).collect();
            problems.push(Problem::error(&at, format!("no track `{role}`; the tracks are {}", roles.join(", "))));
        }
        if draw.amount.is_sign_negative() {
            problems.push(Problem::error(format!("{at}.amount"), "must not be negative"));
        }
        if !draw.recoverable
            && (draw.at_year_end != BalancePolicy::Forgive || draw.on_leaving != BalancePolicy::Forgive)
        {
            problems.push(Problem::warning(
                &at,
                "a non-recoverable draw leaves no balance: at_year_end and on_leaving have no effect",
            ));
        }
    }
    if let Some(c) = &schedule.clawback
        && let Some(share) = c.leaver_share
        && (share.is_sign_negative() || share > Decimal::ONE)
    {
        problems.push(Problem::error("schedule.clawback.leaver_share", format!("is {share}; it must be 0 to 1")));
    }
    for (role, track) in &plan.tracks {
        let mut windows = Vec::new();
        for (i, c) in track.components.iter().enumerate() {
            if matches!(c, Component::Multiplier(_)) {
                continue;
            }
            windows.push(c.window());
            let shares = c.instalments();
            if shares.is_empty() {
                continue;
            }
            let at = format!("tracks.{role}.components[{i}].instalments");
            if shares.iter().any(|s| s.0.is_sign_negative()) {
                problems.push(Problem::error(&at, "a share must not be negative"));
            }
            let sum: Decimal = shares.iter().map(|s| s.0).sum();
            if sum != Decimal::ONE {
                problems
                    .push(Problem::error(&at, format!("the shares add up to {sum}; they must add up to exactly 1")));
            }
            if !periods.is_empty() && shares.len() > periods.len() {
                problems.push(Problem::error(
                    &at,
                    format!("{} instalments, but the plan year has {} pay periods", shares.len(), periods.len()),
                ));
            }
        }
        let mixed = windows.windows(2).any(|w| w.first() != w.get(1));
        let limited =
            track.cap.is_some() || track.guarantee.is_some() || plan.cap.is_some() || plan.guarantee.is_some();
        if mixed && limited {
            problems.push(Problem::error(
                format!("tracks.{role}"),
                "a cap or guarantee applies to a total, so in a plan year its track's lines must all use the same \
                 window (all \"period\" or all \"ytd\")",
            ));
        }
    }
    problems
}
