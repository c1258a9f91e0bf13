//! The pay rules: one kernel per rule (commission, bonus, per-unit, multiplier, line cap, plan
//! cap and guarantee), generic over the number kind ([`Num`]: exact [`Rational`]s for payroll,
//! `f64` for the behaviour simulation) and over a [`Tracer`] that writes the explanation only
//! when asked. The exact path ([`super::CompiledPlan::report`]), the explaining path (the same
//! with [`Explain`]) and the batched `f64` path ([`super::CompiledPlan::pay_batch`]) all call
//! these kernels, so a change to a rule reaches all three.
//!
//! A line is computed in two steps: [`CompiledPlan::line_inputs`] looks up what does not depend
//! on the line's metric (the prorated quota, a bonus's target and base), then
//! [`CompiledPlan::line_value`] applies the rule to the metric's value. The batched path does the
//! first step once and the second once per value.

use rust_decimal::Decimal;

use super::compiled::{
    BaseKonst, CommissionLine, CompiledLine, CompiledMultiplier, CompiledPlan, CompiledPoint, CompiledTrack,
    LimitKonst, LineError, LineRule, PersonContext, Slot, TargetSlot,
};
use super::show;
use crate::money;
use crate::num::{ArithError, Konst, Num, Rational};
use crate::plan::{Basis, Method};

/// Writes explanation fragments; with [`NoTrace`] nothing is formatted at all, which keeps the
/// payroll amounts and the simulation's hot loop free of text work.
pub(crate) trait Tracer {
    /// Whether fragments are being recorded (check before computing anything only for them).
    fn on(&self) -> bool;
    /// Appends a fragment (joined with `; `).
    fn push(&mut self, fragment: std::fmt::Arguments<'_>);
    /// How the person's quota was prorated and converted (`516,000.00 × 69/90 days employed`),
    /// when it was.
    fn quota_note(&self) -> Option<&str> {
        None
    }
    /// The same for the target incentive.
    fn ti_note(&self) -> Option<&str> {
        None
    }
    /// The person's row currency and rate, when their money was converted.
    fn fx_note(&self) -> Option<&FxNote> {
        None
    }
}

/// How a person's money was converted: their row's currency, the plan's, and the rate.
#[derive(Clone, Debug)]
pub(crate) struct FxNote {
    pub currency: String,
    pub plan: String,
    pub rate: Decimal,
}

impl FxNote {
    /// ` (180,500.50 EUR × 1.0832 USD/EUR)` after a money metric's converted value `m`.
    fn after<N: Num>(note: Option<&Self>, m: &N, dp: u32) -> String {
        let Some(fx) = note else { return String::new() };
        let Ok(raw) = m.to_rational().div(&Rational::from_decimal(fx.rate)) else { return String::new() };
        format!(" ({} {c} × {} {}/{c})", show::amount(&raw, dp), money::Number(fx.rate), fx.plan, c = fx.currency)
    }
}

/// A tracer that records nothing.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    #[inline]
    fn on(&self) -> bool {
        false
    }
    #[inline]
    fn push(&mut self, _fragment: std::fmt::Arguments<'_>) {}
}

/// How a person's prorated amounts were reached, shown in the lines that use them.
#[derive(Clone, Debug, Default)]
pub(crate) struct PersonNotes {
    /// For the prorated quota.
    pub quota: Option<String>,
    /// For the prorated target incentive.
    pub ti: Option<String>,
    /// For the money metrics, converted from the row's currency.
    pub fx: Option<FxNote>,
}

/// A tracer that writes fragments into one string, separated by `; `.
pub(crate) struct Explain<'a> {
    /// The explanation so far.
    pub text: String,
    /// The person's notes.
    pub notes: &'a PersonNotes,
}

impl Tracer for Explain<'_> {
    fn on(&self) -> bool {
        true
    }
    fn push(&mut self, fragment: std::fmt::Arguments<'_>) {
        use std::fmt::Write as _;
        if !self.text.is_empty() {
            self.text.push_str("; ");
        }
        self.text.write_fmt(fragment).ok();
    }
    fn quota_note(&self) -> Option<&str> {
        self.notes.quota.as_deref()
    }
    fn ti_note(&self) -> Option<&str> {
        self.notes.ti.as_deref()
    }
    fn fx_note(&self) -> Option<&FxNote> {
        self.notes.fx.as_ref()
    }
}

