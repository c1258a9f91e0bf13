//! Portable numerics: `exp` and `ln` built only from IEEE-754 `+ − × ÷` (which every machine
//! rounds identically), a small seeded generator, normal draws and quantiles. The platform's
//! `f64::exp`/`ln` may differ in the last bit between systems; these never do, so the same seed
//! gives the same simulation on any machine.

use std::sync::OnceLock;

/// ln 2 split in a part with trailing zero bits (exact in products with small integers) and
/// the rest (Cody–Waite).
/// fdlibm's split: 6.93147180369123816490e-01 and 1.90821492927058770002e-10, as exact bits.
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// `2^k` for an integer `k` in the normal range, built from bits.
fn pow2(k: i64) -> f64 {
    let k = k.clamp(-1022, 1023);
    f64::from_bits(((k + 1023) as u64) << 52)
}

/// e^r for |r| ≤ ln2/2 by its Taylor series (reference for the table below). A `const fn`
/// so the table is built when compiling, with the same IEEE operations as at run time.
const fn exp_series(r: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    let mut n = 1;
    while n <= 17 {
        term = term * r / n as f64;
        sum += term;
        n += 1;
    }
    sum
}

/// `2^(j/64)` for `j = 0..64`, from the series (portable arithmetic only).
const fn build_exp_table() -> [f64; 64] {
    let mut t = [1.0; 64];
    let mut j = 0;
    while j < 64 {
        let r = j as f64 * (LN2_HI + LN2_LO) / 64.0;
        t[j] = if r > 0.35 { exp_series(r - (LN2_HI + LN2_LO)) * 2.0 } else { exp_series(r) };
        j += 1;
    }
    t
}

/// The table, built at compile time: `exp` reads it without checking that it was initialised.
static EXP_TABLE: [f64; 64] = build_exp_table();

/// e^x, within a few ulp; 0 below −745, +∞ above 709.8, NaN for NaN.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.78 {
        return f64::INFINITY;
    }
    if x < -745.0 {
        return 0.0;
    }
    // x = (64k + j) ln2/64 + r with |r| ≤ ln2/128: e^x = 2^k · 2^(j/64) · e^r.
    let scaled = x * (64.0 * std::f64::consts::LOG2_E);
    let n = (scaled + if scaled < 0.0 { -0.5 } else { 0.5 }) as i64;
    let nf = n as f64;
    let r = (x - nf * (LN2_HI / 64.0)) - nf * (LN2_LO / 64.0);
    let j = n.rem_euclid(64) as usize;
    let k = n.div_euclid(64);
    // Degree 5 leaves a remainder below 4e-17 for |r| ≤ 0.0055.
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0)))));
    let t = EXP_TABLE.get(j).copied().unwrap_or(1.0) * p;
    // Split 2^k so subnormal results do not underflow the exponent field.
    if k < -1000 { t * pow2(k + 60) * pow2(-60) } else { t * pow2(k) }
}

/// Natural logarithm, within about 1 ulp; −∞ at 0, NaN below 0 or for NaN.
pub fn ln(x: f64) -> f64 {
    if x.is_nan() || x < 0.0 {
        return f64::NAN;
    }
    if x == 0.0 {
        return f64::NEG_INFINITY;
    }
    if x.is_infinite() {
        return x;
    }
    // x = m × 2^e with m in [√½, √2).
    let mut bits = x.to_bits();
    let mut e: i64 = 0;
    if (bits >> 52) == 0 {
        // Subnormal: scale into the normal range first.
        bits = (x * pow2(60)).to_bits();
        e -= 60;
    }
    e += ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | (1023u64 << 52));
    if m > std::f64::consts::SQRT_2 {
        m *= 0.5;
        e += 1;
    }
    // ln m = 2 atanh(s) = 2 (s + s³/3 + s⁵/5 + ...), s = (m − 1)/(m + 1), |s| ≤ 0.1716.
    let s = (m - 1.0) / (m + 1.0);
    let z = s * s;
    const C: [f64; 12] = [
        1.0 / 3.0,
        1.0 / 5.0,
        1.0 / 7.0,
        1.0 / 9.0,
        1.0 / 11.0,
        1.0 / 13.0,
        1.0 / 15.0,
        1.0 / 17.0,
        1.0 / 19.0,
        1.0 / 21.0,
        1.0 / 23.0,
        1.0 / 25.0,
    ];
    let mut p = 0.0;
    for c in C.iter().rev() {
        p = p * z + c;
    }
    let ef = e as f64;
    ef * LN2_HI + (ef * LN2_LO + 2.0 * (s + s * z * p))
}

