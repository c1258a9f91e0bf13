//! Which roster columns a plan reads as money. A roster row in another currency is converted
//! with the plan's `fx` before anything is computed (DOMAIN.md), and only its money is: a count
//! or a rate converted would be off by the rate, and money left as it is would be paid in the
//! wrong currency.
//!
//! Money, as far as a plan can tell: `revenue`, `quota`, `target_incentive`, `base_salary`, the
//! columns named in `money_columns`, what a commission pays on, what a bonus measures against the
//! quota, a bonus's metric or target column when the other is money, and, inside a derived
//! metric that is money, the columns that make it so (see [`crate::expr::Unit`]: `refunds` in
//! `revenue - refunds`). A derived metric a commission pays on that is a product with no factor
//! known to be money (`bookings * retention`) is *unclear*: a row in another currency cannot be
//! paid on it until the plan names its money column in `money_columns`.

use std::collections::{BTreeMap, BTreeSet};

use super::{Component, Plan, Target};
use crate::expr::{Expr, Unit};

/// Columns that are money whatever the plan says (the last two are a plan year's own).
const ALWAYS: [&str; 6] =
    ["revenue", "quota", "target_incentive", "base_salary", "annual_quota", "annual_target_incentive"];

/// The prefix of a plan year's year-to-date columns: `ytd_revenue` is money as `revenue` is.
const YTD: &str = "ytd_";

/// A derived metric paid on as money with no way to tell which of its columns is money.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unclear {
    /// The derived metric holding the product.
    pub metric: String,
    /// Its columns (or derived metrics), one of which must be money.
    pub candidates: Vec<String>,
    /// The roles whose tracks pay on it.
    pub roles: Vec<String>,
    /// The line that pays on it first (`commission `net_commission``).
    pub line: String,
}

impl Unclear {
    /// What a person in another currency is told, and how the plan is put right.
    pub fn message(&self, currency: &str) -> String {
        let names: Vec<String> = self.candidates.iter().map(|c| format!("`{c}`")).collect();
        format!(
            "the {} pays on `{}`, a product in which Carrot cannot tell which of {} is money to convert \
             from {currency}; name it in the plan's \"money_columns\" (e.g. \"money_columns\": [\"{}\"])",
            self.line,
            self.metric,
            names.join(" and "),
            self.candidates.first().map_or("", String::as_str),
        )
    }
}

/// What [`money_columns`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MoneyColumns {
    /// Column names (not derived metrics) read as money, sorted; includes [`ALWAYS`] and
    /// `money_columns`.
    pub columns: BTreeSet<String>,
    /// Derived metrics paid on whose money column cannot be told.
    pub unclear: Vec<Unclear>,
}

impl MoneyColumns {
    /// Whether `column` is read as money.
    pub fn contains(&self, column: &str) -> bool {
        self.columns.contains(column)
    }

    /// The unclear metrics a track for `role` pays on.
    pub fn unclear_for<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Unclear> + 'a {
        self.unclear.iter().filter(move |u| u.roles.iter().any(|r| super::role_matches(r, role)))
    }
}

/// The roster columns `plan` reads as money, and the derived metrics whose money it cannot tell.
pub fn money_columns(plan: &Plan) -> MoneyColumns {
    let derived: BTreeMap<&str, Expr> =
        plan.metrics.iter().filter_map(|(name, source)| Some((name.as_str(), Expr::parse(source).ok()?))).collect();
    let mut money: BTreeSet<String> = ALWAYS.iter().map(|s| (*s).to_owned()).collect();
    money.extend(plan.money_columns.iter().cloned());
    // Counts are numbers: what a per-unit line pays per unit of.
    let counts: BTreeSet<&str> = plan
        .tracks
        .values()
        .flat_map(|t| &t.components)
        .filter_map(|c| match c {
            Component::PerUnit(u) => Some(u.metric.as_str()),
            _ => None,
        })
        .collect();
    // What is money can make more money (a bonus target beside money), so repeat until settled:
    // each pass but the last adds a name, and the names are those the plan reads (with their
    // year to date), so it ends.
    loop {
        let mut walk = Walk::new(&derived, &money, &counts);
        for (role, track) in &plan.tracks {
            for c in &track.components {
                let line = format!("{} `{}`", c.kind().as_str(), c.id());
                match c {
                    Component::Commission(com) => walk.demand(&com.metric, role, &line),
                    Component::Bonus(b) => match &b.target {
                        Target::Quota => walk.demand(&b.metric, role, &line),
                        Target::Column(col) => {
                            if walk.unit(&b.metric) == Unit::Money {
                                walk.demand(col, role, &line);
                            }
                            if walk.unit(col) == Unit::Money {
                                walk.demand(&b.metric, role, &line);
                            }
                        }
                        Target::Value(_) => {}
                    },
                    Component::PerUnit(_) | Component::Multiplier(_) => {}
                }
            }
        }
        let Walk { found, unclear, .. } = walk;
        let before = money.len();
        money.extend(found);
        // A metric and its year to date are the same money (a plan year reads both).
        let mirrored: Vec<String> = money
            .iter()
            .map(|m| m.strip_prefix(YTD).map_or_else(|| format!("{YTD}{m}"), str::to_owned))
            .filter(|m| !derived.contains_key(m.as_str()))
            .collect();
        money.extend(mirrored);
        if money.len() == before {
            let mut merged: Vec<Unclear> = Vec::new();
            for u in unclear {
                match merged.iter_mut().find(|m| m.metric == u.metric && m.candidates == u.candidates) {
                    Some(m) if !m.roles.contains(&u.roles[0]) => m.roles.extend(u.roles),
                    Some(_) => {}
                    None => merged.push(u),
                }
            }
            return MoneyColumns { columns: money, unclear: merged };
        }
    }
}

