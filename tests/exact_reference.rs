//! The payout engine against an independent exact reference.
//!
//! The reference below recomputes every line of every person from the plan's semantics
//! (DOMAIN.md) with arbitrary-precision rationals (`num-rational`'s `BigRational`), written
//! separately from the engine: its own reading of derived-metric expressions, tiers summed tier
//! by tier rather than from pre-summed cumulative amounts, the retroactive tier found by
//! attainment rather than by money, and its own rounding. It is checked on every person of generated rosters under each sample plan
//! and under plans built to land on half cents (proration, ratios, curves, multipliers, fx),
//! over 100,000 people in all, and on random plans (property tests). The engine must agree for
//! every person: the same people in error, the same lines, the same amounts to the minor unit.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::HashMap;
use std::str::FromStr as _;

use carrot::engine::{self, Detail, PayoutReport};
use carrot::money::{self, Rounding};
use carrot::plan::{self, Basis, BonusBase, Component, Limit, Method, Plan, Target};
use carrot::roster::{self, Employee, ImportOptions, Roster};
use num_bigint::BigInt;
use num_integer::Integer as _;
use num_rational::BigRational;
use num_traits::{One as _, Signed as _, ToPrimitive as _, Zero as _};
use proptest::prelude::*;
use rust_decimal::Decimal;

fn q_dec(d: Decimal) -> BigRational {
    BigRational::new(BigInt::from(d.mantissa()), BigInt::from(10).pow(d.scale()))
}

fn q_int(n: i64) -> BigRational {
    BigRational::from_integer(BigInt::from(n))
}

/// The reference's own reading of derived-metric expressions (`+ - * /`, parentheses,
/// numbers, names, `min`, `max`, `abs`, `if`, comparisons), evaluated in big rationals.
mod expression {
    use super::*;

    #[derive(Debug)]
    pub enum Node {
        Num(BigRational),
        Var(String),
        Neg(Box<Node>),
        Bin(String, Box<Node>, Box<Node>),
        Call(String, Vec<Node>),
    }

    pub fn parse(src: &str) -> Node {
        let tokens = tokenize(src);
        let mut pos = 0;
        let node = comparison(&tokens, &mut pos);
        assert_eq!(pos, tokens.len(), "unparsed input in {src}");
        node
    }

