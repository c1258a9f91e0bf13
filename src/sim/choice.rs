//! How one person splits their time: maximise
//! `E[pay(y)] + Σ m_j h_j − Σ h_j² / (2 s_j)` subject to `Σ h_j = T`, `h_j ≥ 0`.
//!
//! **Expected pay.** Activity `j`'s results scale with `u_j = h_j · ξ_j`, where `ξ_j` is
//! log-normal with mean 1 and log spread `σ_j`. Around an *anchor* allocation `h^A`, expected
//! pay is taken one activity at a time (the others at their expected level):
//! `P(h) ≈ pay(h^A) + Σ_j (Φ_j(h_j) − pay(h^A))`, with `Φ_j(h) = E[pay(h^A_{−j}, u_j = h ξ_j)]`.
//! This is exact when the plan's lines depend on separate activities (checked at the answer:
//! pay there must equal the anchor's pay plus each activity's own change); otherwise the anchor
//! moves to the answer and the answer is recomputed until the two agree, so interactions
//! (multipliers, caps, shares of two activities) are taken at the final allocation.
//!
//! `Φ_j` is an integral over the log of `u_j`. Pay is evaluated (by the plan itself, through
//! [`PayFn`]) on a fixed grid of `ln u` spaced `σ_j / 3`, and weighted with the normal density
//! centred on `ln h − σ_j²/2`. The grid does not move with `h`, only the weights do, so `Φ_j` is
//! smooth in `h` even when pay jumps (thresholds, minimum units, multiplier steps), each pay value
//! is computed once, and the first and second derivatives come in closed form. Under a linear
//! plan `Φ_j` is exactly linear, so the allocation cannot depend on the noise.
//!
//! **Risk aversion.** A risk-averse person (constant absolute risk aversion `A`,
//! [`Surrogate::risk_averse`]) values each activity's uncertain pay at its certainty
//! equivalent `Φ_j(h) = −(1/A) ln E[e^{−A pay(h^A_{−j}, u_j = h ξ_j)}]` instead of its
//! expectation: the same grid, with the kernel's weighted mean replaced by that exponential
//! mean. Independent noise makes this separable too: for pay that adds up across activities
//! the certainty equivalent of the total is the anchor's pay plus each activity's own change,
//! exactly. A certain amount is worth itself, so without noise `A` changes nothing, and the
//! non-pay terms of the objective stay in money (Holmström & Milgrom's agent maximises
//! `E[w] − (r/2) Var[w] − C(e)`, the certainty equivalent of `−e^{−r (w − C(e))}`).
//!
//! **Maximisation.** Because the approximation is separable, the best allocation is found
//! globally: every paid activity is scanned on a grid of hours, and the time budget is shared
//! by a Lagrange multiplier (the price of an hour), picking for each activity its best grid
//! point at that price — this finds "push over the threshold" and "give up" corners. Each
//! candidate (and the starting allocation) is then polished by Newton steps on the exact
//! objective, with the time budget met by water-filling; linear plans land on the closed-form
//! water-filling answer in one step.

use super::error::PayError;
use super::mathx::{exp, ln};

/// Evaluates the plan's pay for one person when activity `j` delivers `u[j]` effective hours
/// (its hours times its noise draw).
pub(crate) trait PayFn {
    /// The person's total pay, or why it cannot be computed.
    fn pay(&mut self, u: &[f64]) -> Result<f64, PayError>;

    /// `out[i]` = pay at `u` with activity `d` delivering `values[i]` instead, for every `i`;
    /// on failure, the error of the first `i` that fails.
    fn pay_many(&mut self, u: &[f64], d: usize, values: &[f64], out: &mut [f64]) -> Result<(), PayError> {
        let mut at = u.to_vec();
        for (v, paid) in values.iter().zip(out.iter_mut()) {
            if let Some(x) = at.get_mut(d) {
                *x = *v;
            }
            *paid = self.pay(&at)?;
        }
        Ok(())
    }
}

impl<F: FnMut(&[f64]) -> Result<f64, PayError>> PayFn for F {
    fn pay(&mut self, u: &[f64]) -> Result<f64, PayError> {
        self(u)
    }
}

/// The person's preferences and constraint.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Params<'a> {
    /// Hours available, `T`.
    pub capacity: f64,
    /// Flexibility `s_j > 0` per activity.
    pub s: &'a [f64],
    /// Non-pay value `m_j` of an hour per activity.
    pub m: &'a [f64],
    /// Noise spread per activity.
    pub sigma: &'a [f64],
    /// Whether the plan's pay depends on the activity at all.
    pub paid: &'a [bool],
    /// An activity that is less flexible below its history than above it (`other`: slack
    /// grows easily, fixed duties are hard to cut), if any.
    pub slack: Option<Slack>,
}

/// An activity whose flexibility below its history hours is `s_down` instead of `s`: its
/// non-pay value is `m h − h²/(2s)` above `h0` and continues below it with the same slope at
/// `h0` and the curvature `1/s_down` (concave, with a continuous slope).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Slack {
    /// The activity.
    pub activity: usize,
    /// Its history hours.
    pub h0: f64,
    /// Its flexibility below `h0`.
    pub s_down: f64,
}

impl Params<'_> {
    /// The non-pay part of the objective for activity `d` at `h` hours, with its first and
    /// second derivatives.
    pub(crate) fn part(&self, d: usize, h: f64) -> (f64, f64, f64) {
        let s = self.s.get(d).copied().unwrap_or(1.0);
        let m = self.m.get(d).copied().unwrap_or(0.0);
        match self.slack {
            Some(k) if k.activity == d && h < k.h0 => {
                let (v0, a) = (m * k.h0 - k.h0 * k.h0 / (2.0 * s), m - k.h0 / s);
                let x = h - k.h0;
                (v0 + a * x - x * x / (2.0 * k.s_down), a - x / k.s_down, -1.0 / k.s_down)
            }
            _ => (m * h - h * h / (2.0 * s), m - h / s, -1.0 / s),
        }
    }

    /// The hours an unpaid activity `d` gets at a price of time `lambda` (where its marginal
    /// non-pay value equals the price), at least 0.
    pub(crate) fn demand(&self, d: usize, lambda: f64) -> f64 {
        let s = self.s.get(d).copied().unwrap_or(1.0);
        let m = self.m.get(d).copied().unwrap_or(0.0);
        let h = s * (m - lambda);
        match self.slack {
            Some(k) if k.activity == d && h < k.h0 => k.h0 + k.s_down * (m - k.h0 / s - lambda),
            _ => h,
        }
        .max(0.0)
    }

    /// Shares `budget` hours between the unpaid activities `unpaid` at the price of time
    /// that makes their demands add up to it.
    fn fill(&self, unpaid: &[usize], budget: f64) -> Vec<f64> {
        let budget = budget.max(0.0);
        let total = |lambda: f64| unpaid.iter().map(|&d| self.demand(d, lambda)).sum::<f64>();
        let (mut lo, mut hi) = (-1.0f64, 1.0f64);
        for _ in 0..1100 {
            if total(lo) >= budget {
                break;
            }
            lo *= 2.0;
        }
        for _ in 0..1100 {
            if total(hi) <= budget {
                break;
            }
            hi *= 2.0;
        }
        for _ in 0..200 {
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if total(mid) >= budget { lo = mid } else { hi = mid }
        }
        let mut x: Vec<f64> = unpaid.iter().map(|&d| self.demand(d, hi)).collect();
        if x.iter().sum::<f64>() <= 0.0
            && let Some(first) = x.first_mut()
        {
            *first = budget;
        }
        rebalance(&mut x, budget);
        x
    }
}

/// Fine kernel: nodes spaced σ/3, out to ±11 nodes (3⅔ σ; the weight beyond is 0.02%).
const FINE_HALF: i64 = 11;
/// Coarse kernel (for the scan): 9 nodes spaced one (coarse) spread apart.
const COARSE_HALF: i64 = 4;
/// At most this many scan points per activity between the smallest modelled level and `T`.
const SCAN_POINTS: f64 = 24.0;
/// Newton iterations per polish.
const MAX_NEWTON: usize = 60;
/// A polish stops when its step is below this share of capacity (0.0005 hours of 480).
const STEP_TOLERANCE: f64 = 1e-6;
/// A scan candidate this close to a starting point already polished (a share of capacity:
/// about a tenth of an hour of 480) would polish to the same local maximum: it is skipped.
const SAME_START: f64 = 2e-4;
/// Re-anchorings after the first solve.
const MAX_ANCHORS: usize = 6;
/// The anchor follows the answer until they are this close (a share of capacity: about half
/// an hour of 480); the interactions between activities are then taken at the answer.
const ANCHOR_TOLERANCE: f64 = 1e-3;