/// The raw result of one line before rounding.
#[derive(Clone, Debug)]
pub(crate) struct RawLine<N> {
    pub value: N,
    /// `x` of the line when it measures attainment against quota or a target.
    pub attainment: Option<N>,
    /// What the line was paid on: attainment, metric ÷ target, the money metric, or units.
    pub measure: Option<N>,
    /// The metric was negative, so the line pays 0 (DOMAIN.md: with a warning).
    pub negative_metric: bool,
}

impl<N: Num> RawLine<N> {
    fn new(value: N, attainment: Option<N>, measure: Option<N>) -> Self {
        Self { value, attainment, measure, negative_metric: false }
    }
}

/// Which of a track's lines to compute for someone whose other lines are known: after an edit
/// that changed only some of the track's components (see `reuse.rs`).
pub(crate) struct Subset<'a> {
    /// By line: whether the edit changed it.
    pub changed: &'a [bool],
    /// Whether a line measured attainment before the edit: then every line up to the first
    /// that does is computed (the payout shows it); otherwise the unchanged lines still do not.
    pub attainment: bool,
    /// By line, filled in: whether it was computed.
    pub computed: Vec<bool>,
}

/// What a line needs besides its metric's value, looked up once per person (and batch).
#[derive(Clone, Debug)]
pub(crate) enum LineInputs<N> {
    /// The prorated quota, when the tiers are in attainment.
    Commission { quota: Option<N> },
    /// The target the metric is divided by, and the base the curve multiplies.
    Bonus { target: N, base: N },
    /// Nothing.
    PerUnit,
    /// Not looked up: the metric is negative, so the line pays 0 whatever they are.
    Unused,
}

pub(crate) fn arith(component: &str) -> impl Fn(ArithError) -> LineError + '_ {
    move |e| arith_error(component, e)
}

/// Kept out of line: the hot loops only branch to it.
#[cold]
#[inline(never)]
fn arith_error(component: &str, e: ArithError) -> LineError {
    LineError { component: Some(component.to_owned()), message: format!("{e} while computing this line") }
}

impl CompiledPlan {
    /// Evaluates every line of `track` for one person: raw values with thresholds, multipliers,
    /// line caps, in that order (DOMAIN.md steps 1–3). Limits and rounding are the caller's.
    /// With a `subset`, only the lines it asks for (the others are left at 0 and marked as not
    /// computed).
    #[expect(clippy::too_many_arguments, reason = "the person's inputs, the buffers and the subset")]
    pub(crate) fn lines<N: Num, T: Tracer>(
        &self,
        track: &CompiledTrack,
        ctx: &PersonContext<N>,
        values: &[Option<N>],
        out: &mut Vec<RawLine<N>>,
        traces: &mut [T],
        errors: &mut Vec<LineError>,
        mut subset: Option<&mut Subset<'_>>,
    ) {
        out.clear();
        if let Some(s) = subset.as_deref_mut() {
            s.computed.clear();
        }
        // Whether the first line that measures attainment has been computed.
        let mut attained = subset.as_deref().is_some_and(|s| !s.attainment);
        for (i, line) in track.lines.iter().enumerate() {
            if let Some(s) = subset.as_deref_mut() {
                let wanted = !attained || s.changed.get(i).copied().unwrap_or(true);
                s.computed.push(wanted);
                if !wanted {
                    out.push(RawLine::new(N::ZERO, None, None));
                    continue;
                }
            }
            // Each tracer kind gets its own copy of `raw_line`: with `NoTrace` every explanation
            // branch compiles away.
            let raw = match traces.get_mut(i) {
                Some(t) => self.raw_line(line, ctx, values, t),
                None => self.raw_line(line, ctx, values, &mut NoTrace),
            };
            match raw {
                Ok(raw) => {
                    attained |= raw.attainment.is_some();
                    out.push(raw);
                }
                Err(e) => {
                    errors.push(e);
                    out.push(RawLine::new(N::ZERO, None, None));
                }
            }
        }
        let computed = |i: usize| subset.as_deref().is_none_or(|s| s.computed.get(i).copied().unwrap_or(false));
        for m in &track.multipliers {
            // With a subset, a multiplier of none of the lines computed is not looked up.
            if subset.is_some() && !m.targets.iter().any(|&t| computed(t)) {
                continue;
            }
            let value = match lookup(&m.metric, ctx, values) {
                Ok(v) => v,
                Err(missing) => {
                    errors.push(LineError {
                        component: Some(m.id.clone()),
                        message: missing.describe(&m.metric_name, &self.joined),
                    });
                    continue;
                }
            };
            let (factor, step_from) = multiplier_factor(m, &value);
            for &t in &m.targets {
                if !computed(t) {
                    continue;
                }
                let Some(raw) = out.get_mut(t) else { continue };
                match raw.value.mul(&N::konst(&factor)) {
                    Ok(v) => raw.value = v,
                    Err(e) => errors.push(arith(&m.id)(e)),
                }
                if let Some(tr) = traces.get_mut(t)
                    && tr.on()
                {
                    let step = StepFrom(step_from);
                    tr.push(format_args!(
                        "× {} by {} ({} {}, {step}) = {}",
                        money::Number(factor.dec),
                        m.id,
                        m.metric_name,
                        show::number(&value.to_rational()),
                        show::amount(&raw.value.to_rational(), self.minor_units)
                    ));
                }
            }
        }
        for (i, line) in track.lines.iter().enumerate() {
            let (Some(cap), Some(raw), true) = (line.cap, out.get_mut(i), computed(i)) else {
                continue;
            };
            if line_cap(&mut raw.value, &cap)
                && let Some(tr) = traces.get_mut(i)
                && tr.on()
            {
                tr.push(format_args!("capped at the line's maximum {}", show::constant(cap.dec, self.minor_units)));
            }
        }
    }