    fn tokenize(src: &str) -> Vec<String> {
        let chars: Vec<char> = src.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_whitespace() {
                i += 1;
            } else if c.is_ascii_digit() || c == '.' {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                    i += 1;
                }
                tokens.push(chars[start..i].iter().collect());
            } else if c.is_ascii_alphabetic() || c == '_' {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                tokens.push(chars[start..i].iter().collect());
            } else if i + 1 < chars.len() && ["<=", ">=", "==", "!="].contains(&&*format!("{c}{}", chars[i + 1])) {
                tokens.push(format!("{c}{}", chars[i + 1]));
                i += 2;
            } else {
                tokens.push(c.to_string());
                i += 1;
            }
        }
        tokens
    }

    fn comparison(t: &[String], pos: &mut usize) -> Node {
        let lhs = additive(t, pos);
        match t.get(*pos).map(String::as_str) {
            Some(op @ ("<" | "<=" | ">" | ">=" | "==" | "!=")) => {
                *pos += 1;
                Node::Bin(op.to_owned(), Box::new(lhs), Box::new(additive(t, pos)))
            }
            _ => lhs,
        }
    }

    fn additive(t: &[String], pos: &mut usize) -> Node {
        let mut lhs = multiplicative(t, pos);
        while let Some(op @ ("+" | "-")) = t.get(*pos).map(String::as_str) {
            *pos += 1;
            lhs = Node::Bin(op.to_owned(), Box::new(lhs), Box::new(multiplicative(t, pos)));
        }
        lhs
    }

    fn multiplicative(t: &[String], pos: &mut usize) -> Node {
        let mut lhs = unary(t, pos);
        while let Some(op @ ("*" | "/")) = t.get(*pos).map(String::as_str) {
            *pos += 1;
            lhs = Node::Bin(op.to_owned(), Box::new(lhs), Box::new(unary(t, pos)));
        }
        lhs
    }

    fn unary(t: &[String], pos: &mut usize) -> Node {
        if t.get(*pos).map(String::as_str) == Some("-") {
            *pos += 1;
            return Node::Neg(Box::new(unary(t, pos)));
        }
        primary(t, pos)
    }

    fn primary(t: &[String], pos: &mut usize) -> Node {
        let tok = t[*pos].clone();
        *pos += 1;
        if tok == "(" {
            let inner = comparison(t, pos);
            *pos += 1; // ")"
            return inner;
        }
        if tok.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
            return Node::Num(q_dec(Decimal::from_str(&tok).unwrap()));
        }
        if t.get(*pos).map(String::as_str) == Some("(") {
            *pos += 1;
            let mut args = vec![comparison(t, pos)];
            while t.get(*pos).map(String::as_str) == Some(",") {
                *pos += 1;
                args.push(comparison(t, pos));
            }
            *pos += 1; // ")"
            return Node::Call(tok, args);
        }
        Node::Var(tok)
    }

    /// The value, or `None` on division by zero or a name without a value.
    pub fn eval(node: &Node, var: &dyn Fn(&str) -> Option<BigRational>) -> Option<BigRational> {
        let truth = |b: bool| q_int(i64::from(b));
        Some(match node {
            Node::Num(v) => v.clone(),
            Node::Var(name) => var(name)?,
            Node::Neg(inner) => -eval(inner, var)?,
            Node::Bin(op, a, b) => {
                let (a, b) = (eval(a, var)?, eval(b, var)?);
                match op.as_str() {
                    "+" => a + b,
                    "-" => a - b,
                    "*" => a * b,
                    "/" if b.is_zero() => return None,
                    "/" => a / b,
                    "<" => truth(a < b),
                    "<=" => truth(a <= b),
                    ">" => truth(a > b),
                    ">=" => truth(a >= b),
                    "==" => truth(a == b),
                    _ => truth(a != b),
                }
            }
            Node::Call(f, args) => match f.as_str() {
                "if" => {
                    if eval(&args[0], var)?.is_zero() {
                        eval(&args[2], var)?
                    } else {
                        eval(&args[1], var)?
                    }
                }
                "abs" => eval(&args[0], var)?.abs(),
                "min" | "max" => {
                    let mut values = Vec::new();
                    for a in args {
                        values.push(eval(a, var)?);
                    }
                    let best = if f == "min" { values.into_iter().min() } else { values.into_iter().max() };
                    best.unwrap_or_else(|| q_int(0))
                }
                other => panic!("unknown function {other}"),
            },
        })
    }

    /// The names an expression reads.
    pub fn names(node: &Node, out: &mut Vec<String>) {
        match node {
            Node::Num(_) => {}
            Node::Var(n) => out.push(n.clone()),
            Node::Neg(inner) => names(inner, out),
            Node::Bin(_, a, b) => {
                names(a, out);
                names(b, out);
            }
            Node::Call(_, args) => args.iter().for_each(|a| names(a, out)),
        }
    }
}

/// `v` rounded to `dp` places by `mode`, as the engine's decimal.
fn round(v: &BigRational, dp: u32, mode: Rounding) -> Decimal {
    let scaled = v * BigRational::from_integer(BigInt::from(10).pow(dp));
    let floor = scaled.floor();
    let frac = &scaled - &floor;
    let half = BigRational::new(BigInt::from(1), BigInt::from(2));
    let mut int = floor.to_integer();
    let negative = scaled.is_negative();
    int += match mode {
        Rounding::Down => {
            if negative && !frac.is_zero() {
                BigInt::one()
            } else {
                BigInt::zero()
            }
        }
        Rounding::HalfAwayFromZero => {
            if frac > half || (frac == half && !negative) {
                BigInt::one()
            } else {
                BigInt::zero()
            }
        }
        Rounding::HalfEven => {
            if frac > half || (frac == half && int.is_odd()) {
                BigInt::one()
            } else {
                BigInt::zero()
            }
        }
    };
    let mantissa = int.to_i128().expect("a paid amount fits in i128");
    let mut d = Decimal::from_i128_with_scale(mantissa, dp);
    d.rescale(dp);
    d
}

/// One reference line: component id and amount.
type Lines = Vec<(String, Decimal)>;

/// What the reference computes for one person.
#[derive(Debug, PartialEq)]
enum Outcome {
    Paid(Lines),
    NotCovered,
    Error,
}

struct Reference<'a> {
    plan: &'a Plan,
    metric_index: std::collections::BTreeMap<&'a str, usize>,
    money_columns: Vec<usize>,
    /// The plan's money as the plan format defines it (which columns, and the derived metrics
    /// paid on whose money column cannot be told): the reference computes with it on its own.
    money: carrot::plan::money::MoneyColumns,
    dp: u32,
}

