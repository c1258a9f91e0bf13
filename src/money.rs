//! Exact money: ISO 4217 currencies with their minor units, rounding, and formatting.
//!
//! Everything that reaches payroll is a [`Decimal`]; binary floating point never touches an amount
//! that is paid. Amounts are rounded once, per payout line, by [`Rounding::apply`].

use std::fmt::{self, Write as _};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// How a payout line is rounded to the currency's minor unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// 1.275 → 1.28, −1.275 → −1.28 (the payroll convention, and the default).
    #[default]
    HalfAwayFromZero,
    /// Banker's rounding: 1.275 → 1.28, 1.265 → 1.26.
    HalfEven,
    /// Truncate towards zero: 1.279 → 1.27.
    Down,
}

impl Rounding {
    /// All modes, for pickers.
    pub const ALL: [Self; 3] = [Self::HalfAwayFromZero, Self::HalfEven, Self::Down];

    /// Rounds `amount` to `minor_units` decimal places.
    pub fn apply(self, amount: Decimal, minor_units: u32) -> Decimal {
        let strategy = match self {
            Self::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Self::HalfEven => RoundingStrategy::MidpointNearestEven,
            Self::Down => RoundingStrategy::ToZero,
        };
        let mut rounded = amount.round_dp_with_strategy(minor_units, strategy);
        rounded.rescale(minor_units);
        rounded
    }

    /// The name used in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HalfAwayFromZero => "half_away_from_zero",
            Self::HalfEven => "half_even",
            Self::Down => "down",
        }
    }

    /// The name in words, for explanations: `half away from zero`.
    pub fn words(self) -> &'static str {
        match self {
            Self::HalfAwayFromZero => "half away from zero",
            Self::HalfEven => "half even",
            Self::Down => "down",
        }
    }

    /// Whether this is the default (so plan files can leave it out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// ISO 4217 active codes and their minor units (number of decimal places).
const CURRENCIES: &[(&str, u32)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYU", 2),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// The number of decimal places of an ISO 4217 currency, or `None` for an unknown code.
pub fn minor_units(code: &str) -> Option<u32> {
    CURRENCIES.binary_search_by(|(c, _)| (*c).cmp(code)).ok().and_then(|i| CURRENCIES.get(i)).map(|(_, units)| *units)
}

/// Every known currency code, sorted.
pub fn currency_codes() -> impl Iterator<Item = &'static str> {
    CURRENCIES.iter().map(|(c, _)| *c)
}

/// Writes `amount` rounded half away from zero to exactly `decimals` decimals, with `minus` for
/// negatives and, if `group`, a `,` between thousands.
fn write_decimal(f: &mut dyn fmt::Write, amount: Decimal, decimals: u32, minus: &str, group: bool) -> fmt::Result {
    // With no more decimals than shown there is nothing to round: [`write_scaled`] pads the zeros
    // (a plan's constants, most amounts), without the decimal's rounding and rescaling.
    if amount.scale() <= decimals {
        return write_scaled(f, amount.mantissa(), amount.scale(), decimals, minus, group);
    }
    let rounded = rounded_to(amount, decimals);
    write_scaled(f, rounded.mantissa(), rounded.scale(), decimals, minus, group)
}

/// `amount` rounded half away from zero to `decimals` decimals, at that scale where it can be
/// (rescaling a huge value can fail to add decimals; [`write_scaled`] pads with zeros then).
fn rounded_to(amount: Decimal, decimals: u32) -> Decimal {
    if amount.scale() == decimals {
        amount
    } else {
        let mut r = amount.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
        r.rescale(decimals);
        r
    }
}

/// Writes `mantissa × 10^−scale` with `shown` decimals (`shown ≥ scale`: zeros are added), `minus`
/// for negatives and, if `group`, a `,` between thousands. No heap allocation for any amount a
/// payroll holds: the text is assembled right to left on the stack and written with one
/// `write_str` (this runs for every amount of every export and explanation).
pub(crate) fn write_scaled(
    f: &mut dyn fmt::Write,
    mantissa: i128,
    scale: u32,
    shown: u32,
    minus: &str,
    group: bool,
) -> fmt::Result {
    // A whole number below 1,000 (a metric's units, a curve's point, a rate): its text as it is
    // kept, with no digits to write and check as UTF-8.
    if scale == 0
        && shown == 0
        && let Some(text) = small_integer(mantissa)
    {
        return f.write_str(text);
    }
    with_scaled(mantissa, scale, shown, minus, group, |text| {
        // Only ASCII digits, `,`, `.` and the (UTF-8) minus were written.
        f.write_str(std::str::from_utf8(text).map_err(|_| fmt::Error)?)
    })
}

