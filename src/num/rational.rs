//! Exact rational numbers for payroll amounts: every value the plan language can produce
//! (`+ − × ÷`, min/max/if, tiers, curve interpolation, proration in days ÷ days) is the exact
//! quotient of two integers, rounded once, per payout line, to the currency's minor unit.
//!
//! A value is a numerator and a positive denominator in `i128`, not reduced after every step
//! (reducing costs a gcd; the numbers of real plans stay far inside `i128` without it). When a
//! step would overflow, the operands are reduced and the step retried; when that overflows too,
//! the value moves to arbitrary-precision integers ([`num_bigint::BigInt`]), where nothing can
//! overflow. So a result is exact by construction, not by guard digits: the only error is
//! division by zero, and a rounded amount too large for a [`Decimal`].

use std::cmp::Ordering;
use std::fmt;

use num_bigint::BigInt;
use num_integer::Integer as _;
use num_traits::{One as _, Signed as _, ToPrimitive as _, Zero as _};
use rust_decimal::Decimal;

use super::ArithError;
use crate::money::Rounding;

/// `10^k` for `k = 0..=38` (every power of ten an `i128` holds).
const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut k = 1;
    while k < 39 {
        table[k] = table[k - 1] * 10;
        k += 1;
    }
    table
};

/// Past this size a result is reduced right away, so that the next steps stay on the fast path.
const REDUCE_ABOVE: u128 = 1 << 96;

/// The largest mantissa a [`Decimal`] holds: 2^96 − 1.
const DECIMAL_MAX_MANTISSA: i128 = (1i128 << 96) - 1;

/// An exact rational number (see the module documentation).
#[derive(Clone)]
pub struct Rational(Repr);

#[derive(Clone)]
enum Repr {
    /// `n / d`, `d > 0`, not necessarily in lowest terms.
    Small(i128, i128),
    /// `n / d`, `d > 0`, in lowest terms.
    Big(Box<(BigInt, BigInt)>),
}

/// `x × y`, without overflow checks when both fit in 64 bits (the common case, and much cheaper
/// than a checked 128-bit multiplication).
#[inline]
fn mul_i128(x: i128, y: i128) -> Option<i128> {
    match (i64::try_from(x), i64::try_from(y)) {
        (Ok(a), Ok(b)) => Some(i128::from(a) * i128::from(b)),
        _ => x.checked_mul(y),
    }
}

/// Greatest common divisor of `|a|` and `|b|` (binary gcd; 64-bit when both fit).
fn gcd(a: i128, b: i128) -> u128 {
    let (a, b) = (a.unsigned_abs(), b.unsigned_abs());
    if let (Ok(x), Ok(y)) = (u64::try_from(a), u64::try_from(b)) {
        return u128::from(gcd64(x, y));
    }
    gcd128(a, b)
}

/// Binary (Stein's) gcd for one unsigned width.
macro_rules! binary_gcd {
    ($name:ident, $t:ty) => {
        fn $name(a: $t, b: $t) -> $t {
            if a == 0 {
                return b;
            }
            if b == 0 {
                return a;
            }
            let shift = (a | b).trailing_zeros();
            let mut a = a >> a.trailing_zeros();
            let mut b = b;
            loop {
                b >>= b.trailing_zeros();
                if a > b {
                    std::mem::swap(&mut a, &mut b);
                }
                b -= a;
                if b == 0 {
                    return a << shift;
                }
            }
        }
    };
}
binary_gcd!(gcd64, u64);
binary_gcd!(gcd128, u128);

/// `n / d` in lowest terms (`d > 0`).
fn reduced(n: i128, d: i128) -> (i128, i128) {
    let g = gcd(n, d);
    if g <= 1 {
        return (n, d);
    }
    // g divides both and g ≥ 2, so g fits in i128 and the quotients are exact.
    let g = g as i128;
    (n / g, d / g)
}

impl Rational {
    /// 0.
    pub const ZERO: Self = Self(Repr::Small(0, 1));
    /// 1.
    pub const ONE: Self = Self(Repr::Small(1, 1));

