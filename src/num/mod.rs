//! The numbers payout maths runs on, behind one trait so every pay rule has one implementation:
//! exact [`Rational`]s for everything that is paid or exported, and `f64` for the behaviour
//! simulation, which evaluates plans millions of times.

mod rational;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

pub use rational::Rational;

/// Why an arithmetic step failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArithError {
    /// Division by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A result too large to pay or represent (about 7.9 × 10²⁸ for a rounded amount).
    #[error("number too large (overflow)")]
    Overflow,
    /// A value that is not a finite number (simulation inputs only).
    #[error("not a finite number")]
    NotFinite,
}

/// The operations payout maths needs, with division by zero (and, for floats, results that are
/// not finite) as errors, never panics.
pub trait Num: Clone + PartialOrd + PartialEq + std::fmt::Debug + Send + Sync + 'static {
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// From an exact decimal (rounding to the nearest `f64` for floats).
    fn from_dec(d: Decimal) -> Self;
    /// A plan constant, already converted: the same value as `from_dec(k.dec)`, without the
    /// conversion's work on every use.
    fn konst(k: &Konst) -> Self;
    /// The share of a period employed: `employed / days` (1 when employed the whole period, 0
    /// when not at all or when the period is empty).
    fn days_share(employed: i64, days: i64) -> Self;
    /// A roster amount in plan currency, `value × rate`, prorated by `employed / days` when
    /// given (quota and target incentive).
    fn convert(value: Decimal, rate: Decimal, proration: Option<(i64, i64)>) -> Result<Self, ArithError>;
    /// The exact value (for explanations; a float's exact binary value).
    fn to_rational(&self) -> Rational;
    /// `self + rhs`.
    fn add(&self, rhs: &Self) -> Result<Self, ArithError>;
    /// `self - rhs`.
    fn sub(&self, rhs: &Self) -> Result<Self, ArithError>;
    /// `self * rhs`.
    fn mul(&self, rhs: &Self) -> Result<Self, ArithError>;
    /// `self / rhs`.
    fn div(&self, rhs: &Self) -> Result<Self, ArithError>;
    /// `-self`.
    fn neg(&self) -> Self;
    /// `self < 0`.
    fn is_negative(&self) -> bool {
        *self < Self::ZERO
    }
    /// `self == 0`.
    fn is_zero(&self) -> bool {
        *self == Self::ZERO
    }
    /// The smaller of two values.
    fn min_of(self, other: Self) -> Self {
        if other < self { other } else { self }
    }
    /// The larger of two values.
    fn max_of(self, other: Self) -> Self {
        if other > self { other } else { self }
    }
}

/// A plan constant (rate, tier edge, amount, curve point, ...) held both ways: exact for payroll
/// and as the `f64` that [`Num::from_dec`] gives, converted once when the plan is compiled. The
/// behaviour simulation reads plan constants tens of millions of times; [`Num::konst`] makes
/// each read a load for either number kind.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Konst {
    /// The exact value.
    pub dec: Decimal,
    /// `f64::from_dec(dec)`.
    pub f: f64,
    /// The exact value as a fraction (`Rational::from_decimal(dec)`, which always fits).
    num: i128,
    den: i128,
}

impl Konst {
    /// Holds `d` with its `f64` conversion.
    pub fn new(d: Decimal) -> Self {
        let (num, den) = Rational::from_decimal(d).raw_parts().unwrap_or((0, 1));
        Self { dec: d, f: dec_to_f64(d), num, den }
    }
}

impl From<Decimal> for Konst {
    fn from(d: Decimal) -> Self {
        Self::new(d)
    }
}

impl Num for Rational {
    const ZERO: Self = Rational::ZERO;
    const ONE: Self = Rational::ONE;
    #[inline]
    fn from_dec(d: Decimal) -> Self {
        Rational::from_decimal(d)
    }
    #[inline]
    fn konst(k: &Konst) -> Self {
        Rational::from_raw_parts(k.num, k.den)
    }
    fn days_share(employed: i64, days: i64) -> Self {
        if days <= 0 || employed <= 0 {
            return Rational::ZERO;
        }
        if employed >= days {
            return Rational::ONE;
        }
        Rational::new(i128::from(employed), i128::from(days)).unwrap_or(Rational::ZERO)
    }
    fn convert(value: Decimal, rate: Decimal, proration: Option<(i64, i64)>) -> Result<Self, ArithError> {
        let mut v = Rational::from_decimal(value);
        if rate != Decimal::ONE {
            v = v.mul(&Rational::from_decimal(rate));
        }
        if let Some((employed, days)) = proration {
            v = v.mul(&Self::days_share(employed, days));
        }
        Ok(v)
    }
    fn to_rational(&self) -> Rational {
        self.clone()
    }
    #[inline]
    fn add(&self, rhs: &Self) -> Result<Self, ArithError> {
        Ok(Rational::add(self, rhs))
    }
    #[inline]
    fn sub(&self, rhs: &Self) -> Result<Self, ArithError> {
        Ok(Rational::sub(self, rhs))
    }
    #[inline]
    fn mul(&self, rhs: &Self) -> Result<Self, ArithError> {
        Ok(Rational::mul(self, rhs))
    }
    #[inline]
    fn div(&self, rhs: &Self) -> Result<Self, ArithError> {
        Rational::div(self, rhs)
    }
    fn neg(&self) -> Self {
        Rational::neg(self)
    }
    fn is_negative(&self) -> bool {
        Rational::is_negative(self)
    }
    fn is_zero(&self) -> bool {
        Rational::is_zero(self)
    }
}

