//! How explanations show exact values, as a payroll reviewer's worksheet would: amounts to the
//! cent when that is all of them, with the extra digits when they are few (`755.855`), and
//! rounded with `≈` when the value repeats; ratios as short decimals or percentages, never a
//! 28-digit residue.

use std::fmt;

use rust_decimal::Decimal;

use crate::money::{self, Rounding};
use crate::num::Rational;

/// Extra decimals an amount is shown with, past the currency's, when it has them.
const EXTRA: u32 = 4;

/// An amount: exact when it has at most `dp + 4` decimals (`1,453.125`), else `≈` and enough
/// decimals to show on which side of a half it lies (`≈ 333.3333`). Written without allocating:
/// explanations are built for every line of every person.
pub(crate) fn amount(v: &Rational, dp: u32) -> impl fmt::Display + '_ {
    Amount(v, dp)
}

struct Amount<'a>(&'a Rational, u32);

/// [`amount`] of a value computed for the explanation alone (kept with it).
pub(crate) fn amount_owned(v: Rational, dp: u32) -> impl fmt::Display {
    AmountOwned(v, dp)
}

struct AmountOwned(Rational, u32);

impl fmt::Display for AmountOwned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Amount(&self.0, self.1).fmt(f)
    }
}

impl fmt::Display for Amount<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self(v, dp) = *self;
        match v.decimal_places() {
            Some(places) if places <= dp + EXTRA => write_grouped(f, v, places.max(dp)),
            _ => {
                f.write_str("≈ ")?;
                let (places, rounded) = unambiguous_places(v, dp, dp + EXTRA);
                write_grouped_rounded(f, v, places, rounded)
            }
        }
    }
}

/// A plan's constant in money (a per-unit amount, a cap): the currency's decimals and any
/// further ones it was written with (`0.5` JPY a unit reads `0.5`, not `1`).
pub(crate) fn constant(v: Decimal, dp: u32) -> money::Grouped {
    // The scale `normalize` would leave, without the decimal's arithmetic.
    money::Grouped(v, dp.max(money::trimmed(v.mantissa(), v.scale()).1))
}

/// A number that is not money (units, a metric, a curve's value): exact when it has at most four
/// decimals, else `≈` with four significant decimals.
pub(crate) fn number(v: &Rational) -> impl fmt::Display + '_ {
    Number(v)
}

struct Number<'a>(&'a Rational);

impl fmt::Display for Number<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if let Some(places) = v.decimal_places().filter(|&p| p <= 4) {
            return write_trimmed(f, v, places, "\u{2212}", true);
        }
        // Enough decimals for four significant digits of a small value, at most 12.
        let magnitude = v.to_f64().abs();
        let mut places = 4;
        while places < 12 && magnitude > 0.0 && magnitude < 10f64.powi(-(places as i32 - 3)) {
            places += 1;
        }
        f.write_str("≈ ")?;
        write_trimmed(f, v, places, "\u{2212}", true)
    }
}

/// A fraction as a percentage with at most two decimals and no trailing zeros: `1.019107…` →
/// `101.91%`, `1.2` → `120%`. Where rounding to two decimals would end in a zero (and so read as
/// exact), the decimals go on to the first that is not zero: `0.4999999` → `49.99999%`, never
/// `50%`, so an attainment just below a threshold or a tier's edge never reads as reaching it.
pub(crate) fn percent(v: &Rational) -> impl fmt::Display + '_ {
    Pct(v, true)
}

/// [`percent`] without the sign.
pub(crate) fn pct_number(v: &Rational) -> impl fmt::Display + '_ {
    Pct(v, false)
}

struct Pct<'a>(&'a Rational, bool);

impl fmt::Display for Pct<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The fraction to four decimals is the percentage to two.
        let pct = self.0.mul(&Rational::from_int(100));
        let (places, rounded) = shown_places(&pct);
        write_rounded(f, &pct, places, rounded, "-", false)?;
        if self.1 { f.write_str("%") } else { Ok(()) }
    }
}

