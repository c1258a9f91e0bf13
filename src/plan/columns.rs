//! The names a plan reads that a roster does not have: a metric typed `interviewz` is an error at
//! its field ("did you mean `discovery_interviews`?") rather than the same error for every
//! person on the track. The app's editor shows these at their fields; the engine refuses to
//! compute a plan that has them, so the command line exits with them instead of writing a file
//! in which everyone on the track is in error.

use super::{Component, Plan, Problem, Target};

/// The names `plan` reads that are neither among the roster's `metrics` (with those of the files
/// `joined` onto it) nor derived metrics of the plan, as errors at the fields that read them. Only tracks whose role has people in the
/// roster are checked (`has_people`, asked only for a track that reads an unknown name): a
/// consultant track does not need consultant columns while only the sales roster is loaded.
/// Derived metrics are checked as far as those tracks use them.
pub fn roster_problems(
    plan: &Plan,
    metrics: &[String],
    joined: &[String],
    has_people: &dyn Fn(&str) -> bool,
) -> Vec<Problem> {
    let known =
        |name: &str| plan.metrics.contains_key(name) || metrics.iter().any(|m| m == name) || BUILTIN.contains(&name);
    let mut problems: Vec<Problem> = Vec::new();
    for (role, track) in &plan.tracks {
        // (unknown name, the field that reads it) for this track.
        let unknown: Vec<(String, String)> = names_read(plan, role, track)
            .into_iter()
            .filter(|(name, _)| !name.is_empty() && super::is_identifier(name) && !known(name))
            .collect();
        if unknown.is_empty() || !has_people(role) {
            continue;
        }
        for (name, path) in unknown {
            if problems.iter().any(|p| p.path == path) {
                continue;
            }
            let candidates: Vec<&str> = metrics
                .iter()
                .map(String::as_str)
                .chain(plan.metrics.keys().map(String::as_str))
                .chain(BUILTIN)
                .collect();
            let hint = suggest(&name, &candidates)
                .map(|s| format!("; did you mean `{s}`?"))
                .or_else(|| {
                    same_meaning(&name, &candidates).map(|s| {
                        format!(
                            "; the roster's `{s}` may hold it (read that instead, or import its column as `{name}`: \
                             --mapping, or the import step)"
                        )
                    })
                })
                .unwrap_or_default();
            let columns = if joined.is_empty() {
                "a roster column".to_owned()
            } else {
                format!("a column of the roster or of the files joined onto it ({})", joined.join(", "))
            };
            problems.push(Problem::error(
                path,
                format!("`{name}` is not {columns} or a derived metric of this plan{hint}"),
            ));
        }
    }
    // A money column neither in the roster nor read by the plan converts nothing: a typo. (One
    // the plan reads is checked with the track that reads it, when it has people.)
    let read = |name: &str| {
        plan.metrics
            .values()
            .any(|source| crate::expr::Expr::parse(source).is_ok_and(|e| e.variables().iter().any(|v| v == name)))
            || plan.tracks.values().flat_map(|t| &t.components).any(|c| {
                c.metric() == name
                    || matches!(c, Component::Bonus(b) if matches!(&b.target, Target::Column(col) if col == name))
            })
    };
    for (i, name) in plan.money_columns.iter().enumerate() {
        if known(name) || plan.metrics.contains_key(name) || read(name) {
            continue;
        }
        let candidates: Vec<&str> = metrics.iter().map(String::as_str).collect();
        let hint = suggest(name, &candidates).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
        problems.push(Problem::error(
            format!("money_columns[{i}]"),
            format!("`{name}` is neither a roster column nor read by this plan{hint}"),
        ));
    }
    problems
}

/// Every name `track` reads that is not a derived metric, with the field that reads it: each
/// component's metric and bonus target column (in component order), then the names inside the
/// derived metrics the track uses, directly or through each other (at `metrics.<derived>`).
fn names_read(plan: &Plan, role: &str, track: &super::Track) -> Vec<(String, String)> {
    let mut read: Vec<(String, String)> = Vec::new();
    let mut used_derived: Vec<&str> = Vec::new();
    for (i, c) in track.components.iter().enumerate() {
        let path = format!("tracks.{role}.components[{i}]");
        let mut names = vec![(c.metric(), format!("{path}.metric"))];
        if let Component::Bonus(b) = c
            && let Target::Column(col) = &b.target
        {
            names.push((col.as_str(), format!("{path}.target")));
        }
        for (name, at) in names {
            match plan.metrics.get_key_value(name) {
                Some((derived, _)) if !used_derived.contains(&derived.as_str()) => used_derived.push(derived),
                Some(_) => {}
                None => read.push((name.to_owned(), at)),
            }
        }
    }
    let mut k = 0;
    while let Some(name) = used_derived.get(k).copied() {
        k += 1;
        let Some(source) = plan.metrics.get(name) else { continue };
        // A derived metric that does not parse is reported by `validate`.
        let Ok(expr) = crate::expr::Expr::parse(source) else { continue };
        for var in expr.variables() {
            match plan.metrics.get_key_value(var.as_str()) {
                Some((derived, _)) if !used_derived.contains(&derived.as_str()) => used_derived.push(derived),
                Some(_) => {}
                None => read.push((var.clone(), format!("metrics.{name}"))),
            }
        }
    }
    read
}

