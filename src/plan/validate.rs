//! The rules a plan must follow, checked all at once. Each [`Problem`] names its path and says
//! how to fix it; the app shows the same messages next to the fields.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;

use super::assumptions::{
    Assumptions, DEFAULT_RESPONSIVENESS, MAX_RESPONSIVENESS, MAX_RISK_AVERSION, OTHER_ACTIVITY, Runway,
    VERY_RESPONSIVE, VERY_RISK_AVERSE,
};
use super::model::{Basis, BonusBase, Component, Limit, Plan, Target};
use super::{PAYROLL_TEMPLATES, Problem, did_you_mean, is_identifier};
use crate::expr::Expr;
use crate::{money, roster};

/// Every problem with `plan`, errors and warnings, in file order.
pub fn validate(plan: &Plan) -> Vec<Problem> {
    let mut v = Validator { problems: Vec::new() };
    v.plan(plan);
    v.problems.extend(super::schedule::validate(plan));
    v.problems
}

/// The warnings about `plan`: things it computes with that are probably not what was meant (a
/// rate of 8 meaning 8%, a tier from 100 meaning 100%). Every command that computes shows them,
/// as `validate` does; they never stop a computation.
pub fn warnings(plan: &Plan) -> Vec<Problem> {
    validate(plan).into_iter().filter(|p| !p.is_error()).collect()
}

/// Whether `plan` has no errors (warnings allowed).
pub fn is_valid(plan: &Plan) -> bool {
    validate(plan).iter().all(|p| !p.is_error())
}

/// The warning for a rate above 1 (100%): most likely a percentage written as a number, so it
/// suggests the fraction meant: 8 → "write 0.08 for 8%", 12.5 → "write 0.125 for 12.5%".
fn rate_above_one(rate: Decimal) -> String {
    let rate = rate.normalize();
    let meant = (rate / Decimal::ONE_HUNDRED).normalize();
    format!("{rate} means {} of the metric; write {meant} for {rate}%", money::rate(rate))
}

/// What is wrong with a responsiveness ε, wherever it is set (a plan's
/// `assumptions.responsiveness`, `carrot simulate --responsiveness`): an error below 0 or above
/// [`MAX_RESPONSIVENESS`], a warning above [`VERY_RESPONSIVE`]. The problem has no path: the
/// caller says where the value is.
pub fn responsiveness_problem(eps: Decimal) -> Option<Problem> {
    if eps < Decimal::ZERO {
        Some(Problem::error(
            "",
            format!(
                "must not be negative (0 means nobody changes what they do; the default is {DEFAULT_RESPONSIVENESS})"
            ),
        ))
    } else if eps > Decimal::from(MAX_RESPONSIVENESS) {
        Some(Problem::error(
            "",
            format!("must be at most {MAX_RESPONSIVENESS} (the default is {DEFAULT_RESPONSIVENESS})"),
        ))
    } else if eps > Decimal::from(VERY_RESPONSIVE) {
        Some(Problem::warning(
            "",
            format!(
                "{eps} is very responsive: small pay differences would move most hours (the default is \
                 {DEFAULT_RESPONSIVENESS})"
            ),
        ))
    } else {
        None
    }
}

/// What is wrong with a risk aversion γ, wherever it is set (a plan's `assumptions.risk_aversion`,
/// `carrot simulate --risk-aversion`): an error below 0 or above [`MAX_RISK_AVERSION`], a warning
/// above [`VERY_RISK_AVERSE`]. The problem has no path: the caller says where the value is.
pub fn risk_aversion_problem(gamma: Decimal) -> Option<Problem> {
    if gamma < Decimal::ZERO {
        Some(Problem::error("", "must not be negative (0 is risk neutral, the default)"))
    } else if gamma > Decimal::from(MAX_RISK_AVERSION) {
        Some(Problem::error("", format!("must be at most {MAX_RISK_AVERSION} (0 is risk neutral, the default)")))
    } else if gamma > Decimal::from(VERY_RISK_AVERSE) {
        Some(Problem::warning("", format!("{gamma} is very risk averse: people would give up most uncertain pay")))
    } else {
        None
    }
}