    /// `num / den`; `None` when `den` is 0.
    pub fn new(num: i128, den: i128) -> Option<Self> {
        match den.cmp(&0) {
            Ordering::Equal => None,
            Ordering::Greater => Some(Self(Repr::Small(num, den))),
            Ordering::Less => match (num.checked_neg(), den.checked_neg()) {
                (Some(n), Some(d)) => Some(Self(Repr::Small(n, d))),
                _ => Some(Self::big(-BigInt::from(num), -BigInt::from(den))),
            },
        }
    }

    /// `num / den` as stored, for plan constants converted once (`den > 0`; 1 is used
    /// otherwise).
    #[inline]
    pub(crate) fn from_raw_parts(num: i128, den: i128) -> Self {
        if den > 0 { Self(Repr::Small(num, den)) } else { Self(Repr::Small(num, 1)) }
    }

    /// The stored numerator and denominator, when on the fast path.
    pub(crate) fn raw_parts(&self) -> Option<(i128, i128)> {
        match &self.0 {
            Repr::Small(n, d) => Some((*n, *d)),
            Repr::Big(_) => None,
        }
    }

    /// An integer.
    pub fn from_int(n: i128) -> Self {
        Self(Repr::Small(n, 1))
    }

    /// The exact value of a decimal (always on the fast path: a decimal's mantissa has at most
    /// 96 bits and its scale at most 28).
    pub fn from_decimal(d: Decimal) -> Self {
        let scale = d.scale() as usize;
        match POW10.get(scale) {
            Some(&den) => Self(Repr::Small(d.mantissa(), den)),
            None => Self::big(BigInt::from(d.mantissa()), BigInt::from(10).pow(d.scale())),
        }
    }

    /// The exact value of a finite `f64` (a dyadic rational); `None` for NaN and infinities.
    pub fn from_f64(x: f64) -> Option<Self> {
        if !x.is_finite() {
            return None;
        }
        if x == 0.0 {
            return Some(Self::ZERO);
        }
        let bits = x.to_bits();
        let negative = bits >> 63 == 1;
        let exponent = ((bits >> 52) & 0x7ff) as i32;
        let fraction = bits & ((1u64 << 52) - 1);
        let (mantissa, exp) =
            if exponent == 0 { (fraction, -1074) } else { (fraction | (1u64 << 52), exponent - 1075) };
        let m = if negative { -BigInt::from(mantissa) } else { BigInt::from(mantissa) };
        let value = if exp >= 0 {
            Self::big(m << exp as usize, BigInt::one())
        } else {
            Self::big(m, BigInt::one() << (-exp) as usize)
        };
        Some(value)
    }

    /// A value in big integers, reduced and moved back to the fast path when it fits.
    fn big(n: BigInt, d: BigInt) -> Self {
        let g = n.gcd(&d);
        let (mut n, mut d) = if g.is_one() || g.is_zero() { (n, d) } else { (n / &g, d / &g) };
        if d.is_negative() {
            n = -n;
            d = -d;
        }
        match (n.to_i128(), d.to_i128()) {
            (Some(n), Some(d)) => Self(Repr::Small(n, d)),
            _ => Self(Repr::Big(Box::new((n, d)))),
        }
    }

    /// Numerator and denominator as big integers.
    fn to_big(&self) -> (BigInt, BigInt) {
        match &self.0 {
            Repr::Small(n, d) => (BigInt::from(*n), BigInt::from(*d)),
            Repr::Big(b) => (b.0.clone(), b.1.clone()),
        }
    }

    /// A small result, reduced first when it has grown large.
    #[inline]
    fn small(n: i128, d: i128) -> Self {
        if n.unsigned_abs() > REDUCE_ABOVE || d.unsigned_abs() > REDUCE_ABOVE {
            let (n, d) = reduced(n, d);
            return Self(Repr::Small(n, d));
        }
        Self(Repr::Small(n, d))
    }