    /// One line's raw value (DOMAIN.md step 1): its inputs looked up, then its rule applied.
    pub(crate) fn raw_line<N: Num, T: Tracer>(
        &self,
        line: &CompiledLine,
        ctx: &PersonContext<N>,
        values: &[Option<N>],
        t: &mut T,
    ) -> Result<RawLine<N>, LineError> {
        let m = lookup(line.metric(), ctx, values).map_err(|missing| LineError {
            component: Some(line.id.to_string()),
            message: missing.describe(&line.metric_name, &self.joined),
        })?;
        let inputs = if m.is_negative() { LineInputs::Unused } else { self.line_inputs(line, ctx, values)? };
        self.line_value(line, ctx, &inputs, m, t)
    }

    /// What `line` needs besides its metric, for one person.
    pub(crate) fn line_inputs<N: Num>(
        &self,
        line: &CompiledLine,
        ctx: &PersonContext<N>,
        values: &[Option<N>],
    ) -> Result<LineInputs<N>, LineError> {
        let id: &str = &line.id;
        let err = |message: String| LineError { component: Some(id.to_owned()), message };
        match &line.rule {
            LineRule::Commission(c) => Ok(LineInputs::Commission {
                quota: match c.basis {
                    Basis::Attainment => Some(quota_of(ctx).map_err(|e| err(e.to_string()))?),
                    Basis::Amount => None,
                },
            }),
            LineRule::Bonus(b) => {
                let (target, target_text) = match &b.target {
                    TargetSlot::Quota => (quota_of(ctx).map_err(|e| err(e.to_string()))?, "prorated quota"),
                    TargetSlot::Value(v) => (N::konst(v), "target"),
                    TargetSlot::Slot(slot, col) => (
                        lookup(slot, ctx, values).map_err(|missing| err(missing.describe(col, &self.joined)))?,
                        col.as_str(),
                    ),
                };
                if target <= N::ZERO {
                    return Err(err(format!(
                        "{target_text} is {}; a bonus needs a target above 0",
                        show::number(&target.to_rational())
                    )));
                }
                let base = match &b.base {
                    BaseKonst::TiShare(share) => {
                        let ti = ctx.target_incentive.as_ref().ok_or_else(|| {
                            err("the roster row has no target_incentive, which this bonus is a share of".to_owned())
                        })?;
                        ti.mul(&N::konst(share)).map_err(arith(id))?
                    }
                    BaseKonst::Amount(a) => N::konst(a),
                };
                Ok(LineInputs::Bonus { target, base })
            }
            LineRule::PerUnit(_) => Ok(LineInputs::PerUnit),
        }
    }