struct Validator {
    problems: Vec<Problem>,
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

impl Validator {
    fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::error(path, message));
    }

    fn warning(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem::warning(path, message));
    }

    fn plan(&mut self, plan: &Plan) {
        if plan.name.trim().is_empty() {
            self.error("name", "must not be empty: give the plan a name");
        }
        if money::minor_units(&plan.currency).is_none() {
            self.error(
                "currency",
                format!("`{}` is not an ISO 4217 currency code; use e.g. EUR, USD or GBP", plan.currency),
            );
        }
        if plan.period.end < plan.period.start {
            self.error("period.end", format!("must not be before period.start ({})", plan.period.start));
        }
        for (code, rate) in &plan.fx {
            let path = format!("fx.{code}");
            if money::minor_units(code).is_none() {
                self.error(&path, format!("`{code}` is not an ISO 4217 currency code"));
            } else if *code == plan.currency {
                self.error(&path, "is the plan's own currency; remove this rate");
            }
            if rate.0 <= Decimal::ZERO {
                self.error(&path, format!("must be greater than 0 (units of {} per {code})", plan.currency));
            }
        }
        self.metrics(plan);
        self.money_columns(plan);
        if plan.tracks.is_empty() {
            self.error("tracks", "a plan needs at least one track, e.g. \"sales\"");
        }
        self.limits(plan.cap.as_ref(), plan.guarantee.as_ref(), "");
        let mut seen_roles: HashMap<String, &str> = HashMap::new();
        for (role, track) in &plan.tracks {
            let path = format!("tracks.{role}");
            if role.trim().is_empty() {
                self.error(&path, "a track needs a role name (the roster's `role` value)");
            } else if role.trim() != role {
                self.error(
                    &path,
                    format!(
                        "`{role}` has a space at its start or end: roster roles are read without one, so nobody \
                         would match it; write `{}`",
                        role.trim()
                    ),
                );
            } else if let Some(other) = seen_roles.insert(role.to_lowercase(), role) {
                self.error(
                    &path,
                    format!(
                        "roles are matched ignoring case, so this is the same role as `{other}`; merge the two tracks"
                    ),
                );
            }
            if track.components.is_empty() {
                self.warning(format!("{path}.components"), "this track pays nothing; add a component");
            }
            self.limits(track.cap.as_ref(), track.guarantee.as_ref(), &path);
            self.inherited_limits(plan, track, &path);
            self.components(&track.components, &path);
        }
        self.assumptions(&plan.assumptions);
    }

    /// `assumptions`: the behaviour model's dials, each within its meaningful range.
    fn assumptions(&mut self, a: &Assumptions) {
        for (role, eps) in &a.responsiveness {
            let path = format!("assumptions.responsiveness.{role}");
            if role.trim().is_empty() {
                self.error(&path, "needs a role name (the roster's `role` value), e.g. \"sales\"");
            }
            if let Some(p) = responsiveness_problem(eps.0) {
                self.problems.push(Problem { path, ..p });
            }
        }
        for (role, gamma) in &a.risk_aversion {
            let path = format!("assumptions.risk_aversion.{role}");
            if role.trim().is_empty() {
                self.error(&path, "needs a role name (the roster's `role` value), e.g. \"sales\"");
            }
            if let Some(p) = risk_aversion_problem(gamma.0) {
                self.problems.push(Problem { path, ..p });
            }
        }
        if let Some(h) = a.min_flexible_hours
            && h < Decimal::ZERO
        {
            self.error("assumptions.min_flexible_hours", "must not be negative (the default is 2 hours)");
        }
        if let Some(f) = a.other_flexibility
            && !(Decimal::ZERO..=Decimal::ONE).contains(&f)
        {
            self.error("assumptions.other_flexibility", "must be between 0 and 1 (the default is 0.25)");
        }
        for (role, model) in &a.roles {
            let path = format!("assumptions.roles.{role}");
            if role.trim().is_empty() {
                self.error(&path, "needs a role name (the roster's `role` value)");
            }
            if let Some(column) = &model.capacity_column {
                self.metric_name(column, format!("{path}.capacity_column"));
            }
            if let Some(c) = model.default_capacity
                && c <= Decimal::ZERO
            {
                self.error(format!("{path}.default_capacity"), "must be greater than 0 hours (the default is 480)");
            }
            if model.activities.is_empty() {
                self.error(format!("{path}.activities"), "list at least one activity, e.g. {\"name\": \"selling\"}");
            }
            let mut names: HashMap<&str, usize> = HashMap::new();
            let mut shares = Decimal::ZERO;
            for (i, activity) in model.activities.iter().enumerate() {
                let at = format!("{path}.activities[{i}]");
                if !is_identifier(&activity.name) {
                    self.error(
                        format!("{at}.name"),
                        format!("`{}` is not a usable name: use lowercase letters, digits and _", activity.name),
                    );
                } else if activity.name == OTHER_ACTIVITY {
                    self.error(format!("{at}.name"), "`other` is reserved for the time not spent on any activity");
                } else if let Some(first) = names.insert(&activity.name, i) {
                    self.error(
                        format!("{at}.name"),
                        format!("duplicate activity `{}`: activities[{first}] already uses it", activity.name),
                    );
                }
                if let Some(hours) = &activity.hours {
                    self.metric_name(hours, format!("{at}.hours"));
                }
                if let Some(share) = activity.default_share {
                    if share < Decimal::ZERO || share > Decimal::ONE {
                        self.error(format!("{at}.default_share"), "must be between 0 and 1 (a share of capacity)");
                    } else {
                        shares += share;
                    }
                }
                for (k, output) in activity.outputs.iter().enumerate() {
                    self.metric_name(&output.metric, format!("{at}.outputs[{k}].metric"));
                    if output.default_per_hour < Decimal::ZERO {
                        self.error(format!("{at}.outputs[{k}].default_per_hour"), "must not be negative");
                    }
                }
                for (k, column) in activity.noise_history.iter().enumerate() {
                    self.metric_name(column, format!("{at}.noise_history[{k}]"));
                }
                if let Some(noise) = activity.default_noise {
                    if noise < Decimal::ZERO {
                        self.error(format!("{at}.default_noise"), "must not be negative (0.25 is a 25% spread)");
                    } else if noise > dec("1.5") {
                        self.warning(
                            format!("{at}.default_noise"),
                            "spreads above 1.5 are treated as 1.5 (0.25 is a 25% spread)",
                        );
                    }
                }
            }
            if shares > Decimal::ONE {
                self.error(
                    format!("{path}.activities"),
                    format!("the default shares add up to {}; together they must be at most 1", shares.normalize()),
                );
            }
        }
        if let Some(runway) = &a.runway {
            self.problems.extend(runway_problems(runway, "assumptions.runway"));
        }
    }

    fn metrics(&mut self, plan: &Plan) {
        let mut parsed: Vec<(&str, Expr)> = Vec::new();
        for (name, source) in &plan.metrics {
            let path = format!("metrics.{name}");
            if !is_identifier(name) {
                self.error(&path, format!("`{name}` is not a usable metric name: use lowercase letters, digits and _"));
            } else if roster::CANONICAL_COLUMNS.contains(&name.as_str()) {
                self.error(&path, format!("`{name}` is a roster column; give the derived metric another name"));
            }
            match Expr::parse(source) {
                Ok(expr) => parsed.push((name, expr)),
                Err(e) => self.error(&path, format!("{e} in `{source}`")),
            }
        }
        // Cycles among derived metrics: name each one once, as a → b → a.
        let index: HashMap<&str, usize> = parsed.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
        let deps: Vec<Vec<usize>> = parsed
            .iter()
            .map(|(_, e)| e.variables().iter().filter_map(|v| index.get(v.as_str()).copied()).collect())
            .collect();
        let cyclic = on_or_between_cycles(&deps);
        let mut reported = vec![false; parsed.len()];
        for (i, (name, _)) in parsed.iter().enumerate() {
            if !cyclic.get(i).copied().unwrap_or(false) || reported.get(i).copied().unwrap_or(true) {
                continue;
            }
            if let Some(cycle) = find_cycle(i, &deps, &cyclic) {
                for &n in &cycle {
                    if let Some(r) = reported.get_mut(n) {
                        *r = true;
                    }
                }
                let mut shown: Vec<&str> = cycle.iter().filter_map(|&n| parsed.get(n).map(|p| p.0)).collect();
                shown.push(name);
                self.error(format!("metrics.{name}"), format!("refers to itself through {}", shown.join(" → ")));
            }
        }
    }

    /// `money_columns` names roster columns; and a plan converting rows in other currencies is
    /// told of a derived metric it pays on whose money column it cannot tell.
    fn money_columns(&mut self, plan: &Plan) {
        for (i, name) in plan.money_columns.iter().enumerate() {
            let path = format!("money_columns[{i}]");
            if plan.metrics.contains_key(name) {
                self.error(
                    &path,
                    format!("`{name}` is a derived metric: name the roster columns it is made of that hold money"),
                );
            } else if !is_identifier(name) {
                self.error(&path, format!("`{name}` is not a roster column name: use lowercase letters, digits and _"));
            } else if plan.money_columns.iter().take(i).any(|n| n == name) {
                self.warning(&path, format!("`{name}` is listed twice"));
            }
        }
        if plan.fx.is_empty() {
            return;
        }
        for unclear in super::money::money_columns(plan).unclear {
            let codes: Vec<&str> = plan.fx.keys().map(String::as_str).collect();
            self.warning(
                format!("metrics.{}", unclear.metric),
                format!(
                    "{}; until then a row in {} is an error",
                    unclear.message(&codes.join(" or ")),
                    codes.join(" or ")
                ),
            );
        }
    }

    fn limits(&mut self, cap: Option<&Limit>, guarantee: Option<&Limit>, base: &str) {
        let prefix = |k: &str| {
            if base.is_empty() { k.to_owned() } else { format!("{base}.{k}") }
        };
        for (limit, key) in [(cap, "cap"), (guarantee, "guarantee")] {
            let Some(limit) = limit else { continue };
            let path = prefix(key);
            match (limit.multiple_of_ti, limit.amount) {
                (Some(_), Some(_)) | (None, None) => {
                    self.error(&path, "set exactly one of multiple_of_ti (e.g. 2 for 2 × target incentive) or amount");
                }
                (Some(m), None) if m < Decimal::ZERO => {
                    self.error(format!("{path}.multiple_of_ti"), "must not be negative")
                }
                (None, Some(a)) if a < Decimal::ZERO => self.error(format!("{path}.amount"), "must not be negative"),
                _ => {}
            }
            if key == "cap" && (limit.multiple_of_ti == Some(Decimal::ZERO) || limit.amount == Some(Decimal::ZERO)) {
                self.warning(&path, "a cap of 0 pays nothing to anyone on this track");
            }
            self.codes(limit.codes(), &path, "its adjustment line");
        }
        if let (Some(c), Some(g)) = (cap, guarantee)
            && exceeds(g, c)
        {
            self.error(prefix("guarantee"), "is larger than the cap; a guarantee must not exceed the cap");
        }
    }

    /// A track's guarantee against the plan's cap, or the plan's guarantee against the track's
    /// cap, when the track inherits one of the two (pairs on one level are checked by `limits`).
    fn inherited_limits(&mut self, plan: &Plan, track: &super::model::Track, path: &str) {
        let pairs = [
            (
                track.guarantee.as_ref(),
                plan.cap.as_ref(),
                track.cap.is_none(),
                format!("{path}.guarantee"),
                "the plan's cap",
            ),
            (
                plan.guarantee.as_ref(),
                track.cap.as_ref(),
                track.guarantee.is_none(),
                format!("{path}.cap"),
                "the plan's guarantee",
            ),
        ];
        for (guarantee, cap, inherited, at, other) in pairs {
            if let (Some(g), Some(c)) = (guarantee, cap)
                && inherited
                && exceeds(g, c)
            {
                let message = if at.ends_with(".cap") {
                    format!("is smaller than {other}, which this track inherits; a guarantee must not exceed the cap")
                } else {
                    format!("is larger than {other}, which this track inherits; a guarantee must not exceed the cap")
                };
                self.error(at, message);
            }
        }
    }

    fn codes(&mut self, codes: super::model::EarningCodes<'_>, path: &str, what: &str) {
        if codes.default.is_none() && codes.per_template.is_empty() {
            self.warning(
                format!("{path}.earning_code"),
                format!("missing: payroll export needs an earning code for {what} (e.g. \"COMM\")"),
            );
        }
        if codes.default.is_some_and(|c| c.trim().is_empty()) {
            self.error(format!("{path}.earning_code"), "must not be empty");
        }
        for (template, code) in codes.per_template {
            let p = format!("{path}.earning_codes.{template}");
            if !PAYROLL_TEMPLATES.contains(&template.as_str()) {
                let hint = did_you_mean(template, PAYROLL_TEMPLATES.iter().copied())
                    .map(|t| format!("did you mean `{t}`? "))
                    .unwrap_or_default();
                self.error(
                    &p,
                    format!("unknown payroll template; {hint}the templates are {}", PAYROLL_TEMPLATES.join(", ")),
                );
            }
            if code.trim().is_empty() {
                self.error(&p, "must not be empty");
            }
        }
    }

    fn metric_name(&mut self, name: &str, path: String) {
        if !is_identifier(name) {
            self.error(
                path,
                format!("`{name}` is not a metric name: use the roster column's snake_case name, e.g. revenue"),
            );
        }
    }

    fn components(&mut self, components: &[Component], track: &str) {
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for (i, c) in components.iter().enumerate() {
            let path = format!("{track}.components[{i}]");
            let id = c.id();
            if id.is_empty() {
                self.error(
                    format!("{path}.id"),
                    "must not be empty: every component needs an id, e.g. revenue_commission",
                );
            } else if !is_identifier(id) {
                self.error(
                    format!("{path}.id"),
                    format!("`{id}` is not a usable id: use lowercase letters, digits and _"),
                );
            } else if let Some(first) = ids.get(id) {
                self.error(format!("{path}.id"), format!("duplicate id `{id}`: components[{first}] already uses it"));
            } else {
                ids.insert(id, i);
            }
            self.metric_name(c.metric(), format!("{path}.metric"));
            if let Some(codes) = c.codes() {
                self.codes(codes, &path, "this line");
            }
            match c {
                Component::Commission(com) => {
                    // Attainment tiers start at fractions of quota, which the editor shows as %.
                    let edge: &dyn Fn(Decimal) -> String = match com.basis {
                        crate::plan::Basis::Attainment => {
                            &|x| format!("{} ({}% of quota)", x.normalize(), (x * Decimal::ONE_HUNDRED).normalize())
                        }
                        crate::plan::Basis::Amount => &|x| x.normalize().to_string(),
                    };
                    self.ascending(
                        com.tiers.iter().map(|t| t.from),
                        &format!("{path}.tiers"),
                        "from",
                        "tier",
                        true,
                        edge,
                    );
                    for (t, tier) in com.tiers.iter().enumerate() {
                        self.rate(tier.rate, format!("{path}.tiers[{t}].rate"));
                    }
                    if com.basis == Basis::Amount && com.tiers.len() > 1 {
                        // Amount tiers are money; nothing further to check.
                    }
                    if let Some(th) = com.threshold
                        && th < Decimal::ZERO
                    {
                        self.error(format!("{path}.threshold"), "must not be negative");
                    }
                    if com.basis == Basis::Attainment {
                        for (t, tier) in com.tiers.iter().enumerate() {
                            self.attainment(tier.from, format!("{path}.tiers[{t}].from"), AMOUNT_HINT);
                        }
                        if let Some(th) = com.threshold {
                            self.attainment(th, format!("{path}.threshold"), AMOUNT_HINT);
                        }
                    }
                    self.cap(com.cap, &path);
                }
                Component::Bonus(b) => {
                    self.ascending(b.curve.iter().map(|p| p.x), &format!("{path}.curve"), "x", "point", false, &|x| {
                        x.normalize().to_string()
                    });
                    for (k, p) in b.curve.iter().enumerate() {
                        if p.x < Decimal::ZERO {
                            self.error(format!("{path}.curve[{k}].x"), "must not be negative");
                        }
                        if b.target == Target::Quota {
                            self.attainment(p.x, format!("{path}.curve[{k}].x"), "");
                        }
                        if p.y < Decimal::ZERO {
                            self.error(format!("{path}.curve[{k}].y"), "must not be negative");
                        }
                    }
                    match &b.target {
                        Target::Quota => {}
                        Target::Value(v) if *v <= Decimal::ZERO => {
                            self.error(format!("{path}.target"), "must be greater than 0");
                        }
                        Target::Value(_) => {}
                        Target::Column(col) => self.metric_name(col, format!("{path}.target")),
                    }
                    match b.base {
                        BonusBase::TiShare(s) if s < Decimal::ZERO => {
                            self.error(format!("{path}.base.ti_share"), "must not be negative");
                        }
                        BonusBase::Amount(a) if a < Decimal::ZERO => {
                            self.error(format!("{path}.base.amount"), "must not be negative")
                        }
                        BonusBase::TiShare(s) if s > dec("10") => self.warning(
                            format!("{path}.base.ti_share"),
                            format!("{s} means {} of target incentive; write 0.25 for 25%", money::rate(s)),
                        ),
                        _ => {}
                    }
                    self.cap(b.cap, &path);
                }
                Component::PerUnit(u) => {
                    if u.amount < Decimal::ZERO {
                        self.error(format!("{path}.amount"), "must not be negative");
                    }
                    if let Some(min) = u.min_units
                        && min < Decimal::ZERO
                    {
                        self.error(format!("{path}.min_units"), "must not be negative");
                    }
                    match (u.min_units, u.max_units) {
                        (_, Some(max)) if max < Decimal::ZERO => {
                            self.error(format!("{path}.max_units"), "must not be negative")
                        }
                        (Some(min), Some(max)) if max < min => {
                            self.error(format!("{path}.max_units"), format!("must not be less than min_units ({min})"));
                        }
                        _ => {}
                    }
                    self.cap(u.cap, &path);
                }
                Component::Multiplier(m) => {
                    self.ascending(
                        m.steps.iter().map(|s| s.from),
                        &format!("{path}.steps"),
                        "from",
                        "step",
                        false,
                        &|x| x.normalize().to_string(),
                    );
                    for (k, s) in m.steps.iter().enumerate() {
                        if s.factor < Decimal::ZERO {
                            self.error(format!("{path}.steps[{k}].factor"), "must not be negative (0 is a gate)");
                        }
                    }
                    if m.applies_to.is_empty() {
                        self.error(
                            format!("{path}.applies_to"),
                            "name at least one component id of this track to multiply",
                        );
                    }
                    let mut seen = HashSet::new();
                    for (k, target) in m.applies_to.iter().enumerate() {
                        let p = format!("{path}.applies_to[{k}]");
                        if !seen.insert(target) {
                            self.error(&p, format!("`{target}` is listed twice"));
                        } else if *target == m.id {
                            self.error(&p, "a multiplier cannot multiply itself");
                        } else {
                            match components.iter().find(|c| c.id() == target) {
                                None => {
                                    let ids: Vec<&str> =
                                        components.iter().filter(|c| c.codes().is_some()).map(Component::id).collect();
                                    let hint = did_you_mean(target, ids.iter().copied())
                                        .map(|s| format!("did you mean `{s}`? "))
                                        .unwrap_or_default();
                                    self.error(
                                        &p,
                                        format!(
                                            "no component `{target}` in this track; {hint}the lines are {}",
                                            ids.join(", ")
                                        ),
                                    );
                                }
                                Some(Component::Multiplier(_)) => {
                                    self.error(
                                        &p,
                                        format!("`{target}` is a multiplier; multipliers scale payout lines only"),
                                    );
                                }
                                Some(_) => {}
                            }
                        }
                    }
                }
            }
        }
    }

    fn rate(&mut self, rate: Decimal, path: String) {
        if rate < Decimal::ZERO {
            self.error(path, "must not be negative");
        } else if rate > Decimal::ONE {
            self.warning(path, rate_above_one(rate));
        }
    }

    /// Warns about an attainment that reads like a percentage (`from: 100` for 100%).
    fn attainment(&mut self, value: Decimal, path: String, hint: &str) {
        if value > Decimal::from(ATTAINMENT_WARNING) {
            self.warning(
                path,
                format!(
                    "{} means an attainment of {} of quota; attainment is a fraction, so write 1.0 for 100%{hint}",
                    value.normalize(),
                    money::rate(value)
                ),
            );
        }
    }

    fn cap(&mut self, cap: Option<Decimal>, path: &str) {
        if let Some(cap) = cap
            && cap < Decimal::ZERO
        {
            self.error(format!("{path}.cap"), "must not be negative (remove it for no cap)");
        }
    }

    /// Checks a list is non-empty and strictly ascending; with `starts_at_zero`, its first entry is 0.
    fn ascending(
        &mut self,
        values: impl Iterator<Item = Decimal>,
        path: &str,
        field: &str,
        what: &str,
        starts_at_zero: bool,
        shown: &dyn Fn(Decimal) -> String,
    ) {
        let values: Vec<Decimal> = values.collect();
        if values.is_empty() {
            let example = match what {
                "tier" => "{\"from\": 0, \"rate\": 0.08}",
                "point" => "{\"x\": 1.0, \"y\": 1.0}",
                _ => "{\"from\": 0, \"factor\": 1.0}",
            };
            self.error(path, format!("add at least one {what}, e.g. {example}"));
            return;
        }
        if starts_at_zero && !values[0].is_zero() {
            self.error(
                format!("{path}[0].{field}"),
                format!("the first {what} must start at 0, not {}", values[0].normalize()),
            );
        }
        for (i, w) in values.windows(2).enumerate() {
            if w[1] <= w[0] {
                let message = if w[1] == w[0] {
                    format!(
                        "must be greater than the previous {what}'s {} (two {what}s cannot start at the same point)",
                        shown(w[0])
                    )
                } else {
                    format!("must be greater than the previous {what}'s {}", shown(w[0]))
                };
                self.error(format!("{path}[{}].{field}", i + 1), message);
            }
        }
    }
}