/// Normal weights on a symmetric grid of `z` values.
#[derive(Clone, Debug)]
struct Kernel {
    /// `(z, weight)` for `j = −half..=half`.
    nodes: Vec<(f64, f64)>,
    /// Σ weight.
    s0: f64,
}

/// The scan's node stride for a table: at most about `SCAN_POINTS` scan points between the
/// smallest modelled level and `T`, and never finer than the spread.
fn stride_of(span: f64, sigma: f64) -> i64 {
    ((span / SCAN_POINTS) / (sigma / 3.0)).ceil().max(3.0) as i64
}

impl Kernel {
    /// `E[e^{spread · z}]` under the kernel's weights (≈ e^{spread²/2}).
    fn mean_factor(&self, spread: f64) -> f64 {
        self.nodes.iter().map(|(z, w)| w * exp(spread * z)).sum::<f64>() / self.s0
    }

    fn new(half: i64, z_step: f64) -> Self {
        let nodes: Vec<(f64, f64)> = (-half..=half)
            .map(|j| {
                let z = j as f64 * z_step;
                (z, exp(-0.5 * z * z))
            })
            .collect();
        let s0: f64 = nodes.iter().map(|(_, w)| w).sum();
        Self { nodes, s0 }
    }
}

/// Pay on a fixed grid of one activity's `ln u`, and `Φ` at the grid points, computed on demand.
#[derive(Clone, Debug)]
struct Table {
    /// The activity's noise spread.
    sigma: f64,
    /// `μ = ln h − σ²/2` of node 0 (the anchor).
    l0: f64,
    /// Node spacing, σ/3.
    delta: f64,
    /// Node index of entry 0.
    lo: i64,
    /// Pay at each node; NaN until computed.
    pay: Vec<f64>,
    /// `(ψ, dψ/dμ, d²ψ/dμ²)` at each node (see [`Surrogate::psi`]); NaN until computed.
    grid: Vec<[f64; 3]>,
    /// Pay with this activity's `u = 0`; NaN until computed.
    zero: f64,
    /// Node stride of the scan (its kernel spread is `stride × delta`).
    stride: i64,
    /// `ln E[ξ]` under the fine kernel: `μ = ln h − log_mean`.
    log_mean: f64,
    /// The same under the scan's kernel.
    coarse_log_mean: f64,
    /// Node range in which `Φ` may be asked for.
    k_min: i64,
    k_max: i64,
    /// The last `Φ` computed, with the hours' bits: a Newton step asks again for the
    /// point its line search just accepted.
    last: Option<(u64, Phi)>,
}

/// The answer for one person and plan.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Choice {
    /// Hours per activity, summing to the capacity.
    pub hours: Vec<f64>,
    /// The objective at `hours`.
    pub objective: f64,
}

/// The separable approximation of expected pay around an anchor, with its pay cache.
#[derive(Clone, Debug)]
pub(crate) struct Surrogate {
    anchor: Vec<f64>,
    base: f64,
    tables: Vec<Option<Table>>,
    h_eps: f64,
    capacity: f64,
    u: Vec<f64>,
    /// Buffers for the Newton steps.
    scratch: Vec<f64>,
    /// Buffers for [`Surrogate::fill_nodes`]: grid entries, their `u`, and their pay.
    missing: Vec<usize>,
    missing_u: Vec<f64>,
    missing_pay: Vec<f64>,
    fine: &'static Kernel,
    coarse: &'static Kernel,
    /// Constant absolute risk aversion `A` (1 / plan currency): each activity's expected pay
    /// is its certainty equivalent (see the module docs). 0: risk neutral.
    risk: f64,
    /// Pay evaluations made (for tests and benchmarks).
    pub evals: usize,
}

/// The fine and coarse kernels, computed once.
fn kernels() -> (&'static Kernel, &'static Kernel) {
    static KERNELS: std::sync::OnceLock<(Kernel, Kernel)> = std::sync::OnceLock::new();
    let (fine, coarse) = KERNELS.get_or_init(|| (Kernel::new(FINE_HALF, 1.0 / 3.0), Kernel::new(COARSE_HALF, 1.0)));
    (fine, coarse)
}

impl Default for Surrogate {
    fn default() -> Self {
        let (fine, coarse) = kernels();
        Self {
            anchor: Vec::new(),
            base: 0.0,
            tables: Vec::new(),
            h_eps: 1e-9,
            capacity: 1.0,
            u: Vec::new(),
            scratch: Vec::new(),
            missing: Vec::new(),
            missing_u: Vec::new(),
            missing_pay: Vec::new(),
            fine,
            coarse,
            risk: 0.0,
            evals: 0,
        }
    }
}

/// The kernel's value of `values` (pay at its nodes, in the kernel's order): the weighted mean
/// for a risk-neutral person (`risk` 0), else the certainty equivalent
/// `−(1/A) ln(Σ w e^{−A x} / Σ w)`, taken from the smallest value so that no term overflows.
fn kernel_value(kernel: &Kernel, values: &[f64], risk: f64) -> f64 {
    if risk > 0.0 {
        let least = values.iter().fold(f64::INFINITY, |a, &v| a.min(v));
        let sum = kernel.nodes.iter().zip(values).fold(0.0, |s, (&(_, w), &v)| s + w * exp(-risk * (v - least)));
        least - ln(sum / kernel.s0) / risk
    } else {
        kernel.nodes.iter().zip(values).fold(0.0, |a0, (&(_, w), v)| a0 + w * v) / kernel.s0
    }
}

/// `(Φ, dΦ/dh, d²Φ/dh²)`.
type Phi = (f64, f64, f64);

fn finite(x: f64, what: &'static str) -> Result<f64, PayError> {
    if x.is_finite() { Ok(x) } else { Err(PayError::NotFinite { what }) }
}

/// Quintic Hermite interpolation on `[0, 1]` from values, first and second derivatives at
/// both ends (derivatives already scaled to the unit interval): value, first and second
/// derivative at `t`. Continuous up to the second derivative.
fn hermite5(t: f64, a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    let (t2, t3) = (t * t, t * t * t);
    let (t4, t5) = (t3 * t, t3 * t2);
    let h = [
        1.0 - 10.0 * t3 + 15.0 * t4 - 6.0 * t5,
        t - 6.0 * t3 + 8.0 * t4 - 3.0 * t5,
        0.5 * t2 - 1.5 * t3 + 1.5 * t4 - 0.5 * t5,
        0.5 * t3 - t4 + 0.5 * t5,
        -4.0 * t3 + 7.0 * t4 - 3.0 * t5,
        10.0 * t3 - 15.0 * t4 + 6.0 * t5,
    ];
    let d = [
        -30.0 * t2 + 60.0 * t3 - 30.0 * t4,
        1.0 - 18.0 * t2 + 32.0 * t3 - 15.0 * t4,
        t - 4.5 * t2 + 6.0 * t3 - 2.5 * t4,
        1.5 * t2 - 4.0 * t3 + 2.5 * t4,
        -12.0 * t2 + 28.0 * t3 - 15.0 * t4,
        30.0 * t2 - 60.0 * t3 + 30.0 * t4,
    ];
    let dd = [
        -60.0 * t + 180.0 * t2 - 120.0 * t3,
        -36.0 * t + 96.0 * t2 - 60.0 * t3,
        1.0 - 9.0 * t + 18.0 * t2 - 10.0 * t3,
        3.0 * t - 12.0 * t2 + 10.0 * t3,
        -24.0 * t + 84.0 * t2 - 60.0 * t3,
        60.0 * t - 180.0 * t2 + 120.0 * t3,
    ];
    let coef = [a[0], a[1], a[2], b[2], b[1], b[0]];
    let dot = |basis: &[f64; 6]| basis.iter().zip(&coef).map(|(x, y)| x * y).sum::<f64>();
    [dot(&h), dot(&d), dot(&dd)]
}

impl Surrogate {
    /// A surrogate for a person with constant absolute risk aversion `a` (1 / plan currency):
    /// `Φ` is each activity's certainty equivalent of pay, not its expectation. `a ≤ 0` (or not
    /// finite) is risk neutral, the same as [`Surrogate::default`].
    pub(crate) fn risk_averse(a: f64) -> Self {
        Self { risk: if a.is_finite() && a > 0.0 { a } else { 0.0 }, ..Self::default() }
    }