    /// The rule of `line` applied to its metric's value `m`: the kernel every path shares.
    #[inline]
    pub(crate) fn line_value<N: Num, T: Tracer>(
        &self,
        line: &CompiledLine,
        ctx: &PersonContext<N>,
        inputs: &LineInputs<N>,
        m: N,
        t: &mut T,
    ) -> Result<RawLine<N>, LineError> {
        let id: &str = &line.id;
        let dp = self.minor_units;
        let name = &line.metric_name;
        if m.is_negative() {
            if t.on() {
                t.push(format_args!(
                    "{name} is negative ({}): pays 0 — check the roster",
                    show::amount(&m.to_rational(), dp)
                ));
            }
            return Ok(RawLine { value: N::ZERO, attainment: None, measure: None, negative_metric: true });
        }
        match (&line.rule, inputs) {
            (LineRule::Commission(c), LineInputs::Commission { quota }) => {
                self.commission(c, id, name, m, quota.as_ref(), t)
            }
            (LineRule::Bonus(b), LineInputs::Bonus { target, base }) => {
                let ar = arith(id);
                let x = m.div(target).map_err(&ar)?;
                if t.on() {
                    let x_exact = x.to_rational();
                    let x_shown = show::percent(&x_exact);
                    match &b.target {
                        TargetSlot::Quota => {
                            // Copied (few people have a note) so that `t` can be written to.
                            let note = t.quota_note().map(str::to_owned);
                            let fx = FxNote::after(t.fx_note(), &m, dp);
                            t.push(format_args!(
                                "attainment {x_shown} = {name} {}{fx} ÷ prorated quota {}",
                                show::amount(&m.to_rational(), dp),
                                quota_text(target, dp, note.as_deref()),
                            ));
                        }
                        TargetSlot::Value(_) | TargetSlot::Slot(..) => {
                            let target_name = match &b.target {
                                TargetSlot::Slot(_, col) => col.as_str(),
                                _ => "target",
                            };
                            // A target column converted as money (its metric is money too): both
                            // figures say what they were in the row's currency.
                            let converted = matches!(&b.target, TargetSlot::Slot(Slot::Value(i), _)
                                if *i < self.roster_metrics && self.is_money_metric(*i));
                            let (fx_m, fx_t) = if converted {
                                (FxNote::after(t.fx_note(), &m, dp), FxNote::after(t.fx_note(), target, dp))
                            } else {
                                (String::new(), String::new())
                            };
                            t.push(format_args!(
                                "{name} {}{fx_m} ÷ {target_name} {}{fx_t} = {x_shown} of target",
                                show::number(&m.to_rational()),
                                show::number(&target.to_rational()),
                            ));
                        }
                    }
                }
                let y = curve_value(&b.curve, &x, t).map_err(&ar)?;
                if t.on() {
                    match (&b.base, &ctx.target_incentive) {
                        (BaseKonst::TiShare(share), Some(ti)) => {
                            let ti = ti.to_rational();
                            let note = t.ti_note().map(str::to_owned);
                            let ti_text = Noted(show::amount(&ti, dp), note.as_deref());
                            t.push(format_args!(
                                "{} of prorated target incentive {ti_text} = {}",
                                money::Rate(share.dec),
                                show::amount(&base.to_rational(), dp)
                            ));
                        }
                        _ => t.push(format_args!("base {}", show::amount(&base.to_rational(), dp))),
                    }
                }
                let value = base.mul(&y).map_err(&ar)?;
                if t.on() {
                    t.push(format_args!(
                        "× {} = {}",
                        show::number(&y.to_rational()),
                        show::amount(&value.to_rational(), dp)
                    ));
                }
                Ok(RawLine::new(value, Some(x.clone()), Some(x)))
            }
            (LineRule::PerUnit(u), LineInputs::PerUnit) => {
                if let Some(min) = &u.min_units
                    && m < N::konst(min)
                {
                    if t.on() {
                        t.push(format_args!(
                            "{} {name} is below the minimum of {}: pays 0",
                            show::number(&m.to_rational()),
                            money::Number(min.dec)
                        ));
                    }
                    return Ok(RawLine::new(N::ZERO, None, Some(m)));
                }
                let paid = match &u.max_units {
                    Some(max) if m > N::konst(max) => N::konst(max),
                    _ => m.clone(),
                };
                let value = paid.mul(&N::konst(&u.amount)).map_err(arith(id))?;
                if t.on() {
                    if paid == m {
                        t.push(format_args!(
                            "{} {name} × {} = {}",
                            show::number(&m.to_rational()),
                            show::constant(u.amount.dec, dp),
                            show::amount(&value.to_rational(), dp)
                        ));
                    } else {
                        t.push(format_args!(
                            "{} {name}, paid up to {} × {} = {}",
                            show::number(&m.to_rational()),
                            show::number(&paid.to_rational()),
                            show::constant(u.amount.dec, dp),
                            show::amount(&value.to_rational(), dp)
                        ));
                    }
                }
                Ok(RawLine::new(value, None, Some(m)))
            }
            _ => Err(LineError {
                component: Some(id.to_owned()),
                message: "internal error: a line's inputs do not match its rule".to_owned(),
            }),
        }
    }