/// The integers 0 to 999 written one after the other (`0123…9899100…999`).
const SMALL_INTEGER_DIGITS: [u8; 10 + 90 * 2 + 900 * 3] = {
    let mut bytes = [0u8; 10 + 90 * 2 + 900 * 3];
    let (mut n, mut at) = (0usize, 0usize);
    while n < 1000 {
        if n >= 100 {
            bytes[at] = b'0' + (n / 100) as u8;
            at += 1;
        }
        if n >= 10 {
            bytes[at] = b'0' + (n / 10 % 10) as u8;
            at += 1;
        }
        bytes[at] = b'0' + (n % 10) as u8;
        at += 1;
        n += 1;
    }
    bytes
};

/// [`SMALL_INTEGER_DIGITS`] as text, checked as UTF-8 once, when compiled.
const SMALL_INTEGERS: &str = match std::str::from_utf8(&SMALL_INTEGER_DIGITS) {
    Ok(text) => text,
    Err(_) => panic!("digits are ASCII"),
};

/// The text of `n` when it is a whole number from 0 to 999, from [`SMALL_INTEGERS`].
fn small_integer(n: i128) -> Option<&'static str> {
    let n = usize::try_from(n).ok().filter(|&n| n < 1000)?;
    let (start, len) = match n {
        0..10 => (n, 1),
        10..100 => (10 + (n - 10) * 2, 2),
        _ => (190 + (n - 100) * 3, 3),
    };
    SMALL_INTEGERS.get(start..start + len)
}

/// Appends what [`write_scaled`] writes to a byte buffer (no text to check for UTF-8).
pub(crate) fn push_scaled(buf: &mut Vec<u8>, mantissa: i128, scale: u32, shown: u32, minus: &str, group: bool) {
    with_scaled(mantissa, scale, shown, minus, group, |text| buf.extend_from_slice(text));
}

/// Appends `amount` as [`Fixed`] shows it to a byte buffer.
pub(crate) fn push_fixed(buf: &mut Vec<u8>, amount: Decimal, decimals: u32) {
    if amount.scale() <= decimals {
        return push_scaled(buf, amount.mantissa(), amount.scale(), decimals, "-", false);
    }
    let rounded = rounded_to(amount, decimals);
    push_scaled(buf, rounded.mantissa(), rounded.scale(), decimals, "-", false);
}

/// Calls `with` on the text of `mantissa × 10^−scale` as [`write_scaled`] describes it.
fn with_scaled<R>(
    mantissa: i128,
    scale: u32,
    shown: u32,
    minus: &str,
    group: bool,
    with: impl FnOnce(&[u8]) -> R,
) -> R {
    // Sign, 39 digits, 13 separators, the point and the decimals.
    let needed = minus.len() + 39 + 13 + 1 + shown.max(scale) as usize;
    let mut stack = [0u8; 128];
    let mut heap = Vec::new();
    let buf: &mut [u8] = if needed <= stack.len() {
        &mut stack
    } else {
        heap.resize(needed, 0);
        &mut heap
    };
    let mut pos = buf.len();
    for _ in scale..shown {
        pos -= 1;
        buf[pos] = b'0';
    }
    pos = match u64::try_from(mantissa.unsigned_abs()) {
        // Nearly every amount: 64-bit division is many times cheaper than 128-bit.
        Ok(small) => put_digits64(buf, pos, small, scale, shown > 0, group),
        Err(_) => put_digits(buf, pos, mantissa.unsigned_abs(), scale, shown > 0, group),
    };
    if mantissa < 0 {
        for &b in minus.as_bytes().iter().rev() {
            pos -= 1;
            buf[pos] = b;
        }
    }
    with(&buf[pos..])
}