    /// `self + rhs`.
    pub fn add(&self, rhs: &Self) -> Self {
        if let (Repr::Small(an, ad), Repr::Small(bn, bd)) = (&self.0, &rhs.0) {
            let (an, ad, bn, bd) = (*an, *ad, *bn, *bd);
            if ad == bd {
                if let Some(n) = an.checked_add(bn) {
                    return Self::small(n, ad);
                }
            } else if let (Some(x), Some(y), Some(d)) = (mul_i128(an, bd), mul_i128(bn, ad), mul_i128(ad, bd))
                && let Some(n) = x.checked_add(y)
            {
                return Self::small(n, d);
            }
            // Over a common denominator, in lowest terms.
            let (an, ad) = reduced(an, ad);
            let (bn, bd) = reduced(bn, bd);
            let g = gcd(ad, bd) as i128;
            let (fa, fb) = (bd / g, ad / g);
            if let (Some(x), Some(y), Some(d)) = (mul_i128(an, fa), mul_i128(bn, fb), mul_i128(ad, fa))
                && let Some(n) = x.checked_add(y)
            {
                return Self::small(n, d);
            }
        }
        let ((an, ad), (bn, bd)) = (self.to_big(), rhs.to_big());
        Self::big(an * &bd + bn * &ad, ad * bd)
    }

    /// `−self`.
    pub fn neg(&self) -> Self {
        match &self.0 {
            Repr::Small(n, d) => match n.checked_neg() {
                Some(n) => Self(Repr::Small(n, *d)),
                None => Self::big(-BigInt::from(*n), BigInt::from(*d)),
            },
            Repr::Big(b) => Self(Repr::Big(Box::new((-&b.0, b.1.clone())))),
        }
    }

    /// `self − rhs`.
    pub fn sub(&self, rhs: &Self) -> Self {
        self.add(&rhs.neg())
    }

    /// `self × rhs`.
    pub fn mul(&self, rhs: &Self) -> Self {
        if let (Repr::Small(an, ad), Repr::Small(bn, bd)) = (&self.0, &rhs.0) {
            let (an, ad, bn, bd) = (*an, *ad, *bn, *bd);
            if let (Some(n), Some(d)) = (mul_i128(an, bn), mul_i128(ad, bd)) {
                return Self::small(n, d);
            }
            // Cross-reduce, then retry.
            let (an, bd) = reduced_pair(an, bd);
            let (bn, ad) = reduced_pair(bn, ad);
            if let (Some(n), Some(d)) = (mul_i128(an, bn), mul_i128(ad, bd)) {
                return Self::small(n, d);
            }
        }
        let ((an, ad), (bn, bd)) = (self.to_big(), rhs.to_big());
        Self::big(an * bn, ad * bd)
    }

    /// `self ÷ rhs`.
    pub fn div(&self, rhs: &Self) -> Result<Self, ArithError> {
        if rhs.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        Ok(self.mul(&rhs.recip()))
    }