    /// The commission rule: threshold, then graduated or retroactive tiers.
    fn commission<N: Num, T: Tracer>(
        &self,
        c: &CommissionLine,
        id: &str,
        name: &str,
        m: N,
        quota: Option<&N>,
        t: &mut T,
    ) -> Result<RawLine<N>, LineError> {
        let ar = arith(id);
        let dp = self.minor_units;
        let measure = match quota {
            Some(q) => m.div(q).map_err(&ar)?,
            None => m.clone(),
        };
        // A tier constant in money: scaled by the prorated quota for attainment tiers.
        let scale = |x: &Konst| -> Result<N, LineError> {
            match quota {
                Some(q) => N::konst(x).mul(q).map_err(&ar),
                None => Ok(N::konst(x)),
            }
        };
        if t.on() {
            match quota {
                Some(q) => {
                    let note = t.quota_note().map(str::to_owned);
                    let fx = FxNote::after(t.fx_note(), &m, dp);
                    t.push(format_args!(
                        "attainment {} = {name} {}{fx} ÷ prorated quota {}",
                        show::percent(&measure.to_rational()),
                        show::amount(&m.to_rational(), dp),
                        quota_text(q, dp, note.as_deref())
                    ));
                }
                None => {
                    let fx = FxNote::after(t.fx_note(), &m, dp);
                    t.push(format_args!("{name} {}{fx}", show::amount(&m.to_rational(), dp)));
                }
            }
        }
        let attainment = quota.map(|_| measure.clone());
        let edge_text = |x: Decimal| EdgeText { x, percent: quota.is_some(), dp };
        if let Some(th) = &c.threshold {
            if measure < N::konst(th) {
                if t.on() {
                    t.push(format_args!("below the {} threshold: pays 0", edge_text(th.dec)));
                }
                return Ok(RawLine::new(N::ZERO, attainment, Some(measure)));
            }
            if t.on() {
                t.push(format_args!("at or above the {} threshold", edge_text(th.dec)));
            }
        }
        // The highest tier whose lower edge (in money) is at or below the metric.
        let mut lo = 0usize;
        let mut hi = c.tiers.len();
        while lo < hi {
            let mid = (lo + hi) / 2;
            let edge = match c.tiers.get(mid) {
                Some(tier) => scale(&tier.0)?,
                None => N::ZERO,
            };
            if edge <= m { lo = mid + 1 } else { hi = mid }
        }
        let Some((k, (from_k, rate_k, cum_k))) = lo.checked_sub(1).and_then(|k| Some((k, c.tiers.get(k)?))) else {
            return Ok(RawLine::new(N::ZERO, attainment, Some(measure)));
        };
        let value = match c.method {
            Method::Retroactive => {
                let v = m.mul(&N::konst(rate_k)).map_err(&ar)?;
                if t.on() {
                    t.push(format_args!(
                        "tier from {} reached: {} × {} = {}",
                        edge_text(from_k.dec),
                        money::Rate(rate_k.dec),
                        show::amount(&m.to_rational(), dp),
                        show::amount(&v.to_rational(), dp)
                    ));
                }
                v
            }
            Method::Graduated => {
                let base = scale(cum_k)?;
                let above = m.sub(&scale(from_k)?).map_err(&ar)?.mul(&N::konst(rate_k)).map_err(&ar)?;
                let v = base.add(&above).map_err(&ar)?;
                if t.on() {
                    self.explain_graduated(c, k, &m, quota, t);
                }
                v
            }
        };
        Ok(RawLine::new(value, attainment, Some(measure)))
    }