/// SplitMix64: turns any seed into well-mixed 64-bit words.
pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256**: small, fast, and the same sequence on every platform.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    /// A generator for stream `stream` of `seed` (e.g. one stream per person), independent of
    /// how work is split between threads.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut z = splitmix(seed ^ splitmix(stream.wrapping_add(0x5EED)));
        let mut next = || {
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            splitmix(z)
        };
        let mut s = [next(), next(), next(), next()];
        if s == [0; 4] {
            s[0] = 1;
        }
        Self { s }
    }

    /// A generator for one seed alone: its state is the first four SplitMix64 outputs from
    /// `seed` (how synthetic rosters are seeded).
    pub fn from_seed(seed: u64) -> Self {
        let mut z = seed;
        let mut next = || {
            let x = splitmix(z);
            z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
            x
        };
        let mut s = [next(), next(), next(), next()];
        if s == [0; 4] {
            s[0] = 1;
        }
        Self { s }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (Marsaglia and Tsang's ziggurat: a table lookup and a compare in
    /// almost every draw; portable arithmetic only).
    pub fn normal(&mut self) -> f64 {
        let z = ziggurat();
        loop {
            let bits = self.next_u64();
            let hz = (bits >> 32) as u32 as i32;
            let iz = (bits & 127) as usize;
            let (k, w) = (z.k[iz], z.w[iz]);
            if hz.unsigned_abs() < k {
                return f64::from(hz) * w;
            }
            // The rare cases: the base strip's tail, or a wedge.
            let x = f64::from(hz) * w;
            if iz == 0 {
                loop {
                    let a = -ln(1.0 - self.unit()) / ZIG_R;
                    let b = -ln(1.0 - self.unit());
                    if b + b >= a * a {
                        return if hz > 0 { ZIG_R + a } else { -ZIG_R - a };
                    }
                }
            }
            let (f_here, f_below) = (z.f[iz], z.f[iz - 1]);
            if f_here + self.unit() * (f_below - f_here) < exp(-0.5 * x * x) {
                return x;
            }
        }
    }
}

/// The ziggurat's rightmost strip edge (128 strips).
const ZIG_R: f64 = 3.442_619_855_899;

/// Ziggurat tables: per strip, the acceptance bound, the width and the density at its edge.
struct Ziggurat {
    k: [u32; 128],
    w: [f64; 128],
    f: [f64; 128],
}

fn ziggurat() -> &'static Ziggurat {
    static TABLES: OnceLock<Ziggurat> = OnceLock::new();
    TABLES.get_or_init(|| {
        let m1 = 2_147_483_648.0;
        let v = 9.912_563_035_262_17e-3;
        let mut dn = ZIG_R;
        let mut tn = dn;
        let q = v / exp(-0.5 * dn * dn);
        let mut t = Ziggurat { k: [0; 128], w: [0.0; 128], f: [0.0; 128] };
        t.k[0] = ((dn / q) * m1) as u32;
        t.k[1] = 0;
        t.w[0] = q / m1;
        t.w[127] = dn / m1;
        t.f[0] = 1.0;
        t.f[127] = exp(-0.5 * dn * dn);
        for i in (1..=126).rev() {
            dn = (-2.0 * ln(v / dn + exp(-0.5 * dn * dn))).sqrt();
            t.k[i + 1] = ((dn / tn) * m1) as u32;
            tn = dn;
            t.f[i] = exp(-0.5 * dn * dn);
            t.w[i] = dn / m1;
        }
        t
    })
}

/// The `p` quantile (0..=1) of `values` by linear interpolation between order statistics (the
/// usual "type 7" definition). Reorders `values`; NaN for an empty slice.
#[cfg(test)]
pub fn quantile(values: &mut [f64], p: f64) -> f64 {
    quantile_order(values, p).value(|x| x)
}

/// P10, P50 and P90 of `values` (reordered): the median first, then each tail quantile
/// within its own side of it, so the three cost about two passes.
pub fn p10_p50_p90(values: &mut [f64]) -> [f64; 3] {
    p10_p50_p90_order(values).map(|q| q.value(|x| x))
}