impl<'a> Reference<'a> {
    fn new(plan: &'a Plan, roster: &'a Roster) -> Self {
        let metric_index: std::collections::BTreeMap<&str, usize> =
            roster.metrics.iter().enumerate().map(|(i, m)| (m.as_str(), i)).collect();
        // Money columns converted with fx: those the plan format reads as money (docs/plan-
        // format.md, "Which columns are money"), which include revenue and every commission's
        // metric.
        let money = carrot::plan::money::money_columns(plan);
        let money_columns: Vec<usize> =
            metric_index.iter().filter(|(name, _)| money.contains(name)).map(|(_, &i)| i).collect();
        for track in plan.tracks.values() {
            for c in &track.components {
                if let Component::Commission(com) = c
                    && let Some(i) = metric_index.get(com.metric.as_str())
                {
                    assert!(money_columns.contains(i), "a commission's metric is money");
                }
            }
        }
        let dp = money::minor_units(&plan.currency).unwrap_or(2);
        Self { plan, metric_index, money_columns, money, dp }
    }

    fn person(&self, e: &Employee) -> Outcome {
        let Some((role, track)) = self.plan.tracks.iter().find(|(role, _)| role.eq_ignore_ascii_case(&e.role)) else {
            return Outcome::NotCovered;
        };
        // A row in another currency on a track paying on money whose column cannot be told.
        let converted = e.currency.as_deref().is_some_and(|c| c != self.plan.currency);
        if converted && self.money.unclear_for(role).next().is_some() {
            return Outcome::Error;
        }
        match self.lines(e, track) {
            Some(lines) => Outcome::Paid(lines),
            None => Outcome::Error,
        }
    }

    /// The person's lines, or `None` for anything the engine reports as an error.
    fn lines(&self, e: &Employee, track: &plan::Track) -> Option<Lines> {
        let period = self.plan.period;
        let days = (period.end - period.start).num_days() + 1;
        let start = e.start_date.map_or(period.start, |s| s.max(period.start));
        let end = e.end_date.map_or(period.end, |x| x.min(period.end));
        let employed = ((end - start).num_days() + 1).max(0).min(days);
        let p = BigRational::new(BigInt::from(employed), BigInt::from(days));
        let fx = match e.currency.as_deref() {
            None => q_int(1),
            Some(c) if c == self.plan.currency => q_int(1),
            Some(c) => q_dec(self.plan.fx.get(c)?.0),
        };
        if p.is_zero() {
            return Some(Vec::new());
        }
        let quota = e.quota.map(|q| q_dec(q) * &fx * &p);
        let ti = e.target_incentive.map(|t| q_dec(t) * &fx * &p);
        let mut values: HashMap<String, BigRational> = HashMap::new();
        for (name, &i) in &self.metric_index {
            if let Some(v) = e.metric(i) {
                let v = if self.money_columns.contains(&i) { q_dec(v) * &fx } else { q_dec(v) };
                values.insert((*name).to_owned(), v);
            }
        }
        // Derived metrics, as many passes as it takes (the plan has no cycles).
        let used = self.used_names(track);
        let mut pending: Vec<(&String, expression::Node)> = self
            .plan
            .metrics
            .iter()
            .filter(|(name, _)| used.contains(name.as_str()))
            .map(|(name, src)| (name, expression::parse(src)))
            .collect();
        while !pending.is_empty() {
            let before = pending.len();
            let mut next = Vec::new();
            for (name, node) in pending {
                let mut reads = Vec::new();
                expression::names(&node, &mut reads);
                if reads.iter().all(|v| values.contains_key(v) || !self.plan.metrics.contains_key(v)) {
                    let var = |v: &str| -> Option<BigRational> {
                        match v {
                            _ if values.contains_key(v) => values.get(v).cloned(),
                            "quota" => quota.clone(),
                            "target_incentive" => ti.clone(),
                            "base_salary" => e.base_salary.map(|b| q_dec(b) * &fx),
                            _ => None,
                        }
                    };
                    let v = expression::eval(&node, &var)?;
                    values.insert(name.clone(), v);
                } else {
                    next.push((name, node));
                }
            }
            if next.len() == before {
                return None;
            }
            pending = next;
        }
        let value_of = |name: &str| -> Option<BigRational> {
            match name {
                _ if values.contains_key(name) => values.get(name).cloned(),
                "quota" => quota.clone(),
                "target_incentive" => ti.clone(),
                "base_salary" => e.base_salary.map(|b| q_dec(b) * &fx),
                _ => None,
            }
        };

        // Step 1: each line's raw value.
        let mut raw: Vec<(String, BigRational, Option<Decimal>)> = Vec::new();
        for c in &track.components {
            let (id, value, cap) = match c {
                Component::Commission(com) => {
                    let m = value_of(&com.metric)?;
                    let v = if m.is_negative() { q_int(0) } else { self.commission(com, &m, quota.as_ref())? };
                    (&com.id, v, com.cap)
                }
                Component::Bonus(b) => {
                    let m = value_of(&b.metric)?;
                    let target = match &b.target {
                        Target::Quota => quota.clone()?,
                        Target::Value(v) => q_dec(*v),
                        Target::Column(col) => value_of(col)?,
                    };
                    if m.is_negative() {
                        (&b.id, q_int(0), b.cap)
                    } else {
                        if !target.is_positive() {
                            return None;
                        }
                        let base = match b.base {
                            BonusBase::TiShare(share) => ti.clone()? * q_dec(share),
                            BonusBase::Amount(a) => q_dec(a),
                        };
                        let y = curve(&b.curve, &(&m / &target));
                        (&b.id, base * y, b.cap)
                    }
                }
                Component::PerUnit(u) => {
                    let m = value_of(&u.metric)?;
                    let below_min = u.min_units.is_some_and(|min| m < q_dec(min));
                    let v = if m.is_negative() || below_min {
                        q_int(0)
                    } else {
                        let paid = match u.max_units {
                            Some(max) if m > q_dec(max) => q_dec(max),
                            _ => m,
                        };
                        paid * q_dec(u.amount)
                    };
                    (&u.id, v, u.cap)
                }
                Component::Multiplier(_) => continue,
            };
            raw.push((id.clone(), value, cap));
        }
        // Step 2: multipliers.
        for c in &track.components {
            let Component::Multiplier(m) = c else { continue };
            let x = value_of(&m.metric)?;
            let factor = m.steps.iter().filter(|s| q_dec(s.from) <= x).map(|s| q_dec(s.factor)).next_back();
            let factor = factor.unwrap_or_else(|| q_int(1));
            for (id, v, _) in &mut raw {
                if m.applies_to.contains(id) {
                    *v = &*v * &factor;
                }
            }
        }
        // Steps 3 and 5: line caps, then each line rounded once.
        let rounding = self.plan.rounding;
        let mut lines: Lines = raw
            .into_iter()
            .map(|(id, v, cap)| {
                let v = match cap {
                    Some(cap) if v > q_dec(cap) => q_dec(cap),
                    _ => v,
                };
                (id, round(&v, self.dp, rounding))
            })
            .collect();
        // Step 4: the plan cap, then the guarantee, each rounded like a line, on the rounded lines.
        let limit = |l: &Limit| -> Option<Decimal> {
            let v = match l.multiple_of_ti {
                Some(m) => ti.clone()? * q_dec(m),
                None => q_dec(l.amount.unwrap_or_default()) * &p,
            };
            Some(round(&v, self.dp, rounding))
        };
        let mut total: Decimal = lines.iter().map(|l| l.1).sum();
        if let Some(cap) = track.cap.as_ref().or(self.plan.cap.as_ref()) {
            let cap = limit(cap)?;
            if total > cap {
                lines.push(("cap_adjustment".to_owned(), cap - total));
                total = cap;
            }
        }
        if let Some(g) = track.guarantee.as_ref().or(self.plan.guarantee.as_ref()) {
            let floor = limit(g)?;
            if total < floor {
                lines.push(("guarantee_adjustment".to_owned(), floor - total));
            }
        }
        Some(lines)
    }