    /// Each tier's part of a graduated commission, exactly (they add up to the line).
    fn explain_graduated<N: Num>(&self, c: &CommissionLine, k: usize, m: &N, quota: Option<&N>, t: &mut impl Tracer) {
        let dp = self.minor_units;
        let m = m.to_rational();
        let q = quota.map(Num::to_rational);
        let percent = q.is_some();
        let edge = |x: &Rational| TierEdge { x: x.clone(), percent, dp };
        let unit = if q.is_some() { "%" } else { "" };
        let measure = match &q {
            Some(q) => m.div(q).unwrap_or(Rational::ZERO),
            None => m.clone(),
        };
        let money_at = |x: &Rational| match &q {
            Some(q) => x.mul(q),
            None => x.clone(),
        };
        const SHOWN: usize = 12;
        let skipped = (k + 1).saturating_sub(SHOWN);
        if skipped > 0 {
            t.push(format_args!("{skipped} lower tiers not listed"));
        }
        for (j, (from, rate, _)) in c.tiers.iter().enumerate().take(k + 1).skip(skipped) {
            let from = Rational::from_decimal(from.dec);
            let next = c.tiers.get(j + 1).map(|n| Rational::from_decimal(n.0.dec));
            let (upper, upper_money) = match next {
                Some(n) if j < k => (n.clone(), money_at(&n)),
                _ => (measure.clone(), m.clone()),
            };
            let amount = upper_money.sub(&money_at(&from)).mul(&Rational::from_decimal(rate.dec));
            t.push(format_args!(
                "{}–{}{unit} at {} = {}",
                edge(&from),
                edge(&upper),
                money::Rate(rate.dec),
                show::amount(&amount, dp)
            ));
        }
    }

    /// The amount of a cap or guarantee for this person (unrounded).
    #[inline]
    pub(crate) fn limit_amount<N: Num>(
        &self,
        limit: &LimitKonst,
        ctx: &PersonContext<N>,
        which: &str,
    ) -> Result<N, LineError> {
        let err = |message: String| LineError { component: Some(which.to_owned()), message };
        if let Some(m) = &limit.multiple_of_ti {
            let ti = ctx.target_incentive.as_ref().ok_or_else(|| {
                err(format!(
                    "the {which} is a multiple of target incentive, but the roster row has no target_incentive"
                ))
            })?;
            return ti.mul(&N::konst(m)).map_err(|e| err(e.to_string()));
        }
        N::konst(&limit.amount).mul(&ctx.proration).map_err(|e| err(e.to_string()))
    }

    /// A person's total pay in `N` without rounding: lines, multipliers, caps, then the plan cap
    /// and guarantee. This is what the behaviour simulation maximises; `values` must hold the
    /// person's metrics (see [`CompiledPlan::prepare`]).
    pub(crate) fn pay<N: Num>(
        &self,
        role: &str,
        ctx: &PersonContext<N>,
        values: &[Option<N>],
        raw: &mut Vec<RawLine<N>>,
    ) -> Result<N, LineError> {
        let Some(track) = self.tracks.get(role) else {
            return Ok(N::ZERO);
        };
        self.pay_track(track, ctx, values, raw)
    }

    /// [`CompiledPlan::pay`] for a track already looked up (see [`CompiledPlan::track`]), so
    /// the behaviour simulation's hot loop does not hash the role on every evaluation.
    pub(crate) fn pay_track<N: Num>(
        &self,
        track: &CompiledTrack,
        ctx: &PersonContext<N>,
        values: &[Option<N>],
        raw: &mut Vec<RawLine<N>>,
    ) -> Result<N, LineError> {
        let mut errors = Vec::new();
        self.lines(track, ctx, values, raw, &mut [] as &mut [NoTrace], &mut errors, None);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        let mut total = N::ZERO;
        for r in raw.iter() {
            total = total.add(&r.value).map_err(|e| LineError { component: None, message: e.to_string() })?;
        }
        self.limited_total(track, ctx, total)
    }

    /// `total` after the track's plan-level cap, then its guarantee (DOMAIN.md step 4: the
    /// guarantee is applied last, so where it is above the cap the guarantee wins).
    pub(crate) fn limited_total<N: Num>(
        &self,
        track: &CompiledTrack,
        ctx: &PersonContext<N>,
        total: N,
    ) -> Result<N, LineError> {
        let cap = track.cap.as_ref().map(|c| self.limit_amount(c, ctx, "cap")).transpose()?;
        let floor = track.guarantee.as_ref().map(|g| self.limit_amount(g, ctx, "guarantee")).transpose()?;
        Ok(limit_total(total, cap, floor))
    }
}

/// The plan-level limits on a total: capped at `cap`, then raised to `floor`.
#[inline]
pub(crate) fn limit_total<N: PartialOrd>(total: N, cap: Option<N>, floor: Option<N>) -> N {
    let total = match cap {
        Some(cap) if cap < total => cap,
        _ => total,
    };
    match floor {
        Some(floor) if floor > total => floor,
        _ => total,
    }
}

/// A line's own cap (DOMAIN.md step 3); whether it bound.
#[inline]
pub(crate) fn line_cap<N: Num>(value: &mut N, cap: &Konst) -> bool {
    let cap = N::konst(cap);
    if *value > cap {
        *value = cap;
        return true;
    }
    false
}

