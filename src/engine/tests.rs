//! The DOMAIN.md worked examples and the engine's error handling.

use std::collections::BTreeMap;
use std::str::FromStr as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::plan::{self, Component, ComponentKind};
use crate::roster::{Employee, Roster, SourceRef};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

/// A plan from the JSON of its tracks (and optional extra top-level fields).
fn plan_with(tracks: &str, extra: &str) -> Plan {
    let text = format!(
        r#"{{"schema": 1, "name": "Test", "currency": "EUR",
            "period": {{"start": "2026-01-01", "end": "2026-03-31"}}{extra},
            "tracks": {tracks}}}"#
    );
    plan::parse(&text).unwrap_or_else(|e| panic!("{e:?}"))
}

/// 1,000 EUR per deal closed for sales (Q3 2026): a roster value can make a payout too large
/// to pay or to add up, which the tests of the report's assembly and its writers use.
pub(super) fn units_plan() -> Plan {
    plan::parse(
        r#"{"schema": 1, "name": "Units", "currency": "EUR",
            "period": {"start": "2026-07-01", "end": "2026-09-30"}, "fx": {"GBP": 1.17, "CHF": 1.06, "USD": 0.92},
            "tracks": {"sales": {"components": [{"kind": "per_unit", "id": "u", "earning_code": "U",
                "metric": "deals_closed", "amount": 1000}]}}}"#,
    )
    .unwrap_or_else(|e| panic!("{e:?}"))
}

fn sales(components: &str) -> Plan {
    plan_with(&format!(r#"{{"sales": {{"components": [{components}]}}}}"#), "")
}

/// One employee per entry of `rows`: (id, metric values in `metrics` order), with quota and TI.
struct People {
    metrics: Vec<&'static str>,
    quota: Option<&'static str>,
    ti: Option<&'static str>,
}

impl People {
    fn roster(&self, rows: &[&[&str]]) -> Roster {
        let employees = rows
            .iter()
            .enumerate()
            .map(|(i, values)| Employee {
                id: format!("E{i}").into(),
                name: format!("Person {i}").into(),
                contact: None,
                role: "sales".to_owned().into(),
                team: "A".to_owned().into(),
                manager: Default::default(),
                currency: None,
                currency_symbol: None,
                base_salary: None,
                target_incentive: self.ti.map(d),
                quota: self.quota.map(d),
                start_date: None,
                end_date: None,
                metrics: values.iter().map(|v| Some(d(v))).collect(),
                source: SourceRef { file: 0, line: i as u64 + 2 },
            })
            .collect();
        Roster {
            metrics: self.metrics.iter().map(|m| (*m).to_owned()).collect(),
            employees,
            sources: vec!["test.csv".to_owned()],
            joined: Vec::new(),
        }
    }
}

fn totals(plan: &Plan, roster: &Roster) -> Vec<Decimal> {
    let report = compute(plan, roster, Detail::Explained).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report.employees.iter().map(|e| e.total).collect()
}

const TIERS: &str = r#"[{"from": 0, "rate": 0.08}, {"from": 1.0, "rate": 0.12}, {"from": 1.5, "rate": 0.15}]"#;

fn commission(method: &str, extra: &str) -> String {
    format!(
        r#"{{"kind": "commission", "id": "rev", "earning_code": "C", "method": "{method}", "tiers": {TIERS}{extra}}}"#
    )
}

fn revenue_people() -> People {
    People { metrics: vec!["revenue", "early_access_signups"], quota: Some("500000"), ti: Some("40000") }
}

#[test]
fn example_1_graduated_tiers_pay_58000_and_explain_each_tier() {
    let plan = sales(&commission("graduated", ""));
    let roster = revenue_people().roster(&[&["650000", "0"]]);
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    let e = &report.employees[0];
    assert_eq!(e.total, d("58000.00"));
    assert_eq!(money::fixed(e.total, 2), "58000.00");
    assert_eq!(
        e.lines[0].explanation,
        "attainment 130% = revenue 650,000.00 ÷ prorated quota 500,000.00; 0–100% at 8% = 40,000.00; 100–130% at 12% \
         = 18,000.00"
    );
    assert_eq!(e.attainment, Some(d("1.3")));
}

#[test]
fn example_2_retroactive_pays_78000() {
    let plan = sales(&commission("retroactive", ""));
    assert_eq!(totals(&plan, &revenue_people().roster(&[&["650000", "0"]])), [d("78000")]);
}

#[test]
fn example_3_below_threshold_pays_nothing() {
    let plan = sales(&commission("graduated", r#", "threshold": 0.5"#));
    let roster = revenue_people().roster(&[&["200000", "0"], &["250000", "0"]]);
    assert_eq!(totals(&plan, &roster), [d("0"), d("20000")], "exactly at the threshold pays");
}

#[test]
fn an_attainment_just_below_a_threshold_never_reads_as_reaching_it() {
    let plan = sales(&commission("retroactive", r#", "threshold": 0.5"#));
    let roster = People { quota: Some("100000"), ..revenue_people() }.roster(&[&["49999.99", "0"]]);
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    let e = &report.employees[0];
    assert_eq!(e.total, d("0"));
    assert_eq!(
        e.lines[0].explanation,
        "attainment 49.99999% = revenue 49,999.99 ÷ prorated quota 100,000.00; below the 50% threshold: pays 0"
    );
    let mut json = Vec::new();
    super::json::write_report(&report, &mut json).unwrap();
    let json = String::from_utf8(json).unwrap();
    assert!(json.contains(r#""attainment": "0.499999""#), "{json}");
}

#[test]
fn a_per_unit_amount_finer_than_the_currency_is_explained_as_written() {
    let plan = plan_with(
        r#"{"sales": {"components": [{"kind": "per_unit", "id": "u", "earning_code": "U",
            "metric": "discovery_interviews", "amount": 0.5}]}}"#,
        "",
    );
    let plan = Plan { currency: "JPY".to_owned(), ..plan };
    let people = People { metrics: vec!["discovery_interviews"], quota: None, ti: None };
    let report = compute(&plan, &people.roster(&[&["5"]]), Detail::Explained).unwrap();
    let line = &report.employees[0].lines[0];
    assert!(line.explanation.starts_with("5 discovery_interviews × 0.5 = 2.5"), "{}", line.explanation);
    assert_eq!(line.amount, d("3"));
}

#[test]
fn example_4_bonus_curve() {
    let plan = sales(
        r#"{"kind": "bonus", "id": "b", "earning_code": "B", "metric": "revenue", "target": "quota",
            "base": {"ti_share": 0.25},
            "curve": [{"x": 0.5, "y": 0.25}, {"x": 1.0, "y": 1.0}, {"x": 2.0, "y": 2.5}]}"#,
    );
    let people = People { metrics: vec!["revenue"], quota: Some("100000"), ti: Some("40000") };
    let roster = people.roster(&[&["120000"], &["45000"], &["50000"], &["240000"]]);
    assert_eq!(totals(&plan, &roster), [d("13000"), d("0"), d("2500"), d("25000")]);
}

/// The value of a polyline of `(x, y)` points at `x` (the last point at `x` where it steps).
fn on_polyline(points: &[[f64; 2]], x: f64) -> f64 {
    let mut y = 0.0;
    for w in points.windows(2) {
        let ([x0, y0], [x1, y1]) = (w[0], w[1]);
        if (x0..=x1).contains(&x) {
            y = if x1 > x0 { y0 + (x - x0) * (y1 - y0) / (x1 - x0) } else { y1 };
            if x < x1 {
                break;
            }
        }
    }
    y
}

#[test]
fn the_curve_shape_the_editor_draws_is_what_the_engine_pays() {
    // Example 4: base 25% of TI 40,000 = 10,000, curve (0.5, 0.25) (1.0, 1.0) (2.0, 2.5).
    let plan = sales(
        r#"{"kind": "bonus", "id": "b", "earning_code": "B", "metric": "revenue", "target": "quota",
            "base": {"ti_share": 0.25},
            "curve": [{"x": 0.5, "y": 0.25}, {"x": 1.0, "y": 1.0}, {"x": 2.0, "y": 2.5}]}"#,
    );
    let Component::Bonus(bonus) = &plan.tracks["sales"].components[0] else { panic!("a bonus") };
    let shape = curve_shape(&bonus.curve, 2.6);
    // Flat at 0 below the first point (where the plan pays 0), a step up at it, straight
    // between points, flat after the last.
    assert_eq!(shape.first(), Some(&[0.0, 0.0]));
    assert!(shape.contains(&[0.5, 0.0]) && shape.contains(&[0.5, 0.25]), "{shape:?}");
    assert_eq!(shape.last(), Some(&[2.6, 2.5]));
    let attainments = ["0", "0.2", "0.45", "0.4999", "0.5", "0.75", "1", "1.2", "1.99", "2.4"];
    let people = People { metrics: vec!["revenue"], quota: Some("100000"), ti: Some("40000") };
    let revenue: Vec<String> = attainments.iter().map(|a| (d(a) * d("100000")).to_string()).collect();
    let rows: Vec<[&str; 1]> = revenue.iter().map(|r| [r.as_str()]).collect();
    let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
    let paid = totals(&plan, &people.roster(&rows));
    for (a, paid) in attainments.iter().zip(paid) {
        let x: f64 = a.parse().unwrap();
        let drawn = Decimal::from_f64_retain(10_000.0 * on_polyline(&shape, x)).unwrap().round_dp(2);
        assert_eq!(drawn, paid, "at attainment {a} the preview shows {drawn}, the plan pays {paid}");
    }
}

#[test]
fn example_5_per_unit_with_min_and_max() {
    let plan = sales(
        r#"{"kind": "per_unit", "id": "interviews", "earning_code": "D", "metric": "discovery_interviews",
            "amount": 150, "min_units": 3, "max_units": 20}"#,
    );
    let people = People { metrics: vec!["discovery_interviews"], quota: None, ti: None };
    let roster = people.roster(&[&["25"], &["2"], &["7"]]);
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    let amounts: Vec<Decimal> = report.employees.iter().map(|e| e.total).collect();
    assert_eq!(amounts, [d("3000"), d("0"), d("1050")]);
    assert_eq!(report.employees[0].lines[0].explanation, "25 discovery_interviews, paid up to 20 × 150.00 = 3,000.00");
    assert_eq!(report.employees[1].lines[0].explanation, "2 discovery_interviews is below the minimum of 3: pays 0");
}

#[test]
fn example_6_multiplier_on_early_access_signups() {
    let components = format!(
        r#"{}, {{"kind": "multiplier", "id": "ea", "metric": "early_access_signups", "applies_to": ["rev"],
            "steps": [{{"from": 0, "factor": 0.9}}, {{"from": 3, "factor": 1.0}}, {{"from": 8, "factor": 1.15}}]}}"#,
        commission("graduated", "")
    );
    let plan = sales(&components);
    let roster = revenue_people().roster(&[&["650000", "9"], &["650000", "2"]]);
    assert_eq!(totals(&plan, &roster), [d("66700"), d("52200")]);
}