    /// Centres the approximation on `anchor` (hours per activity), discarding cached pay.
    pub(crate) fn anchor(&mut self, p: &Params<'_>, anchor: &[f64], pay: &mut dyn PayFn) -> Result<(), PayError> {
        self.anchor.clear();
        self.anchor.extend(anchor.iter().map(|h| if h.is_finite() { h.max(0.0) } else { 0.0 }));
        self.capacity = if p.capacity.is_finite() { p.capacity.max(1e-9) } else { 1e-9 };
        self.h_eps = (self.capacity * 1e-3).max(1e-9);
        self.u.clear();
        self.u.extend_from_slice(&self.anchor);
        self.evals += 1;
        self.base = finite(pay.pay(&self.u)?, "pay")?;
        let n = self.anchor.len();
        self.tables.resize(n, None);
        let span = ln(self.capacity / self.h_eps);
        for d in 0..n {
            if !p.paid.get(d).copied().unwrap_or(false) {
                self.tables[d] = None;
                continue;
            }
            let sigma = p.sigma.get(d).copied().filter(|s| s.is_finite()).unwrap_or(0.0).clamp(1e-3, 3.0);
            let delta = sigma / 3.0;
            let a = self.anchor[d].max(self.h_eps);
            // The kernel's own mean of ξ (the discrete, truncated normal's, not e^{σ²/2}), so
            // that under linear pay Φ is exactly linear in hours whatever the spread.
            let stride = stride_of(span, sigma);
            // The kernels' own means of ξ depend only on the spread: reuse them on re-anchoring.
            let (log_mean, coarse_log_mean) = match &self.tables[d] {
                Some(t) if t.sigma == sigma && t.stride == stride => (t.log_mean, t.coarse_log_mean),
                _ => (ln(self.fine.mean_factor(sigma)), ln(self.coarse.mean_factor(sigma * stride as f64 / 3.0))),
            };
            let l0 = ln(a) - log_mean;
            let mu_min = ln(self.h_eps) - log_mean;
            let mu_max = ln(self.capacity) - log_mean;
            let k_min = ((mu_min - l0) / delta).floor() as i64 - 1;
            let k_max = ((mu_max - l0) / delta).ceil() as i64 + 1;
            let reach = (FINE_HALF + 3).max(COARSE_HALF * stride) + stride + 1;
            let lo = k_min - reach;
            let len = (k_max + reach - lo + 1).clamp(1, 1 << 22) as usize;
            let table = self.tables[d].get_or_insert_with(|| Table {
                sigma,
                l0,
                delta,
                lo,
                pay: Vec::new(),
                grid: Vec::new(),
                zero: f64::NAN,
                stride,
                log_mean,
                coarse_log_mean,
                k_min,
                k_max,
                last: None,
            });
            *table = Table {
                sigma,
                l0,
                delta,
                lo,
                pay: std::mem::take(&mut table.pay),
                grid: std::mem::take(&mut table.grid),
                zero: f64::NAN,
                stride,
                log_mean,
                coarse_log_mean,
                k_min,
                k_max,
                last: None,
            };
            table.pay.clear();
            table.pay.resize(len, f64::NAN);
            table.grid.clear();
            table.grid.resize(len, [f64::NAN; 3]);
        }
        Ok(())
    }

    /// How many activities the plan pays for.
    pub(crate) fn paid_count(&self) -> usize {
        self.tables.iter().filter(|t| t.is_some()).count()
    }

    /// Pay at the anchor with activity `d` delivering `u`.
    fn pay_at(&mut self, d: usize, u: f64, pay: &mut dyn PayFn) -> Result<f64, PayError> {
        self.u.clear();
        self.u.extend_from_slice(&self.anchor);
        if let Some(x) = self.u.get_mut(d) {
            *x = u;
        }
        self.evals += 1;
        finite(pay.pay(&self.u)?, "pay")
    }

    /// Computes the pay at the nodes `first + j × step` (`j < count`) of activity `d`'s grid
    /// that are not cached yet, all at once ([`PayFn::pay_many`]), for [`Surrogate::node`] to
    /// read. It stops at the first node outside the grid and leaves every node to `node` if any
    /// fails, so errors are found and reported exactly as node by node.
    fn fill_nodes(&mut self, d: usize, first: i64, step: i64, count: usize, pay: &mut dyn PayFn) {
        let Some(Some(t)) = self.tables.get(d) else { return };
        self.missing.clear();
        self.missing_u.clear();
        for j in 0..count {
            let n = first + j as i64 * step;
            let Some((i, cached)) = usize::try_from(n - t.lo).ok().and_then(|i| Some((i, *t.pay.get(i)?))) else {
                break;
            };
            if cached.is_nan() {
                self.missing.push(i);
                // As in `node`: node n sits at ln u = μ_anchor + n Δ.
                self.missing_u.push(exp(t.l0 + n as f64 * t.delta));
            }
        }
        if self.missing.len() < 2 {
            return;
        }
        self.missing_pay.clear();
        self.missing_pay.resize(self.missing.len(), f64::NAN);
        let priced = pay.pay_many(&self.anchor, d, &self.missing_u, &mut self.missing_pay);
        if priced.is_err() || self.missing_pay.iter().any(|v| !v.is_finite()) {
            return;
        }
        self.evals += self.missing.len();
        if let Some(Some(t)) = self.tables.get_mut(d) {
            for (&i, &v) in self.missing.iter().zip(&self.missing_pay) {
                if let Some(slot) = t.pay.get_mut(i) {
                    *slot = v;
                }
            }
        }
    }

    /// Pay at node `n` of activity `d`'s grid.
    fn node(&mut self, d: usize, n: i64, pay: &mut dyn PayFn) -> Result<f64, PayError> {
        let Some(Some(t)) = self.tables.get(d) else { return Ok(self.base) };
        let Ok(i) = usize::try_from(n - t.lo) else {
            return Err(PayError::OutOfGrid);
        };
        match t.pay.get(i) {
            Some(v) if !v.is_nan() => Ok(*v),
            Some(_) => {
                // Node n sits at ln u = μ_anchor + n Δ.
                let u = exp(t.l0 + n as f64 * t.delta);
                let v = self.pay_at(d, u, pay)?;
                if let Some(Some(t)) = self.tables.get_mut(d)
                    && let Some(slot) = t.pay.get_mut(i)
                {
                    *slot = v;
                }
                Ok(v)
            }
            None => Err(PayError::OutOfGrid),
        }
    }

    /// `ψ_k = (Φ(μ_k) − pay at zero output) · e^{−μ_k}`: expected pay (its certainty
    /// equivalent, for a risk-averse person) per unit of expected output, with the fine kernel
    /// centred on node `k`. Constant under linear pay for a risk-neutral person, smooth
    /// otherwise, so it is what gets interpolated.
    fn psi(&mut self, d: usize, k: i64, pay: &mut dyn PayFn) -> Result<f64, PayError> {
        let Some(Some(t)) = self.tables.get(d) else { return Ok(0.0) };
        let Ok(i) = usize::try_from(k - t.lo) else {
            return Err(PayError::OutOfGrid);
        };
        if let Some(g) = t.grid.get(i)
            && !g[0].is_nan()
        {
            return Ok(g[0]);
        }
        let (l0, delta, lo) = (t.l0, t.delta, t.lo);
        let fine = self.fine;
        // Pay at every node of the kernel, then the weighted sum (in the same order).
        let first = k - FINE_HALF;
        let missing = t
            .pay
            .get(usize::try_from(first - lo).unwrap_or(usize::MAX)..)
            .and_then(|rest| rest.get(..fine.nodes.len()))
            .is_none_or(|window| window.iter().any(|v| v.is_nan()));
        if missing {
            self.fill_nodes(d, first, 1, fine.nodes.len(), pay);
            for j in 0..fine.nodes.len() {
                self.node(d, first + j as i64, pay)?;
            }
        }
        let Some(Some(t)) = self.tables.get(d) else { return Ok(0.0) };
        let Some(window) = usize::try_from(first - lo).ok().and_then(|a| t.pay.get(a..a + fine.nodes.len())) else {
            return Err(PayError::OutOfGrid);
        };
        let value = kernel_value(fine, window, self.risk);
        let zero = self.zero(d, pay)?;
        let psi = (value - zero) * exp(-(l0 + k as f64 * delta));
        if let Some(Some(t)) = self.tables.get_mut(d)
            && let Some(slot) = t.grid.get_mut(i)
        {
            slot[0] = psi;
        }
        Ok(psi)
    }