    /// Every name the track reads (lines, targets, multipliers), with what derived metrics read.
    fn used_names<'t>(&'t self, track: &'t plan::Track) -> std::collections::HashSet<&'t str> {
        let mut used: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for c in &track.components {
            used.insert(c.metric());
            if let Component::Bonus(b) = c
                && let Target::Column(col) = &b.target
            {
                used.insert(col);
            }
        }
        loop {
            let before = used.len();
            for (name, src) in &self.plan.metrics {
                if used.contains(name.as_str()) {
                    let mut reads = Vec::new();
                    expression::names(&expression::parse(src), &mut reads);
                    for v in reads {
                        if let Some((k, _)) = self.plan.metrics.get_key_value(&v) {
                            used.insert(k);
                        }
                    }
                }
            }
            if used.len() == before {
                return used;
            }
        }
    }

    /// A commission, tier by tier. `None` when the quota it needs is missing or not positive.
    fn commission(&self, com: &plan::Commission, m: &BigRational, quota: Option<&BigRational>) -> Option<BigRational> {
        // Money per unit of the tiers' scale: the prorated quota for attainment, 1 for amounts.
        let unit = match com.basis {
            Basis::Attainment => {
                let q = quota?.clone();
                if !q.is_positive() {
                    return None;
                }
                q
            }
            Basis::Amount => q_int(1),
        };
        let measure = m / &unit;
        if com.threshold.is_some_and(|th| measure < q_dec(th)) {
            return Some(q_int(0));
        }
        Some(match com.method {
            Method::Retroactive => {
                let rate = com.tiers.iter().filter(|t| q_dec(t.from) <= measure).map(|t| q_dec(t.rate)).next_back();
                rate.map_or_else(|| q_int(0), |r| m * r)
            }
            Method::Graduated => {
                let mut sum = q_int(0);
                for (j, t) in com.tiers.iter().enumerate() {
                    let lo = q_dec(t.from) * &unit;
                    let hi = com.tiers.get(j + 1).map(|n| q_dec(n.from) * &unit);
                    if *m <= lo {
                        break;
                    }
                    let top = match &hi {
                        Some(hi) if m > hi => hi.clone(),
                        _ => m.clone(),
                    };
                    sum += (top - lo) * q_dec(t.rate);
                }
                sum
            }
        })
    }
}