#[test]
fn example_7_proration_is_days_employed_over_days_in_period() {
    let plan = sales(&commission("graduated", ""));
    let mut roster = revenue_people().roster(&[&["650000", "0"]]);
    roster.employees[0].start_date = Some(date("2026-02-15"));
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert_eq!(report.employees[0].proration, d("0.5"));
    // Quota is prorated to 250,000; attainment 260%.
    assert_eq!(report.employees[0].attainment, Some(d("2.6")));
    // 0–100% of 250,000 at 8%, 100–150% at 12%, 150–260% (275,000) at 15%.
    assert_eq!(report.employees[0].total, d("20000") + d("15000") + d("41250"));
}

#[test]
fn example_8_plan_cap_is_its_own_adjustment_line() {
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "per_unit", "id": "u", "earning_code": "U", "metric": "units", "amount": 1}]}}"#,
        r#", "cap": {"multiple_of_ti": 2, "earning_code": "ADJ"}"#,
    );
    let people = People { metrics: vec!["units"], quota: None, ti: Some("20000") };
    let report = compute(&plan, &people.roster(&[&["55000"]]), Detail::Explained).unwrap();
    let e = &report.employees[0];
    assert_eq!(e.lines.len(), 2);
    assert_eq!(e.lines[1].kind, LineKind::CapAdjustment);
    assert_eq!(e.lines[1].amount, d("-15000"));
    assert_eq!(e.total, d("40000"));
    assert_eq!(
        e.lines[1].explanation,
        "total variable pay 55,000.00 is above the cap of 2 × prorated target incentive 20,000.00 = 40,000.00: \u{2212}15,000.00"
    );
}

#[test]
fn money_is_exact_17_at_7_5_percent_pays_1_28() {
    let plan = sales(
        r#"{"kind": "commission", "id": "c", "earning_code": "C", "basis": "amount", "tiers": [{"from": 0, "rate": 0.075}]}"#,
    );
    let people = People { metrics: vec!["revenue"], quota: None, ti: None };
    let report = compute(&plan, &people.roster(&[&["17.00"]]), Detail::Explained).unwrap();
    assert_eq!(report.employees[0].total, d("1.28"));
    assert_eq!(
        report.employees[0].lines[0].explanation,
        "revenue 17.00; 0.00–17.00 at 7.5% = 1.275; rounded half away from zero to 1.28"
    );
    // The naive float computation rounds the other way, which is why amounts are decimal.
    assert_eq!(((17.00_f64 * 0.075) * 100.0).round() / 100.0, 1.27);
}

#[test]
fn a_value_on_a_tier_boundary_belongs_to_the_upper_tier() {
    let plan = sales(&commission("retroactive", ""));
    assert_eq!(totals(&plan, &revenue_people().roster(&[&["500000", "0"]])), [d("60000")]);
}

#[test]
fn amount_basis_tiers_are_money() {
    let plan = sales(
        r#"{"kind": "commission", "id": "c", "earning_code": "C", "basis": "amount",
            "tiers": [{"from": 0, "rate": 0.05}, {"from": 100000, "rate": 0.1}]}"#,
    );
    let people = People { metrics: vec!["revenue"], quota: None, ti: None };
    let report = compute(&plan, &people.roster(&[&["150000"]]), Detail::Explained).unwrap();
    assert_eq!(report.employees[0].total, d("10000"));
    assert_eq!(
        report.employees[0].lines[0].explanation,
        "revenue 150,000.00; 0.00–100,000.00 at 5% = 5,000.00; 100,000.00–150,000.00 at 10% = 5,000.00"
    );
}

#[test]
fn line_cap_applies_after_multipliers() {
    let components = format!(
        r#"{}, {{"kind": "multiplier", "id": "m", "metric": "early_access_signups", "applies_to": ["rev"],
            "steps": [{{"from": 0, "factor": 2}}]}}"#,
        commission("graduated", r#", "cap": 100000"#)
    );
    let plan = sales(&components);
    // 58,000 × 2 = 116,000, capped at 100,000.
    assert_eq!(totals(&plan, &revenue_people().roster(&[&["650000", "1"]])), [d("100000")]);
}

#[test]
fn guarantee_tops_up_to_the_minimum() {
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "per_unit", "id": "u", "earning_code": "U", "metric": "units", "amount": 1}],
            "guarantee": {"amount": 10000, "earning_code": "G"}}}"#,
        "",
    );
    let people = People { metrics: vec!["units"], quota: None, ti: None };
    let mut roster = people.roster(&[&["3000"], &["3000"]]);
    roster.employees[1].start_date = Some(date("2026-02-15"));
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert_eq!(report.employees[0].total, d("10000"));
    assert_eq!(report.employees[0].lines[1].kind, LineKind::GuaranteeAdjustment);
    assert_eq!(report.employees[0].lines[1].amount, d("7000"));
    assert_eq!(report.employees[1].total, d("5000"), "an amount guarantee is prorated like target incentive");
}