    /// `1 / self` (`self` is not 0).
    fn recip(&self) -> Self {
        match &self.0 {
            Repr::Small(n, d) => Self::new(*d, *n).unwrap_or(Self::ZERO),
            Repr::Big(b) => Self::big(b.1.clone(), b.0.clone()),
        }
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small(n, _) => *n == 0,
            Repr::Big(b) => b.0.is_zero(),
        }
    }

    /// −1, 0 or 1.
    pub fn signum(&self) -> i32 {
        match &self.0 {
            Repr::Small(n, _) => n.signum() as i32,
            Repr::Big(b) => {
                if b.0.is_negative() {
                    -1
                } else if b.0.is_zero() {
                    0
                } else {
                    1
                }
            }
        }
    }

    /// Whether the value is below 0.
    pub fn is_negative(&self) -> bool {
        self.signum() < 0
    }

    /// Numerator and denominator in lowest terms, when both fit in `i128`.
    pub fn parts(&self) -> Option<(i128, i128)> {
        match &self.0 {
            Repr::Small(n, d) => Some(reduced(*n, *d)),
            Repr::Big(b) => Some((b.0.to_i128()?, b.1.to_i128()?)),
        }
    }

    /// Whether the value is an integer.
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Small(n, d) => n % d == 0,
            Repr::Big(b) => b.1.is_one(),
        }
    }

    /// The value rounded to `decimals` places by `mode`, as a decimal with exactly that scale;
    /// `Err(Overflow)` when it does not fit a decimal (about 7.9 × 10²⁸).
    ///
    /// A value too large for that many decimals but whose last digits are zeros comes back with
    /// fewer decimals (the same value; formatting pads the zeros).
    pub fn round(&self, decimals: u32, mode: Rounding) -> Result<Decimal, ArithError> {
        if let Some(q) = self.round_small(decimals, mode)
            && q.abs() <= DECIMAL_MAX_MANTISSA
        {
            return Decimal::try_from_i128_with_scale(q, decimals).map_err(|_| ArithError::Overflow);
        }
        let (mut q, _) = self.round_big(decimals, mode);
        let mut scale = decimals;
        loop {
            if let Some(small) = q.to_i128().filter(|q| q.abs() <= DECIMAL_MAX_MANTISSA) {
                return Decimal::try_from_i128_with_scale(small, scale).map_err(|_| ArithError::Overflow);
            }
            let (div, rem) = q.div_rem(&BigInt::from(10));
            if scale == 0 || !rem.is_zero() {
                return Err(ArithError::Overflow);
            }
            q = div;
            scale -= 1;
        }
    }

    /// `round(self × 10^decimals)` as an integer, when that fits an `i128` (for writing a
    /// value with `decimals` places without going through a [`Decimal`]).
    pub fn round_scaled(&self, decimals: u32, mode: Rounding) -> Option<i128> {
        if let Some(q) = self.round_small(decimals, mode) {
            return Some(q);
        }
        if decimals > 38 {
            return None;
        }
        self.round_big(decimals, mode).0.to_i128()
    }

    /// The number of decimal places the value has, or `None` when its decimal expansion does
    /// not end (its denominator has a prime factor other than 2 and 5).
    pub fn decimal_places(&self) -> Option<u32> {
        match &self.0 {
            Repr::Small(n, d) => {
                if let (Ok(n), Ok(d)) = (u64::try_from(n.unsigned_abs()), u64::try_from(*d)) {
                    return decimal_places64(n, d);
                }
                let (_, d) = reduced(*n, *d);
                let mut d = d.unsigned_abs();
                let twos = d.trailing_zeros();
                d >>= twos;
                let mut fives = 0;
                while d % 5 == 0 {
                    d /= 5;
                    fives += 1;
                }
                (d == 1).then_some(twos.max(fives))
            }
            Repr::Big(b) => {
                let mut d = b.1.clone();
                let twos = d.trailing_zeros().unwrap_or(0);
                d >>= twos as usize;
                let five = BigInt::from(5);
                let mut fives = 0u64;
                loop {
                    let (q, r) = d.div_rem(&five);
                    if !r.is_zero() {
                        break;
                    }
                    d = q;
                    fives += 1;
                }
                d.is_one().then(|| u32::try_from(twos.max(fives)).unwrap_or(u32::MAX))
            }
        }
    }

    /// Whether the value has at most `decimals` decimal places (so a decimal shows it exactly).
    pub fn is_exact_at(&self, decimals: u32) -> bool {
        self.decimal_places().is_some_and(|places| places <= decimals)
    }

    /// `round(self × 10^decimals)` on the fast path: in 64 bits when the numbers fit (the usual
    /// case), else in 128; `None` when that overflows.
    #[inline]
    fn round_small(&self, decimals: u32, mode: Rounding) -> Option<i128> {
        let Repr::Small(n, d) = &self.0 else { return None };
        let scale = *POW10.get(decimals as usize)?;
        if let (Ok(n), Ok(d), Ok(scale)) = (i64::try_from(*n), i64::try_from(*d), i64::try_from(scale))
            && let Some(scaled) = n.checked_mul(scale)
        {
            let (q, r) = (scaled / d, scaled % d);
            let r = r.unsigned_abs();
            let up = round_up(mode, r, d.unsigned_abs() - r, q % 2 != 0);
            return Some(i128::from(q) + if up { i128::from(scaled.signum()) } else { 0 });
        }
        let (mut n, mut d) = (*n, *d);
        let mut scaled = mul_i128(n, scale);
        if scaled.is_none() {
            (n, d) = reduced(n, d);
            scaled = mul_i128(n, scale);
        }
        let scaled = scaled?;
        let (q, r) = (scaled / d, scaled % d);
        // |r| < d; comparing |r| with d − |r| finds the half without overflow.
        let r = r.unsigned_abs();
        let up = round_up(mode, r, d.unsigned_abs() - r, q % 2 != 0);
        if up { if scaled < 0 { q.checked_sub(1) } else { q.checked_add(1) } } else { Some(q) }
    }

    /// `round(self × 10^decimals)` in big integers, and whether nothing was rounded away.
    fn round_big(&self, decimals: u32, mode: Rounding) -> (BigInt, bool) {
        let (n, d) = self.to_big();
        let scaled = n * BigInt::from(10).pow(decimals);
        let (q, r) = scaled.div_rem(&d);
        let exact = r.is_zero();
        let r = r.abs();
        let rest = &d - &r;
        let up = match mode {
            Rounding::Down => false,
            Rounding::HalfAwayFromZero => r >= rest && !r.is_zero(),
            Rounding::HalfEven => r > rest || (r == rest && !r.is_zero() && q.is_odd()),
        };
        let q = if up { if scaled.is_negative() { q - 1 } else { q + 1 } } else { q };
        (q, exact)
    }

    /// The nearest `f64` (for display and charts; never for an amount that is paid).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Small(n, d) => {
                let (n, d) = if n.unsigned_abs() > (1 << 53) || d.unsigned_abs() > (1 << 53) {
                    reduced(*n, *d)
                } else {
                    (*n, *d)
                };
                n as f64 / d as f64
            }
            Repr::Big(b) => {
                // Each to at most 64 significant bits, divided, then scaled back by the shifts.
                let shift_n = b.0.bits().saturating_sub(64);
                let shift_d = b.1.bits().saturating_sub(64);
                let (n, d) = (&b.0 >> shift_n as usize, &b.1 >> shift_d as usize);
                match (n.to_f64(), d.to_f64()) {
                    (Some(n), Some(d)) if d != 0.0 => {
                        let exp = shift_n as i64 - shift_d as i64;
                        // In two halves, so a scale past f64's exponent range is not lost early.
                        let half = (exp / 2).clamp(-2000, 2000) as i32;
                        let rest = (exp - exp / 2).clamp(-2000, 2000) as i32;
                        n / d * 2f64.powi(half) * 2f64.powi(rest)
                    }
                    _ => f64::NAN,
                }
            }
        }
    }

    /// The value as a decimal rounded half away from zero to at most `decimals` places (fewer
    /// when the value is large), for display; trailing zeros are removed.
    pub fn to_decimal_display(&self, decimals: u32) -> Decimal {
        if let Repr::Small(n, d) = &self.0
            && n % d == 0
            && let Ok(whole) = Decimal::try_from_i128_with_scale(n / d, 0)
        {
            return whole;
        }
        if let Ok(d) = self.round(decimals.min(28), Rounding::HalfAwayFromZero) {
            return d.normalize();
        }
        // A decimal holds 28 or 29 significant digits: keep what fits beside the integer digits.
        let magnitude = self.to_f64().abs();
        let int_digits = if magnitude >= 1.0 { magnitude.log10().floor() as i64 + 1 } else { 0 };
        let mut places = decimals.min(28).min((28 - int_digits).clamp(0, 28) as u32);
        loop {
            if let Ok(d) = self.round(places, Rounding::HalfAwayFromZero) {
                return d.normalize();
            }
            if places == 0 {
                return if self.is_negative() { Decimal::MIN } else { Decimal::MAX };
            }
            places -= 1;
        }
    }
}