/// Where a quantile falls between two order statistics: `low` (at or below it), `high` (the
/// next one; unused when `frac` is 0) and how far between.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Between {
    pub low: f64,
    pub high: f64,
    pub frac: f64,
}

impl Between {
    /// The quantile of `g` applied to every value, for a nondecreasing `g`: `g` of an order
    /// statistic is the same order statistic of the mapped values, so this is bit for bit
    /// what [`p10_p50_p90`] gives on the mapped values (`g` of the identity: on the values).
    pub fn value(self, g: impl Fn(f64) -> f64) -> f64 {
        let a = g(self.low);
        if self.frac == 0.0 {
            return a;
        }
        a + self.frac * (g(self.high) - a)
    }
}

/// The order statistics [`p10_p50_p90`] interpolates between, for P10, P50 and P90 of
/// `values` (reordered).
pub fn p10_p50_p90_order(values: &mut [f64]) -> [Between; 3] {
    let n = values.len();
    if n < 4 {
        return [0.1, 0.5, 0.9].map(|p| quantile_order(values, p));
    }
    let pos = |p: f64| p * (n - 1) as f64;
    let m = pos(0.5).floor() as usize;
    let (lower, &mut median, upper) = values.select_nth_unstable_by(m, f64::total_cmp);
    // Everything in `lower` is ≤ the m-th order statistic, everything in `upper` ≥ it; with
    // n ≥ 4 the 10th percentile's order statistic is in `lower`, the 90th's in `upper`.
    let least = |side: &[f64]| side.iter().copied().fold(f64::INFINITY, f64::min);
    // The quantile at `p` whose order statistic is the `i`-th of `side` (which starts at
    // order statistic `offset`), the next one being the least of what follows it in `side`,
    // or `after` when nothing does.
    let within = |side: &mut [f64], offset: usize, p: f64, after: f64| -> Between {
        let x = pos(p);
        let i = x.floor() as usize;
        let frac = x - i as f64;
        let (_, &mut a, rest) = side.select_nth_unstable_by(i - offset, f64::total_cmp);
        if frac == 0.0 {
            return Between { low: a, high: a, frac };
        }
        Between { low: a, high: least(rest).min(after), frac }
    };
    let frac = pos(0.5) - m as f64;
    let p50 = if frac == 0.0 {
        Between { low: median, high: median, frac }
    } else {
        Between { low: median, high: least(upper), frac }
    };
    let p90 = within(upper, m + 1, 0.9, f64::INFINITY);
    let p10 = within(lower, 0, 0.1, median);
    [p10, p50, p90]
}