/// Whether guarantee `g` is larger than cap `c` for everyone they apply to: both multiples of
/// TI', or both amounts (both are prorated alike). A multiple and an amount are compared per
/// person by the engine.
fn exceeds(g: &Limit, c: &Limit) -> bool {
    match (c.multiple_of_ti, g.multiple_of_ti, c.amount, g.amount) {
        (Some(cm), Some(gm), _, _) => gm > cm,
        (_, _, Some(ca), Some(ga)) => ga > ca,
        _ => false,
    }
}

/// The hint for commission tiers and thresholds, which may be amounts instead.
const AMOUNT_HINT: &str = " (or set \"basis\": \"amount\" if these are amounts of money)";

/// Attainment above this (500%) in a tier, threshold or curve point is warned about: `50` was
/// probably meant as 50%.
const ATTAINMENT_WARNING: i64 = 5;

/// Every problem with runway assumptions, at paths under `base` (also used to check the runway
/// a simulation is given directly).
pub fn runway_problems(runway: &Runway, base: &str) -> Vec<Problem> {
    let mut v = Validator { problems: Vec::new() };
    for (i, c) in runway.conversions.iter().enumerate() {
        let at = format!("{base}.conversions[{i}]");
        v.metric_name(&c.metric, format!("{at}.metric"));
        if c.rate < Decimal::ZERO || c.rate > Decimal::ONE {
            v.error(format!("{at}.rate"), "must be between 0 and 1 (the share of units that convert)");
        }
        if c.lag_quarters < 0 {
            v.error(format!("{at}.lag_quarters"), "must not be negative (0 = revenue in the same quarter)");
        }
        if c.revenue_per_quarter < Decimal::ZERO {
            v.error(format!("{at}.revenue_per_quarter"), "must not be negative");
        }
        if let Some(x) = c.churn
            && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
        {
            v.error(format!("{at}.churn"), "must be between 0 and 1 (0.04 = 4% of converted revenue lost a quarter)");
        }
        if let Some(x) = c.pool_quarters
            && x <= Decimal::ZERO
        {
            v.error(format!("{at}.pool_quarters"), "must be above 0 (quarters of the baseline's conversions)");
        }
    }
    for (i, p) in runway.productivity.iter().enumerate() {
        let at = format!("{base}.productivity[{i}]");
        v.metric_name(&p.metric, format!("{at}.metric"));
        if p.role.trim().is_empty() {
            v.error(format!("{at}.role"), "name the role that becomes more productive, e.g. \"sales\"");
        }
        if let Some(target) = &p.applies_to {
            v.metric_name(target, format!("{at}.applies_to"));
        }
        if p.uplift < Decimal::ZERO || p.uplift > Decimal::ONE {
            v.error(format!("{at}.uplift"), "must be between 0 and 1 (0.01 = 1% per extra unit per person)");
        }
        if p.lag_quarters < 0 {
            v.error(format!("{at}.lag_quarters"), "must not be negative (0 = the same quarter)");
        }
        if let Some(x) = p.max_uplift
            && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
        {
            v.error(format!("{at}.max_uplift"), "must be between 0 and 1 (0.1 = at most 10% more productive)");
        }
        if let Some(x) = p.decay
            && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
        {
            v.error(format!("{at}.decay"), "must be between 0 and 1 (0.1 = a tenth of the effect fades a quarter)");
        }
    }
    if let Some(x) = runway.discount_rate
        && !(Decimal::ZERO..=Decimal::ONE).contains(&x)
    {
        v.error(format!("{base}.discount_rate"), "must be between 0 and 1 per quarter (0.025 ≈ 10% a year)");
    }
    v.problems
}