/// A plan constant that is a fraction, as a percentage number: `1.5` → `150`.
#[cfg(test)]
pub(crate) fn pct_of(fraction: Decimal) -> String {
    pct_number(&Rational::from_decimal(fraction)).to_string()
}

/// A share of days: `69/90` (as counted, not reduced), with `≈` and four decimals when it is
/// not a short decimal.
pub(crate) fn days_share(employed: i64, days: i64) -> String {
    let share = Rational::new(i128::from(employed), i128::from(days)).unwrap_or(Rational::ZERO);
    let decimal = if share.is_exact_at(4) {
        format!("= {}", money::number(share.to_decimal_display(4)))
    } else {
        format!("≈ {}", money::number(share.to_decimal_display(4)))
    };
    format!("{employed}/{days} days employed {decimal}")
}

/// A plan year's phased share of the annual amount to date: `13/15 phased share ≈ 0.8667`.
pub(crate) fn phased_share(num: i64, den: i64) -> String {
    let share = Rational::new(i128::from(num), i128::from(den)).unwrap_or(Rational::ZERO);
    let sign = if share.is_exact_at(4) { "=" } else { "≈" };
    format!("{num}/{den} phased share {sign} {}", money::number(share.to_decimal_display(4)))
}

/// Appends to an explanation (`text`, fragments joined by `; `) the line's value before rounding
/// and what rounding made of it, when rounding changed it: `1,453.125 rounded half away from zero
/// to 1,453.13`; without the value when the explanation already ends with it. Written in place:
/// this runs for most lines of every explained payout.
pub(crate) fn push_rounding(text: &mut String, v: &Rational, dp: u32, mode: Rounding, rounded: Decimal) {
    use fmt::Write as _;
    let places = v.decimal_places();
    if places.is_some_and(|places| places <= dp) {
        return;
    }
    // The value is written where it would go, then taken back out if the explanation already
    // ended with it (no string of its own for each note).
    let before = text.len();
    if before > 0 {
        text.push_str("; ");
    }
    let at = text.len();
    match places {
        Some(places) if places <= dp + EXTRA + 2 => {
            write!(text, "{}", At(v, places.max(dp), None)).ok();
        }
        _ => {
            let (places, rounded) = unambiguous_places_for(v, dp, dp + EXTRA, mode);
            write!(text, "≈ {}", At(v, places, rounded)).ok();
        }
    }
    let repeats = text[..before].strip_suffix(&text[at..]).is_some_and(|before| before.ends_with("= "));
    if repeats {
        text.truncate(at);
    } else {
        text.push(' ');
    }
    write!(text, "rounded {} to {}", mode.words(), money::Grouped(rounded, dp)).ok();
}

/// The line's rounding note as [`push_rounding`] appends it after `before`, alone.
#[cfg(test)]
fn rounding(v: &Rational, dp: u32, mode: Rounding, rounded: Decimal, before: &str) -> Option<String> {
    let mut text = before.to_owned();
    push_rounding(&mut text, v, dp, mode, rounded);
    let note = text.strip_prefix(before)?.trim_start_matches("; ");
    (!note.is_empty()).then(|| note.to_owned())
}

/// `v` rounded to a number of places, with thousands separators; with the rounding when it is
/// already known.
struct At<'a>(&'a Rational, u32, Option<i128>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_grouped_rounded(f, self.0, self.1, self.2)
    }
}

/// `v` rounded to `places`, with thousands separators (the fraction itself when it does not fit
/// a decimal).
fn write_grouped(f: &mut fmt::Formatter<'_>, v: &Rational, places: u32) -> fmt::Result {
    write_grouped_rounded(f, v, places, None)
}

/// [`write_grouped`], with `v` rounded half away from zero to `places` (`round_scaled`'s result)
/// when the caller has it already.
fn write_grouped_rounded(f: &mut fmt::Formatter<'_>, v: &Rational, places: u32, rounded: Option<i128>) -> fmt::Result {
    match rounded.or_else(|| v.round_scaled(places, Rounding::HalfAwayFromZero)) {
        Some(q) => money::write_scaled(f, q, places, places, "\u{2212}", true),
        None => write!(f, "{v}"),
    }
}