/// A bonus curve at `x`: 0 below the first point, linear between points, flat after the last.
fn curve(points: &[plan::CurvePoint], x: &BigRational) -> BigRational {
    let Some(first) = points.first() else { return q_int(0) };
    if *x < q_dec(first.x) {
        return q_int(0);
    }
    for w in points.windows(2) {
        let (a, b) = (q_dec(w[0].x), q_dec(w[1].x));
        if *x < b {
            let (ya, yb) = (q_dec(w[0].y), q_dec(w[1].y));
            return &ya + (x - &a) * (yb - &ya) / (b - a);
        }
    }
    q_dec(points.last().map_or(first.y, |p| p.y))
}

/// Checks the engine against the reference on every person; returns how many people were
/// checked and how many of their lines had an exact value on a half (or other) boundary that
/// naive arithmetic could round the wrong way.
fn check(plan: &Plan, roster: &Roster) -> usize {
    let report = engine::compute(plan, roster, Detail::AmountsOnly).unwrap();
    let reference = Reference::new(plan, roster);
    let mut paid: HashMap<usize, &engine::EmployeePayout> = HashMap::new();
    for e in &report.employees {
        paid.insert(e.index, e);
    }
    let errors: std::collections::HashSet<usize> = report.errors.iter().map(|e| e.index).collect();
    let not_covered: std::collections::HashSet<usize> = report.not_covered.iter().map(|n| n.index).collect();
    for (i, e) in roster.employees.iter().enumerate() {
        let expected = reference.person(e);
        let got = if let Some(p) = paid.get(&i) {
            Outcome::Paid(p.lines.iter().map(|l| (l.component().to_string(), l.amount)).collect())
        } else if errors.contains(&i) {
            Outcome::Error
        } else if not_covered.contains(&i) {
            Outcome::NotCovered
        } else {
            panic!("{} is missing from the report", e.id)
        };
        assert_eq!(got, expected, "{} ({}) under {}", e.id, e.name, plan.name);
    }
    roster.employees.len()
}

fn import(csv: &[u8]) -> Roster {
    roster::import_reader("generated.csv", csv, &ImportOptions::default()).unwrap().roster
}

fn generated(people: usize, seed: u64) -> Roster {
    let mut csv = Vec::new();
    carrot::synth::write_roster(&mut csv, people, seed, carrot::synth::Roles::Mixed, 1).unwrap();
    import(&csv)
}

/// A small deterministic generator (splitmix64).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A plan whose lines land on half cents often: rates of 6%, 7.5%, 12.5%; a derived share fed
/// to a curve; multipliers of 1.125 and 0.95; per-unit amounts of 37.5; fx rates with four
/// decimals; proration by days; a cap and a guarantee.
const HALF_CENTS: &str = r#"{
  "schema": 1, "name": "Half cents", "currency": "EUR",
  "period": {"start": "2026-01-01", "end": "2026-03-31"},
  "fx": {"GBP": 1.1725, "USD": 0.9235, "CHF": 1.0625},
  "metrics": {
    "internal_share": "internal_hours / (billable_hours + internal_hours)",
    "utilisation": "billable_hours / billable_target_hours"
  },
  "tracks": {
    "sales": {"components": [
      {"kind": "commission", "id": "rev", "earning_code": "C", "metric": "revenue", "threshold": 0.3,
       "tiers": [{"from": 0, "rate": 0.06}, {"from": 1, "rate": 0.10}, {"from": 1.5, "rate": 0.125}]},
      {"kind": "commission", "id": "retro", "earning_code": "C", "metric": "revenue", "method": "retroactive",
       "basis": "amount", "tiers": [{"from": 0, "rate": 0.0075}, {"from": 100000, "rate": 0.0125}]},
      {"kind": "bonus", "id": "attainment_bonus", "earning_code": "B", "metric": "revenue", "target": "quota",
       "base": {"ti_share": 0.35}, "curve": [{"x": 0.5, "y": 0.3}, {"x": 1, "y": 1}, {"x": 1.75, "y": 2.2}]},
      {"kind": "per_unit", "id": "interviews", "earning_code": "S", "metric": "discovery_interviews",
       "amount": 37.5, "min_units": 2, "max_units": 15},
      {"kind": "multiplier", "id": "ea", "metric": "early_access_signups", "applies_to": ["rev", "interviews"],
       "steps": [{"from": 0, "factor": 0.95}, {"from": 3, "factor": 1.0}, {"from": 6, "factor": 1.125}]}
    ], "cap": {"multiple_of_ti": 2.5, "earning_code": "CAP"}},
    "consultant": {"components": [
      {"kind": "bonus", "id": "internal_bonus", "earning_code": "B", "metric": "internal_share", "target": 0.2,
       "base": {"ti_share": 0.2}, "curve": [{"x": 0.5, "y": 0.5}, {"x": 1, "y": 1}, {"x": 1.5, "y": 1.25}]},
      {"kind": "bonus", "id": "utilisation_bonus", "earning_code": "B", "metric": "utilisation", "target": 1,
       "base": {"amount": 1234.5}, "curve": [{"x": 0.7, "y": 0.2}, {"x": 1, "y": 1}, {"x": 1.2, "y": 1.4}],
       "cap": 1500},
      {"kind": "per_unit", "id": "contributions", "earning_code": "S", "metric": "internal_contributions",
       "amount": 62.5}
    ], "guarantee": {"amount": 333.33, "earning_code": "G"}}
  }
}"#;