/// [`quantile`]'s order statistics.
fn quantile_order(values: &mut [f64], p: f64) -> Between {
    let n = values.len();
    if n == 0 {
        return Between { low: f64::NAN, high: f64::NAN, frac: 0.0 };
    }
    let pos = p.clamp(0.0, 1.0) * (n - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let (_, &mut a, rest) = values.select_nth_unstable_by(lo.min(n - 1), f64::total_cmp);
    if frac == 0.0 || rest.is_empty() {
        return Between { low: a, high: a, frac: 0.0 };
    }
    Between { low: a, high: rest.iter().copied().fold(f64::INFINITY, f64::min), frac }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_compile_time_exp_table_equals_the_series_evaluated_at_run_time() {
        // `black_box` keeps the series out of const evaluation: computed here at run time.
        for (j, &x) in EXP_TABLE.iter().enumerate() {
            let r = std::hint::black_box(j as f64) * (LN2_HI + LN2_LO) / 64.0;
            let series = std::hint::black_box(exp_series);
            let at_run_time = if r > 0.35 { series(r - (LN2_HI + LN2_LO)) * 2.0 } else { series(r) };
            assert_eq!(x.to_bits(), at_run_time.to_bits(), "2^({j}/64)");
        }
        // And the old lazily built table's values, as bits (a few spot checks).
        assert_eq!(EXP_TABLE[0], 1.0);
        assert!((EXP_TABLE[32] - std::f64::consts::SQRT_2).abs() <= f64::EPSILON * 2.0);
    }

    #[test]
    fn exp_and_ln_match_the_platform_to_a_few_ulp() {
        let mut rng = Rng::new(3, 0);
        for _ in 0..20_000 {
            let x = (rng.unit() - 0.5) * 80.0;
            let (a, b) = (exp(x), x.exp());
            assert!(((a - b) / b).abs() < 1e-15, "exp({x}) = {a} vs {b}");
            let y = exp((rng.unit() - 0.5) * 1400.0);
            let (a, b) = (ln(y), y.ln());
            assert!((a - b).abs() <= 4e-16 * b.abs().max(1.0), "ln({y}) = {a} vs {b}");
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
        assert_eq!(exp(-1000.0), 0.0);
        assert!(exp(-740.0) > 0.0, "subnormal results survive");
        assert!(ln(-1.0).is_nan() && ln(f64::NAN).is_nan());
        assert_eq!(ln(0.0), f64::NEG_INFINITY);
        assert!((ln(5e-324) - 5e-324f64.ln()).abs() < 1e-12);
    }

    #[test]
    fn normal_draws_have_mean_0_and_variance_1_and_repeat_with_the_seed() {
        let mut rng = Rng::new(42, 7);
        let n = 400_000;
        let draws: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|z| (z - mean) * (z - mean)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
        assert!((var - 1.0).abs() < 0.01, "{var}");
        // Tail shares against the normal distribution: P(|z| > 1) = 0.3173, P(|z| > 2) = 0.0455,
        // P(|z| > 3.5) = 0.000465 (the ziggurat's tail strip starts at 3.44).
        for (edge, share) in [(1.0, 0.3173), (2.0, 0.0455), (3.5, 0.000465)] {
            let got = draws.iter().filter(|z| z.abs() > edge).count() as f64 / n as f64;
            assert!((got - share).abs() < 4.0 * (share / n as f64).sqrt() + 1e-4, "P(|z| > {edge}) = {got}");
        }
        let mut again = Rng::new(42, 7);
        assert!(draws.iter().take(100).all(|&z| z == again.normal()));
        let mut other = Rng::new(42, 8);
        assert_ne!(draws[0], other.normal(), "streams differ");
    }

    #[test]
    fn percentiles_of_rising_values_are_the_values_at_the_keys_percentiles() {
        let mut rng = Rng::new(4, 4);
        // Rising maps with ties (rounding, a cap, zeros) and sizes below and above 4.
        let maps: [&dyn Fn(f64) -> f64; 4] =
            [&|f| 1.5 * (1234.5 * f), &|f| (3.0 * f).round(), &|f| (f - 1.0).max(0.0) * 7.0, &|f| (2.0 * f).min(2.5)];
        for n in (1..=12).chain([999, 1000, 1001]) {
            let keys: Vec<f64> = (0..n).map(|_| exp(0.6 * rng.normal())).collect();
            let order = p10_p50_p90_order(&mut keys.clone());
            for g in maps {
                let mut values: Vec<f64> = keys.iter().map(|&f| g(f)).collect();
                let want = p10_p50_p90(&mut values);
                let got = order.map(|q| q.value(g));
                assert_eq!(got.map(f64::to_bits), want.map(f64::to_bits), "n = {n}");
            }
        }
    }

    #[test]
    fn quantiles_interpolate() {
        let mut v: Vec<f64> = (1..=11).rev().map(f64::from).collect();
        assert_eq!(p10_p50_p90(&mut v), [2.0, 6.0, 10.0]);
        let mut v = vec![1.0, 2.0];
        assert_eq!(quantile(&mut v, 0.5), 1.5);
        let mut rng = Rng::new(9, 9);
        // Every size where the tails' order statistics sit next to the median, and values with
        // many ties (pay that is 0 or capped in most trials).
        for n in (4..=41).chain([1000, 1001]) {
            let draws: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            let tied: Vec<f64> = draws.iter().map(|z| z.round().clamp(-1.0, 1.0)).collect();
            for v in [draws, tied] {
                let fast = p10_p50_p90(&mut v.clone());
                let slow =
                    [quantile(&mut v.clone(), 0.1), quantile(&mut v.clone(), 0.5), quantile(&mut v.clone(), 0.9)];
                assert_eq!(fast, slow, "n = {n}: {v:?}");
            }
        }
        assert!(quantile(&mut [], 0.5).is_nan());
        assert_eq!(quantile(&mut [3.0], 0.9), 3.0);
    }
}