    /// `(ψ, dψ/dμ, d²ψ/dμ²)` at node `k`, the derivatives by fourth-order differences.
    fn grid(&mut self, d: usize, k: i64, pay: &mut dyn PayFn) -> Result<[f64; 3], PayError> {
        let Some(Some(t)) = self.tables.get(d) else { return Ok([0.0; 3]) };
        let delta = t.delta;
        let i = usize::try_from(k - t.lo).ok();
        if let Some(g) = i.and_then(|i| t.grid.get(i))
            && !g[1].is_nan()
        {
            return Ok(*g);
        }
        // Every node the five ψ below read, at once: each is read unless one of them fails
        // first (a ψ already known had its nodes computed with it).
        self.fill_nodes(d, k - 2 - FINE_HALF, 1, 2 * FINE_HALF as usize + 5, pay);
        let p = [
            self.psi(d, k - 2, pay)?,
            self.psi(d, k - 1, pay)?,
            self.psi(d, k, pay)?,
            self.psi(d, k + 1, pay)?,
            self.psi(d, k + 2, pay)?,
        ];
        let d1 = ((p[0] - p[4]) + 8.0 * (p[3] - p[1])) / (12.0 * delta);
        let d2 = ((-p[0] - p[4]) + 16.0 * (p[1] + p[3]) - 30.0 * p[2]) / (12.0 * delta * delta);
        let g = [p[2], d1, d2];
        if let (Some(Some(t)), Some(i)) = (self.tables.get_mut(d), i)
            && let Some(slot) = t.grid.get_mut(i)
        {
            *slot = g;
        }
        Ok(g)
    }

    /// Pay with activity `d` delivering nothing.
    fn zero(&mut self, d: usize, pay: &mut dyn PayFn) -> Result<f64, PayError> {
        let Some(Some(t)) = self.tables.get(d) else { return Ok(self.base) };
        if !t.zero.is_nan() {
            return Ok(t.zero);
        }
        let z = self.pay_at(d, 0.0, pay)?;
        if let Some(Some(t)) = self.tables.get_mut(d) {
            t.zero = z;
        }
        Ok(z)
    }

    /// `Φ_d(h)` and its derivatives in `h`.
    fn phi(&mut self, d: usize, h: f64, pay: &mut dyn PayFn) -> Result<Phi, PayError> {
        let Some(Some(t)) = self.tables.get(d) else { return Ok((self.base, 0.0, 0.0)) };
        if let Some((bits, phi)) = t.last
            && bits == h.to_bits()
        {
            return Ok(phi);
        }
        let phi = self.phi_uncached(d, h, pay)?;
        if let Some(Some(t)) = self.tables.get_mut(d) {
            t.last = Some((h.to_bits(), phi));
        }
        Ok(phi)
    }

    /// [`Surrogate::phi`] computed afresh.
    fn phi_uncached(&mut self, d: usize, h: f64, pay: &mut dyn PayFn) -> Result<Phi, PayError> {
        let Some(Some(t)) = self.tables.get(d) else { return Ok((self.base, 0.0, 0.0)) };
        let (l0, delta, k_min, k_max, log_mean) = (t.l0, t.delta, t.k_min, t.k_max, t.log_mean);
        if h < self.h_eps {
            // Between no output and the smallest modelled level, pay is interpolated linearly.
            let zero = self.zero(d, pay)?;
            let (at_eps, _, _) = self.phi(d, self.h_eps, pay)?;
            let slope = (at_eps - zero) / self.h_eps;
            return Ok((zero + slope * h.max(0.0), slope, 0.0));
        }
        let x = ((ln(h) - log_mean - l0) / delta).clamp(k_min as f64, k_max as f64 - 1.0);
        let k = x.floor() as i64;
        let t = x - k as f64;
        let a = self.grid(d, k, pay)?;
        let b = self.grid(d, k + 1, pay)?;
        let zero = self.zero(d, pay)?;
        let scale = |g: [f64; 3]| [g[0], g[1] * delta, g[2] * delta * delta];
        let [psi, d1, d2] = hermite5(t, scale(a), scale(b));
        let (psi_mu, psi_mumu) = (d1 / delta, d2 / (delta * delta));
        // Φ = zero + e^μ ψ, e^μ = h / E[ξ] (x is clamped only far outside the hours used).
        let e_mu = exp(l0 + x * delta);
        let phi = zero + e_mu * psi;
        let phi_mu = e_mu * (psi + psi_mu);
        let phi_mumu = e_mu * (psi + 2.0 * psi_mu + psi_mumu);
        Ok((phi, phi_mu / h, (phi_mumu - phi_mu) / (h * h)))
    }

    /// `Φ_d` at scan node `k` (a multiple of the table's stride) with the coarse kernel.
    fn coarse(&mut self, d: usize, k: i64, pay: &mut dyn PayFn) -> Result<f64, PayError> {
        let Some(Some(t)) = self.tables.get(d) else { return Ok(self.base) };
        let stride = t.stride;
        let coarse = self.coarse;
        self.fill_nodes(d, k - COARSE_HALF * stride, stride, coarse.nodes.len(), pay);
        let mut values = [0.0; 2 * COARSE_HALF as usize + 1];
        for (j, v) in values.iter_mut().enumerate() {
            *v = self.node(d, k + (j as i64 - COARSE_HALF) * stride, pay)?;
        }
        Ok(kernel_value(coarse, &values, self.risk))
    }

    /// Expected pay at `h` under the approximation.
    pub(crate) fn expected_pay(&mut self, h: &[f64], pay: &mut dyn PayFn) -> Result<f64, PayError> {
        let mut total = self.base;
        for (d, &hd) in h.iter().enumerate() {
            if matches!(self.tables.get(d), Some(Some(_))) {
                total += self.phi(d, hd, pay)?.0 - self.base;
            }
        }
        Ok(total)
    }

    /// Expected pay at `h` and its gradient (per activity; 0 for unpaid activities).
    pub(crate) fn pay_and_gradient(&mut self, h: &[f64], pay: &mut dyn PayFn) -> Result<(f64, Vec<f64>), PayError> {
        let mut total = self.base;
        let mut grad = vec![0.0; h.len()];
        for (d, &hd) in h.iter().enumerate() {
            if matches!(self.tables.get(d), Some(Some(_))) {
                let (phi, d1, _) = self.phi(d, hd, pay)?;
                total += phi - self.base;
                if let Some(g) = grad.get_mut(d) {
                    *g = d1;
                }
            }
        }
        Ok((total, grad))
    }

    fn objective(
        &mut self,
        p: &Params<'_>,
        h: &[f64],
        pay: &mut dyn PayFn,
        off: Option<&mut Offset<'_>>,
    ) -> Result<f64, PayError> {
        let mut f = self.expected_pay(h, pay)?;
        for (d, &hd) in h.iter().enumerate() {
            f += p.part(d, hd).0;
        }
        if let Some(off) = off {
            for (d, &hd) in h.iter().enumerate() {
                f -= off.at(d, hd)?.0;
            }
        }
        Ok(f)
    }

    /// Newton steps from `h` (feasible) to a local maximum; returns the objective there.
    fn polish(
        &mut self,
        p: &Params<'_>,
        h: &mut [f64],
        pay: &mut dyn PayFn,
        mut off: Option<&mut Offset<'_>>,
    ) -> Result<f64, PayError> {
        let n = h.len();
        let mut f = self.objective(p, h, pay, off.as_deref_mut())?;
        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.resize(4 * n, 0.0);
        let (g, rest) = scratch.split_at_mut(n);
        let (k, rest) = rest.split_at_mut(n);
        let (step, trial) = rest.split_at_mut(n);
        let result = self.newton(p, h, pay, off, &mut f, g, k, step, trial);
        self.scratch = scratch;
        result.map(|()| f)
    }