#[test]
fn a_guarantee_above_the_cap_wins_with_a_warning() {
    // Cap 0.2 × TI (2,000 on TI 10,000), guarantee 3,000: validation cannot compare a multiple of
    // TI with an amount, so the engine meets it. The cap applies first, then the guarantee
    // (DOMAIN.md step 4), and the person's warning says so.
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "per_unit", "id": "u", "earning_code": "U", "metric": "units", "amount": 1}],
            "cap": {"multiple_of_ti": 0.2, "earning_code": "C"},
            "guarantee": {"amount": 3000, "earning_code": "G"}}}"#,
        "",
    );
    let people = People { metrics: vec!["units"], quota: None, ti: Some("10000") };
    let report = compute(&plan, &people.roster(&[&["5000"], &["100"]]), Detail::Explained).unwrap();
    for e in &report.employees {
        assert_eq!(e.total, d("3000"), "{e:?}");
        assert_eq!(
            e.warnings,
            ["the guarantee 3,000.00 is above the cap 2,000.00: the guarantee wins (the cap applies first, then the \
              guarantee)"]
        );
    }
    let kinds: Vec<LineKind> = report.employees[0].lines.iter().map(|l| l.kind).collect();
    assert_eq!(kinds, [LineKind::PerUnit, LineKind::CapAdjustment, LineKind::GuaranteeAdjustment]);
    assert_eq!(report.employees[0].lines[1].amount, d("-3000"));
    assert_eq!(report.employees[0].lines[2].amount, d("1000"));
}

#[test]
fn quota_of_zero_is_an_error_for_that_employee_only() {
    let plan = sales(&commission("graduated", ""));
    let mut roster = revenue_people().roster(&[&["650000", "0"], &["100", "0"]]);
    roster.employees[1].quota = Some(Decimal::ZERO);
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert_eq!(report.employees.len(), 1);
    assert_eq!(report.employees[0].total, d("58000"));
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].employee_id, "E1".into());
    assert_eq!(report.errors[0].component.as_deref(), Some("rev"));
    assert_eq!(report.errors[0].message, "prorated quota is 0; attainment needs a quota above 0");
    assert_eq!(report.totals.total, d("58000"));
    roster.employees[1].quota = None;
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert_eq!(
        report.errors[0].message,
        "the roster row has no quota, which this component measures attainment against"
    );
}

#[test]
fn unknown_metric_is_a_problem_of_the_plan_naming_it() {
    let plan =
        sales(r#"{"kind": "per_unit", "id": "s", "earning_code": "S", "metric": "survey_responses", "amount": 10}"#);
    // Not an error for every person on the track: the plan cannot be computed on this roster.
    let Err(problems) = compute(&plan, &revenue_people().roster(&[&["1", "0"]]), Detail::Explained) else {
        panic!("computed a plan that reads a column the roster does not have");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "tracks.sales.components[0].metric");
    assert!(problems[0].message.contains("`survey_responses` is not a roster column"), "{}", problems[0].message);
    // With nobody on the track, the track is not checked.
    let nobody = revenue_people().roster(&[]);
    assert!(compute(&plan, &nobody, Detail::Explained).is_ok());
}

#[test]
fn division_by_zero_in_a_derived_metric_names_the_expression_and_employee() {
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "per_unit", "id": "s", "earning_code": "S", "metric": "share", "amount": 100}]}}"#,
        r#", "metrics": {"share": "internal_hours / (billable_hours + internal_hours)"}"#,
    );
    let people = People { metrics: vec!["internal_hours", "billable_hours"], quota: None, ti: None };
    let report = compute(&plan, &people.roster(&[&["0", "0"], &["50", "150"]]), Detail::Explained).unwrap();
    assert_eq!(report.errors.len(), 1);
    assert_eq!(report.errors[0].employee_id, "E0".into());
    assert_eq!(
        report.errors[0].message,
        "derived metric `share` = `internal_hours / (billable_hours + internal_hours)`: division by zero"
    );
    assert_eq!(report.employees[0].total, d("25"));
}

/// A plan year computed whole (no pay period named) prorates someone employed part of the year
/// by the phased shares of the periods they were employed in, as its periods add up to: hired
/// 1 March, with 20/20/20/40 by quarter on a monthly schedule, the year's quota is 13/15 of
/// 100,000 (docs/plan-format.md), not 306/365.
#[test]
fn a_plan_year_computed_whole_prorates_by_its_phased_periods() {
    let plan = plan::parse(
        r#"{"schema": 1, "name": "Year", "currency": "EUR",
            "period": {"start": "2026-01-01", "end": "2026-12-31"},
            "schedule": {"periods": "month", "phasing": [0.2, 0.2, 0.2, 0.4]},
            "tracks": {"sales": {"components": [{"kind": "bonus", "id": "b", "earning_code": "B",
                "metric": "revenue", "target": "quota", "base": {"ti_share": 1},
                "curve": [{"x": 0, "y": 0}, {"x": 2, "y": 2}]}]}}}"#,
    )
    .unwrap_or_else(|e| panic!("{e:?}"));
    let mut roster = revenue_people().roster(&[&["52000", "0"], &["52000", "0"], &["52000", "0"]]);
    for e in &mut roster.employees {
        e.quota = Some(d("100000"));
        e.target_incentive = Some(d("15000"));
    }
    roster.employees[0].start_date = Some(date("2026-03-01"));
    // Left on 15 August: January to July, and 15 of August's 31 days.
    roster.employees[2].end_date = Some(date("2026-08-15"));
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    let hire = &report.employees[0];
    // 52,000 ÷ 86,666.67 = 60% of a target incentive of 13,000 (15,000 × 13/15).
    assert_eq!(hire.attainment, Some(d("0.6")));
    assert_eq!(hire.total, d("7800.00"));
    assert!(hire.lines[0].explanation.contains("13/15 phased share"), "{}", hire.lines[0].explanation);
    // Employed all year: the whole quota, as without a schedule.
    assert_eq!(report.employees[1].attainment, Some(d("0.52")));
    // The first half 0.4, July 0.2 / 3, August 0.2 / 3 × 15/31.
    let leaver = &report.employees[2];
    let q = |n, d| Rational::new(n, d).unwrap();
    let share = q(2, 5).add(&q(1, 15)).add(&q(1, 31));
    let (employed, days) = CompiledPlan::new(&plan, &roster).unwrap().employed_days(&roster.employees[2]);
    assert_eq!(q(i128::from(employed), i128::from(days)), share);
    assert!(leaver.total > d("0"));
}

#[test]
fn a_currency_without_fx_is_an_error_and_fx_converts_money() {
    let plan = plan_with(
        &format!(r#"{{"sales": {{"components": [{}]}}}}"#, commission("graduated", "")),
        r#", "fx": {"GBP": 1.2}"#,
    );
    let mut roster = revenue_people().roster(&[&["650000", "0"], &["650000", "0"], &["650000", "0"]]);
    roster.employees[1].currency = Some("USD".to_owned());
    roster.employees[2].currency = Some("GBP".to_owned());
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].message.contains("no fx rate for USD"), "{}", report.errors[0].message);
    // GBP: quota 600,000 EUR, revenue 780,000 EUR → attainment 130% again, 1.2 × 58,000.
    assert_eq!(report.employees[1].total, d("69600"));
}

#[test]
fn roles_without_a_track_are_not_covered_and_not_dropped() {
    let plan = sales(&commission("graduated", ""));
    let mut roster = revenue_people().roster(&[&["650000", "0"], &["1", "0"]]);
    roster.employees[1].role = "support".into();
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert_eq!(report.not_covered.len(), 1);
    assert_eq!(&*report.not_covered[0].role, "support");
}

#[test]
fn not_employed_in_the_period_pays_zero_with_a_note() {
    let plan = sales(&commission("graduated", ""));
    let mut roster = revenue_people().roster(&[&["650000", "0"]]);
    roster.employees[0].end_date = Some(date("2025-12-31"));
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    let e = &report.employees[0];
    assert_eq!((e.proration, e.total), (Decimal::ZERO, Decimal::ZERO));
    assert!(e.warnings[0].contains("not employed"), "{:?}", e.warnings);
}

#[test]
fn negative_metric_pays_zero_with_a_warning() {
    let plan = sales(&commission("graduated", ""));
    let report = compute(&plan, &revenue_people().roster(&[&["-5000", "0"]]), Detail::Explained).unwrap();
    let e = &report.employees[0];
    assert_eq!(e.total, Decimal::ZERO);
    assert_eq!(e.warnings, ["revenue is negative in the roster; the rev line pays 0"]);
}

#[test]
fn overflow_is_an_error_not_a_panic() {
    let plan =
        sales(r#"{"kind": "per_unit", "id": "u", "earning_code": "U", "metric": "units", "amount": 1000000000000000}"#);
    let people = People { metrics: vec!["units"], quota: None, ti: None };
    let report = compute(&plan, &people.roster(&[&["79228162514264337593543950"]]), Detail::Explained).unwrap();
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].message.contains("too large"), "{}", report.errors[0].message);
}