/// The columns of Carrot's own a plan may need (see [`builtin_problems`]).
pub const QUOTA: &str = "quota";
/// Target incentive: the base of a bonus paid as a share of it, and of caps and guarantees set
/// as a multiple of it.
pub const TARGET_INCENTIVE: &str = "target_incentive";
/// Base salary, read by name.
pub const BASE_SALARY: &str = "base_salary";
/// The roster columns that are not metric columns but that a plan may read by name.
pub const BUILTIN: [&str; 3] = [QUOTA, TARGET_INCENTIVE, BASE_SALARY];

/// What `plan` needs of Carrot's own columns (quota, target incentive, base salary) that none of
/// a track's people have (`lacks(role, column)`: the track has people and none has a value, so
/// the roster has no such column or it is blank for all of them), as errors at the fields that
/// need them: everyone on the track would be in error, for the same reason.
pub fn builtin_problems(plan: &Plan, lacks: &dyn Fn(&str, &str) -> bool) -> Vec<Problem> {
    let mut problems: Vec<Problem> = Vec::new();
    for (role, track) in &plan.tracks {
        let none_have = |column: &str| {
            format!(
                "`{column}`, which none of track `{role}`'s people have in the roster (it has no such column, or it \
                 is blank for all of them)"
            )
        };
        let mut need = |column: &str, path: String, what: &str, fix: &str| {
            if lacks(role, column) && !problems.iter().any(|p| p.path == path) {
                problems.push(Problem::error(path, format!("{what} {}{fix}", none_have(column))));
            }
        };
        for (i, c) in track.components.iter().enumerate() {
            let path = format!("tracks.{role}.components[{i}]");
            match c {
                Component::Commission(com) if com.basis == super::Basis::Attainment => need(
                    QUOTA,
                    format!("{path}.basis"),
                    "measures attainment against",
                    "; add the column, or measure the tiers in money (\"basis\": \"amount\")",
                ),
                Component::Bonus(b) => {
                    if let Target::Quota = b.target {
                        need(
                            QUOTA,
                            format!("{path}.target"),
                            "divides by",
                            "; add the column, or give the bonus another target",
                        );
                    }
                    if let super::BonusBase::TiShare(_) = b.base {
                        need(
                            TARGET_INCENTIVE,
                            format!("{path}.base.ti_share"),
                            "is a share of",
                            "; add the column, or pay an amount (\"base\": {\"amount\": …})",
                        );
                    }
                }
                _ => {}
            }
        }
        // Names read directly, or through the derived metrics the track uses.
        for (name, path) in names_read(plan, role, track) {
            if let Some(builtin) = BUILTIN.into_iter().find(|b| *b == name) {
                need(builtin, path, "reads", "");
            }
        }
        // A cap or guarantee set as a multiple of target incentive: the track's own, or the
        // plan's where the track has none.
        for (which, own, plan_wide) in
            [("cap", &track.cap, &plan.cap), ("guarantee", &track.guarantee, &plan.guarantee)]
        {
            let fix = format!("; add the column, or set the {which} as an amount");
            match (own, plan_wide) {
                (Some(limit), _) if limit.multiple_of_ti.is_some() => need(
                    TARGET_INCENTIVE,
                    format!("tracks.{role}.{which}.multiple_of_ti"),
                    &format!("the {which} is a multiple of"),
                    &fix,
                ),
                (None, Some(limit)) if limit.multiple_of_ti.is_some() => need(
                    TARGET_INCENTIVE,
                    format!("{which}.multiple_of_ti"),
                    &format!("the {which}, which track `{role}` takes from the plan, is a multiple of"),
                    &fix,
                ),
                _ => {}
            }
        }
    }
    problems
}