    /// The Newton iterations of [`Surrogate::polish`], on caller-provided buffers.
    #[expect(clippy::too_many_arguments, reason = "buffers reused across calls")]
    fn newton(
        &mut self,
        p: &Params<'_>,
        h: &mut [f64],
        pay: &mut dyn PayFn,
        mut off: Option<&mut Offset<'_>>,
        f: &mut f64,
        g: &mut [f64],
        k: &mut [f64],
        step: &mut [f64],
        trial: &mut [f64],
    ) -> Result<(), PayError> {
        let n = h.len();
        for _ in 0..MAX_NEWTON {
            for d in 0..n {
                let (_, d1, d2) = self.phi(d, h[d], pay)?;
                let (_, o1, o2) = match off.as_deref_mut() {
                    Some(off) => off.at(d, h[d])?,
                    None => (0.0, 0.0, 0.0),
                };
                let (_, p1, p2) = p.part(d, h[d]);
                g[d] = d1 - o1 + p1;
                // Curvature of the objective; where pay is locally convex, a bounded step.
                k[d] = (-p2 - d2 + o2).max(-0.25 * p2);
            }
            newton_step(h, g, k, step);
            let slope: f64 = g.iter().zip(step.iter()).map(|(a, b)| a * b).sum();
            let longest = step.iter().fold(0.0f64, |a, b| a.max(b.abs()));
            if longest <= STEP_TOLERANCE * self.capacity || slope <= 1e-14 * (f.abs() + 1.0) {
                break;
            }
            let mut t = 1.0;
            let mut accepted = false;
            for _ in 0..50 {
                for d in 0..n {
                    trial[d] = (h[d] + t * step[d]).max(0.0);
                }
                rebalance(trial, self.capacity);
                let ft = self.objective(p, trial, pay, off.as_deref_mut())?;
                if ft >= *f + 1e-4 * t * slope {
                    h.copy_from_slice(trial);
                    *f = ft;
                    accepted = true;
                    break;
                }
                t *= 0.5;
            }
            if !accepted || t * longest <= STEP_TOLERANCE * self.capacity {
                break;
            }
        }
        Ok(())
    }

    /// Starting points from the global scan (see the module docs).
    fn scan(
        &mut self,
        p: &Params<'_>,
        pay: &mut dyn PayFn,
        mut off: Option<&mut Offset<'_>>,
    ) -> Result<Vec<Vec<f64>>, PayError> {
        let n = self.anchor.len();
        let cap = self.capacity;
        // Per activity the plan pays (or the offset reaches), the upper concave hull of (hours,
        // objective part) over the scan.
        let mut hulls: Vec<Vec<(f64, f64)>> = vec![Vec::new(); n];
        for (d, slot) in hulls.iter_mut().enumerate() {
            let grid = match (self.tables.get(d), off.as_deref()) {
                (Some(Some(t)), _) => Some(ScanGrid::of(t)),
                (_, Some(off)) => off.grid(d),
                _ => None,
            };
            let Some(grid) = grid else { continue };
            let paid = matches!(self.tables.get(d), Some(Some(_)));
            let part = |x: f64, phi: f64| phi + p.part(d, x).0;
            // The offset at scan node `k` (hours `x`): from the baseline's coarse expected pay when
            // its grid is this one (both anchored alike), else its fine one.
            let offset_at = |off: &mut Option<&mut Offset<'_>>, x: f64, k: Option<i64>| -> Result<f64, PayError> {
                match off.as_deref_mut() {
                    Some(off) => off.scan_at(d, x, k.filter(|_| off.grid(d).is_some_and(|g| g.same_as(&grid)))),
                    None => Ok(0.0),
                }
            };
            let zero = if paid { self.zero(d, pay)? } else { self.base };
            let mut points = vec![(0.0, part(0.0, zero) - offset_at(&mut off, 0.0, None)?)];
            let first = grid.k_min.div_euclid(grid.stride) + 1;
            let last = grid.k_max.div_euclid(grid.stride);
            // The scan's nodes and their hours, then the pay at every node their kernels read,
            // at once: neighbouring scan nodes share all but one kernel node, which one by one
            // would each be priced alone.
            let scan: Vec<(i64, f64)> = (first..=last)
                .map(|q| {
                    let k = q * grid.stride;
                    (k, exp(grid.l0 + k as f64 * grid.delta + grid.log_mean))
                })
                .filter(|&(_, x)| !(x > cap || x < self.h_eps))
                .collect();
            if let (Some(&(k_lo, _)), Some(&(k_hi, _))) = (scan.first(), scan.last()) {
                let from = k_lo - COARSE_HALF * grid.stride;
                let count = usize::try_from((k_hi - k_lo) / grid.stride).unwrap_or(0) + 2 * COARSE_HALF as usize + 1;
                // Only when the hours are contiguous on the scan lattice (they rise with k), so
                // exactly the nodes the kernels read are priced.
                if usize::try_from((k_hi - k_lo) / grid.stride).ok() == scan.len().checked_sub(1) {
                    if paid {
                        self.fill_nodes(d, from, grid.stride, count, pay);
                    }
                    if let Some(off) = off.as_deref_mut()
                        && off.grid(d).is_some_and(|g| g.same_as(&grid))
                    {
                        off.fill_scan(d, from, grid.stride, count);
                    }
                }
            }
            for (k, x) in scan {
                let phi = if paid { self.coarse(d, k, pay)? } else { self.base };
                points.push((x, part(x, phi) - offset_at(&mut off, x, Some(k))?));
            }
            let mut hull: Vec<(f64, f64)> = Vec::with_capacity(points.len());
            for pt in points {
                while hull.len() >= 2 {
                    let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
                    // Drop b when it lies on or below the chord from a to pt.
                    if (b.1 - a.1) * (pt.0 - a.0) <= (pt.1 - a.1) * (b.0 - a.0) {
                        hull.pop();
                    } else {
                        break;
                    }
                }
                hull.push(pt);
            }
            *slot = hull;
        }
        // For a price of time λ, every activity's best hours.
        let choose = |lambda: f64, out: &mut Vec<f64>| -> f64 {
            out.clear();
            let mut total = 0.0;
            for (d, hull) in hulls.iter().enumerate() {
                let x = if hull.is_empty() {
                    p.demand(d, lambda).min(cap)
                } else {
                    // Slopes along the hull decrease; stop where the next slope falls below λ.
                    let slope = |i: usize| match (hull.get(i), hull.get(i + 1)) {
                        (Some(a), Some(b)) => (b.1 - a.1) / (b.0 - a.0),
                        _ => f64::NEG_INFINITY,
                    };
                    let (mut lo, mut hi) = (0, hull.len().saturating_sub(1));
                    while lo < hi {
                        let mid = (lo + hi) / 2;
                        if slope(mid) >= lambda { lo = mid + 1 } else { hi = mid }
                    }
                    hull.get(lo).map_or(0.0, |v| v.0)
                };
                out.push(x);
                total += x;
            }
            total
        };
        let mut alloc = Vec::with_capacity(n);
        let (mut lo, mut hi) = (-1.0f64, 1.0f64);
        for _ in 0..1100 {
            if choose(lo, &mut alloc) >= cap {
                break;
            }
            lo *= 2.0;
        }
        for _ in 0..1100 {
            if choose(hi, &mut alloc) <= cap {
                break;
            }
            hi *= 2.0;
        }
        if !(lo.is_finite() && hi.is_finite()) {
            return Ok(Vec::new());
        }
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if choose(mid, &mut alloc) >= cap { lo = mid } else { hi = mid }
        }
        let mut out: Vec<Vec<f64>> = Vec::new();
        for lambda in [lo, hi] {
            choose(lambda, &mut alloc);
            let paid_total: f64 = (0..n).filter(|&d| !hulls[d].is_empty()).map(|d| alloc[d]).sum();
            let unpaid: Vec<usize> = (0..n).filter(|&d| hulls[d].is_empty()).collect();
            let mut h = alloc.clone();
            if paid_total > cap || unpaid.is_empty() {
                let total: f64 = h.iter().sum();
                let scale = if total > 0.0 { cap / total } else { 0.0 };
                h.iter_mut().for_each(|x| *x *= scale);
            } else {
                let fill = p.fill(&unpaid, cap - paid_total);
                for (&d, x) in unpaid.iter().zip(fill) {
                    h[d] = x;
                }
            }
            rebalance(&mut h, cap);
            if !out.iter().any(|o| o.iter().zip(&h).all(|(a, b)| (a - b).abs() <= 1e-9 * cap)) {
                out.push(h);
            }
        }
        Ok(out)
    }

    /// Whether pay adds up activity by activity between the anchor and `h` (at expected
    /// results): then every anchor gives the same approximation and re-anchoring at `h` would
    /// change nothing. Lines on separate activities add up; multipliers, shares of two
    /// activities and binding caps or guarantees do not.
    fn separable_to(&mut self, h: &[f64], pay: &mut dyn PayFn) -> Result<bool, PayError> {
        let mut sum = self.base;
        let mut scale = self.base.abs();
        for d in 0..h.len() {
            let (Some(Some(_)), Some(&x), Some(&a)) = (self.tables.get(d), h.get(d), self.anchor.get(d)) else {
                continue;
            };
            if x != a {
                let part = self.pay_at(d, x, pay)?;
                sum += part - self.base;
                scale += part.abs();
            }
        }
        self.u.clear();
        self.u.extend(
            h.iter()
                .zip(&self.anchor)
                .enumerate()
                .map(|(d, (x, a))| if matches!(self.tables.get(d), Some(Some(_))) { *x } else { *a }),
        );
        self.evals += 1;
        let whole = finite(pay.pay(&self.u)?, "pay")?;
        Ok((whole - sum).abs() <= 1e-9 * (scale + whole.abs() + 1.0))
    }

    /// The best allocation from `start` (feasible). With `global`, the scan's candidates are
    /// tried too. With `off`, the baseline's offset is subtracted from the objective (see
    /// [`Offset`]). The surrogate must be anchored; it is re-anchored at the answer until the two
    /// agree (not needed when pay depends on one activity only: the approximation is then exact).
    pub(crate) fn solve(
        &mut self,
        p: &Params<'_>,
        start: &[f64],
        global: bool,
        pay: &mut dyn PayFn,
        mut off: Option<&mut Offset<'_>>,
    ) -> Result<Choice, PayError> {
        let mut best = start.to_vec();
        rebalance(&mut best, self.capacity);
        let mut f_best = self.polish(p, &mut best, pay, off.as_deref_mut())?;
        if global {
            // Candidates already within reach of an allocation polished are not polished again.
            let mut polished: Vec<Vec<f64>> = vec![start.to_vec(), best.clone()];
            for mut candidate in self.scan(p, pay, off.as_deref_mut())? {
                let near = |other: &Vec<f64>| {
                    other.iter().zip(&candidate).all(|(a, b)| (a - b).abs() <= SAME_START * self.capacity)
                };
                if polished.iter().any(near) {
                    continue;
                }
                polished.push(candidate.clone());
                let f = self.polish(p, &mut candidate, pay, off.as_deref_mut())?;
                if f > f_best + improvement_tolerance(f_best) {
                    best = candidate;
                    f_best = f;
                }
            }
        }
        if self.paid_count() > 1 && !self.separable_to(&best, pay)? {
            for _ in 0..MAX_ANCHORS {
                let moved = best.iter().zip(&self.anchor).fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
                if moved <= ANCHOR_TOLERANCE * self.capacity {
                    break;
                }
                let anchor = best.clone();
                self.anchor(p, &anchor, pay)?;
                if let Some(off) = off.as_deref_mut() {
                    off.anchor(&anchor)?;
                }
                f_best = self.polish(p, &mut best, pay, off.as_deref_mut())?;
            }
        }
        Ok(Choice { hours: best, objective: f_best })
    }
}

