//! What plans read each roster column as, so that the import reads the cells as the plans will
//! use them ([`crate::roster::ImportOptions::plan_columns`]): a `%` in a column a commission
//! pays on, or a currency in a column paid per unit, is refused with its file, line and column
//! instead of being read as 0.12 or as the row's currency.

use crate::plan::{Component, Plan};
use crate::roster::{CANONICAL_COLUMNS, PlanColumns, ReadAs};

use super::warnings::{columns_read, derived_inputs};

/// The metric columns `plans` read, and as what:
///
/// * the metric of a commission is [`ReadAs::Money`] (the engine converts it with the plan's fx,
///   as it converts quota and target incentive);
/// * the metric of a per-unit line is [`ReadAs::Count`];
/// * every other column a line reads, directly or through derived metrics (a bonus's metric and
///   target column, a multiplier's metric), is [`ReadAs::Number`], unless the plan reads it as
///   money ([`crate::plan::money`]: `refunds` in a commission on `revenue - refunds`, which the
///   engine converts with fx too). `retention` in `revenue * retention` is a rate.
///
/// A column that several lines read keeps the strongest reading (money, then count).
pub fn plan_columns<'a>(plans: impl IntoIterator<Item = &'a Plan>) -> PlanColumns {
    let mut columns = PlanColumns::default();
    for plan in plans {
        let derived = derived_inputs(plan);
        let money = crate::plan::money::money_columns(plan);
        for (role, track) in &plan.tracks {
            for c in &track.components {
                let by = format!("the {} `{}` of track {role} in plan `{}`", c.kind().as_str(), c.id(), plan.name);
                let metric = c.metric();
                let direct = !plan.metrics.contains_key(metric) && !CANONICAL_COLUMNS.contains(&metric);
                match c {
                    Component::Commission(_) if direct => columns.read(metric, ReadAs::Money, by.clone()),
                    Component::PerUnit(_) if direct => columns.read(metric, ReadAs::Count, by.clone()),
                    _ => {}
                }
                for column in columns_read(std::slice::from_ref(c), &derived) {
                    let kind = if money.contains(&column) { ReadAs::Money } else { ReadAs::Number };
                    columns.read(&column, kind, by.clone());
                }
            }
        }
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::ColumnRead;

    fn plan(components: &str, metrics: &str) -> Plan {
        crate::plan::parse(&format!(
            r#"{{"schema": 1, "name": "P", "currency": "EUR", "period": {{"start": "2026-07-01", "end": "2026-09-30"}},
                "metrics": {{{metrics}}}, "tracks": {{"sales": {{"components": [{components}]}}}}}}"#
        ))
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    const COMMISSION: &str = r#"{"kind": "commission", "id": "c", "earning_code": "C", "metric": "bookings",
        "tiers": [{"from": 0, "rate": 0.1}]}"#;
    const PER_UNIT: &str =
        r#"{"kind": "per_unit", "id": "u", "earning_code": "U", "metric": "discovery_interviews", "amount": 150}"#;

    fn kind(columns: &PlanColumns, name: &str) -> Option<ReadAs> {
        columns.reading(name).map(|r| r.kind)
    }

    #[test]
    fn a_commission_reads_money_and_a_per_unit_line_reads_a_count() {
        let bonus = r#"{"kind": "bonus", "id": "b", "earning_code": "B", "metric": "pipeline", "target": "pipeline_target",
            "base": {"amount": 100}, "curve": [{"x": 1, "y": 1}]}"#;
        let p = plan(&[COMMISSION, PER_UNIT, bonus].join(","), "");
        let columns = plan_columns([&p]);
        assert_eq!(
            columns.reading("bookings"),
            Some(ColumnRead {
                kind: ReadAs::Money,
                by: Some("the commission `c` of track sales in plan `P`".to_owned())
            })
        );
        assert_eq!(kind(&columns, "discovery_interviews"), Some(ReadAs::Count));
        assert_eq!(kind(&columns, "pipeline"), Some(ReadAs::Number));
        assert_eq!(kind(&columns, "pipeline_target"), Some(ReadAs::Number));
        assert_eq!(kind(&columns, "deals_closed"), None);
        // Revenue is money whether a plan reads it or not.
        assert_eq!(columns.reading("revenue"), Some(ColumnRead { kind: ReadAs::Money, by: None }));
    }

    #[test]
    fn money_wins_over_a_count_across_plans_and_derived_inputs_are_numbers() {
        let per_unit_bookings = PER_UNIT.replace("discovery_interviews", "bookings");
        let counted = plan(&per_unit_bookings, "");
        let paid = plan(COMMISSION, "");
        for order in [[&counted, &paid], [&paid, &counted]] {
            assert_eq!(kind(&plan_columns(order), "bookings"), Some(ReadAs::Money));
        }
        // A commission on `bookings * retention`: both are numbers (one is a rate).
        let derived = plan(&COMMISSION.replace("\"bookings\"", "\"net\""), r#""net": "bookings * retention""#);
        let columns = plan_columns([&derived]);
        assert_eq!(kind(&columns, "bookings"), Some(ReadAs::Number));
        assert_eq!(kind(&columns, "retention"), Some(ReadAs::Number));
        // `refunds` taken from revenue is money, as the engine converts it.
        let net = plan(&COMMISSION.replace("\"bookings\"", "\"net\""), r#""net": "revenue - refunds""#);
        assert_eq!(kind(&plan_columns([&net]), "refunds"), Some(ReadAs::Money));
        assert_eq!(kind(&columns, "net"), None);
    }

    #[test]
    fn the_columns_read_as_money_are_those_the_engine_converts_with_fx() {
        let roster = crate::samples::bundled_roster().unwrap_or_else(|| panic!("the bundled roster"));
        for key in ["sales_led", "transition", "product_led"] {
            let plan = crate::plan::columns::sample(key);
            let columns = plan_columns([&plan]);
            let compiled = super::super::CompiledPlan::new(&plan, &roster).unwrap_or_else(|e| panic!("{e:?}"));
            let money: Vec<&str> = roster
                .metrics
                .iter()
                .filter(|m| kind(&columns, m) == Some(ReadAs::Money))
                .map(String::as_str)
                .collect();
            let converted: Vec<&str> = roster
                .metrics
                .iter()
                .enumerate()
                .filter(|(i, _)| compiled.is_money_metric(*i))
                .map(|(_, m)| m.as_str())
                .collect();
            assert_eq!(money, converted, "{key}");
        }
    }
}