/// Which nodes of a dependency graph (`deps[i]`: the nodes `i` reads) can lie on a cycle: those
/// left after repeatedly removing nodes that read nothing left, then nodes that nothing left
/// reads. Every node on a cycle is kept (and a few between cycles); linear in the graph's size.
fn on_or_between_cycles(deps: &[Vec<usize>]) -> Vec<bool> {
    let n = deps.len();
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        for &j in ds {
            if let Some(r) = readers.get_mut(j) {
                r.push(i);
            }
        }
    }
    let mut kept = vec![true; n];
    // Forward: a node whose inputs are all removed cannot be on a cycle.
    let mut inputs: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut stack: Vec<usize> = (0..n).filter(|&i| inputs.get(i) == Some(&0)).collect();
    while let Some(j) = stack.pop() {
        if let Some(k) = kept.get_mut(j) {
            *k = false;
        }
        for &i in readers.get(j).map(Vec::as_slice).unwrap_or_default() {
            if let Some(c) = inputs.get_mut(i) {
                *c -= 1;
                if *c == 0 {
                    stack.push(i);
                }
            }
        }
    }
    // Backward: among the rest, a node that no remaining node reads cannot be on a cycle.
    let mut read_by: Vec<usize> = (0..n)
        .map(|j| readers.get(j).map_or(0, |r| r.iter().filter(|&&i| kept.get(i) == Some(&true)).count()))
        .collect();
    let mut stack: Vec<usize> = (0..n).filter(|&j| kept.get(j) == Some(&true) && read_by.get(j) == Some(&0)).collect();
    while let Some(i) = stack.pop() {
        if let Some(k) = kept.get_mut(i) {
            *k = false;
        }
        for &j in deps.get(i).map(Vec::as_slice).unwrap_or_default() {
            if kept.get(j) == Some(&true)
                && let Some(c) = read_by.get_mut(j)
            {
                *c -= 1;
                if *c == 0 {
                    stack.push(j);
                }
            }
        }
    }
    kept
}