#[test]
fn thousands_of_tiers_compute_quickly() {
    let tiers: Vec<String> = (0..5000).map(|i| format!(r#"{{"from": {i}, "rate": 0.0{}}}"#, 1 + i % 9)).collect();
    let plan = sales(&format!(
        r#"{{"kind": "commission", "id": "c", "earning_code": "C", "basis": "amount", "tiers": [{}]}}"#,
        tiers.join(",")
    ));
    let people = People { metrics: vec!["revenue"], quota: None, ti: None };
    let report = compute(&plan, &people.roster(&[&["4999.5"], &["2.5"]]), Detail::AmountsOnly).unwrap();
    // 2.5 falls in tiers 0 (rate 1%), 1 (2%) and half of 2 (3%): 0.01 + 0.02 + 0.015.
    assert_eq!(report.employees[1].total, d("0.05"), "rounded from 0.045");
}

#[test]
fn f64_pay_matches_the_exact_engine() {
    let components = format!(
        r#"{}, {{"kind": "multiplier", "id": "ea", "metric": "early_access_signups", "applies_to": ["rev"],
            "steps": [{{"from": 0, "factor": 0.9}}, {{"from": 3, "factor": 1.0}}, {{"from": 8, "factor": 1.15}}]}}"#,
        commission("graduated", r#", "threshold": 0.5"#)
    );
    let plan = sales(&components);
    let roster = revenue_people().roster(&[&["650000", "9"], &["120000", "2"], &["480000", "4"]]);
    let compiled = CompiledPlan::new(&plan, &roster).unwrap();
    let report = compiled.report(&plan, &roster, Detail::AmountsOnly);
    for (e, paid) in roster.employees.iter().zip(&report.employees) {
        let mut values: Vec<Option<f64>> = Vec::new();
        let ctx = compiled.prepare::<f64>(e, compiled.track("sales").unwrap(), &mut values).unwrap();
        let pay = compiled.pay("sales", &ctx, &values, &mut Vec::new()).unwrap();
        let exact: f64 = paid.total.to_string().parse().unwrap();
        assert!((pay - exact).abs() < 0.01, "{pay} vs {exact}");
    }
}

#[test]
fn derived_metrics_a_track_does_not_use_never_fail_its_people() {
    // `share` reads consultant columns a sales person's file lacks; the sales track does not use it.
    let plan = plan_with(
        r#"{"sales": {"components": [{"kind": "per_unit", "id": "u", "earning_code": "U", "metric": "units", "amount": 1}]},
            "consultant": {"components": [{"kind": "per_unit", "id": "s", "earning_code": "S", "metric": "share", "amount": 100}]}}"#,
        r#", "metrics": {"share": "internal_hours / billable_hours"}"#,
    );
    let people = People { metrics: vec!["units", "internal_hours", "billable_hours"], quota: None, ti: None };
    let mut roster = people.roster(&[&["5", "0", "0"], &["0", "10", "40"]]);
    roster.employees[0].metrics = vec![Some(d("5")), None, None];
    roster.employees[1].role = "consultant".into();
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.employees[0].total, d("5"));
    assert_eq!(report.employees[1].total, d("25"));
    // A consultant whose file lacks the column gets a message naming it.
    roster.employees[1].metrics = vec![Some(d("0")), None, Some(d("40"))];
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    assert_eq!(
        report.errors[0].message,
        "derived metric `share` = `internal_hours / billable_hours`: `internal_hours` has no value for this person: their roster file has no `internal_hours` column"
    );
}

#[test]
fn totals_sum_lines_by_component_and_role() {
    let plan = sales(&commission("graduated", ""));
    let report =
        compute(&plan, &revenue_people().roster(&[&["650000", "0"], &["500000", "0"]]), Detail::AmountsOnly).unwrap();
    assert_eq!(report.totals.total, d("98000"));
    assert_eq!(report.totals.by_component["rev"], d("98000"));
    assert_eq!(report.totals.by_role["sales"], d("98000"));
    assert_eq!(report.totals.revenue, d("1150000"));
    assert_eq!(report.totals.cost_pct_of_revenue().map(|p| p.round_dp(2)), Some(d("8.52")));
}

/// Small deterministic generator for the batch tests.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// How [`batch_against_scalar`] went: batches computed as batches, batches given back.
#[derive(Debug, Default)]
struct BatchCount {
    batched: usize,
    given_back: usize,
    /// Given back although every table computes.
    given_back_computable: usize,
}

/// For every person of `roster` with a track, `tables` value tables with each `(metric, grid)`
/// set to values picked from `grid` (or between two of its values): `pay_batch` must give, bit
/// for bit, what `fill_derived` + `pay_track` give table by table, and give back (return
/// `false`) whenever a table fails.
fn batch_against_scalar(plan: &Plan, roster: &Roster, varied: &[(&str, &[f64])], tables: usize) -> BatchCount {
    let compiled = CompiledPlan::new(plan, roster).unwrap();
    let mut count = BatchCount::default();
    let mut scratch = BatchScratch::default();
    for (p, e) in roster.employees.iter().enumerate() {
        let Some(track) = compiled.track(&e.role.to_lowercase()) else { continue };
        let mut values: Vec<Option<f64>> = Vec::new();
        let Ok(ctx) = compiled.prepare::<f64>(e, track, &mut values) else { continue };
        let columns: Vec<(usize, Vec<f64>)> = varied
            .iter()
            .enumerate()
            .map(|(j, (metric, grid))| {
                let slot = roster.metrics.iter().position(|m| m == metric).unwrap();
                let column = (0..tables)
                    .map(|t| {
                        let r = mix((p as u64) << 32 ^ (j as u64) << 20 ^ t as u64);
                        let a = grid[(r % grid.len() as u64) as usize];
                        let b = grid[((r >> 16) % grid.len() as u64) as usize];
                        // Half exactly on a grid value (edges, thresholds), half in between.
                        if r >> 63 == 0 { a } else { a + (b - a) * ((r >> 24) % 1000) as f64 / 1000.0 }
                    })
                    .collect();
                (slot, column)
            })
            .collect();
        let varying: Vec<(usize, &[f64])> = columns.iter().map(|(s, c)| (*s, c.as_slice())).collect();
        let mut batch = vec![f64::NAN; tables];
        let batched = compiled.pay_batch(track, &ctx, &values, &varying, &mut batch, &mut scratch);
        let mut all_computable = true;
        for (t, got) in batch.iter().enumerate() {
            let mut row = values.clone();
            for (slot, column) in &varying {
                row[*slot] = Some(column[t]);
            }
            let scalar = compiled
                .fill_derived(&ctx, track, &mut row)
                .and_then(|()| compiled.pay_track(track, &ctx, &row, &mut Vec::new()));
            match scalar {
                Ok(want) if batched => {
                    assert_eq!(got.to_bits(), want.to_bits(), "{} table {t}: batch {got} vs scalar {want}", e.id)
                }
                Ok(_) => {}
                Err(err) => {
                    all_computable = false;
                    assert!(!batched, "{} table {t} fails ({err:?}) but the batch computed it", e.id);
                }
            }
        }
        if batched {
            count.batched += 1;
        } else {
            count.given_back += 1;
            count.given_back_computable += usize::from(all_computable);
        }
    }
    count
}