/// One pass over a plan's lines. Units are those known at the start of the pass (what it finds
/// counts on the next one), so each name's unit is worked out once; each derived metric is
/// walked once per track. Derived metrics sharing others (`b = a + a`, `c = b * b`, …) would
/// otherwise be walked once per path, which doubles with each level.
struct Walk<'a> {
    derived: &'a BTreeMap<&'a str, Expr>,
    money: &'a BTreeSet<String>,
    counts: &'a BTreeSet<&'a str>,
    /// Columns found to be money on this pass.
    found: BTreeSet<String>,
    unclear: Vec<Unclear>,
    /// The units worked out on this pass (a name being worked out reads as unknown: a cycle,
    /// which validation refuses anyway).
    units: std::cell::RefCell<BTreeMap<String, Unit>>,
    /// The (role, derived metric) pairs already walked as money.
    demanded: BTreeSet<(String, String)>,
}

impl<'a> Walk<'a> {
    fn new(derived: &'a BTreeMap<&'a str, Expr>, money: &'a BTreeSet<String>, counts: &'a BTreeSet<&'a str>) -> Self {
        Self {
            derived,
            money,
            counts,
            found: BTreeSet::new(),
            unclear: Vec::new(),
            units: std::cell::RefCell::new(BTreeMap::new()),
            demanded: BTreeSet::new(),
        }
    }

    /// The unit of `name` (a column or a derived metric).
    fn unit(&self, name: &str) -> Unit {
        if self.money.contains(name) {
            return Unit::Money;
        }
        if self.counts.contains(name) {
            return Unit::Number;
        }
        let Some(expr) = self.derived.get(name) else { return Unit::Unknown };
        if let Some(&u) = self.units.borrow().get(name) {
            return u;
        }
        self.units.borrow_mut().insert(name.to_owned(), Unit::Unknown);
        let vars = expr.variables();
        let unit = expr.unit(&mut |i| vars.get(i).map_or(Unit::Unknown, |v| self.unit(v)));
        self.units.borrow_mut().insert(name.to_owned(), unit);
        unit
    }