/// A roster for [`HALF_CENTS`]: cents that often make half cents under its rates, dates inside
/// the period, four currencies.
fn half_cent_roster(people: usize, seed: u64) -> Roster {
    let mut rng = Mix(seed);
    let mut csv = String::from(
        "employee_id,name,role,currency,target_incentive,quota,start_date,end_date,revenue,discovery_interviews,\
         early_access_signups,billable_hours,billable_target_hours,internal_hours,internal_contributions\n",
    );
    let currencies = ["EUR", "EUR", "GBP", "USD", "CHF"];
    for i in 0..people {
        let currency = currencies[rng.below(5) as usize];
        // A quarter of the people join during the period and a fifth leave during it (after
        // joining), so proration takes every share of its 90 days.
        let first = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let joined = if rng.below(4) == 0 { rng.below(90) } else { 0 };
        let start = if joined > 0 { (first + chrono::Days::new(joined)).to_string() } else { "2020-01-01".to_owned() };
        let end = if rng.below(5) == 0 {
            (first + chrono::Days::new(joined + rng.below(90 - joined))).to_string()
        } else {
            String::new()
        };
        let ti = format!("{}.{:02}", 2000 + rng.below(20_000), rng.below(100));
        if rng.below(10) < 6 {
            let quota = 50_000 + rng.below(500_000);
            let revenue = format!("{}.{:02}", rng.below(quota * 2), rng.below(100));
            csv.push_str(&format!(
                "{i},Person {i},sales,{currency},{ti},{quota},{start},{end},{revenue},{},{},,,,\n",
                rng.below(25),
                rng.below(9)
            ));
        } else {
            let billable = rng.below(600);
            let internal = rng.below(150);
            csv.push_str(&format!(
                "{i},Person {i},consultant,{currency},{ti},,{start},{end},,{},,{billable}.{},{},{internal},{}\n",
                rng.below(6),
                rng.below(10),
                300 + rng.below(200),
                rng.below(12)
            ));
        }
    }
    import(csv.as_bytes())
}

#[test]
fn the_issues_two_cases_pay_the_exact_cent() {
    // A consultant with 514 billable and 62 internal hours (exact 1,453.125), and proration
    // 69/90 of quota 516,000 with revenue 403,158.55 at 6% to 100% and 10% above (exact
    // 24,491.855): the engine used to pay .12 and .85.
    let plan = plan::parse(
        r#"{"schema": 1, "name": "Two cases", "currency": "EUR",
            "period": {"start": "2026-01-01", "end": "2026-03-31"},
            "metrics": {"internal_share": "internal_hours / (billable_hours + internal_hours)"},
            "tracks": {
              "sales": {"components": [{"kind": "commission", "id": "rev", "earning_code": "C", "metric": "revenue",
                "tiers": [{"from": 0, "rate": 0.06}, {"from": 1.0, "rate": 0.10}]}]},
              "consultant": {"components": [{"kind": "bonus", "id": "internal_bonus", "earning_code": "B",
                "metric": "internal_share", "target": 0.2, "base": {"ti_share": 0.2},
                "curve": [{"x": 0.5, "y": 0.5}, {"x": 1, "y": 1}, {"x": 1.5, "y": 1.25}]}]}}}"#,
    )
    .unwrap();
    let roster = import(
        b"employee_id,name,role,target_incentive,quota,start_date,end_date,revenue,billable_hours,internal_hours\n\
          1,Ana,sales,,516000,2025-01-01,2026-03-10,403158.55,,\n\
          2,Ben,consultant,13500,,2025-01-01,,,514,62\n",
    );
    let report: PayoutReport = engine::compute(&plan, &roster, Detail::Explained).unwrap();
    let totals: Vec<String> = report.employees.iter().map(|e| e.total.to_string()).collect();
    assert_eq!(totals, ["24491.86", "1453.13"]);
    assert_eq!(check(&plan, &roster), 2);
    let ana = &report.employees[0].lines[0].explanation;
    assert!(ana.contains("516,000.00 × 69/90 days employed ≈ 0.7667"), "{ana}");
    assert!(
        ana.ends_with("100–101.91% at 10% = 755.855; 24,491.855 rounded half away from zero to 24,491.86"),
        "{ana}"
    );
    let ben = &report.employees[1].lines[0].explanation;
    assert!(ben.starts_with("internal_share ≈ 0.1076 ÷ target 0.2 = 53.82% of target"), "{ben}");
    assert!(ben.ends_with("= 1,453.125; rounded half away from zero to 1,453.13"), "{ben}");
}