/// A multiplier's factor at `value` (the step with the largest `from` at or below it; 1 below
/// the first step), and that step's `from`.
#[inline]
pub(crate) fn multiplier_factor<N: Num>(m: &CompiledMultiplier, value: &N) -> (Konst, Option<Decimal>) {
    m.steps
        .iter()
        .rev()
        .find(|(from, _)| N::konst(from) <= *value)
        .map_or((Konst::new(Decimal::ONE), None), |(from, f)| (*f, Some(from.dec)))
}

/// The prorated quota, with how it was reached when the person's notes say.
fn quota_text<'a, N: Num>(q: &N, dp: u32, note: Option<&'a str>) -> impl std::fmt::Display + 'a {
    Noted(show::amount_owned(q.to_rational(), dp), note)
}

/// A value then ` (note)` when there is a note, written without allocating.
struct Noted<'a, D>(D, Option<&'a str>);

// The parts are written straight to `f` (not through `write!`, which formats anew): the
// explanations' `{}`s carry no width or precision for them to see.
impl<D: std::fmt::Display> std::fmt::Display for Noted<'_, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)?;
        match self.1 {
            Some(note) => {
                f.write_str(" (")?;
                f.write_str(note)?;
                f.write_str(")")
            }
            None => Ok(()),
        }
    }
}

/// A multiplier's step in its explanation: `step from 3`, or `below the first step`.
struct StepFrom(Option<Decimal>);

impl std::fmt::Display for StepFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(from) => {
                f.write_str("step from ")?;
                std::fmt::Display::fmt(&money::Number(from), f)
            }
            None => f.write_str("below the first step"),
        }
    }
}

/// A graduated tier's edge in its explanation: a percentage number (`150`), or money.
struct TierEdge {
    x: Rational,
    percent: bool,
    dp: u32,
}

impl std::fmt::Display for TierEdge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.percent {
            std::fmt::Display::fmt(&show::pct_number(&self.x), f)
        } else {
            std::fmt::Display::fmt(&show::amount(&self.x, self.dp), f)
        }
    }
}

/// A commission's threshold or tier edge: a percentage of quota (`50%`), or money.
struct EdgeText {
    x: Decimal,
    percent: bool,
    dp: u32,
}

impl std::fmt::Display for EdgeText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.percent {
            std::fmt::Display::fmt(&show::pct_number(&Rational::from_decimal(self.x)), f)?;
            f.write_str("%")
        } else {
            std::fmt::Display::fmt(&money::Grouped(self.x, self.dp), f)
        }
    }
}

/// Why a person has no quota to measure attainment against.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(crate) enum QuotaError {
    /// The roster row has no quota.
    #[error("the roster row has no quota, which this component measures attainment against")]
    Missing,
    /// The prorated quota is zero or negative.
    #[error("prorated quota is {}; attainment needs a quota above 0", show::number(quota))]
    NotPositive { quota: Rational },
}

pub(crate) fn quota_of<N: Num>(ctx: &PersonContext<N>) -> Result<N, QuotaError> {
    match &ctx.quota {
        None => Err(QuotaError::Missing),
        Some(q) if *q <= N::ZERO => Err(QuotaError::NotPositive { quota: q.to_rational() }),
        Some(q) => Ok(q.clone()),
    }
}

/// Why a value is missing for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Missing {
    /// The roster has the column, but not this person's file.
    NotInFile,
    /// Neither a roster column nor a derived metric.
    Unknown,
    /// No quota in the row.
    Quota,
    /// No target incentive in the row.
    TargetIncentive,
    /// No base salary in the row.
    BaseSalary,
}

impl Missing {
    /// A message naming the value and where it was looked for: the roster file, and the files
    /// `joined` onto the roster ([`crate::roster::Roster::joined`]).
    pub(crate) fn describe(&self, name: &str, joined: &[String]) -> String {
        match self {
            Self::NotInFile if joined.is_empty() => {
                format!("`{name}` has no value for this person: their roster file has no `{name}` column")
            }
            Self::NotInFile => format!(
                "`{name}` has no value for this person: neither their roster file nor the files joined onto it ({}) \
                 give them one",
                joined.join(", ")
            ),
            Self::Unknown if joined.is_empty() => format!(
                "unknown metric `{name}`: the roster has no such column and the plan defines no such derived metric"
            ),
            Self::Unknown => format!(
                "unknown metric `{name}`: neither the roster nor the files joined onto it ({}) have such a column, and \
                 the plan defines no such derived metric",
                joined.join(", ")
            ),
            Self::Quota => "the roster row has no quota".to_owned(),
            Self::TargetIncentive => "the roster row has no target_incentive".to_owned(),
            Self::BaseSalary => "the roster row has no base_salary".to_owned(),
        }
    }
}