/// Where an activity's scan looks: the nodes of a table's grid at its scan stride.
#[derive(Clone, Copy, Debug)]
struct ScanGrid {
    l0: f64,
    delta: f64,
    stride: i64,
    k_min: i64,
    k_max: i64,
    log_mean: f64,
}

impl ScanGrid {
    /// Whether two grids have the same nodes.
    fn same_as(&self, other: &Self) -> bool {
        self.l0.to_bits() == other.l0.to_bits()
            && self.delta.to_bits() == other.delta.to_bits()
            && self.stride == other.stride
            && self.k_min == other.k_min
            && self.k_max == other.k_max
    }

    fn of(t: &Table) -> Self {
        Self { l0: t.l0, delta: t.delta, stride: t.stride, k_min: t.k_min, k_max: t.k_max, log_mean: t.coarse_log_mean }
    }
}

/// The part of the baseline plan's expected pay that a person's history shows they did not go
/// for. Per activity, with `Φᴮ_d` the baseline's expected pay as activity `d` alone varies
/// (the others at the anchor of the plan being solved, as in its own surrogate) and `g⁰_d` the
/// baseline's slope at history (calibration):
/// `O_d(h) = max(0, Φᴮ_d(h) − Φᴮ_d(h⁰_d) − g⁰_d (h − h⁰_d))`, the gain over the line through
/// history with the slope people chose by (a threshold just out of reach, an accelerator
/// above). Subtracting it under every plan makes history the person's best choice under the
/// baseline at the role's responsiveness, whatever the anchor (the baseline's objective is
/// then at most that line plus the concave non-pay part, which peaks at history), without
/// making anyone less responsive; a new plan's own thresholds and the losses below history (a
/// bonus given up) still count in full.
pub(crate) struct Offset<'a> {
    /// The baseline's surrogate, anchored where the plan being solved is (at history unless a
    /// plan whose lines interact moved it).
    sur: Surrogate,
    /// The surrogate anchored at history, kept while `sur` is anchored elsewhere.
    saved: Option<Surrogate>,
    pay: &'a mut dyn PayFn,
    capacity: f64,
    sigma: Vec<f64>,
    paid: Vec<bool>,
    h0: Vec<f64>,
    /// `Φᴮ_d(h⁰_d)` at the current anchor, and at history.
    phi0: Vec<f64>,
    phi0_at_history: Vec<f64>,
    g0: Vec<f64>,
    tolerance: f64,
}

impl<'a> Offset<'a> {
    /// From the baseline's surrogate anchored at history `h0` (with the parameters `p` it was
    /// anchored with), its pay, and its slopes `g0` there.
    pub(crate) fn new(
        mut sur: Surrogate,
        p: &Params<'_>,
        pay: &'a mut dyn PayFn,
        h0: &[f64],
        g0: &[f64],
    ) -> Result<Self, PayError> {
        let mut phi0 = vec![0.0; h0.len()];
        for (d, (x, &h)) in phi0.iter_mut().zip(h0).enumerate() {
            *x = sur.phi(d, h, pay)?.0;
        }
        let tolerance = 1e-9 * (sur.base.abs() + 1.0);
        Ok(Self {
            sur,
            saved: None,
            pay,
            capacity: p.capacity,
            sigma: p.sigma.to_vec(),
            paid: p.paid.to_vec(),
            h0: h0.to_vec(),
            phi0_at_history: phi0.clone(),
            phi0,
            g0: g0.to_vec(),
            tolerance,
        })
    }

    /// Back to the anchor at history (before solving another plan).
    pub(crate) fn reset(&mut self) -> Result<(), PayError> {
        if let Some(sur) = self.saved.take() {
            self.sur = sur;
            self.phi0.clone_from(&self.phi0_at_history);
            self.tolerance = 1e-9 * (self.sur.base.abs() + 1.0);
        }
        Ok(())
    }

    /// Anchors the baseline's surrogate where the plan being solved is anchored (nothing to do
    /// when the baseline pays for one activity only: its slice is then the same at any anchor).
    fn anchor(&mut self, anchor: &[f64]) -> Result<(), PayError> {
        if self.sur.paid_count() <= 1 {
            return Ok(());
        }
        let p = Params { capacity: self.capacity, s: &[], m: &[], sigma: &self.sigma, paid: &self.paid, slack: None };
        if self.saved.is_none() {
            self.saved = Some(self.sur.clone());
        }
        self.sur.anchor(&p, anchor, self.pay)?;
        self.refresh_phi0()
    }

    fn refresh_phi0(&mut self) -> Result<(), PayError> {
        for d in 0..self.h0.len() {
            let h = self.h0.get(d).copied().unwrap_or(0.0);
            let v = self.sur.phi(d, h, self.pay)?.0;
            if let Some(x) = self.phi0.get_mut(d) {
                *x = v;
            }
        }
        self.tolerance = 1e-9 * (self.sur.base.abs() + 1.0);
        Ok(())
    }

    /// `(O_d(h), O_d'(h), O_d''(h))`.
    pub(crate) fn at(&mut self, d: usize, h: f64) -> Result<Phi, PayError> {
        if !matches!(self.sur.tables.get(d), Some(Some(_))) {
            return Ok((0.0, 0.0, 0.0));
        }
        let (phi, d1, d2) = self.sur.phi(d, h, self.pay)?;
        let (h0, phi0, g0) = (
            self.h0.get(d).copied().unwrap_or(0.0),
            self.phi0.get(d).copied().unwrap_or(0.0),
            self.g0.get(d).copied().unwrap_or(0.0),
        );
        let gain = phi - phi0 - g0 * (h - h0);
        Ok(if gain > self.tolerance { (gain, d1 - g0, d2) } else { (0.0, 0.0, 0.0) })
    }

    /// `O_d` for the scan at `h` hours: with the coarse kernel at scan node `k` when given (the
    /// scan's own approximation of expected pay), else as [`Offset::at`].
    fn scan_at(&mut self, d: usize, h: f64, k: Option<i64>) -> Result<f64, PayError> {
        let Some(k) = k else { return Ok(self.at(d, h)?.0) };
        if !matches!(self.sur.tables.get(d), Some(Some(_))) {
            return Ok(0.0);
        }
        let phi = self.sur.coarse(d, k, self.pay)?;
        let (h0, phi0, g0) = (
            self.h0.get(d).copied().unwrap_or(0.0),
            self.phi0.get(d).copied().unwrap_or(0.0),
            self.g0.get(d).copied().unwrap_or(0.0),
        );
        let gain = phi - phi0 - g0 * (h - h0);
        Ok(if gain > self.tolerance { gain } else { 0.0 })
    }