#[test]
fn batch_pay_equals_scalar_pay_bit_for_bit_on_every_rule() {
    // Graduated tiers with a threshold and a line cap, retroactive amount tiers, a bonus on
    // quota with a target-incentive base, one on a fixed target and one on a column, per-unit
    // pay with a minimum and maximum, a multiplier on two lines, and the plan cap.
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "commission", "id": "rev", "earning_code": "C", "method": "graduated", "tiers": [{"from": 0, "rate": 0.08}, {"from": 1.0, "rate": 0.12}, {"from": 1.5, "rate": 0.15}], "threshold": 0.5, "cap": 30000},
            {"kind": "commission", "id": "svc", "earning_code": "C", "basis": "amount", "method": "retroactive", "tiers": [{"from": 0, "rate": 0.02}, {"from": 50000, "rate": 0.04}]},
            {"kind": "bonus", "id": "att", "earning_code": "B", "metric": "revenue", "target": "quota", "base": {"ti_share": 0.25}, "curve": [{"x": 0.5, "y": 0.25}, {"x": 1.0, "y": 1.0}, {"x": 2.0, "y": 2.5}]},
            {"kind": "bonus", "id": "ins", "earning_code": "B", "metric": "insights", "target": 2, "base": {"amount": 2000}, "curve": [{"x": 0.5, "y": 0.5}, {"x": 1.0, "y": 1.0}, {"x": 2.0, "y": 1.5}]},
            {"kind": "bonus", "id": "col", "earning_code": "B", "metric": "insights", "target": "insight_goal", "base": {"amount": 500}, "curve": [{"x": 1.0, "y": 1.0}]},
            {"kind": "per_unit", "id": "int", "earning_code": "D", "metric": "interviews", "amount": 150, "min_units": 3, "max_units": 20},
            {"kind": "multiplier", "id": "ea", "metric": "signups", "applies_to": ["rev", "int"], "steps": [{"from": 0, "factor": 0.9}, {"from": 3, "factor": 1.0}, {"from": 8, "factor": 1.15}]}
        ]}}"#,
        r#", "cap": {"multiple_of_ti": 2.5, "earning_code": "ADJ"}"#,
    );
    let people = People {
        metrics: vec!["revenue", "services", "insights", "insight_goal", "interviews", "signups"],
        quota: Some("500000"),
        ti: Some("40000"),
    };
    let mut roster = people.roster(&[
        &["650000", "60000", "3", "2", "7", "9"],
        &["120000", "0", "0", "4", "0", "2"],
        &["480000", "49999", "1", "0", "25", "3"],
    ]);
    roster.employees[1].start_date = Some(date("2026-02-15"));
    let revenue: &[f64] = &[-1.0, 0.0, 100_000.0, 250_000.0, 500_000.0, 750_000.0, 2_000_000.0];
    let services: &[f64] = &[0.0, 49_999.0, 50_000.0, 200_000.0];
    let insights: &[f64] = &[-0.5, 0.0, 1.0, 2.0, 4.0, 9.0];
    let units: &[f64] = &[0.0, 2.0, 3.0, 8.0, 20.0, 31.0];
    let varied = [("revenue", revenue), ("services", services), ("insights", insights), ("interviews", units)];
    let count = batch_against_scalar(&plan, &roster, &varied, 400);
    // The third person's goal column is 0, which the `col` bonus reports; the others batch.
    assert_eq!((count.batched, count.given_back, count.given_back_computable), (2, 1, 0), "{count:?}");
    // The multiplier's metric varying too.
    let varied = [("revenue", revenue), ("signups", units)];
    let count = batch_against_scalar(&plan, &roster, &varied, 400);
    assert_eq!((count.batched, count.given_back), (2, 1), "{count:?}");
}

#[test]
fn batch_pay_gives_back_what_fails_and_computes_derived_metrics_and_guarantees() {
    // A derived metric over two varied columns (0 / 0 fails), per unit on it, and a guarantee.
    let plan = plan_with(
        r#"{"consultant": {"components": [
            {"kind": "bonus", "id": "util", "earning_code": "B", "metric": "billable_hours", "target": 400, "base": {"amount": 3000}, "curve": [{"x": 0.8, "y": 0.5}, {"x": 1.0, "y": 1.0}]},
            {"kind": "per_unit", "id": "share", "earning_code": "S", "metric": "internal_share", "amount": 1000}],
            "guarantee": {"amount": 1500, "earning_code": "G"}}}"#,
        r#", "metrics": {"internal_share": "internal_hours / (billable_hours + internal_hours)"}"#,
    );
    let people = People { metrics: vec!["billable_hours", "internal_hours"], quota: None, ti: None };
    let mut roster = people.roster(&[&["380", "40"], &["300", "120"]]);
    for e in &mut roster.employees {
        e.role = "consultant".into();
    }
    let hours: &[f64] = &[0.0, 10.0, 320.0, 400.0, 520.0];
    let count = batch_against_scalar(&plan, &roster, &[("billable_hours", hours), ("internal_hours", hours)], 300);
    // Both hours at 0 in some table: 0 / 0, so both batches are given back.
    assert_eq!((count.batched, count.given_back, count.given_back_computable), (0, 2, 0), "{count:?}");
    let positive: &[f64] = &[10.0, 320.0, 400.0, 520.0];
    let count = batch_against_scalar(&plan, &roster, &[("billable_hours", hours), ("internal_hours", positive)], 300);
    assert_eq!((count.batched, count.given_back), (2, 0), "{count:?}");
    // A result too large for f64 is an error table by table, so the batch is given back.
    let huge: &[f64] = &[1e307, 1.7e308];
    let count = batch_against_scalar(&plan, &roster, &[("billable_hours", huge), ("internal_hours", positive)], 50);
    assert_eq!((count.batched, count.given_back, count.given_back_computable), (0, 2, 0), "{count:?}");
    // Without the derived metric: a bonus whose attainment is too large for f64.
    let plan = plan_with(
        r#"{"consultant": {"components": [
            {"kind": "bonus", "id": "util", "earning_code": "B", "metric": "billable_hours", "target": 0.5, "base": {"amount": 3000}, "curve": [{"x": 0.8, "y": 0.5}, {"x": 1.0, "y": 1.0}]}]}}"#,
        "",
    );
    let count = batch_against_scalar(&plan, &roster, &[("billable_hours", huge)], 50);
    assert_eq!((count.batched, count.given_back, count.given_back_computable), (0, 2, 0), "{count:?}");
    let count = batch_against_scalar(&plan, &roster, &[("billable_hours", hours)], 50);
    assert_eq!((count.batched, count.given_back), (2, 0), "{count:?}");
}

#[test]
fn batch_pay_equals_scalar_pay_for_the_sample_plans_on_the_bundled_rosters() {
    let roster = crate::samples::bundled_roster().unwrap();
    let grid: &[f64] = &[0.0, 0.5, 1.0, 2.0, 3.0, 6.0, 10.0, 20.0, 40.0, 120.0, 400.0, 520.0];
    let money: &[f64] = &[0.0, 50_000.0, 150_000.0, 300_000.0, 600_000.0, 1_200_000.0];
    for key in ["sales_led", "transition", "product_led"] {
        let plan = plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
        let compiled = CompiledPlan::new(&plan, &roster).unwrap();
        let varied: Vec<(&str, &[f64])> = roster
            .metrics
            .iter()
            .enumerate()
            .filter(|(i, _)| compiled.tracks.values().any(|t| t.needs.get(*i).copied().unwrap_or(false)))
            .map(|(_, m)| (m.as_str(), if m == "revenue" { money } else { grid }))
            .collect();
        assert!(varied.len() >= 3, "{key}: {varied:?}");
        let count = batch_against_scalar(&plan, &roster, &varied, 200);
        assert!(count.batched > 0, "{key}: {count:?}");
        assert_eq!(count.given_back_computable, 0, "{key}: {count:?}");
    }
}

#[test]
fn explanations_show_exact_values_and_repeating_ones_with_approx() {
    // 1 ÷ 3 on a curve rising 3 per unit is exactly 1: × 1,000 = 1,000.00, nothing to round.
    // With a rise of 1, 1,000 ÷ 3 repeats: shown with ≈, then rounded.
    let bonus = |rise: &str| {
        sales(&format!(
            r#"{{"kind": "bonus", "id": "b", "earning_code": "B", "metric": "insights", "target": 3,
                "base": {{"amount": 1000}}, "curve": [{{"x": 0, "y": 0}}, {{"x": 1, "y": {rise}}}]}}"#
        ))
    };
    let people = People { metrics: vec!["insights"], quota: None, ti: None };
    let roster = people.roster(&[&["1"]]);
    let report = compute(&bonus("3"), &roster, Detail::Explained).unwrap();
    let line = &report.employees[0].lines[0];
    assert_eq!(line.amount, d("1000.00"));
    assert_eq!(
        line.explanation,
        "insights 1 ÷ target 3 = 33.33% of target; curve 1 (between points (0, 0) and (1, 3)); base 1,000.00; × 1 = \
         1,000.00"
    );
    let report = compute(&bonus("1"), &roster, Detail::Explained).unwrap();
    let line = &report.employees[0].lines[0];
    assert_eq!(line.amount, d("333.33"));
    assert_eq!(
        line.explanation,
        "insights 1 ÷ target 3 = 33.33% of target; curve ≈ 0.3333 (between points (0, 0) and (1, 1)); base \
         1,000.00; × ≈ 0.3333 = ≈ 333.333333; rounded half away from zero to 333.33"
    );
}