    /// Records that `name` is paid on as money by `line` of `role`'s track.
    fn demand(&mut self, name: &str, role: &str, line: &str) {
        let Some(expr) = self.derived.get(name) else {
            if !self.money.contains(name) {
                self.found.insert(name.to_owned());
            }
            return;
        };
        if !self.demanded.insert((role.to_owned(), name.to_owned())) {
            return;
        }
        let vars = expr.variables();
        let demands = expr.money_demands(&mut |i| vars.get(i).map_or(Unit::Unknown, |v| self.unit(v)));
        for group in demands.unclear {
            let candidates: Vec<String> = group.iter().filter_map(|&i| vars.get(i).cloned()).collect();
            self.unclear.push(Unclear {
                metric: name.to_owned(),
                candidates,
                roles: vec![role.to_owned()],
                line: line.to_owned(),
            });
        }
        for i in demands.money {
            if let Some(v) = vars.get(i) {
                self.demand(v, role, line);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(components: &str, metrics: &str, extra: &str) -> Plan {
        crate::plan::parse(&format!(
            r#"{{"schema": 1, "name": "P", "currency": "USD", "period": {{"start": "2026-07-01", "end": "2026-09-30"}},
                "fx": {{"EUR": 1.1}}, "metrics": {{{metrics}}}{extra},
                "tracks": {{"sales": {{"components": [{components}]}}}}}}"#
        ))
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn commission(metric: &str) -> String {
        format!(
            r#"{{"kind": "commission", "id": "c", "earning_code": "C", "metric": "{metric}", "tiers": [{{"from": 0, "rate": 0.1}}]}}"#
        )
    }

    fn columns(m: &MoneyColumns) -> Vec<&str> {
        m.columns
            .iter()
            .map(String::as_str)
            .filter(|c| !ALWAYS.contains(c) && !ALWAYS.iter().any(|a| c.strip_prefix(YTD) == Some(a)))
            .filter(|c| !c.starts_with(YTD))
            .collect()
    }

    #[test]
    fn derived_metrics_sharing_others_are_walked_once_each() {
        // 60 levels, each metric reading both of the level below: walked once per path, that is
        // 2^60 walks (it never finished before the walk remembered what it had seen).
        let mut metrics = vec![r#""a0": "bookings", "b0": "refunds""#.to_owned()];
        for k in 1..60 {
            let j = k - 1;
            metrics.push(format!(r#""a{k}": "a{j} + b{j} * rate", "b{k}": "a{j} - b{j}""#));
        }
        let p = plan(&commission("a59"), &metrics.join(", "), "");
        let m = money_columns(&p);
        assert_eq!(columns(&m), ["bookings", "refunds"]);
    }

    #[test]
    fn a_year_to_date_column_is_money_as_its_metric_is() {
        let p = plan(&commission("ytd_bookings"), "", "");
        let m = money_columns(&p);
        assert!(m.contains("bookings") && m.contains("ytd_bookings") && m.contains("ytd_revenue"), "{m:?}");
        assert!(m.contains("annual_quota"));
    }

    #[test]
    fn the_columns_behind_a_paid_derived_metric_are_money() {
        let p = plan(&commission("net"), r#""net": "revenue - refunds""#, "");
        let m = money_columns(&p);
        assert_eq!(columns(&m), ["refunds"]);
        assert!(m.unclear.is_empty());
        // Through a second derived metric, and a product with revenue.
        let p = plan(&commission("kept"), r#""net": "bookings - credits", "kept": "(net + revenue) * retention""#, "");
        let m = money_columns(&p);
        assert_eq!(columns(&m), ["bookings", "credits"]);
        assert!(m.unclear.is_empty(), "{:?}", m.unclear);
    }

    #[test]
    fn a_direct_metric_is_money_and_a_count_is_not() {
        let per_unit = r#"{"kind": "per_unit", "id": "u", "earning_code": "U", "metric": "interviews", "amount": 150}"#;
        let p = plan(&[commission("bookings").as_str(), per_unit].join(","), "", "");
        assert_eq!(columns(&money_columns(&p)), ["bookings"]);
        let p = plan(&commission("mix"), r#""mix": "revenue + interviews * 100""#, "");
        assert_eq!(columns(&money_columns(&p)), Vec::<&str>::new());
    }

    #[test]
    fn a_product_with_no_money_factor_is_unclear_until_the_plan_names_it() {
        let p = plan(&commission("net"), r#""net": "bookings * retention""#, "");
        let m = money_columns(&p);
        assert_eq!(columns(&m), Vec::<&str>::new());
        assert_eq!(m.unclear.len(), 1);
        assert_eq!(m.unclear[0].candidates, ["bookings", "retention"]);
        assert_eq!(m.unclear_for("Sales").count(), 1);
        assert!(
            m.unclear[0].message("EUR").contains("\"money_columns\": [\"bookings\"]"),
            "{}",
            m.unclear[0].message("EUR")
        );
        let p = plan(&commission("net"), r#""net": "bookings * retention""#, r#", "money_columns": ["bookings"]"#);
        let m = money_columns(&p);
        assert_eq!(columns(&m), ["bookings"]);
        assert!(m.unclear.is_empty());
    }

    #[test]
    fn a_bonus_against_quota_measures_money_and_its_target_column_follows_its_metric() {
        let bonus = |metric: &str, target: &str| {
            format!(
                r#"{{"kind": "bonus", "id": "b", "earning_code": "B", "metric": "{metric}", "target": {target},
                    "base": {{"amount": 100}}, "curve": [{{"x": 1, "y": 1}}]}}"#
            )
        };
        let p = plan(&bonus("bookings", "\"quota\""), "", "");
        assert_eq!(columns(&money_columns(&p)), ["bookings"]);
        let p = plan(&bonus("net", "\"bookings_target\""), r#""net": "revenue - refunds""#, "");
        assert_eq!(columns(&money_columns(&p)), ["bookings_target", "refunds"]);
        // Neither known: the ratio is the same converted or not, so nothing is.
        let p = plan(&bonus("pipeline", "\"pipeline_target\""), "", "");
        assert_eq!(columns(&money_columns(&p)), Vec::<&str>::new());
    }
}