/// Whether rounding moves away from zero, given the remainder `r` (as a magnitude), what is left
/// to the next unit `rest` (so `r + rest` is the divisor) and whether the truncated result is odd.
#[inline]
fn round_up<T: PartialOrd + Default>(mode: Rounding, r: T, rest: T, odd: bool) -> bool {
    let nonzero = r != T::default();
    match mode {
        Rounding::Down => false,
        Rounding::HalfAwayFromZero => nonzero && r >= rest,
        Rounding::HalfEven => nonzero && (r > rest || (r == rest && odd)),
    }
}

/// [`Rational::decimal_places`] of `n / d` (`d > 0`) without reducing it: with `d = 2^a 5^b r`
/// (`r` coprime to 10) the expansion ends exactly when `r` divides `n`, and then the reduced
/// denominator keeps the 2s and 5s that `n` does not cancel. All in 64 bits: this runs for every
/// amount of every explanation.
fn decimal_places64(n: u64, d: u64) -> Option<u32> {
    if n == 0 {
        return Some(0);
    }
    let twos = d.trailing_zeros();
    let mut r = d >> twos;
    let mut fives = 0u32;
    while r.is_multiple_of(5) {
        r /= 5;
        fives += 1;
    }
    // Nearly always `r` is 1 (a denominator of 2s and 5s): no division by a variable.
    let mut m = if r == 1 {
        n
    } else if n.is_multiple_of(r) {
        n / r
    } else {
        return None;
    };
    let twos = twos - twos.min(m.trailing_zeros());
    let mut cancelled = 0;
    while cancelled < fives && m.is_multiple_of(5) {
        m /= 5;
        cancelled += 1;
    }
    Some(twos.max(fives - cancelled))
}