/// The decimals a percentage is shown with: two, or more where two would end in a rounded-to
/// zero (`49.99999`, not `50.00`), up to eight; with the percentage rounded to them, which the
/// search has already computed ([`write_rounded`] takes it).
fn shown_places(pct: &Rational) -> (u32, Option<i128>) {
    const MOST: u32 = 8;
    let round = |places| pct.round_scaled(places, Rounding::HalfAwayFromZero);
    if pct.decimal_places().is_some_and(|p| p <= 2) {
        return (2, round(2));
    }
    // The last digit in 64 bits where the value fits (a 128-bit remainder is a library call).
    let last_digit_zero = |q: i128| i64::try_from(q).map_or(q % 10 == 0, |q| q % 10 == 0);
    for places in 2..MOST {
        let rounded = round(places);
        if rounded.is_none_or(|q| !last_digit_zero(q)) {
            return (places, rounded);
        }
    }
    (MOST, round(MOST))
}

/// `v` rounded half away from zero to at most `places` decimals, without trailing zeros, with
/// `minus` for negatives and thousands separators if `group` (the rounded decimal itself when it
/// is too large for an `i128`).
fn write_trimmed(f: &mut fmt::Formatter<'_>, v: &Rational, places: u32, minus: &str, group: bool) -> fmt::Result {
    write_rounded(f, v, places, v.round_scaled(places, Rounding::HalfAwayFromZero), minus, group)
}

/// [`write_trimmed`] with `v` already rounded to `places` (`round_scaled`'s result).
fn write_rounded(
    f: &mut fmt::Formatter<'_>,
    v: &Rational,
    places: u32,
    rounded: Option<i128>,
    minus: &str,
    group: bool,
) -> fmt::Result {
    match rounded {
        Some(q) => {
            let (q, scale) = money::trimmed(q, places);
            money::write_scaled(f, q, scale, scale, minus, group)
        }
        None => {
            let d = v.to_decimal_display(places);
            money::write_scaled(f, d.mantissa(), d.scale(), d.scale(), minus, group)
        }
    }
}

/// The fewest decimals, from `from`, at which `v` shown rounded still rounds to `dp` places as
/// `v` itself does (half away from zero), so a reader rounding what is shown gets the same cent.
/// With `v` rounded half away from zero to those places, when the search computed it.
fn unambiguous_places(v: &Rational, dp: u32, from: u32) -> (u32, Option<i128>) {
    unambiguous_places_for(v, dp, from, Rounding::HalfAwayFromZero)
}

fn unambiguous_places_for(v: &Rational, dp: u32, from: u32, mode: Rounding) -> (u32, Option<i128>) {
    // In integers while every rounding fits a decimal's mantissa, where `Rational::round` gives
    // a decimal of exactly that mantissa and scale: the search below, without the decimals.
    const DECIMAL_MAX_MANTISSA: u128 = (1 << 96) - 1;
    let fits = |q: &i128| q.unsigned_abs() <= DECIMAL_MAX_MANTISSA;
    let Some(target) = v.round_scaled(dp, mode).filter(fits) else {
        return (unambiguous_places_from(v, dp, from, mode), None);
    };
    let mut places = from;
    while places < 28 {
        let Some(shown) = v.round_scaled(places, Rounding::HalfAwayFromZero).filter(fits) else {
            return (unambiguous_places_from(v, dp, places, mode), None);
        };
        let Some(unit) = places.checked_sub(dp).and_then(|extra| 10i128.checked_pow(extra)) else {
            return (unambiguous_places_from(v, dp, places, mode), None);
        };
        // `shown` (with `places` decimals) rounded to `dp` places by `mode`.
        let back = Rational::new(shown, unit).and_then(|shown| shown.round_scaled(0, mode));
        if back == Some(target) {
            return (places, Some(shown));
        }
        places += 1;
    }
    (places, None)
}