/// A path from `start` back to itself through `allowed` nodes (depth-first, following each
/// node's inputs in order; iterative, so a long cycle cannot exhaust the stack).
fn find_cycle(start: usize, deps: &[Vec<usize>], allowed: &[bool]) -> Option<Vec<usize>> {
    let mut seen = vec![false; deps.len()];
    if let Some(s) = seen.get_mut(start) {
        *s = true;
    }
    // The path so far, each node with the index of its next input to try.
    let mut path: Vec<(usize, usize)> = vec![(start, 0)];
    while let Some((node, next)) = path.last_mut() {
        let Some(&dep) = deps.get(*node).and_then(|d| d.get(*next)) else {
            path.pop();
            continue;
        };
        *next += 1;
        if dep == start {
            return Some(path.iter().map(|(n, _)| *n).collect());
        }
        if allowed.get(dep) == Some(&true) && seen.get(dep) == Some(&false) {
            if let Some(s) = seen.get_mut(dep) {
                *s = true;
            }
            path.push((dep, 0));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The warning on a one-tier commission at `rate` (written as in a plan file).
    fn rate_warning(rate: &str) -> String {
        let text = format!(
            r#"{{"schema": 1, "name": "T", "currency": "EUR", "period": {{"start": "2026-01-01", "end": "2026-03-31"}},
                "tracks": {{"sales": {{"components": [{{"kind": "commission", "id": "rev", "earning_code": "C",
                "tiers": [{{"from": 0, "rate": {rate}}}]}}]}}}}}}"#
        );
        let plan = super::super::parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
        let warnings: Vec<String> = warnings(&plan).iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        warnings.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn responsiveness_and_risk_aversion_are_flagged_above_their_thresholds_and_refused_out_of_range() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        let eps = |s: &str| responsiveness_problem(d(s)).map(|p| (p.is_error(), p.message));
        assert_eq!(eps("0"), None);
        assert_eq!(eps("3"), None, "3 is the threshold, not above it");
        assert_eq!(
            eps("3.5"),
            Some((
                false,
                "3.5 is very responsive: small pay differences would move most hours (the default is 0.3)".to_owned()
            ))
        );
        assert_eq!(eps("100").map(|(e, _)| e), Some(false));
        assert_eq!(eps("100.5"), Some((true, "must be at most 100 (the default is 0.3)".to_owned())));
        assert_eq!(eps("-1").map(|(e, _)| e), Some(true));
        let gamma = |s: &str| risk_aversion_problem(d(s)).map(|p| (p.is_error(), p.message));
        assert_eq!(gamma("5"), None, "5 is the threshold, not above it");
        assert_eq!(
            gamma("10"),
            Some((false, "10 is very risk averse: people would give up most uncertain pay".to_owned()))
        );
        assert_eq!(gamma("21"), Some((true, "must be at most 20 (0 is risk neutral, the default)".to_owned())));
        assert_eq!(gamma("-0.5"), Some((true, "must not be negative (0 is risk neutral, the default)".to_owned())));
    }

    #[test]
    fn a_plans_responsiveness_and_risk_aversion_are_checked_at_their_paths() {
        let text = r#"{"schema": 1, "name": "T", "currency": "EUR", "period": {"start": "2026-01-01", "end": "2026-03-31"},
            "tracks": {"sales": {"components": [{"kind": "commission", "id": "rev", "earning_code": "C",
            "tiers": [{"from": 0, "rate": 0.08}]}]}},
            "assumptions": {"responsiveness": {"sales": 100}, "risk_aversion": {"sales": 10}}}"#;
        let plan = super::super::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
        let problems: Vec<String> = validate(&plan).iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "assumptions.responsiveness.sales: warning: 100 is very responsive: small pay differences would move \
                 most hours (the default is 0.3)",
                "assumptions.risk_aversion.sales: warning: 10 is very risk averse: people would give up most \
                 uncertain pay",
            ]
        );
    }

    #[test]
    fn a_rate_above_one_suggests_the_fraction_the_percentage_means() {
        let path = "tracks.sales.components[0].tiers[0].rate: warning: ";
        for (rate, hint) in [
            ("8", "8 means 800% of the metric; write 0.08 for 8%"),
            ("15", "15 means 1500% of the metric; write 0.15 for 15%"),
            ("3", "3 means 300% of the metric; write 0.03 for 3%"),
            ("12.5", "12.5 means 1250% of the metric; write 0.125 for 12.5%"),
            ("12.50", "12.5 means 1250% of the metric; write 0.125 for 12.5%"),
            ("150", "150 means 15000% of the metric; write 1.5 for 150%"),
        ] {
            assert_eq!(rate_warning(rate), format!("{path}{hint}"), "rate {rate}");
        }
    }
}