/// Names CRM, HRIS and PSA exports give the metrics the sample plans read, by metric: a roster
/// with `Closed Won Amount` and no `revenue` most likely holds the revenue there. Only ever
/// suggested, never read in its place.
const SAME_MEANING: &[(&str, &[&str])] = &[
    (
        "revenue",
        &[
            "bookings",
            "closed_won",
            "closed_won_amount",
            "closed_won_revenue",
            "won_amount",
            "won_revenue",
            "amount_won",
            "booked_revenue",
            "net_bookings",
            "total_bookings",
            "net_sales",
            "total_sales",
            "sales_amount",
            "total_revenue",
            "net_revenue",
            "billings",
            "billed_revenue",
            "invoiced_amount",
            "new_arr",
            "net_new_arr",
        ],
    ),
    (
        "deals_closed",
        &[
            "deals_won",
            "won_deals",
            "closed_deals",
            "closed_won_deals",
            "closed_won_count",
            "number_of_deals",
            "deal_count",
            "deals_count",
            "opportunities_won",
            "won_opportunities",
            "wins",
        ],
    ),
    ("billable_hours", &["billed_hours", "chargeable_hours", "client_hours", "billable_time", "utilized_hours"]),
    (
        "billable_target_hours",
        &["target_billable_hours", "billable_target", "target_hours", "utilization_target_hours"],
    ),
    ("internal_hours", &["non_billable_hours", "nonbillable_hours", "internal_time", "investment_hours"]),
    ("discovery_interviews", &["customer_interviews", "discovery_calls", "discovery_meetings", "user_interviews"]),
    ("early_access_signups", &["beta_signups", "early_access_sign_ups", "waitlist_signups", "pilot_signups"]),
    ("roadmap_insights", &["product_insights", "insights_accepted", "feedback_items_accepted"]),
];

/// The column among `candidates` that exports name what `name` measures ([`SAME_MEANING`]).
pub fn same_meaning<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let (_, others) = SAME_MEANING.iter().find(|(n, _)| *n == name)?;
    others.iter().find_map(|o| candidates.iter().find(|c| *c == o).copied())
}

/// The likeliest name meant by a mistyped `name`: the closest candidate by edit distance, or one
/// whose `_`-separated part is close (`interviewz` → `discovery_interviews`).
pub fn suggest<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    if let Some(s) = super::did_you_mean(name, candidates.iter().copied()) {
        return Some(s);
    }
    let mut parts: Vec<(String, &'a str)> = Vec::new();
    for c in candidates {
        let words: Vec<&str> = c.split('_').collect();
        for start in 0..words.len() {
            for end in start + 1..=words.len() {
                if let Some(run) = words.get(start..end) {
                    parts.push((run.join("_"), c));
                }
            }
        }
    }
    let best = super::did_you_mean(name, parts.iter().map(|(p, _)| p.as_str()))?;
    parts.iter().find(|(p, _)| p == best).map(|(_, c)| *c)
}

/// The sample plan `key` (for tests).
#[cfg(test)]
pub(crate) fn sample(key: &str) -> Plan {
    crate::plan::parse(crate::samples::plan(key).map(|s| s.text).unwrap_or_default())
        .unwrap_or_else(|e| panic!("{e:?}"))
}