/// Writes `v`'s digits right to left ending before `buf[pos]`: `scale` decimals, the point if
/// `point`, then the integer part (at least one digit) with a `,` between thousands if `group`.
/// Returns where the text now starts.
fn put_digits<T>(buf: &mut [u8], mut pos: usize, mut v: T, scale: u32, point: bool, group: bool) -> usize
where
    T: Copy + PartialEq + std::ops::Rem<Output = T> + std::ops::DivAssign + From<u8> + TryInto<u8>,
{
    let ten = T::from(10);
    let zero = T::from(0);
    let digit = |v: &mut T| {
        let d = (*v % ten).try_into().unwrap_or(0);
        *v /= ten;
        b'0' + d
    };
    for _ in 0..scale {
        pos -= 1;
        buf[pos] = digit(&mut v);
    }
    if point {
        pos -= 1;
        buf[pos] = b'.';
    }
    let mut count = 0u32;
    loop {
        if group && count > 0 && count.is_multiple_of(3) {
            pos -= 1;
            buf[pos] = b',';
        }
        pos -= 1;
        buf[pos] = digit(&mut v);
        count += 1;
        if v == zero {
            break;
        }
    }
    pos
}

/// The two digits of every number below 100, side by side: `00`, `01`, … `99`.
const PAIRS: [u8; 200] = {
    let mut table = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        table[2 * i] = b'0' + (i / 10) as u8;
        table[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    table
};

/// Writes the two digits of `pair` (below 100) before `buf[pos]`; returns where they start.
#[inline]
fn put_pair(buf: &mut [u8], pos: usize, pair: u64) -> usize {
    let at = 2 * pair as usize;
    buf[pos - 2..pos].copy_from_slice(&PAIRS[at..at + 2]);
    pos - 2
}

/// Writes `v` (below 1,000) without leading zeros before `buf[pos]`; returns where it starts.
#[inline]
fn put_below_thousand(buf: &mut [u8], mut pos: usize, v: u64) -> usize {
    if v >= 10 {
        pos = put_pair(buf, pos, v % 100);
        if v >= 100 {
            pos -= 1;
            buf[pos] = b'0' + (v / 100) as u8;
        }
    } else {
        pos -= 1;
        buf[pos] = b'0' + v as u8;
    }
    pos
}

/// [`put_digits`] for a `u64`, two digits at a time from a table (the same text: the unit tests
/// compare the two): every amount and ratio of an explanation goes through here.
fn put_digits64(buf: &mut [u8], mut pos: usize, mut v: u64, scale: u32, point: bool, group: bool) -> usize {
    let mut left = scale;
    while left >= 2 {
        pos = put_pair(buf, pos, v % 100);
        v /= 100;
        left -= 2;
    }
    if left == 1 {
        pos -= 1;
        buf[pos] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    if point {
        pos -= 1;
        buf[pos] = b'.';
    }
    if group {
        while v >= 1000 {
            let three = v % 1000;
            v /= 1000;
            pos = put_pair(buf, pos, three % 100);
            pos -= 1;
            buf[pos] = b'0' + (three / 100) as u8;
            pos -= 1;
            buf[pos] = b',';
        }
        return put_below_thousand(buf, pos, v);
    }
    while v >= 1000 {
        pos = put_pair(buf, pos, v % 100);
        v /= 100;
    }
    put_below_thousand(buf, pos, v)
}

/// `mantissa × 10^−scale` without trailing zeros: the mantissa and scale that remain.
pub(crate) fn trimmed(mut mantissa: i128, mut scale: u32) -> (i128, u32) {
    // Nearly every value: 64-bit remainders, not 128-bit ones through a library call.
    if let Ok(mut small) = u64::try_from(mantissa.unsigned_abs()) {
        while scale > 0 && small.is_multiple_of(10) {
            small /= 10;
            scale -= 1;
        }
        let small = i128::from(small);
        return (if mantissa < 0 { -small } else { small }, scale);
    }
    while scale > 0 && mantissa % 10 == 0 {
        mantissa /= 10;
        scale -= 1;
    }
    (mantissa, scale)
}

/// Displays an amount with exactly the given decimals and no grouping: `58000.00`, `-15000.00`
/// (the form every machine-readable output uses).
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub Decimal, pub u32);

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.0, self.1, "-", false)
    }
}