/// A generated roster of sales people and consultants (about 70% sales).
fn mixed_roster(people: usize) -> Roster {
    let mut csv = Vec::new();
    crate::synth::write_roster(&mut csv, people, 7, crate::synth::Roles::Mixed, 1).unwrap();
    crate::roster::import_reader("mixed.csv", csv.as_slice(), &crate::roster::ImportOptions::default()).unwrap().roster
}

/// Of the people of one role paid after an edit: how many kept their whole previous payout,
/// how many kept some of its lines, and how many there are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct KeptCounts {
    whole: usize,
    lines: usize,
    people: usize,
}

/// Computes `plan` after `before` (on the same roster) and afresh, checks that both give the
/// same report and aggregates, and returns, for each role, what its people kept.
fn kept_after_edit(before: &Plan, plan: &Plan, roster: &Roster) -> BTreeMap<String, KeptCounts> {
    let (previous, _) = CompiledPlan::new(before, roster).unwrap().report_with_stats(before, roster);
    let compiled = CompiledPlan::new(plan, roster).unwrap();
    let (report, stats) =
        compiled.report_with_stats_after(plan, roster, Some(Previous { plan: before, report: &previous }));
    let (afresh, afresh_stats) = compiled.report_with_stats(plan, roster);
    assert_eq!(report, afresh, "the report after an edit differs from the one computed afresh");
    assert_eq!(stats, afresh_stats, "the aggregates after an edit differ from the ones computed afresh");
    // What was kept: the previous payouts' lines, marked (an explanation no computation of
    // amounts writes), show through where they were kept, and only there.
    const MARK: &str = "kept from the previous report";
    let mut marked = previous.clone();
    for p in &mut marked.employees {
        for line in &mut p.lines {
            line.explanation = MARK.to_owned();
        }
    }
    let (report, _) = compiled.report_with_stats_after(plan, roster, Some(Previous { plan: before, report: &marked }));
    let mut kept: BTreeMap<String, KeptCounts> = BTreeMap::new();
    for p in &report.employees {
        let entry = kept.entry(p.role.to_string()).or_default();
        let marks = p.lines.iter().filter(|l| l.explanation == MARK).count();
        entry.whole += usize::from(marks > 0 && marks == p.lines.len());
        entry.lines += usize::from(marks > 0 && marks < p.lines.len());
        entry.people += 1;
    }
    kept
}

#[test]
fn a_threads_copy_of_a_text_is_the_text_it_was_asked_for() {
    let mut texts = LocalTexts::default();
    let sales: Text = Arc::from("sales");
    let copy = texts.get(&sales);
    assert_eq!(&*copy, "sales");
    assert!(!Arc::ptr_eq(&copy, &sales), "the thread's own copy");
    assert!(Arc::ptr_eq(&texts.get(&sales), &copy), "one copy per text");
    // Another text at an address seen before (freed, then reused) is not taken for the old one.
    let team: Text = Arc::from("EMEA");
    texts.0.insert(Arc::as_ptr(&team).cast::<u8>() as usize, Arc::from("APAC"));
    assert_eq!(&*texts.get(&team), "EMEA");
}

#[test]
fn an_edit_keeps_the_payouts_of_the_tracks_it_did_not_change() {
    let roster = mixed_roster(600);
    let before = plan::parse(crate::samples::plan("transition").unwrap().text).unwrap();
    let consultants = |kept: &BTreeMap<String, KeptCounts>| kept.get("consultant").copied().unwrap();
    let sales = |kept: &BTreeMap<String, KeptCounts>| kept.get("sales").copied().unwrap();

    // A sales rate: the consultants keep theirs; the sales people keep their other lines (all
    // but the few with a warning, computed afresh), and the commission is computed again.
    let mut plan = before.clone();
    let track = plan.tracks.get_mut("sales").unwrap();
    let Some(Component::Commission(c)) = track.components.iter_mut().find(|c| c.kind() == ComponentKind::Commission)
    else {
        panic!("the transition plan has a sales commission")
    };
    c.tiers[0].rate += d("0.01");
    let kept = kept_after_edit(&before, &plan, &roster);
    let all_consultants = consultants(&kept).people;
    assert!(all_consultants > 100 && consultants(&kept).whole == all_consultants, "{kept:?}");
    let all_sales = sales(&kept).people;
    assert_eq!(sales(&kept).whole, 0, "{kept:?}");
    assert!(all_sales > 100 && sales(&kept).lines * 10 >= all_sales * 9, "{kept:?}");

    // Nothing that pays changed (the plan's name): everyone keeps theirs.
    let mut renamed = before.clone();
    renamed.name.push_str(" (copy)");
    let kept = kept_after_edit(&before, &renamed, &roster);
    assert!(kept.values().all(|k| k.whole == k.people), "{kept:?}");

    // A plan-wide setting, a sales component renamed (it renumbers the lines), a new commission
    // metric in the sales track (another money column): everyone is computed again.
    let mut period = before.clone();
    period.period.end = period.period.end.pred_opt().unwrap();
    let mut renamed_line = before.clone();
    let sales_track = renamed_line.tracks.get_mut("sales").unwrap();
    *sales_track.components[0].id_mut() = "renamed".to_owned();
    let mut money = before.clone();
    let money_track = money.tracks.get_mut("sales").unwrap();
    if let Some(Component::Commission(c)) =
        money_track.components.iter_mut().find(|c| c.kind() == ComponentKind::Commission)
    {
        c.metric = "deals_closed".to_owned();
    }
    assert_ne!(money, before);
    for edited in [&period, &renamed_line, &money] {
        let kept = kept_after_edit(&before, edited, &roster);
        assert!(kept.values().all(|k| k.whole == 0 && k.lines == 0), "{kept:?}");
    }
}

