//! A small numeric trait so the payout maths runs on exact [`Decimal`] (payroll) and on `f64`
//! (the behaviour simulation, which evaluates plans millions of times) with one implementation.

use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive as _, ToPrimitive as _};

/// Why an arithmetic step failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArithError {
    /// Division by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A result too large to represent exactly (about 7.9 × 10²⁸ for decimals).
    #[error("number too large (overflow)")]
    Overflow,
    /// A value that is not a finite number (simulation inputs only).
    #[error("not a finite number")]
    NotFinite,
}

/// The operations payout maths needs, with overflow and division by zero as errors, never panics.
pub trait Num: Copy + PartialOrd + PartialEq + std::fmt::Debug + Send + Sync + 'static {
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// From an exact decimal (rounding to the nearest `f64` for floats).
    fn from_dec(d: Decimal) -> Self;
    /// To a decimal (lossy for floats; used for display only).
    fn to_dec(self) -> Decimal;
    /// `self + rhs`.
    fn add(self, rhs: Self) -> Result<Self, ArithError>;
    /// `self - rhs`.
    fn sub(self, rhs: Self) -> Result<Self, ArithError>;
    /// `self * rhs`.
    fn mul(self, rhs: Self) -> Result<Self, ArithError>;
    /// `self / rhs`.
    fn div(self, rhs: Self) -> Result<Self, ArithError>;
    /// `-self`.
    fn neg(self) -> Self;
    /// `self < 0`.
    fn is_negative(self) -> bool {
        self < Self::ZERO
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

impl Num for Decimal {
    const ZERO: Self = Decimal::ZERO;
    const ONE: Self = Decimal::ONE;
    fn from_dec(d: Decimal) -> Self {
        d
    }
    fn to_dec(self) -> Decimal {
        self
    }
    fn add(self, rhs: Self) -> Result<Self, ArithError> {
        self.checked_add(rhs).ok_or(ArithError::Overflow)
    }
    fn sub(self, rhs: Self) -> Result<Self, ArithError> {
        self.checked_sub(rhs).ok_or(ArithError::Overflow)
    }
    fn mul(self, rhs: Self) -> Result<Self, ArithError> {
        self.checked_mul(rhs).ok_or(ArithError::Overflow)
    }
    fn div(self, rhs: Self) -> Result<Self, ArithError> {
        if rhs.is_zero() {
            return Err(ArithError::DivisionByZero);
        }
        self.checked_div(rhs).ok_or(ArithError::Overflow)
    }
    fn neg(self) -> Self {
        -self
    }
}

fn finite(x: f64) -> Result<f64, ArithError> {
    if x.is_finite() { Ok(x) } else { Err(ArithError::NotFinite) }
}

impl Num for f64 {
    const ZERO: Self = 0.0;
    const ONE: Self = 1.0;
    fn from_dec(d: Decimal) -> Self {
        d.to_f64().unwrap_or(0.0)
    }
    fn to_dec(self) -> Decimal {
        Decimal::from_f64(self).unwrap_or_default()
    }
    fn add(self, rhs: Self) -> Result<Self, ArithError> {
        finite(self + rhs)
    }
    fn sub(self, rhs: Self) -> Result<Self, ArithError> {
        finite(self - rhs)
    }
    fn mul(self, rhs: Self) -> Result<Self, ArithError> {
        finite(self * rhs)
    }
    fn div(self, rhs: Self) -> Result<Self, ArithError> {
        if rhs == 0.0 {
            return Err(ArithError::DivisionByZero);
        }
        finite(self / rhs)
    }
    fn neg(self) -> Self {
        -self
    }
}