#[test]
fn every_person_of_generated_rosters_matches_the_exact_reference_under_each_sample_plan() {
    let mut checked = 0;
    for (k, sample) in carrot::samples::PLANS.iter().enumerate() {
        let plan = plan::parse(sample.text).unwrap();
        checked += check(&plan, &generated(15_000, 42 + k as u64));
    }
    assert_eq!(checked, 45_000);
}

#[test]
fn every_person_matches_the_exact_reference_under_a_plan_built_for_half_cents() {
    let plan = plan::parse(HALF_CENTS).unwrap();
    let errors: Vec<_> = plan::validate(&plan).into_iter().filter(plan::Problem::is_error).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let mut checked = 0;
    for rounding in [Rounding::HalfAwayFromZero, Rounding::HalfEven, Rounding::Down] {
        let plan = Plan { rounding, ..plan.clone() };
        checked += check(&plan, &half_cent_roster(20_000, rounding as u64 + 7));
    }
    assert_eq!(checked, 60_000);
    // The roster really does land on half cents: exact values with a third decimal of 5.
    let roster = half_cent_roster(20_000, 7);
    let report = engine::compute(&plan, &roster, Detail::Explained).unwrap();
    let halves = report
        .employees
        .iter()
        .flat_map(|e| &e.lines)
        .filter(|l| l.explanation.contains("5 rounded half away from zero"))
        .count();
    assert!(halves > 100, "only {halves} lines on a half cent");
}