/// [`unambiguous_places_for`] through decimals, from `from` on (where a rounding does not fit
/// a decimal's mantissa).
fn unambiguous_places_from(v: &Rational, dp: u32, from: u32, mode: Rounding) -> u32 {
    let Ok(target) = v.round(dp, mode) else { return from };
    let mut places = from;
    while places < 28 {
        let shown = v.round(places, Rounding::HalfAwayFromZero).map(Rational::from_decimal);
        if shown.is_ok_and(|s| s.round(dp, mode).is_ok_and(|r| r == target)) {
            break;
        }
        places += 1;
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(n: i128, d: i128) -> Rational {
        Rational::new(n, d).unwrap()
    }

    fn amount_s(v: &Rational, dp: u32) -> String {
        amount(v, dp).to_string()
    }

    fn number_s(v: &Rational) -> String {
        number(v).to_string()
    }

    fn percent_s(v: &Rational) -> String {
        percent(v).to_string()
    }

    #[test]
    fn amounts_are_exact_when_short_and_approximate_when_repeating() {
        assert_eq!(amount_s(&q(1_453_125, 1000), 2), "1,453.125");
        assert_eq!(amount_s(&q(270_000, 100), 2), "2,700.00");
        assert_eq!(amount_s(&q(1000, 3), 2), "≈ 333.333333");
        // 0.004999999… shown at 6 places would read 0.005000 and round up: more places.
        let just_below = q(4_999_999_999, 1_000_000_000_000);
        assert_eq!(amount_s(&just_below, 2), "≈ 0.004999999999");
        assert_eq!(amount_s(&q(-1, 8), 0), "\u{2212}0.125");
    }

    #[test]
    fn numbers_percentages_and_shares() {
        assert_eq!(number_s(&q(62, 576)), "≈ 0.1076");
        assert_eq!(number_s(&q(1, 5)), "0.2");
        assert_eq!(number_s(&q(25, 1)), "25");
        assert_eq!(number_s(&q(1, 30_000)), "≈ 0.00003333");
        assert_eq!(percent_s(&q(62, 576)), "10.76%");
        assert_eq!(percent_s(&q(6, 5)), "120%");
        // Just below 50% (a threshold) or just above 100% does not read as the edge itself.
        assert_eq!(percent_s(&q(4_999_999, 10_000_000)), "49.99999%");
        assert_eq!(percent_s(&q(10_000_001, 10_000_000)), "100.00001%");
        assert_eq!(percent_s(&q(53_801, 100_000)), "53.801%");
        assert_eq!(percent_s(&q(1, 3_000_000_000)), "0.00000003%");
        assert_eq!(percent_s(&q(2, 3)), "66.67%");
        assert_eq!(percent_s(&q(1, 2)), "50%");
        assert_eq!(percent_s(&q(1, 10)), "10%");
        assert_eq!(pct_of(Decimal::new(15, 1)), "150");
        assert_eq!(days_share(69, 90), "69/90 days employed ≈ 0.7667");
        assert_eq!(days_share(45, 90), "45/90 days employed = 0.5");
    }

    #[test]
    fn percentages_are_rounded_once_to_the_places_the_search_finds() {
        // The places as found before (each rounded on its own), and the rounding at them.
        let places_before = |pct: &Rational| {
            if pct.decimal_places().is_some_and(|p| p <= 2) {
                return 2;
            }
            (2..8)
                .find(|&places| pct.round_scaled(places, Rounding::HalfAwayFromZero).is_none_or(|q| q % 10 != 0))
                .unwrap_or(8)
        };
        let mut values =
            vec![q(0, 1), q(1, 2), q(-1, 3), q(4_999_999, 10_000_000), q(1, 3_000_000_000), q(i128::MAX, 7)];
        for n in -300..300 {
            for d in [1, 2, 3, 7, 8, 40, 125, 576, 1000, 30_000, 10_000_000, 999_999_937] {
                values.push(q(n * 1_000_003 + 5, d));
                values.push(q(n, d));
            }
        }
        for v in values {
            let pct = v.mul(&Rational::from_int(100));
            let (places, rounded) = shown_places(&pct);
            assert_eq!(places, places_before(&pct), "{v}");
            assert_eq!(rounded, pct.round_scaled(places, Rounding::HalfAwayFromZero), "{v}");
        }
    }

    #[test]
    fn the_places_found_in_integers_are_those_found_through_decimals() {
        let mut values =
            vec![q(1000, 3), q(4_999_999_999, 1_000_000_000_000), q(-1, 8), q(i128::MAX, 3), q(1, i128::MAX)];
        for n in -400..400 {
            for d in [3, 6, 7, 9, 11, 13, 30, 576, 999, 1001, 65_537, 3_000_000_007] {
                values.push(q(n, d));
                values.push(q(n * 1_000_000_007 + 5, d));
                values.push(q(n * 10_000_000_000_000_000 - 1, d * 1_000));
            }
        }
        for v in &values {
            for dp in [0, 2, 3] {
                for mode in Rounding::ALL {
                    let (places, rounded) = unambiguous_places_for(v, dp, dp + EXTRA, mode);
                    assert_eq!(places, unambiguous_places_from(v, dp, dp + EXTRA, mode), "{v} {dp} {mode:?}");
                    if rounded.is_some() {
                        assert_eq!(rounded, v.round_scaled(places, Rounding::HalfAwayFromZero), "{v} {dp}");
                    }
                }
            }
        }
    }

    #[test]
    fn rounding_notes_written_in_place_read_as_those_written_apart() {
        // The note as it was written before: the value in a string of its own, then appended.
        let before = |text: &str, v: &Rational, dp: u32, mode: Rounding, rounded: Decimal| {
            use fmt::Write as _;
            let mut text = text.to_owned();
            let places = v.decimal_places();
            if places.is_some_and(|places| places <= dp) {
                return text;
            }
            let shown = match places {
                Some(places) if places <= dp + EXTRA + 2 => At(v, places.max(dp), None).to_string(),
                _ => format!("≈ {}", At(v, unambiguous_places_from(v, dp, dp + EXTRA, mode), None)),
            };
            let repeats = text.strip_suffix(shown.as_str()).is_some_and(|before| before.ends_with("= "));
            if !text.is_empty() {
                text.push_str("; ");
            }
            if !repeats {
                text.push_str(&shown);
                text.push(' ');
            }
            write!(text, "rounded {} to {}", mode.words(), money::Grouped(rounded, dp)).ok();
            text
        };
        for (n, d) in [(1_453_125, 1000), (1000, 3), (-2, 3), (5, 1), (1, 8), (-7, 16), (123_456_789, 7)] {
            let v = q(n, d);
            for dp in [0, 2] {
                for mode in Rounding::ALL {
                    let Ok(rounded) = v.round(dp, mode) else { continue };
                    let exact = amount_s(&v, dp);
                    for text in [
                        String::new(),
                        "x".to_owned(),
                        format!("a = {exact}"),
                        format!("a {exact}"),
                        format!("= {exact}"),
                    ] {
                        let mut written = text.clone();
                        push_rounding(&mut written, &v, dp, mode, rounded);
                        assert_eq!(written, before(&text, &v, dp, mode, rounded), "{v} {dp} {mode:?} {text:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn rounding_notes_show_the_exact_value_or_enough_digits() {
        let r = |v: &Rational| v.round(2, Rounding::HalfAwayFromZero).unwrap();
        let v = q(1_453_125, 1000);
        assert_eq!(
            rounding(&v, 2, Rounding::HalfAwayFromZero, r(&v), "0–100% at 6% = 1,000.00").unwrap(),
            "1,453.125 rounded half away from zero to 1,453.13"
        );
        assert_eq!(
            rounding(&v, 2, Rounding::HalfAwayFromZero, r(&v), "× 0.5 = 1,453.125").unwrap(),
            "rounded half away from zero to 1,453.13"
        );
        let third = q(1000, 3);
        assert_eq!(
            rounding(&third, 2, Rounding::HalfAwayFromZero, r(&third), "").unwrap(),
            "≈ 333.333333 rounded half away from zero to 333.33"
        );
        assert_eq!(rounding(&q(100, 1), 2, Rounding::HalfAwayFromZero, r(&q(100, 1)), ""), None);
    }
}