    /// Prices the baseline's nodes `first + j × step` (`j < count`) of activity `d` at once, as
    /// [`Surrogate::fill_nodes`] does, for [`Offset::scan_at`].
    fn fill_scan(&mut self, d: usize, first: i64, step: i64, count: usize) {
        if matches!(self.sur.tables.get(d), Some(Some(_))) {
            self.sur.fill_nodes(d, first, step, count, self.pay);
        }
    }

    /// The scan grid of an activity the baseline pays for.
    fn grid(&self, d: usize) -> Option<ScanGrid> {
        match self.sur.tables.get(d) {
            Some(Some(t)) => Some(ScanGrid::of(t)),
            _ => None,
        }
    }
}

/// How much better an alternative must be to count as better (rounding noise below this).
pub(crate) fn improvement_tolerance(f: f64) -> f64 {
    1e-9 * (f.abs() + 1.0)
}

/// Direction `step` maximising `Σ g_d x_d − ½ Σ k_d x_d²` with `Σ x = 0` and `h + x ≥ 0`:
/// `x_d = max(−h_d, (g_d − λ)/k_d)`, with λ found exactly on the sorted breakpoints.
fn newton_step(h: &[f64], g: &[f64], k: &[f64], step: &mut [f64]) {
    let n = h.len();
    // Past its breakpoint g_d + k_d h_d, an activity is at zero hours.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| (g[a] + k[a] * h[a]).total_cmp(&(g[b] + k[b] * h[b])));
    // Active set: the activities whose breakpoint is above λ. Start with all active.
    let mut a_sum: f64 = (0..n).map(|d| g[d] / k[d]).sum();
    let mut b_sum: f64 = (0..n).map(|d| 1.0 / k[d]).sum();
    let mut c_sum = 0.0;
    let mut lambda = f64::NAN;
    let mut below = f64::NEG_INFINITY;
    for &d in &order {
        let bp = g[d] + k[d] * h[d];
        if b_sum > 0.0 {
            let l = (a_sum + c_sum) / b_sum;
            if l > below && l <= bp {
                lambda = l;
                break;
            }
        }
        a_sum -= g[d] / k[d];
        b_sum -= 1.0 / k[d];
        c_sum -= h[d];
        below = bp;
    }
    if lambda.is_nan() {
        lambda = if b_sum > 0.0 { (a_sum + c_sum) / b_sum } else { below };
    }
    for d in 0..n {
        step[d] = if lambda.is_finite() { ((g[d] - lambda) / k[d]).max(-h[d]) } else { 0.0 };
    }
}

/// Moves rounding drift in `Σ h` onto the largest entry, keeping `h ≥ 0`.
fn rebalance(h: &mut [f64], capacity: f64) {
    for x in h.iter_mut() {
        if !x.is_finite() || *x < 0.0 {
            *x = 0.0;
        }
    }
    let total: f64 = h.iter().sum();
    let gap = capacity - total;
    if gap == 0.0 || h.is_empty() {
        return;
    }
    if total <= 0.0 {
        if let Some(x) = h.last_mut() {
            *x = capacity;
        }
        return;
    }
    if gap < 0.0 && -gap > 1e-9 * capacity {
        let scale = capacity / total;
        h.iter_mut().for_each(|x| *x *= scale);
        return;
    }
    let largest = h.iter().enumerate().fold(0, |best, (i, x)| if *x > h[best] { i } else { best });
    h[largest] = (h[largest] + gap).max(0.0);
}