/// Every number in `value` (a plan's JSON, or part of it), with where it is.
fn numbers(value: &serde_json::Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match value {
        serde_json::Value::Number(_) => out.push(path.clone()),
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                numbers(v, path, out);
                path.pop();
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                numbers(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[test]
fn an_edit_to_any_number_of_a_track_gives_the_payouts_computed_afresh() {
    // Every number of every component, cap and guarantee of the sample plans, changed one at a
    // time: the payouts after the edit (keeping what it did not change) are the ones computed
    // afresh (`kept_after_edit` checks), and a change to one line's component keeps the other
    // lines of that track's people.
    let roster = mixed_roster(400);
    let mut edits = 0;
    for key in ["sales_led", "transition", "product_led"] {
        let before = plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
        let json: serde_json::Value = serde_json::from_str(&plan::to_json(&before)).unwrap();
        let mut paths = Vec::new();
        numbers(json.get("tracks").unwrap(), &mut vec!["tracks".to_owned()], &mut paths);
        for path in paths {
            let mut edited = json.clone();
            let Some(serde_json::Value::Number(n)) = path.iter().try_fold(&mut edited, |v, k| match v {
                serde_json::Value::Object(m) => m.get_mut(k),
                serde_json::Value::Array(a) => a.get_mut(k.parse::<usize>().ok()?),
                _ => None,
            }) else {
                panic!("{path:?} is a number")
            };
            // Up by a tenth and a bit (a different amount for every number, never a round one).
            let old = n.as_f64().unwrap();
            *n = serde_json::Number::from_f64(old * 1.1 + 0.013).unwrap();
            let Ok(plan) = plan::parse(&edited.to_string()) else { continue };
            if plan == before || CompiledPlan::new(&plan, &roster).is_err() {
                continue;
            }
            let kept = kept_after_edit(&before, &plan, &roster);
            edits += 1;
            // A component of a track with other lines, not a multiplier: those lines are kept (but
            // for the first line that measures attainment, computed for the payout to show it).
            let (Some(track), Some("components")) = (path.get(1), path.get(2).map(String::as_str)) else { continue };
            let index: usize = path.get(3).unwrap().parse().unwrap();
            let components = &before.tracks.get(track.as_str()).unwrap().components;
            let lines = components.iter().filter(|c| c.kind() != ComponentKind::Multiplier).count();
            let k = kept.get(track.as_str()).copied().unwrap_or_default();
            if components.get(index).unwrap().kind() == ComponentKind::Multiplier {
                assert_eq!((k.whole, k.lines), (0, 0), "{key} {path:?}: {kept:?}");
            } else if lines > 2 && k.people > 0 {
                assert!(k.lines > 0 && k.whole == 0, "{key} {path:?}: {kept:?}");
            }
        }
    }
    assert!(edits > 40, "{edits} edits tried");
}

#[test]
fn after_an_edit_a_person_reads_only_what_the_lines_computed_again_read() {
    // The product-led sales track: an edit of the survey bonus computes that line and the
    // revenue commission (the first line measuring attainment, which the payout shows), with
    // the multipliers of the commission; none of the other lines' metrics is read.
    let roster = mixed_roster(40);
    let plan = plan::parse(crate::samples::plan("product_led").unwrap().text).unwrap();
    let compiled = CompiledPlan::new(&plan, &roster).unwrap();
    let track = compiled.track("sales").unwrap();
    let changed: Vec<bool> = track.lines.iter().map(|l| &*l.id == "survey_responses").collect();
    let computed = reuse::may_compute(track, &changed);
    let ids: Vec<&str> = track.lines.iter().zip(&computed).filter(|(_, c)| **c).map(|(l, _)| &*l.id).collect();
    assert_eq!(ids, ["revenue_commission", "survey_responses"]);
    let reads = compiled.reads_of_lines(track, &computed);
    let mut columns: Vec<&str> = reads.columns.iter().map(|&i| roster.metrics[i].as_str()).collect();
    columns.sort_unstable();
    assert_eq!(columns, ["account_retention", "early_access_signups", "revenue", "survey_responses"]);
    // All of the track's lines read everything it reads but for revenue (read for cost as a share of it).
    let every = compiled.reads_of_lines(track, &vec![true; track.lines.len()]);
    assert_eq!(every.needs, track.needs);
    assert!(every.columns.len() > columns.len() + 3);
}

#[test]
fn a_previous_report_out_of_roster_order_only_costs_its_reuse() {
    // The previous payouts are walked in roster order; were a report's people in another order,
    // some would not be found (and be computed), none taken for someone else.
    let roster = mixed_roster(300);
    let before = plan::parse(crate::samples::plan("product_led").unwrap().text).unwrap();
    let mut plan = before.clone();
    plan.name.push_str(" (copy)");
    let (mut previous, _) = CompiledPlan::new(&before, &roster).unwrap().report_with_stats(&before, &roster);
    previous.employees.reverse();
    let compiled = CompiledPlan::new(&plan, &roster).unwrap();
    let (report, stats) =
        compiled.report_with_stats_after(&plan, &roster, Some(Previous { plan: &before, report: &previous }));
    assert_eq!((report, stats), compiled.report_with_stats(&plan, &roster));
}

#[test]
fn a_plan_wide_cap_edited_keeps_the_lines_of_the_tracks_that_take_it() {
    // The product-led plan: sales has its own cap, consultants a guarantee and no cap. A
    // plan-wide cap is the consultants' cap only: editing it keeps the sales payouts whole and
    // the consultants' lines, with the new cap applied to them.
    let roster = mixed_roster(500);
    let mut before = plan::parse(crate::samples::plan("product_led").unwrap().text).unwrap();
    assert!(before.tracks["sales"].cap.is_some() && before.tracks["consultant"].cap.is_none());
    before.cap = Some(plan::Limit { multiple_of_ti: Some(d("2.5")), ..Default::default() });
    let mut plan = before.clone();
    plan.cap = Some(plan::Limit { multiple_of_ti: Some(d("0.4")), ..Default::default() });
    let kept = kept_after_edit(&before, &plan, &roster);
    let (sales, consultants) = (kept["sales"], kept["consultant"]);
    assert_eq!(sales.whole, sales.people, "{kept:?}");
    assert!(consultants.people > 50 && consultants.whole == 0 && consultants.lines > 0, "{kept:?}");
    // The lower cap binds for some consultants: their payouts did change.
    let afresh = |p: &Plan| CompiledPlan::new(p, &roster).unwrap().report(p, &roster, Detail::AmountsOnly);
    assert!(afresh(&plan).totals.by_component.contains_key("cap_adjustment"));
    assert_ne!(afresh(&plan).totals.by_role["consultant"], afresh(&before).totals.by_role["consultant"]);
}

#[test]
fn a_payout_line_is_72_bytes_and_keeps_what_it_was_given() {
    // A report holds a line for each paid person and component: at 104 bytes, an edit of the
    // product-led plan on 100,000 people wrote, copied and freed a third more memory
    // (docs/performance.md).
    assert!(std::mem::size_of::<Line>() <= 72, "{}", std::mem::size_of::<Line>());
    let names = LineNames::new(Name::new("arr"), Name::new("New ARR"));
    let line = Line::new(names, LineKind::Commission, 3, Decimal::new(1250, 2), Some(Decimal::new(105, 2)), "x".into());
    assert_eq!((line.component(), line.label(), line.slot()), (Name::fixed("arr"), Name::fixed("New ARR"), 3));
    assert_eq!(
        (line.amount, line.measure(), line.explanation.as_str()),
        (Decimal::new(1250, 2), Some(Decimal::new(105, 2)), "x")
    );
    let unmeasured = Line::new(names, LineKind::CapAdjustment, 4, Decimal::ZERO, None, String::new());
    assert_eq!(unmeasured.measure(), None);
    // A measure of 0 is a measure: not the same line as one without.
    let zero = Line::new(names, LineKind::CapAdjustment, 4, Decimal::ZERO, Some(Decimal::ZERO), String::new());
    assert_eq!(zero.measure(), Some(Decimal::ZERO));
    assert_ne!(zero, unmeasured);
}

#[test]
fn a_row_in_plan_currency_has_its_money_converted_and_its_counts_kept() {
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "commission", "id": "c", "label": "C", "tiers": [{"from": 0, "rate": 0.1}]},
            {"kind": "per_unit", "id": "u", "label": "U", "metric": "units", "amount": 10}]}}"#,
        r#", "fx": {"GBP": 1.17}"#,
    );
    let people = People { metrics: vec!["revenue", "units"], quota: Some("100000"), ti: Some("4000") };
    let mut roster = people.roster(&[&["50000", "7"], &["50000", "7"], &["50000", "7"]]);
    roster.employees[0].currency = Some("GBP".to_owned());
    roster.employees[0].base_salary = Some(d("60000"));
    roster.employees[2].currency = Some("CHF".to_owned());
    let compiled = CompiledPlan::new(&plan, &roster).unwrap();
    let gbp = compiled.in_plan_currency(&roster.employees[0]).unwrap();
    assert_eq!(gbp.currency.as_deref(), Some("EUR"));
    assert_eq!(
        (gbp.quota, gbp.target_incentive, gbp.base_salary),
        (Some(d("117000")), Some(d("4680")), Some(d("70200")))
    );
    assert_eq!(gbp.metrics, [Some(d("58500")), Some(d("7"))], "revenue is money, units are not");
    // Converted, the row pays what the row as written pays.
    let as_written = compiled.evaluate(0, &roster.employees[0], Detail::AmountsOnly, &mut Scratch::default());
    let converted = compiled.evaluate(0, &gbp, Detail::AmountsOnly, &mut Scratch::default());
    match (as_written, converted) {
        (Outcome::Paid(a), Outcome::Paid(b)) => assert_eq!(a.total, b.total),
        other => panic!("{other:?}"),
    }
    assert_eq!(compiled.in_plan_currency(&roster.employees[1]).as_ref(), Some(&roster.employees[1]));
    assert_eq!(compiled.in_plan_currency(&roster.employees[2]), None, "no rate for CHF");
}