/// The sample plan `key` with the first component of track `role` that reads `metric` reading
/// `typo` instead, and that component's index: a plan as a user mistypes it, for the tests
/// here and of the app's editor.
#[cfg(test)]
pub(crate) fn sample_with_typo(key: &str, role: &str, metric: &str, typo: &str) -> (Plan, usize) {
    let mut plan = sample(key);
    let components = plan.tracks.get_mut(role).map(|t| &mut t.components).unwrap_or_else(|| panic!("no {role}"));
    let (i, c) =
        components.iter_mut().enumerate().find(|(_, c)| c.metric() == metric).unwrap_or_else(|| panic!("no {metric}"));
    let read = match c {
        Component::Commission(c) => &mut c.metric,
        Component::Bonus(c) => &mut c.metric,
        Component::PerUnit(c) => &mut c.metric,
        Component::Multiplier(c) => &mut c.metric,
    };
    typo.clone_into(read);
    (plan, i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_metric_is_an_error_at_its_field_with_a_suggestion() {
        let plan = sample("product_led");
        let roster = crate::samples::bundled_roster().unwrap();
        let everyone = |_: &str| true;
        assert_eq!(roster_problems(&plan, &roster.metrics, &[], &everyone), Vec::new(), "the sample reads known names");
        let (plan, i) = sample_with_typo("product_led", "sales", "discovery_interviews", "interviewz");
        let problems = roster_problems(&plan, &roster.metrics, &[], &everyone);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, format!("tracks.sales.components[{i}].metric"));
        assert!(problems[0].is_error());
        assert!(problems[0].message.contains("did you mean `discovery_interviews`?"), "{}", problems[0].message);
        // A track whose role nobody in the roster has is not checked.
        let (consultant_typo, _) =
            sample_with_typo("product_led", "consultant", "internal_contributions", "nothing_like_it");
        let sales_only = |role: &str| role.eq_ignore_ascii_case("sales");
        assert!(roster_problems(&consultant_typo, &roster.metrics, &[], &sales_only).is_empty());
        assert!(!roster_problems(&consultant_typo, &roster.metrics, &[], &everyone).is_empty());
    }

    #[test]
    fn a_metric_missing_under_its_name_names_the_column_an_export_calls_it() {
        let plan = sample("sales_led");
        let metrics = vec!["closed_won_amount".to_owned(), "billable_hours".to_owned()];
        let problems = roster_problems(&plan, &metrics, &[], &|role| role == "sales");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].message,
            "`revenue` is not a roster column or a derived metric of this plan; the roster's `closed_won_amount` may \
             hold it (read that instead, or import its column as `revenue`: --mapping, or the import step)"
        );
    }

    #[test]
    fn what_a_plan_needs_of_quota_and_target_incentive_is_an_error_where_a_track_has_neither() {
        let plan = sample("product_led");
        let nobody_has = |wanted: &'static str| move |role: &str, column: &str| role == "sales" && column == wanted;
        let paths = |problems: Vec<Problem>| problems.into_iter().map(|p| p.path).collect::<Vec<_>>();
        // The sales track's two bonuses paid as shares of target incentive, and its cap.
        assert_eq!(
            paths(builtin_problems(&plan, &nobody_has(TARGET_INCENTIVE))),
            [
                "tracks.sales.components[1].base.ti_share",
                "tracks.sales.components[5].base.ti_share",
                "tracks.sales.cap.multiple_of_ti"
            ]
        );
        // Its commission measured in attainment of quota.
        let quota = builtin_problems(&plan, &nobody_has(QUOTA));
        assert_eq!(quota.len(), 1, "{quota:?}");
        assert_eq!(quota[0].path, "tracks.sales.components[0].basis");
        assert!(quota[0].message.starts_with("measures attainment against `quota`, which none of track `sales`'s"));
        // Nothing is asked of a column someone has, nor of base salary, which this plan never reads.
        assert!(builtin_problems(&plan, &|_, _| false).is_empty());
        assert!(builtin_problems(&plan, &nobody_has(BASE_SALARY)).is_empty());
        // A derived metric reading it by name, and the plan's cap a track without its own takes.
        let plan = crate::plan::parse(
            r#"{"schema": 1, "name": "D", "currency": "EUR", "period": {"start": "2026-01-01", "end": "2026-03-31"},
                "metrics": {"per_salary": "revenue / base_salary"}, "cap": {"multiple_of_ti": 2},
                "tracks": {"sales": {"components": [{"kind": "commission", "id": "c", "earning_code": "C",
                    "metric": "per_salary", "basis": "amount", "tiers": [{"from": 0, "rate": 0.05}]}]}}}"#,
        )
        .unwrap();
        assert_eq!(paths(builtin_problems(&plan, &nobody_has(BASE_SALARY))), ["metrics.per_salary"]);
        let cap = builtin_problems(&plan, &nobody_has(TARGET_INCENTIVE));
        assert_eq!(paths(cap.clone()), ["cap.multiple_of_ti"]);
        assert!(cap[0].message.starts_with("the cap, which track `sales` takes from the plan, is a multiple of"));
    }

    #[test]
    fn a_derived_metric_reading_a_missing_column_is_an_error_at_the_metric() {
        let plan = crate::plan::parse(
            r#"{"schema": 1, "name": "D", "currency": "EUR", "period": {"start": "2026-01-01", "end": "2026-03-31"},
                "metrics": {"net": "revenue - refundz"},
                "tracks": {"sales": {"components": [{"kind": "commission", "id": "c", "earning_code": "C",
                    "metric": "net", "tiers": [{"from": 0, "rate": 0.05}]}]}}}"#,
        )
        .unwrap();
        let metrics = vec!["revenue".to_owned(), "refunds".to_owned()];
        let problems = roster_problems(&plan, &metrics, &[], &|_| true);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, "metrics.net");
        assert!(problems[0].message.contains("`refundz`") && problems[0].message.contains("`refunds`?"));
    }

    #[test]
    fn suggestions_find_a_word_inside_a_longer_name() {
        let names = ["revenue", "discovery_interviews", "early_access_signups"];
        assert_eq!(suggest("interviewz", &names), Some("discovery_interviews"));
        assert_eq!(suggest("revenu", &names), Some("revenue"));
        assert_eq!(suggest("zzzz", &names), None);
        // What exports call a metric, where no spelling is close.
        assert_eq!(same_meaning("revenue", &["region", "closed_won_amount", "bookings"]), Some("bookings"));
        assert_eq!(same_meaning("deals_closed", &["deals_won"]), Some("deals_won"));
        assert_eq!(same_meaning("revenue", &["quota", "deals_won"]), None);
        assert_eq!(same_meaning("survey_responses", &["bookings"]), None);
    }
}