/// Displays an amount for people: thousands separators, exactly the given decimals, a real minus
/// sign: `58,000.00`, `−15,000.00`.
#[derive(Clone, Copy, Debug)]
pub struct Grouped(pub Decimal, pub u32);

impl fmt::Display for Grouped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_decimal(f, self.0, self.1, "\u{2212}", true)
    }
}

/// Displays a fraction as a percentage with the given decimals: `1.3` → `130.0%`.
#[derive(Clone, Copy, Debug)]
pub struct Percent(pub Decimal, pub u32);

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = self.0.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(Decimal::MAX);
        write_decimal(f, pct, self.1, "-", false)?;
        f.write_char('%')
    }
}

/// Displays a rate with only the digits it needs: `0.08` → `8%`, `0.075` → `7.5%`.
#[derive(Clone, Copy, Debug)]
pub struct Rate(pub Decimal);

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A positive rate of a plan (`0.075`): its mantissa ×100 without trailing zeros, written
        // as the decimal's `Display` writes it; anything else through the decimal as before.
        let (mantissa, scale) = (self.0.mantissa(), self.0.scale());
        if mantissa > 0 && mantissa < 1 << 80 {
            let (m, s) = if scale >= 2 { (mantissa, scale - 2) } else { (mantissa * 10i128.pow(2 - scale), 0) };
            let (m, s) = trimmed(m, s);
            write_scaled(f, m, s, s, "-", false)?;
            return f.write_char('%');
        }
        let pct = self.0.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(Decimal::MAX).normalize();
        write!(f, "{pct}%")
    }
}

/// Displays a number with only the digits it needs and thousands separators: `1.15`, `12,000`.
#[derive(Clone, Copy, Debug)]
pub struct Number(pub Decimal);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `normalize` then `write_decimal`, without the decimal's arithmetic: the digits without
        // trailing zeros are the same (and a zero of either sign reads `0`).
        let (mantissa, scale) = trimmed(self.0.mantissa(), self.0.scale());
        write_scaled(f, mantissa, scale, scale, "\u{2212}", true)
    }
}

/// `amount` with exactly `minor_units` decimals and no grouping: `58000.00`, `-15000.00`.
pub fn fixed(amount: Decimal, minor_units: u32) -> String {
    Fixed(amount, minor_units).to_string()
}

/// `amount` for people: thousands separators and exactly `minor_units` decimals, with a real
/// minus sign: `58,000.00`, `−15,000.00`.
pub fn grouped(amount: Decimal, minor_units: u32) -> String {
    Grouped(amount, minor_units).to_string()
}

/// A fraction as a percentage with the given decimals, rounded half away from zero: `1.3` →
/// `130.0%` (shares and ratios of money).
pub fn percent(fraction: Decimal, decimals: u32) -> String {
    Percent(fraction, decimals).to_string()
}

/// A person's attainment or share of the period employed as a percentage with the given
/// decimals, cut rather than rounded: `0.4999999` → `49.9%` (never `50.0%`, the edge of a
/// threshold it is below), `364/365` employed → `99%` (not `100%`).
pub fn percent_cut(fraction: Decimal, decimals: u32) -> String {
    let cut = fraction.round_dp_with_strategy(decimals.saturating_add(2), RoundingStrategy::ToZero);
    Percent(cut, decimals).to_string()
}

/// A rate as a percentage with only the digits it needs: `0.08` → `8%`, `0.075` → `7.5%`.
pub fn rate(fraction: Decimal) -> String {
    Rate(fraction).to_string()
}