/// Exact factors on a person's prorated quota and target incentive (a plan year's year to date
/// when the annual amounts changed during it) scale those two and nothing else. Example 1 with
/// the quota scaled by 4/5: 650,000 of 400,000 is 162.5%: 32,000 + 24,000 (100–150% at 12%) +
/// 7,500 (150–162.5% at 15%) = 63,500; a bonus of all of TI scaled by 3/2 pays 60,000.
#[test]
fn scales_multiply_the_prorated_quota_and_target_incentive_exactly() {
    let plan = sales(&commission("graduated", ""));
    let roster = revenue_people().roster(&[&["650000", "0"]]);
    let id = std::sync::Arc::clone(&roster.employees[0].id);
    let scale = Scale { quota: (4, 5), target_incentive: (1, 1) };
    let compiled = CompiledPlan::new(&plan, &roster).unwrap().with_scales(Scales::from_iter([(id.clone(), scale)]));
    let report = compiled.report(&plan, &roster, Detail::Explained);
    let e = &report.employees[0];
    assert_eq!(e.total, d("63500.00"));
    assert!(
        e.lines[0].explanation.starts_with(
            "attainment 162.5% = revenue 650,000.00 ÷ prorated quota 400,000.00 (500,000.00 × 4/5 for the annual \
             amounts in force in each period)"
        ),
        "{}",
        e.lines[0].explanation
    );
    let bonus = sales(
        r#"{"kind": "bonus", "id": "b", "earning_code": "B", "metric": "revenue", "target": 1,
            "base": {"ti_share": 1}, "curve": [{"x": 1, "y": 1}]}"#,
    );
    let scale = Scale { quota: (1, 1), target_incentive: (3, 2) };
    let compiled = CompiledPlan::new(&bonus, &roster).unwrap().with_scales(Scales::from_iter([(id, scale)]));
    assert_eq!(compiled.report(&bonus, &roster, Detail::AmountsOnly).employees[0].total, d("60000.00"));
}

/// A commission on `net = revenue - refunds` for a row in GBP (1.17 per GBP): both columns are
/// money and are converted, so 10% of (1,000 − 100) GBP pays 105.30 EUR, not 10% of
/// (1,170 − 100) = 107.00. A product none of whose factors is known to be money
/// (`bookings * retention`) cannot be paid for that row until the plan names its money column;
/// the row in the plan's currency is paid either way.
#[test]
fn the_money_behind_a_derived_metric_is_converted_with_fx() {
    let tracks = r#"{"sales": {"components": [
        {"kind": "commission", "id": "c", "label": "C", "metric": "net", "tiers": [{"from": 0, "rate": 0.1}]}]}}"#;
    let pay = |metrics: &str, extra: &str, columns: Vec<&'static str>| -> Vec<Result<Decimal, String>> {
        let plan = plan_with(tracks, &format!(r#", "fx": {{"GBP": 1.17}}, "metrics": {{{metrics}}}{extra}"#));
        let people = People { metrics: columns, quota: Some("100000"), ti: Some("4000") };
        let mut roster = people.roster(&[&["1000", "100"], &["1000", "100"]]);
        roster.employees[0].currency = Some("GBP".to_owned());
        let compiled = CompiledPlan::new(&plan, &roster).unwrap_or_else(|e| panic!("{e:?}"));
        (0..2)
            .map(|i| match compiled.evaluate(i, &roster.employees[i], Detail::AmountsOnly, &mut Scratch::default()) {
                Outcome::Paid(p) => Ok(p.total),
                Outcome::Failed(errors) => Err(errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("; ")),
                Outcome::NotCovered(_) => Err("not covered".to_owned()),
            })
            .collect()
    };
    assert_eq!(pay(r#""net": "revenue - refunds""#, "", vec!["revenue", "refunds"]), [Ok(d("105.30")), Ok(d("90.00"))]);
    let product = pay(r#""net": "bookings * retention / 100""#, "", vec!["bookings", "retention"]);
    let message = product[0].clone().unwrap_err();
    assert!(message.contains(r#""money_columns": ["bookings"]"#) && message.contains("from GBP"), "{message}");
    assert_eq!(product[1], Ok(d("100.00")));
    let named = pay(
        r#""net": "bookings * retention / 100""#,
        r#", "money_columns": ["bookings"]"#,
        vec!["bookings", "retention"],
    );
    assert_eq!(named, [Ok(d("117.00")), Ok(d("100.00"))]);
}

/// The explanation of a line on converted money shows the row's own figure and the rate, as it
/// does for the quota: `net 1,053.00 (900.00 GBP × 1.17 EUR/GBP)`.
#[test]
fn an_explanation_shows_a_converted_metric_in_the_rows_currency() {
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "commission", "id": "c", "label": "C", "metric": "net", "tiers": [{"from": 0, "rate": 0.1}]}]}}"#,
        r#", "fx": {"GBP": 1.17}, "metrics": {"net": "revenue - refunds"}"#,
    );
    let people = People { metrics: vec!["revenue", "refunds"], quota: Some("100000"), ti: Some("4000") };
    let mut roster = people.roster(&[&["1000", "100"], &["1000", "100"]]);
    roster.employees[0].currency = Some("GBP".to_owned());
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    let text = &report.employees[0].lines[0].explanation;
    assert!(
        text.starts_with("attainment 0.9% = net 1,053.00 (900.00 GBP × 1.17 EUR/GBP) ÷ prorated quota 117,000.00 (100,000.00 GBP × 1.17 EUR/GBP)"),
        "{text}"
    );
    let text = &report.employees[1].lines[0].explanation;
    assert!(text.starts_with("attainment 0.9% = net 900.00 ÷ prorated quota 100,000.00;"), "{text}");
}

/// An edit that changes which columns are money (a bonus now measured against the quota makes
/// `pipeline` money) changes what an unchanged line reading `pipeline` gets for a row in GBP:
/// nothing of the previous report is kept for it.
#[test]
fn an_edit_that_makes_a_column_money_recomputes_the_lines_that_read_it() {
    let tracks = |target: &str| {
        format!(
            r#"{{"sales": {{"components": [
            {{"kind": "bonus", "id": "b1", "label": "B1", "metric": "pipeline", "target": {target},
              "base": {{"amount": 100}}, "curve": [{{"x": 0, "y": 0}}, {{"x": 10, "y": 10}}]}},
            {{"kind": "bonus", "id": "b2", "label": "B2", "metric": "pipeline", "target": 1000,
              "base": {{"amount": 100}}, "curve": [{{"x": 0, "y": 0}}, {{"x": 10, "y": 10}}]}}]}}}}"#
        )
    };
    let before = plan_with(&tracks("\"pipeline_target\""), r#", "fx": {"GBP": 1.5}"#);
    let after = plan_with(&tracks("\"quota\""), r#", "fx": {"GBP": 1.5}"#);
    let people = People { metrics: vec!["pipeline", "pipeline_target"], quota: Some("10000"), ti: Some("4000") };
    let mut roster = people.roster(&[&["2000", "4000"], &["2000", "4000"]]);
    roster.employees[0].currency = Some("GBP".to_owned());
    kept_after_edit(&before, &after, &roster);
    // b2 for the GBP row: 2,000 GBP = 3,000 EUR, ÷ 1,000 × 100.
    let report = compute(&after, &roster, Detail::AmountsOnly).unwrap();
    assert_eq!(report.employees[0].lines[1].amount, d("300.00"));
}

/// A bonus on revenue against a target column: both are money, both converted, and the
/// explanation says what each was in the row's currency.
#[test]
fn a_bonus_against_a_money_target_column_explains_both_in_the_rows_currency() {
    let plan = plan_with(
        r#"{"sales": {"components": [
            {"kind": "bonus", "id": "b", "label": "B", "metric": "revenue", "target": "revenue_target",
             "base": {"amount": 100}, "curve": [{"x": 0, "y": 0}, {"x": 2, "y": 2}]}]}}"#,
        r#", "fx": {"GBP": 1.17}"#,
    );
    let people = People { metrics: vec!["revenue", "revenue_target"], quota: Some("100000"), ti: Some("4000") };
    let mut roster = people.roster(&[&["500", "1000"], &["500", "1000"]]);
    roster.employees[0].currency = Some("GBP".to_owned());
    let report = compute(&plan, &roster, Detail::Explained).unwrap();
    let text = &report.employees[0].lines[0].explanation;
    assert!(
        text.starts_with(
            "revenue 585 (500.00 GBP × 1.17 EUR/GBP) ÷ revenue_target 1,170 (1,000.00 GBP × 1.17 EUR/GBP) = 50% of target"
        ),
        "{text}"
    );
    assert_eq!(report.employees[0].total, d("50.00"));
    let text = &report.employees[1].lines[0].explanation;
    assert!(text.starts_with("revenue 500 ÷ revenue_target 1,000 = 50% of target"), "{text}");
}