/// `(a, b)` divided by their gcd.
fn reduced_pair(a: i128, b: i128) -> (i128, i128) {
    let g = gcd(a, b);
    if g <= 1 {
        return (a, b);
    }
    let g = g as i128;
    (a / g, b / g)
}

impl PartialEq for Rational {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Rational {}

impl PartialOrd for Rational {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rational {
    fn cmp(&self, other: &Self) -> Ordering {
        if let (Repr::Small(an, ad), Repr::Small(bn, bd)) = (&self.0, &other.0) {
            if ad == bd {
                return an.cmp(bn);
            }
            // Different signs (or zeros) decide without multiplying.
            let (sa, sb) = (an.signum(), bn.signum());
            if sa != sb {
                return sa.cmp(&sb);
            }
            if let (Some(x), Some(y)) = (mul_i128(*an, *bd), mul_i128(*bn, *ad)) {
                return x.cmp(&y);
            }
        }
        let ((an, ad), (bn, bd)) = (self.to_big(), other.to_big());
        (an * bd).cmp(&(bn * ad))
    }
}

impl fmt::Debug for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `n/d` in lowest terms (`n` alone for integers).
impl fmt::Display for Rational {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, d) = match &self.0 {
            Repr::Small(n, d) => {
                let (n, d) = reduced(*n, *d);
                (BigInt::from(n), BigInt::from(d))
            }
            Repr::Big(b) => (b.0.clone(), b.1.clone()),
        };
        if d.is_one() { write!(f, "{n}") } else { write!(f, "{n}/{d}") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr as _;

    fn q(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The decimal places of `n / d` the slow way: reduce, then count the 2s and 5s left.
    fn places_by_reducing(n: u64, d: u64) -> Option<u32> {
        let g = gcd64(n, d).max(1);
        let mut d = d / g;
        let twos = d.trailing_zeros();
        d >>= twos;
        let mut fives = 0;
        while d.is_multiple_of(5) {
            d /= 5;
            fives += 1;
        }
        (d == 1).then_some(twos.max(fives))
    }

    #[test]
    fn decimal_places_without_reducing_agree_with_reducing() {
        let cases = [(0, 7), (1, 8), (1_453_125, 1000), (62, 576), (125, 1000), (3, 3), (250, 4), (7, 35), (1, 3)];
        for (n, d) in cases {
            assert_eq!(decimal_places64(n, d), places_by_reducing(n, d), "{n}/{d}");
        }
        assert_eq!(decimal_places64(1_453_125, 1000), Some(3));
        assert_eq!(decimal_places64(62, 576), None);
        assert_eq!(decimal_places64(7, 35), Some(1));
        proptest::proptest!(|(n in 0u64..1 << 40, a in 0u32..12, b in 0u32..12, r in 1u64..50, k in 0u64..2000)| {
            // Denominators made of 2s, 5s and a little else, numerators that often cancel them.
            let d = (1u64 << a) * 5u64.pow(b) * r;
            for n in [n, n * r, k * d / r.max(1), k * 10] {
                proptest::prop_assert_eq!(decimal_places64(n, d), places_by_reducing(n, d), "{}/{}", n, d);
            }
        });
    }

    #[test]
    fn the_domain_examples_round_to_the_right_cent() {
        // 17.00 × 7.5% = 1.275 → 1.28 (f64 gives 1.27).
        let v = Rational::from_decimal(dec("17.00")).mul(&Rational::from_decimal(dec("0.075")));
        assert_eq!(v.round(2, Rounding::HalfAwayFromZero).unwrap(), dec("1.28"));
        // 62 internal of 576 hours, target share 0.2, curve (0.5,0.5)–(1,1), base 2,700:
        // 2,700 × (62/576 ÷ 0.2) = 1,453.125 exactly → 1,453.13.
        let share = q(62, 576);
        let x = share.div(&Rational::from_decimal(dec("0.2"))).unwrap();
        let y = x.sub(&q(1, 2)).mul(&q(1, 2)).div(&q(1, 2)).unwrap().add(&q(1, 2));
        let amount = Rational::from_int(2700).mul(&y);
        assert_eq!(amount, Rational::from_decimal(dec("1453.125")));
        assert_eq!(amount.round(2, Rounding::HalfAwayFromZero).unwrap(), dec("1453.13"));
        assert_eq!(amount.round(2, Rounding::HalfEven).unwrap(), dec("1453.12"));
        assert_eq!(amount.round(2, Rounding::Down).unwrap(), dec("1453.12"));
        // Proration 69/90 of 516,000 at 6% to 100% and 10% above, revenue 403,158.55.
        let quota = Rational::from_int(516_000).mul(&q(69, 90));
        let revenue = Rational::from_decimal(dec("403158.55"));
        let base = quota.mul(&Rational::from_decimal(dec("0.06")));
        let above = revenue.sub(&quota).mul(&Rational::from_decimal(dec("0.10")));
        let total = base.add(&above);
        assert_eq!(total, Rational::from_decimal(dec("24491.855")));
        assert_eq!(total.round(2, Rounding::HalfAwayFromZero).unwrap(), dec("24491.86"));
    }

    #[test]
    fn rounding_modes_on_both_signs() {
        let cases = [
            ("1.275", "1.28", "1.28", "1.27"),
            ("1.265", "1.27", "1.26", "1.26"),
            ("-1.275", "-1.28", "-1.28", "-1.27"),
            ("-1.265", "-1.27", "-1.26", "-1.26"),
            ("0.004", "0.00", "0.00", "0.00"),
            ("-0.005", "-0.01", "0.00", "0.00"),
            ("2.5", "2.50", "2.50", "2.50"),
        ];
        for (v, away, even, down) in cases {
            let r = Rational::from_decimal(dec(v));
            assert_eq!(r.round(2, Rounding::HalfAwayFromZero).unwrap().to_string(), away, "{v}");
            assert_eq!(r.round(2, Rounding::HalfEven).unwrap().to_string(), even, "{v}");
            assert_eq!(r.round(2, Rounding::Down).unwrap().to_string(), down, "{v}");
        }
        // Thirds never sit on a half.
        assert_eq!(q(1, 3).round(2, Rounding::HalfAwayFromZero).unwrap(), dec("0.33"));
        assert_eq!(q(2, 3).round(0, Rounding::HalfEven).unwrap(), dec("1"));
        assert_eq!(q(-2, 3).round(0, Rounding::Down).unwrap(), dec("0"));
    }

    #[test]
    fn comparisons_are_exact_and_ignore_representation() {
        assert_eq!(q(2, 4), q(1, 2));
        assert_eq!(q(-3, 6), q(1, -2));
        assert!(q(1, 3) < q(334, 1000));
        assert!(q(-1, 3) > q(-334, 1000));
        assert!(Rational::ZERO < q(1, i128::MAX));
        // Past i128 in the cross products.
        let a = q(i128::MAX - 1, i128::MAX);
        let b = q(i128::MAX - 2, i128::MAX - 1);
        assert!(a > b);
        assert_eq!(a.cmp(&a.clone()), Ordering::Equal);
    }

    #[test]
    fn overflowing_steps_stay_exact_in_big_integers() {
        let huge = Rational::from_decimal(Decimal::MAX);
        let square = huge.mul(&huge);
        assert!(matches!(square.0, Repr::Big(_)));
        let back = square.div(&huge).unwrap();
        assert_eq!(back, huge);
        assert!(matches!(back.0, Repr::Small(..)), "results that fit move back to i128");
        let tiny = q(1, i128::MAX).mul(&q(1, i128::MAX));
        assert!(tiny > Rational::ZERO);
        assert_eq!(tiny.round(2, Rounding::HalfAwayFromZero).unwrap(), dec("0.00"));
        assert_eq!(square.round(2, Rounding::HalfAwayFromZero), Err(ArithError::Overflow));
        // Too large for two decimals, but a whole number that fits with none.
        let whole = Rational::from_decimal(dec("50000000000000000000000000000"));
        assert_eq!(whole.round(2, Rounding::HalfAwayFromZero).unwrap(), dec("50000000000000000000000000000"));
        let sum = huge.add(&huge).sub(&huge);
        assert_eq!(sum, huge);
        assert_eq!(q(i128::MIN, 1).neg().neg(), q(i128::MIN, 1));
    }

    #[test]
    fn division_by_zero_is_an_error() {
        assert_eq!(Rational::ONE.div(&Rational::ZERO), Err(ArithError::DivisionByZero));
        assert!(Rational::new(1, 0).is_none());
    }

    #[test]
    fn f64_values_convert_exactly() {
        assert_eq!(Rational::from_f64(0.5).unwrap(), q(1, 2));
        assert_eq!(Rational::from_f64(-3.0).unwrap(), Rational::from_int(-3));
        // 0.1 is not 1/10 in binary.
        assert_ne!(Rational::from_f64(0.1).unwrap(), q(1, 10));
        assert!((Rational::from_f64(0.1).unwrap().to_f64() - 0.1).abs() == 0.0);
        assert!(Rational::from_f64(f64::NAN).is_none());
        assert_eq!(Rational::from_f64(f64::MIN_POSITIVE).unwrap().to_f64(), f64::MIN_POSITIVE);
    }

    #[test]
    fn display_and_exactness() {
        assert_eq!(q(69, 90).to_string(), "23/30");
        assert_eq!(q(10, 5).to_string(), "2");
        assert!(q(1, 8).is_exact_at(3));
        assert!(!q(1, 8).is_exact_at(2));
        assert!(!q(1, 3).is_exact_at(28));
        assert_eq!(q(2, 3).to_decimal_display(4), dec("0.6667"));
        assert_eq!(q(1, 2).to_decimal_display(6).to_string(), "0.5");
    }
}