/// Closed-form water-filling (the tests' reference for linear plans): maximise `Σ m_d x_d − Σ x_d² / (2 s_d)` with `Σ x = budget`,
/// `x ≥ 0`: `x_d = s_d (m_d − λ)_+`.
#[cfg(test)]
pub(crate) fn waterfill(s: &[f64], m: &[f64], budget: f64) -> Vec<f64> {
    let n = s.len();
    let mut x = vec![0.0; n];
    if n == 0 {
        return x;
    }
    let budget = budget.max(0.0);
    // Activities enter in decreasing order of m; λ solves Σ_active s (m − λ) = budget.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| m[b].total_cmp(&m[a]));
    let (mut sm, mut ss) = (0.0, 0.0);
    let mut lambda = f64::NAN;
    for (i, &d) in order.iter().enumerate() {
        sm += s[d] * m[d];
        ss += s[d];
        let l = (sm - budget) / ss;
        let next = order.get(i + 1).map_or(f64::NEG_INFINITY, |&e| m[e]);
        if l >= next {
            lambda = l;
            break;
        }
    }
    for d in 0..n {
        x[d] = if lambda.is_finite() { (s[d] * (m[d] - lambda)).max(0.0) } else { 0.0 };
    }
    if !lambda.is_finite()
        && let Some(first) = x.first_mut()
    {
        *first = budget;
    }
    rebalance(&mut x, budget);
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params<'a>(capacity: f64, s: &'a [f64], m: &'a [f64], sigma: &'a [f64], paid: &'a [bool]) -> Params<'a> {
        Params { capacity, s, m, sigma, paid, slack: None }
    }

    #[test]
    fn phi_is_computed_once_per_hours_until_the_next_anchor() {
        let mut pay = |u: &[f64]| -> Result<f64, PayError> { Ok(if u[0] >= 60.0 { 2000.0 } else { 10.0 * u[0] }) };
        let p = params(100.0, &[1.0, 1.0], &[0.0, 0.0], &[0.2, 0.0], &[true, false]);
        let mut sur = Surrogate::default();
        sur.anchor(&p, &[50.0, 50.0], &mut pay).unwrap();
        let first = sur.phi(0, 55.0, &mut pay).unwrap();
        // Asked again at the same hours, Φ comes from the cache: pay is not evaluated again.
        let mut failing = |_: &[f64]| -> Result<f64, PayError> {
            Err(PayError::Plan { line: None, cause: "pay evaluated again".to_owned() })
        };
        let evals = sur.evals;
        assert_eq!(sur.phi(0, 55.0, &mut failing).unwrap(), first);
        assert_eq!(sur.evals, evals);
        // The cached value is the one computed afresh.
        assert_eq!(sur.phi_uncached(0, 55.0, &mut pay).unwrap(), first);
        // Re-anchoring forgets it.
        sur.anchor(&p, &[40.0, 60.0], &mut pay).unwrap();
        assert!(sur.phi(0, 55.0, &mut failing).is_err());
    }

    #[test]
    fn waterfilling_meets_the_budget_and_drops_unattractive_activities() {
        let x = waterfill(&[1.0, 2.0, 1.0], &[10.0, 8.0, -50.0], 12.0);
        assert!((x.iter().sum::<f64>() - 12.0).abs() < 1e-9);
        assert_eq!(x[2], 0.0);
        // λ solves 1·(10 − λ) + 2·(8 − λ) = 12 → λ = 14/3.
        assert!((x[0] - (10.0 - 14.0 / 3.0)).abs() < 1e-9, "{x:?}");
    }

    #[test]
    fn linear_pay_gives_the_closed_form_allocation() {
        // Pay 30 per effective hour of activity 0 and 5 per hour of activity 1; activity 2 unpaid.
        let rates = [30.0, 5.0, 0.0];
        let mut pay = |u: &[f64]| -> Result<f64, PayError> { Ok(u.iter().zip(&rates).map(|(a, b)| a * b).sum()) };
        let s = [4.0, 1.0, 2.0];
        let m = [1.0, 3.0, 20.0];
        for sigma in [[0.1, 0.3, 0.0], [0.6, 0.05, 0.0]] {
            let p = params(100.0, &s, &m, &sigma, &[true, true, false]);
            let mut sur = Surrogate::default();
            let start = [30.0, 30.0, 40.0];
            sur.anchor(&p, &start, &mut pay).unwrap();
            let choice = sur.solve(&p, &start, true, &mut pay, None).unwrap();
            let v: Vec<f64> = (0..3).map(|d| rates[d] + m[d]).collect();
            let expected = waterfill(&s, &v, 100.0);
            for (a, b) in choice.hours.iter().zip(&expected) {
                assert!((a - b).abs() < 1e-6, "{:?} vs {expected:?}", choice.hours);
            }
        }
    }

    #[test]
    fn a_risk_averse_person_values_uncertain_pay_at_its_certainty_equivalent() {
        // Pay 30 per effective hour of activity 0, log-normal noise with spread 0.3, absolute
        // risk aversion 1/3,000 (γ = 1 for someone paid 3,000).
        let (rate, sigma, a) = (30.0, 0.3, 1.0 / 3000.0);
        let mut pay = |u: &[f64]| -> Result<f64, PayError> { Ok(rate * u[0]) };
        let sigmas = [sigma, 0.0];
        let p = params(100.0, &[1.0, 1.0], &[0.0, 0.0], &sigmas, &[true, false]);
        // E[f(ξ)] with ln ξ ~ N(−σ²/2, σ²), by the trapezoid rule.
        let expect = |f: &dyn Fn(f64) -> f64| {
            let (mut sum, mut weights) = (0.0, 0.0);
            for i in 0..=4000 {
                let z = -8.0 + 16.0 * f64::from(i) / 4000.0;
                let w = exp(-0.5 * z * z);
                sum += w * f(exp(sigma * z - 0.5 * sigma * sigma));
                weights += w;
            }
            sum / weights
        };
        let mut averse = Surrogate::risk_averse(a);
        averse.anchor(&p, &[50.0, 50.0], &mut pay).unwrap();
        let mut neutral = Surrogate::default();
        neutral.anchor(&p, &[50.0, 50.0], &mut pay).unwrap();
        for h in [10.0, 30.0, 50.0, 80.0, 100.0] {
            // −(1/A) ln E[e^{−A pay}] and its slope in hours.
            let m0 = expect(&|x| exp(-a * rate * h * x));
            let m1 = expect(&|x| x * exp(-a * rate * h * x));
            let (ce, slope) = (-ln(m0) / a, rate * m1 / m0);
            let (got, got_slope, curvature) = averse.phi(0, h, &mut pay).unwrap();
            let premium = rate * h - ce;
            assert!(premium > 0.0);
            assert!(((rate * h - got) - premium).abs() < 0.02 * premium, "h {h}: {got} against {ce}");
            assert!((got_slope - slope).abs() < 1e-3 * slope, "h {h}: slope {got_slope} against {slope}");
            assert!(curvature < 0.0, "more hours, more variance: concave ({curvature})");
            // Risk neutral: expected pay, linear.
            let (mean, mean_slope, _) = neutral.phi(0, h, &mut pay).unwrap();
            assert!((mean - rate * h).abs() < 1e-9 * rate * h && (mean_slope - rate).abs() < 1e-9 * rate);
        }
        // A certain amount is worth itself: without noise, risk aversion changes nothing.
        let certain = params(100.0, &[1.0, 1.0], &[0.0, 0.0], &[0.0, 0.0], &[true, false]);
        let mut sur = Surrogate::risk_averse(a);
        sur.anchor(&certain, &[50.0, 50.0], &mut pay).unwrap();
        let (value, slope, _) = sur.phi(0, 80.0, &mut pay).unwrap();
        assert!((value - rate * 80.0).abs() < 0.01 && (slope - rate).abs() < 1e-3, "{value} {slope}");
    }

    #[test]
    fn interactions_are_taken_at_the_answer() {
        // Activity 1 multiplies the pay on activity 0 (a multiplier step at 20 units): not
        // separable, so the answer must be a fixed point of re-anchoring.
        let mut pay = |u: &[f64]| -> Result<f64, PayError> { Ok(20.0 * u[0] * if u[1] >= 20.0 { 2.0 } else { 1.0 }) };
        let s = [2.0, 1.0, 2.0];
        let m = [0.0, 10.0, 40.0];
        let sigma = [0.2, 0.2, 0.0];
        let p = params(100.0, &s, &m, &sigma, &[true, true, false]);
        let mut sur = Surrogate::default();
        let start = [30.0, 10.0, 60.0];
        sur.anchor(&p, &start, &mut pay).unwrap();
        let choice = sur.solve(&p, &start, true, &mut pay, None).unwrap();
        let mut again = Surrogate::default();
        again.anchor(&p, &choice.hours, &mut pay).unwrap();
        let check = again.solve(&p, &choice.hours, true, &mut pay, None).unwrap();
        for (a, b) in choice.hours.iter().zip(&check.hours) {
            assert!((a - b).abs() < 1.0, "{:?} vs {:?}", choice.hours, check.hours);
        }
        assert!(choice.hours[1] > 15.0, "the multiplier draws time to activity 1: {:?}", choice.hours);
        // Separable pay needs no re-anchoring: the same answer from any anchor.
        let mut separable =
            |u: &[f64]| -> Result<f64, PayError> { Ok(20.0 * u[0] + if u[1] >= 20.0 { 300.0 } else { 0.0 }) };
        let mut one = Surrogate::default();
        one.anchor(&p, &start, &mut separable).unwrap();
        let first = one.solve(&p, &start, true, &mut separable, None).unwrap();
        assert!(one.separable_to(&first.hours, &mut separable).unwrap());
        assert!(!sur.separable_to(&start, &mut pay).unwrap(), "the multiplier is seen");
    }

    #[test]
    fn a_lump_bonus_within_reach_is_reached() {
        // A bonus of 2,000 when activity 0 delivers at least 60 effective hours.
        let mut pay = |u: &[f64]| -> Result<f64, PayError> { Ok(if u[0] >= 60.0 { 2000.0 } else { 0.0 }) };
        let s = [1.0, 1.0];
        let m = [50.0, 50.0];
        let p = params(100.0, &s, &m, &[0.05, 0.0], &[true, false]);
        let mut sur = Surrogate::default();
        sur.anchor(&p, &[50.0, 50.0], &mut pay).unwrap();
        let choice = sur.solve(&p, &[50.0, 50.0], true, &mut pay, None).unwrap();
        assert!(choice.hours[0] > 60.0 && choice.hours[0] < 75.0, "{:?}", choice.hours);
        // Out of reach (the quadratic cost of 60 more hours exceeds the bonus): no push.
        let s = [0.2, 0.2];
        let m = [250.0, 250.0];
        let p = params(100.0, &s, &m, &[0.05, 0.0], &[true, false]);
        let mut pay_far = |u: &[f64]| -> Result<f64, PayError> { Ok(if u[0] >= 90.0 { 2000.0 } else { 0.0 }) };
        let mut sur = Surrogate::default();
        sur.anchor(&p, &[50.0, 50.0], &mut pay_far).unwrap();
        let choice = sur.solve(&p, &[50.0, 50.0], true, &mut pay_far, None).unwrap();
        assert!((choice.hours[0] - 50.0).abs() < 0.5, "{:?}", choice.hours);
    }

    #[test]
    fn expected_pay_is_smooth_and_close_to_the_exact_expectation() {
        // E[1{hξ ≥ 60}] with ln ξ ~ N(−σ²/2, σ²) = Φ((ln(h/60) − σ²/2)/σ).
        let sigma = 0.2;
        let mut pay = |u: &[f64]| -> Result<f64, PayError> { Ok(if u[0] >= 60.0 { 1.0 } else { 0.0 }) };
        let sigmas = [sigma, 0.0];
        let p = params(100.0, &[1.0, 1.0], &[0.0, 0.0], &sigmas, &[true, false]);
        let mut sur = Surrogate::default();
        sur.anchor(&p, &[50.0, 50.0], &mut pay).unwrap();
        let mut last = 0.0;
        for i in 0..200 {
            let h = 30.0 + 0.3 * i as f64;
            let got = sur.expected_pay(&[h, 100.0 - h], &mut pay).unwrap();
            let z = (ln(h / 60.0) - 0.5 * sigma * sigma) / sigma;
            let exact = 0.5 * erfc(-z / std::f64::consts::SQRT_2);
            // A jump between two grid nodes (σ/3 apart) is placed at a node: the expectation
            // is exact to within the density times a node step (≈ 0.4 × 1/3 here).
            assert!((got - exact).abs() < 0.07, "h {h}: {got} vs {exact}");
            assert!(got >= last - 1e-12, "monotone");
            assert!(got - last < 0.02, "no jumps: {h}");
            last = got;
        }
    }

    fn erfc(x: f64) -> f64 {
        // Numerical Recipes' erfc (|error| < 1.2e-7).
        let z = x.abs();
        let t = 1.0 / (1.0 + 0.5 * z);
        let r = t
            * (-z * z - 1.265_512_23
                + t * (1.000_023_68
                    + t * (0.374_091_96
                        + t * (0.096_784_18
                            + t * (-0.186_288_06
                                + t * (0.278_868_07
                                    + t * (-1.135_203_98
                                        + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77)))))))))
                .exp();
        if x >= 0.0 { r } else { 2.0 - r }
    }
}