/// A plain number with only the digits it needs and thousands separators for the integer part:
/// `1.15` → `1.15`, `25` → `25`, `12000` → `12,000`.
pub fn number(value: Decimal) -> String {
    Number(value).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr as _;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn scaled(mantissa: i128, scale: u32, shown: u32, group: bool) -> String {
        let mut s = String::new();
        write_scaled(&mut s, mantissa, scale, shown, "\u{2212}", group).unwrap();
        s
    }

    #[test]
    fn scaled_integers_are_written_with_their_decimals_sign_and_separators() {
        assert_eq!(scaled(0, 0, 2, true), "0.00");
        assert_eq!(scaled(5, 2, 2, true), "0.05");
        assert_eq!(scaled(-123_456_789, 2, 2, true), "\u{2212}1,234,567.89");
        assert_eq!(scaled(-123_456_789, 2, 2, false), "\u{2212}1234567.89");
        assert_eq!(scaled(1, 0, 3, true), "1.000");
        assert_eq!(scaled(-1, 3, 3, true), "\u{2212}0.001");
        assert_eq!(scaled(100_000, 0, 0, true), "100,000");
        assert_eq!(scaled(i128::MAX, 0, 0, true), "170,141,183,460,469,231,731,687,303,715,884,105,727");
        assert_eq!(scaled(i128::MIN + 1, 30, 30, false), "\u{2212}170141183.460469231731687303715884105727");
        // More decimals than fit on the stack.
        assert_eq!(scaled(1, 0, 200, false), format!("1.{}", "0".repeat(200)));
    }

    #[test]
    fn digits_in_pairs_read_as_digits_one_at_a_time() {
        let check = |v: u64, scale: u32, point: bool, group: bool| {
            let (mut one, mut pairs) = ([0u8; 64], [0u8; 64]);
            let a = put_digits(&mut one, 64, v, scale, point, group);
            let b = put_digits64(&mut pairs, 64, v, scale, point, group);
            assert_eq!(one[a..], pairs[b..], "{v} {scale} {point} {group}");
        };
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut values: Vec<u64> = (0..3000).collect();
        for k in 1..20 {
            let p = 10u64.pow(k);
            values.extend([p - 1, p, p + 1, p / 10 * 9, p + p / 2]);
        }
        values.extend([u64::MAX, u64::MAX - 1, 1 << 63, 123_456_789_012_345_678]);
        for _ in 0..20_000 {
            // xorshift: values of every length.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            values.push(x >> (x % 64));
        }
        for &v in &values {
            for scale in 0..=21 {
                for (point, group) in [(true, true), (true, false), (false, true), (false, false)] {
                    check(v, scale, point, group);
                }
            }
        }
    }

    #[test]
    fn small_integers_read_as_their_digits_written() {
        for n in -5..1005i128 {
            let mut written = Vec::new();
            push_scaled(&mut written, n, 0, 0, "\u{2212}", true);
            let written = String::from_utf8(written).unwrap();
            assert_eq!(scaled(n, 0, 0, true), written, "{n}");
            assert_eq!(small_integer(n).is_some(), (0..1000).contains(&n), "{n}");
        }
        assert_eq!(scaled(7, 0, 2, true), "7.00");
        assert_eq!(scaled(70, 1, 1, true), "7.0");
    }

    #[test]
    fn trailing_zeros_trimmed_in_64_bits_as_in_128() {
        let slow = |mut m: i128, mut s: u32| {
            while s > 0 && m % 10 == 0 {
                m /= 10;
                s -= 1;
            }
            (m, s)
        };
        let big = i128::from(u64::MAX);
        for m in [
            0,
            1,
            -1,
            10,
            -10,
            1200,
            -1200,
            7_000_000,
            big,
            -big,
            big * 10,
            -big * 10,
            big + 1,
            i128::MAX,
            i128::MIN + 1,
        ] {
            for s in 0..=30 {
                assert_eq!(trimmed(m, s), slow(m, s), "{m} {s}");
            }
        }
    }

    #[test]
    fn numbers_rates_and_padded_amounts_read_as_the_decimals_own_arithmetic_gives() {
        // What these wrote before they skipped the decimal's arithmetic.
        let number = |v: Decimal| {
            let normal = v.normalize();
            let mut s = String::new();
            write_decimal(&mut s, normal, normal.scale(), "\u{2212}", true).unwrap();
            s
        };
        let rate = |v: Decimal| format!("{}%", v.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(Decimal::MAX).normalize());
        let padded = |v: Decimal, dp: u32| {
            let rounded = rounded_to(v, dp);
            let mut s = String::new();
            write_scaled(&mut s, rounded.mantissa(), rounded.scale(), dp, "\u{2212}", true).unwrap();
            s
        };
        let mut values = vec![Decimal::ZERO, -Decimal::ZERO, Decimal::MAX, Decimal::MIN, d("0.00"), d("-0.000")];
        for text in ["0.075", "0.08", "1", "1.5", "0.5", "12000", "0.0000001", "123.4500", "-7.25", "100", "0.001"] {
            values.push(d(text));
        }
        for mantissa in [1i64, 5, 10, 75, 100, 999, 1000, 1005, 123_456, 10_000_000, 987_654_321_012_345_678] {
            for scale in 0..=28 {
                values.push(Decimal::new(mantissa, scale));
                values.push(Decimal::new(-mantissa, scale));
            }
        }
        for v in values {
            assert_eq!(Number(v).to_string(), number(v), "{v:?}");
            assert_eq!(Rate(v).to_string(), rate(v), "{v:?}");
            for dp in [0, 2, 3, 6] {
                assert_eq!(Grouped(v, dp).to_string(), padded(v, dp), "{v:?} {dp}");
                let mut fast = Vec::new();
                push_fixed(&mut fast, v, dp);
                assert_eq!(String::from_utf8(fast).unwrap(), fixed_before(v, dp), "{v:?} {dp}");
            }
        }
    }

    /// [`push_fixed`] as it was: always rounded and rescaled first.
    fn fixed_before(v: Decimal, dp: u32) -> String {
        let rounded = rounded_to(v, dp);
        let mut buf = Vec::new();
        push_scaled(&mut buf, rounded.mantissa(), rounded.scale(), dp, "-", false);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn currency_table_is_sorted_for_binary_search() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0), "CURRENCIES must be sorted");
        assert_eq!(minor_units("EUR"), Some(2));
        assert_eq!(minor_units("JPY"), Some(0));
        assert_eq!(minor_units("KWD"), Some(3));
        assert_eq!(minor_units("XYZ"), None);
    }

    #[test]
    fn half_away_from_zero_is_the_payroll_rounding() {
        // DOMAIN.md: revenue 17.00 at 7.5% pays 1.28; f64 gives 1.27.
        let amount = d("17.00") * d("0.075");
        assert_eq!(Rounding::HalfAwayFromZero.apply(amount, 2), d("1.28"));
        assert_eq!(Rounding::HalfAwayFromZero.apply(-amount, 2), d("-1.28"));
        assert_eq!(Rounding::HalfEven.apply(d("1.265"), 2), d("1.26"));
        assert_eq!(Rounding::Down.apply(d("1.279"), 2), d("1.27"));
        assert_eq!(Rounding::HalfAwayFromZero.apply(d("2.5"), 0), d("3"));
    }

    #[test]
    fn formats() {
        assert_eq!(fixed(d("58000"), 2), "58000.00");
        assert_eq!(fixed(d("-15000"), 2), "-15000.00");
        assert_eq!(fixed(d("-0.001"), 2), "0.00");
        assert_eq!(fixed(d("1234"), 0), "1234");
        assert_eq!(grouped(d("58000"), 2), "58,000.00");
        assert_eq!(grouped(d("-15000"), 2), "\u{2212}15,000.00");
        assert_eq!(grouped(d("999.5"), 2), "999.50");
        assert_eq!(grouped(d("1234567.891"), 3), "1,234,567.891");
        assert_eq!(percent(d("1.3"), 1), "130.0%");
        assert_eq!(rate(d("0.075")), "7.5%");
        assert_eq!(rate(d("0.08")), "8%");
        assert_eq!(number(d("1.150")), "1.15");
        assert_eq!(number(d("12000")), "12,000");
        assert_eq!(percent(d("-0.0004"), 1), "0.0%", "never -0.0%");
        assert_eq!(percent_cut(d("0.4999999"), 1), "49.9%");
        assert_eq!(percent(d("0.4999999"), 1), "50.0%");
        assert_eq!(percent_cut(d("0.99726"), 0), "99%");
        assert_eq!(percent_cut(d("1.2"), 1), "120.0%");
        assert_eq!(percent_cut(d("-0.0004"), 1), "0.0%", "never -0.0%");
        assert_eq!(fixed(d("0.005"), 2), "0.01");
        assert_eq!(fixed(d("-0.005"), 2), "-0.01");
        assert_eq!(grouped(d("-1234567"), 0), "\u{2212}1,234,567");
        assert_eq!(
            fixed(d("79228162514264337593543950335"), 2),
            "79228162514264337593543950335.00",
            "too big to rescale: zeros are padded"
        );
        assert_eq!(number(d("-0.5")), "\u{2212}0.5");
    }
}