/// A random plan: two tracks of random components over the metric columns of
/// [`random_roster`], with random tiers, curves, limits and multipliers.
fn random_plan() -> impl Strategy<Value = String> {
    let rate = (0u32..2000).prop_map(|r| format!("{}", Decimal::new(i64::from(r), 4)));
    let amount = (1u32..100_000).prop_map(|a| format!("{}", Decimal::new(i64::from(a), 2)));
    let tiers =
        (proptest::collection::vec((1u32..300, rate.clone()), 1..4), rate.clone()).prop_map(|(steps, first)| {
            let mut from = 0u32;
            let mut t = vec![format!(r#"{{"from": 0, "rate": {first}}}"#)];
            for (step, rate) in steps {
                from += step;
                t.push(format!(r#"{{"from": {}, "rate": {rate}}}"#, Decimal::new(i64::from(from), 2)));
            }
            format!("[{}]", t.join(","))
        });
    let curve = proptest::collection::vec((1u32..100, 0u32..300), 1..4).prop_map(|pts| {
        let (mut x, mut y) = (0u32, 0u32);
        let p: Vec<String> = pts
            .into_iter()
            .map(|(dx, dy)| {
                x += dx;
                y += dy;
                format!(r#"{{"x": {}, "y": {}}}"#, Decimal::new(i64::from(x), 2), Decimal::new(i64::from(y), 2))
            })
            .collect();
        format!("[{}]", p.join(","))
    });
    let metric = prop_oneof![Just("revenue"), Just("units"), Just("ratio"), Just("hours")];
    let component = (0u8..3, metric, tiers, curve, amount.clone(), any::<bool>(), any::<bool>(), 0u8..3).prop_map(
        |(kind, metric, tiers, curve, amount, retro, attainment, cap)| {
            let cap = if cap == 0 { format!(r#", "cap": {amount}"#) } else { String::new() };
            match kind {
                0 => format!(
                    r#"{{"kind": "commission", "id": "ID", "earning_code": "C", "metric": "{metric}",
                        "method": "{}", "basis": "{}", "threshold": 0.25, "tiers": {tiers}{cap}}}"#,
                    if retro { "retroactive" } else { "graduated" },
                    if attainment { "attainment" } else { "amount" }
                ),
                1 => format!(
                    r#"{{"kind": "bonus", "id": "ID", "earning_code": "B", "metric": "{metric}",
                        "target": {}, "base": {}, "curve": {curve}{cap}}}"#,
                    if attainment { r#""quota""# } else { "3" },
                    if retro { r#"{"ti_share": 0.35}"# } else { r#"{"amount": 1234.5}"# }
                ),
                _ => format!(
                    r#"{{"kind": "per_unit", "id": "ID", "earning_code": "U", "metric": "{metric}", "amount": {amount},
                        "min_units": 1.5, "max_units": 40{cap}}}"#
                ),
            }
        },
    );
    let track = (proptest::collection::vec(component, 1..4), proptest::option::of((0u8..3, amount)), any::<bool>())
        .prop_map(|(components, limit, with_multiplier)| {
            let mut parts: Vec<String> =
                components.iter().enumerate().map(|(i, c)| c.replace("\"ID\"", &format!("\"c{i}\""))).collect();
            if with_multiplier {
                parts.push(
                    r#"{"kind": "multiplier", "id": "m", "metric": "units", "applies_to": ["c0"],
                        "steps": [{"from": 0, "factor": 0.95}, {"from": 5, "factor": 1.125}]}"#
                        .to_owned(),
                );
            }
            let limit = match limit {
                Some((0, a)) => format!(r#", "cap": {{"amount": {a}, "earning_code": "X"}}"#),
                Some((1, _)) => r#", "cap": {"multiple_of_ti": 1.75, "earning_code": "X"}"#.to_owned(),
                Some((_, a)) => format!(r#", "guarantee": {{"amount": {a}, "earning_code": "G"}}"#),
                None => String::new(),
            };
            format!(r#"{{"components": [{}]{limit}}}"#, parts.join(","))
        });
    (track.clone(), track, prop_oneof![Just("half_away_from_zero"), Just("half_even"), Just("down")]).prop_map(
        |(sales, other, rounding)| {
            format!(
                r#"{{"schema": 1, "name": "Random", "currency": "EUR", "rounding": "{rounding}",
                    "period": {{"start": "2026-01-01", "end": "2026-03-31"}}, "fx": {{"GBP": 1.1725}},
                    "metrics": {{"ratio": "units / (hours + 1)"}},
                    "tracks": {{"sales": {sales}, "other": {other}}}}}"#
            )
        },
    )
}

/// People with random cents, units, hours, dates and currencies.
fn random_roster() -> impl Strategy<Value = String> {
    let row = (0u8..3, 0u64..200_000_000, 0u64..500_000_000, 0u32..60, 0u32..4000, 0u32..90, 0u32..6, 0u64..3_000_000);
    proptest::collection::vec(row, 1..30).prop_map(|rows| {
        let mut csv =
            String::from("employee_id,name,role,currency,target_incentive,quota,start_date,revenue,units,hours\n");
        for (i, (role, revenue, quota, units, hours, start, cur, ti)) in rows.into_iter().enumerate() {
            let role = ["sales", "other", "nobody"][role as usize];
            let currency = if cur == 0 { "GBP" } else { "EUR" };
            let start = chrono::NaiveDate::from_ymd_opt(2025, 12, 1).unwrap() + chrono::Days::new(u64::from(start));
            csv.push_str(&format!(
                "{i},P{i},{role},{currency},{},{},{start},{},{},{}\n",
                Decimal::new(ti as i64, 2),
                Decimal::new(quota as i64, 2),
                Decimal::new(revenue as i64, 2),
                Decimal::new(i64::from(units), 1),
                Decimal::new(i64::from(hours), 1),
            ));
        }
        csv
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_plans_on_random_people_match_the_exact_reference(text in random_plan(), csv in random_roster()) {
        let plan = plan::parse(&text).unwrap();
        prop_assume!(plan::validate(&plan).iter().all(|p| !p.is_error()));
        check(&plan, &import(csv.as_bytes()));
    }
}

#[test]
fn the_reference_rounds_like_the_domain_says() {
    let r = |s: &str, mode| round(&q_dec(Decimal::from_str(s).unwrap()), 2, mode).to_string();
    assert_eq!(r("1.275", Rounding::HalfAwayFromZero), "1.28");
    assert_eq!(r("-1.275", Rounding::HalfAwayFromZero), "-1.28");
    assert_eq!(r("1.265", Rounding::HalfEven), "1.26");
    assert_eq!(r("-1.265", Rounding::HalfEven), "-1.26");
    assert_eq!(r("1.279", Rounding::Down), "1.27");
    assert_eq!(r("-1.279", Rounding::Down), "-1.27");
}