/// `10^-k` for `k = 0..=28` (every scale a decimal can have), each the `f64` nearest to it.
const INV_POW10: [f64; 29] = [
    1e0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17,
    1e-18, 1e-19, 1e-20, 1e-21, 1e-22, 1e-23, 1e-24, 1e-25, 1e-26, 1e-27, 1e-28,
];

/// `d` as `f64`, within one unit in the last place. Plan constants (rates, tiers, amounts) have
/// mantissas below 2^53, so this is one exact integer conversion and one multiplication (no
/// division, no 128-bit arithmetic): the behaviour simulation converts them millions of times.
/// Larger mantissas go through `rust_decimal`'s own conversion. Only IEEE `×` is used, so the
/// result is the same on every machine.
#[inline]
fn dec_to_f64(d: Decimal) -> f64 {
    // The documented layout: flags (scale in bits 16..24, sign in bit 31), then the 96-bit
    // mantissa as lo, mid, hi, all little-endian.
    let b = d.serialize();
    let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let (flags, lo, mid, hi) = (word(0), word(4), word(8), word(12));
    if hi == 0 && mid < (1 << 21) {
        let m = ((u64::from(mid) << 32) | u64::from(lo)) as f64;
        let m = if flags & 0x8000_0000 != 0 { -m } else { m };
        let scale = ((flags >> 16) & 0xff) as usize;
        if scale == 0 {
            return m;
        }
        if let Some(&inv) = INV_POW10.get(scale) {
            return m * inv;
        }
    }
    d.to_f64().unwrap_or(0.0)
}

#[inline]
fn finite(x: f64) -> Result<f64, ArithError> {
    if x.is_finite() { Ok(x) } else { Err(ArithError::NotFinite) }
}

impl Num for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    #[inline]
    fn from_dec(d: Decimal) -> Self {
        dec_to_f64(d)
    }
    #[inline]
    fn konst(k: &Konst) -> Self {
        k.f
    }
    /// The share as a decimal quotient converted to `f64`, as the simulation has always had it.
    fn days_share(employed: i64, days: i64) -> Self {
        dec_to_f64(decimal_share(employed, days))
    }
    /// Computed in decimals, then converted (the simulation's inputs, as they always were).
    fn convert(value: Decimal, rate: Decimal, proration: Option<(i64, i64)>) -> Result<Self, ArithError> {
        let mut v = if rate == Decimal::ONE { value } else { value.checked_mul(rate).ok_or(ArithError::Overflow)? };
        if let Some((employed, days)) = proration {
            v = v.checked_mul(decimal_share(employed, days)).ok_or(ArithError::Overflow)?;
        }
        Ok(dec_to_f64(v))
    }
    fn to_rational(&self) -> Rational {
        Rational::from_f64(*self).unwrap_or(Rational::ZERO)
    }
    #[inline]
    fn add(&self, rhs: &Self) -> Result<Self, ArithError> {
        finite(self + rhs)
    }
    #[inline]
    fn sub(&self, rhs: &Self) -> Result<Self, ArithError> {
        finite(self - rhs)
    }
    #[inline]
    fn mul(&self, rhs: &Self) -> Result<Self, ArithError> {
        finite(self * rhs)
    }
    #[inline]
    fn div(&self, rhs: &Self) -> Result<Self, ArithError> {
        if *rhs == 0.0 {
            return Err(ArithError::DivisionByZero);
        }
        finite(self / rhs)
    }
    #[inline]
    fn neg(&self) -> Self {
        -self
    }
}

/// `employed / days` as a decimal quotient (cut at 28 digits): the simulation's proration.
fn decimal_share(employed: i64, days: i64) -> Decimal {
    if days <= 0 || employed <= 0 {
        return Decimal::ZERO;
    }
    if employed >= days {
        return Decimal::ONE;
    }
    Decimal::from(employed) / Decimal::from(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_convert_to_within_an_ulp_of_the_nearest_f64() {
        let samples = [
            "0",
            "0.08",
            "-0.075",
            "1.275",
            "150",
            "123456.789",
            "0.1",
            "0.5",
            "1.0",
            "-2.5e-20",
            "79228162514264337593543950335",
        ];
        for text in samples {
            let d: Decimal = text.parse().unwrap_or_else(|_| Decimal::from_scientific(text).unwrap_or_default());
            let nearest: f64 = d.to_string().parse().unwrap_or(f64::NAN);
            let got = f64::from_dec(d);
            let ulp = f64::from_bits(nearest.abs().to_bits() + 1) - nearest.abs();
            assert!((got - nearest).abs() <= ulp, "{text}: {got} vs {nearest}");
        }
        // Values with few decimals that f64 holds exactly come out exact.
        for (text, exact) in [("0.5", 0.5), ("1.0", 1.0), ("0.25", 0.25), ("150", 150.0), ("-3", -3.0)] {
            assert_eq!(f64::from_dec(text.parse().unwrap_or_default()), exact, "{text}");
        }
    }
}