#[inline]
pub(crate) fn lookup<N: Num>(slot: &Slot, ctx: &PersonContext<N>, values: &[Option<N>]) -> Result<N, Missing> {
    // Almost every slot is a value: one compare instead of a jump through the variant table.
    if let Slot::Value(i) = slot {
        return values.get(*i).cloned().flatten().ok_or(Missing::NotInFile);
    }
    match slot {
        Slot::Value(i) => values.get(*i).cloned().flatten().ok_or(Missing::NotInFile),
        Slot::Quota => ctx.quota.clone().ok_or(Missing::Quota),
        Slot::TargetIncentive => ctx.target_incentive.clone().ok_or(Missing::TargetIncentive),
        Slot::BaseSalary => ctx.base_salary.clone().ok_or(Missing::BaseSalary),
        Slot::Unknown(_) => Err(Missing::Unknown),
    }
}

/// Interpolates a bonus curve at `x`: 0 below the first point, linear between points, flat
/// after the last.
pub(crate) fn curve_value<N: Num>(curve: &[CompiledPoint], x: &N, t: &mut impl Tracer) -> Result<N, ArithError> {
    let Some(first) = curve.first() else {
        return Ok(N::ZERO);
    };
    if *x < N::konst(&first.x) {
        if t.on() {
            t.push(format_args!("below the curve's first point {}: pays 0", money::Number(first.x.dec)));
        }
        return Ok(N::ZERO);
    }
    for w in curve.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        if *x < N::konst(&b.x) {
            // ya + (x − xa) × (yb − ya) ÷ (xb − xa): multiply before dividing to stay exact.
            let y = x.sub(&N::konst(&a.x))?.mul(&N::konst(&a.rise))?.div(&N::konst(&a.run))?.add(&N::konst(&a.y))?;
            if t.on() {
                t.push(format_args!(
                    "curve {} (between points ({}, {}) and ({}, {}))",
                    show::number(&y.to_rational()),
                    money::Number(a.x.dec),
                    money::Number(a.y.dec),
                    money::Number(b.x.dec),
                    money::Number(b.y.dec)
                ));
            }
            return Ok(y);
        }
    }
    let last = curve.last().copied().unwrap_or(*first);
    let (xl, yl) = (last.x.dec, last.y.dec);
    if t.on() {
        if curve.len() == 1 {
            t.push(format_args!("goal of {} reached: curve {}", money::Number(xl), money::Number(yl)));
        } else {
            t.push(format_args!(
                "at or above the curve's last point {}: curve {}",
                money::Number(xl),
                money::Number(yl)
            ));
        }
    }
    Ok(N::konst(&last.y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explanation_pieces_written_in_place_read_as_the_strings_they_replace() {
        assert_eq!(StepFrom(None).to_string(), "below the first step");
        assert_eq!(StepFrom(Some(Decimal::new(3, 0))).to_string(), "step from 3");
        assert_eq!(
            StepFrom(Some(Decimal::new(90, 2))).to_string(),
            format!("step from {}", money::Number(Decimal::new(90, 2)))
        );
        let v = Rational::from_decimal(Decimal::new(1_234_567, 2));
        assert_eq!(Noted(show::amount(&v, 2), None).to_string(), "12,345.67");
        assert_eq!(Noted(show::amount(&v, 2), Some("x 69/90")).to_string(), "12,345.67 (x 69/90)");
        assert_eq!(quota_text(&v, 2, Some("n")).to_string(), format!("{} (n)", show::amount(&v, 2)));
        let half = Decimal::new(5, 1);
        assert_eq!(EdgeText { x: half, percent: true, dp: 2 }.to_string(), format!("{}%", show::pct_of(half)));
        assert_eq!(
            EdgeText { x: Decimal::new(150_000, 0), percent: false, dp: 2 }.to_string(),
            money::grouped(Decimal::new(150_000, 0), 2)
        );
        let tier = Rational::from_decimal(Decimal::new(15, 1));
        assert_eq!(TierEdge { x: tier.clone(), percent: true, dp: 2 }.to_string(), show::pct_number(&tier).to_string());
        assert_eq!(TierEdge { x: v.clone(), percent: false, dp: 2 }.to_string(), show::amount(&v, 2).to_string());
    }
}
