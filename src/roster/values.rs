//! Parsing cells: money and numbers in the forms real exports use, and dates.
//!
//! Every function here is pure and allocation-free on the success path of the hot cases
//! (numbers and ISO dates), so the importer can call them once per cell.

use std::fmt;

use chrono::format::{Item, StrftimeItems};
use chrono::{NaiveDate, NaiveTime};
use rust_decimal::Decimal;

/// Which character separates the integer part from the decimals in a number cell, once the
/// file's convention is known (see [`super::DecimalSeparator`] for the option).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalMark {
    /// `1,234.50`: `.` is the decimal mark; `,` groups thousands.
    Point,
    /// `1.234,50`: `,` is the decimal mark; `.` groups thousands.
    Comma,
}

impl DecimalMark {
    fn decimal_char(self) -> char {
        match self {
            DecimalMark::Point => '.',
            DecimalMark::Comma => ',',
        }
    }

    /// The other convention, for hints.
    fn other_name(self) -> &'static str {
        match self {
            DecimalMark::Point => "comma",
            DecimalMark::Comma => "point",
        }
    }
}

/// Why a cell is not a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// The cell is blank.
    Empty,
    /// The cell holds something other than a number (text, a date, ...).
    NotANumber,
    /// A thousands separator does not sit between groups of three digits, or separators are mixed.
    Grouping {
        /// The separator that is out of place.
        separator: char,
        /// The decimal convention the cell was read with.
        decimal: DecimalMark,
    },
    /// The value does not fit a decimal of 28-29 significant digits.
    TooLarge,
    /// Number-shaped but malformed (two signs, two decimal marks, a bad exponent...).
    Malformed(&'static str),
    /// Digits with a word that is neither a currency code nor a symbol (`1234.5 euros`).
    Word(String),
}

impl NumberError {
    /// Whether the cell looked like a number at all: a badly grouped or oversized number is still
    /// a number to the eye, while `N/A` or an email address is text. Used to tell text columns
    /// from numeric columns with a few bad cells.
    pub fn looks_numeric(&self) -> bool {
        matches!(self, NumberError::Grouping { .. } | NumberError::TooLarge | NumberError::Malformed(_))
    }
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NumberError::Empty => f.write_str("the cell is empty"),
            NumberError::NotANumber => f.write_str("not a number"),
            NumberError::Grouping { separator, decimal } => write!(
                f,
                "not a number: the thousands separator `{separator}` must sit between groups of 3 \
                 digits (decimal {} is in use; if this file uses a decimal {}, set the decimal \
                 separator option)",
                match decimal {
                    DecimalMark::Point => "point",
                    DecimalMark::Comma => "comma",
                },
                decimal.other_name()
            ),
            NumberError::TooLarge => f.write_str(
                "number too large: at most 28 significant digits fit (check the cell for a \
                 misplaced exponent or pasted digits)",
            ),
            NumberError::Malformed(why) => write!(f, "not a number: {why}"),
            NumberError::Word(word) => write!(
                f,
                "not a number: `{word}` is not a currency code or symbol; write the amount alone, or with its ISO \
                 code (e.g. 1234.50 EUR)"
            ),
        }
    }
}

impl std::error::Error for NumberError {}

/// The largest mantissa a [`Decimal`] holds (2^96 - 1).
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;
/// Digits are accumulated exactly while the mantissa stays below this (fits u128 with room).
const ACCUMULATE_LIMIT: u128 = 10u128.pow(37);
/// Largest scale a [`Decimal`] holds.
const MAX_SCALE: i64 = 28;

/// A symbol that several currencies write their amounts with (`$`, `¥`, `kr`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmbiguousSymbol {
    /// The symbol as written.
    pub symbol: &'static str,
    /// The ISO 4217 codes it may stand for, the most common first.
    pub currencies: &'static [&'static str],
}

impl AmbiguousSymbol {
    /// Whether the symbol can stand for `code`.
    pub fn allows(&self, code: &str) -> bool {
        self.currencies.contains(&code)
    }

    /// `USD, CAD, AUD, NZD or another dollar`: the currencies for a message.
    pub fn describe(&self) -> String {
        const SHOWN: usize = 4;
        match self.currencies.split_last() {
            Some((last, rest)) if rest.len() < SHOWN => format!("{} or {last}", rest.join(", ")),
            Some(_) => {
                let shown: Vec<&str> = self.currencies.iter().take(SHOWN).copied().collect();
                format!("{} or {} other currencies", shown.join(", "), self.currencies.len() - SHOWN)
            }
            None => String::new(),
        }
    }
}

/// What a currency code or symbol next to an amount says about its currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurrencyMark {
    /// One currency: an ISO 4217 code (`USD 12`) or a symbol only it uses (`€`, `US$`).
    Code(&'static str),
    /// A symbol several currencies use.
    Ambiguous(AmbiguousSymbol),
}

/// The currencies written with `$`.
const DOLLARS: AmbiguousSymbol = AmbiguousSymbol {
    symbol: "$",
    currencies: &[
        "USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "ARS", "CLP", "COP", "UYU", "BSD", "BBD", "BZD", "BMD",
        "BND", "KYD", "XCD", "FJD", "GYD", "JMD", "LRD", "NAD", "SBD", "SRD", "TTD",
    ],
};
/// The currencies written with `¥` (and its full-width form `￥`).
const YEN: &[&str] = &["JPY", "CNY"];
/// The currencies written with `kr` or `kr.`.
const KRONA: &[&str] = &["SEK", "NOK", "DKK", "ISK"];

/// Currency symbols accepted before or after an amount, and what they say. Longer symbols come
/// before their endings and beginnings (`US$` before `$`, `kr.` before `kr`).
const CURRENCY_SYMBOLS: &[(&str, CurrencyMark)] = &[
    ("US$", CurrencyMark::Code("USD")),
    ("CA$", CurrencyMark::Code("CAD")),
    ("AU$", CurrencyMark::Code("AUD")),
    ("NZ$", CurrencyMark::Code("NZD")),
    ("HK$", CurrencyMark::Code("HKD")),
    ("SG$", CurrencyMark::Code("SGD")),
    ("NT$", CurrencyMark::Code("TWD")),
    ("MX$", CurrencyMark::Code("MXN")),
    ("R$", CurrencyMark::Code("BRL")),
    ("A$", CurrencyMark::Code("AUD")),
    ("C$", CurrencyMark::Code("CAD")),
    ("S$", CurrencyMark::Code("SGD")),
    ("$", CurrencyMark::Ambiguous(DOLLARS)),
    ("€", CurrencyMark::Code("EUR")),
    ("£", CurrencyMark::Code("GBP")),
    ("¥", CurrencyMark::Ambiguous(AmbiguousSymbol { symbol: "¥", currencies: YEN })),
    ("₹", CurrencyMark::Code("INR")),
    ("₩", CurrencyMark::Code("KRW")),
    ("₽", CurrencyMark::Code("RUB")),
    ("₺", CurrencyMark::Code("TRY")),
    ("₪", CurrencyMark::Code("ILS")),
    ("₫", CurrencyMark::Code("VND")),
    ("₱", CurrencyMark::Code("PHP")),
    ("฿", CurrencyMark::Code("THB")),
    ("₴", CurrencyMark::Code("UAH")),
    ("₦", CurrencyMark::Code("NGN")),
    ("₡", CurrencyMark::Code("CRC")),
    ("₲", CurrencyMark::Code("PYG")),
    ("₵", CurrencyMark::Code("GHS")),
    ("₸", CurrencyMark::Code("KZT")),
    ("₼", CurrencyMark::Code("AZN")),
    ("₾", CurrencyMark::Code("GEL")),
    ("￥", CurrencyMark::Ambiguous(AmbiguousSymbol { symbol: "￥", currencies: YEN })),
    ("kr.", CurrencyMark::Ambiguous(AmbiguousSymbol { symbol: "kr.", currencies: KRONA })),
    ("kr", CurrencyMark::Ambiguous(AmbiguousSymbol { symbol: "kr", currencies: KRONA })),
    ("zł", CurrencyMark::Code("PLN")),
    ("Kč", CurrencyMark::Code("CZK")),
    ("Ft", CurrencyMark::Code("HUF")),
    ("Fr.", CurrencyMark::Code("CHF")),
];

/// Whether `c` is a blank used to group thousands (space, no-break space, narrow no-break space,
/// thin space, figure space).
fn is_space_group(c: char) -> bool {
    matches!(c, ' ' | '\u{00A0}' | '\u{202F}' | '\u{2009}' | '\u{2007}')
}

/// The separator class of a grouping character (all blanks are one class), or `None`.
fn group_class(c: char, decimal: DecimalMark) -> Option<u8> {
    match c {
        ',' if decimal == DecimalMark::Point => Some(1),
        '.' if decimal == DecimalMark::Comma => Some(2),
        '\'' | '\u{2019}' => Some(3),
        c if is_space_group(c) => Some(4),
        _ => None,
    }
}

fn strip_sign(s: &str) -> Option<(bool, &str)> {
    if let Some(rest) = s.strip_prefix('-') {
        Some((true, rest))
    } else if let Some(rest) = s.strip_prefix('\u{2212}') {
        Some((true, rest))
    } else {
        s.strip_prefix('+').map(|rest| (false, rest))
    }
}

/// A 3-letter ISO 4217 code at the start of `s`, followed by a non-letter.
fn strip_code_prefix(s: &str) -> Option<(&'static str, &str)> {
    let b = s.as_bytes();
    let code = b.get(..3)?;
    if b.get(3).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    Some((currency_code(code)?, s.get(3..)?))
}

/// A 3-letter ISO 4217 code at the end of `s`, preceded by a non-letter.
fn strip_code_suffix(s: &str) -> Option<(&'static str, &str)> {
    let b = s.as_bytes();
    let start = b.len().checked_sub(3)?;
    let code = b.get(start..)?;
    if start > 0 && b.get(start - 1).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    Some((currency_code(code)?, s.get(..start)?))
}

/// An ISO 4217 code in any case (`EUR`, `eur`, `Eur`, as people type it), as the known code. A
/// word that happens to be a code (`5 all`, `3 top`) is then read as a currency, which is never
/// silently wrong: it must agree with the row's other amounts and currency column, the plan
/// needs an fx rate for it, and a count column refuses it.
fn currency_code(code: &[u8]) -> Option<&'static str> {
    let [a, b, c] = code else { return None };
    let upper = [a.to_ascii_uppercase(), b.to_ascii_uppercase(), c.to_ascii_uppercase()];
    if !upper.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let code = std::str::from_utf8(&upper).ok()?;
    crate::money::currency_codes().find(|known| *known == code)
}

/// Whether a currency symbol can start with this byte (a quick filter for text cells).
fn may_start_symbol(b: u8) -> bool {
    !b.is_ascii_alphanumeric() || b"ACFHKMNRSUkz".contains(&b)
}

/// Whether a currency symbol can end with this byte.
fn may_end_symbol(b: u8) -> bool {
    !b.is_ascii_alphanumeric() || b"rt".contains(&b)
}

fn strip_currency_prefix(s: &str) -> Option<(CurrencyMark, &str)> {
    let first = *s.as_bytes().first()?;
    if may_start_symbol(first)
        && let Some(found) = CURRENCY_SYMBOLS.iter().find_map(|(sym, mark)| Some((*mark, s.strip_prefix(sym)?)))
    {
        return Some(found);
    }
    strip_code_prefix(s).map(|(code, rest)| (CurrencyMark::Code(code), rest))
}

fn strip_currency_suffix(s: &str) -> Option<(CurrencyMark, &str)> {
    let last = *s.as_bytes().last()?;
    if may_end_symbol(last)
        && let Some(found) = CURRENCY_SYMBOLS.iter().find_map(|(sym, mark)| Some((*mark, s.strip_suffix(sym)?)))
    {
        return Some(found);
    }
    strip_code_suffix(s).map(|(code, rest)| (CurrencyMark::Code(code), rest))
}

/// Accumulates the significant digits of a number exactly (up to 37 digits). Digits beyond
/// that never matter: a mantissa that large exceeds what a Decimal holds, so rounding drops
/// at least one accumulated digit, and that digit decides the rounding (half away from zero
/// looks only at the first dropped digit).
struct Digits {
    mantissa: u128,
    /// Decimal digits after the point that are part of `mantissa` (or were leading zeros).
    fraction: i64,
    /// Integer digits that did not fit the accumulator (each multiplies by 10).
    overflow: i64,
    any: bool,
}

impl Digits {
    fn push(&mut self, digit: u8, in_fraction: bool) {
        self.any = true;
        if self.mantissa == 0 && digit == 0 {
            if in_fraction {
                self.fraction += 1;
            }
            return;
        }
        if self.mantissa < ACCUMULATE_LIMIT {
            self.mantissa = self.mantissa * 10 + u128::from(digit);
            if in_fraction {
                self.fraction += 1;
            }
        } else if !in_fraction {
            self.overflow += 1;
        }
    }
}

/// A number cell as written: its value, and the currency and percent sign around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount {
    /// The value (a percentage already divided by 100).
    pub value: Decimal,
    /// The currency code or symbol written next to it, if any.
    pub currency: Option<CurrencyMark>,
    /// Whether it was written with `%`.
    pub percent: bool,
}

/// Parses a number cell, as [`parse_amount`], and returns its value only.
pub fn parse_number(cell: &str, decimal: DecimalMark) -> Result<Decimal, NumberError> {
    parse_amount(cell, decimal).map(|a| a.value)
}

/// Parses a money or number cell: `$1,234.50`, `1234.5`, `-15000.00`, `(1,234.50)` (negative),
/// `1.234,50 €` and `1 234,50` (with [`DecimalMark::Comma`]), `EUR 1,234.50`, `1,234.50 USD`,
/// `+5`, `12.5%` (= 0.125), `1.5E+06`. No-break and narrow no-break spaces and apostrophes group
/// thousands in either convention. The value must fit a [`Decimal`]; digits beyond 28 decimal
/// places are rounded half away from zero. The currency code or symbol and the percent sign are
/// returned beside the value, for the caller to check against the column and the row.
pub fn parse_amount(cell: &str, decimal: DecimalMark) -> Result<Amount, NumberError> {
    if let Some(value) = plain_number(cell, decimal) {
        return Ok(Amount { value, currency: None, percent: false });
    }
    let mut s = cell.trim();
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    let mut negative = false;
    let mut signed = false;
    let mut currency: Option<CurrencyMark> = None;
    let mut percent = false;
    // Decorations at the front and back, in any order: sign, currency, parentheses, percent.
    // Each may appear once, so this loop runs a bounded number of times.
    loop {
        let t = s.trim();
        if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
            if signed {
                return Err(NumberError::Malformed("a sign and parentheses together"));
            }
            signed = true;
            negative = true;
            s = inner;
        } else if let Some((neg, rest)) = strip_sign(t) {
            if signed {
                return Err(NumberError::Malformed("more than one sign"));
            }
            signed = true;
            negative = neg;
            s = rest;
        } else if let Some(rest) = t.strip_suffix('%') {
            if percent {
                return Err(NumberError::Malformed("more than one %"));
            }
            percent = true;
            s = rest;
        } else if t.as_bytes().first().is_some_and(u8::is_ascii_digit)
            && t.as_bytes().last().is_some_and(u8::is_ascii_digit)
        {
            // The common case: nothing more to strip.
            s = t;
            break;
        } else if let Some((mark, rest)) = strip_currency_prefix(t).or_else(|| strip_currency_suffix(t)) {
            if currency.is_some() {
                return Err(NumberError::Malformed("more than one currency"));
            }
            currency = Some(mark);
            s = rest;
        } else {
            s = t;
            break;
        }
    }
    let value = number(s, decimal, negative, percent).map_err(|e| naming_a_word(e, s))?;
    Ok(Amount { value, currency, percent })
}

/// Most cells of a roster (`147828.10`, `19`): ASCII digits with at most one decimal point
/// (with the point as decimal mark), starting and ending with a digit, at most 19 bytes. Their
/// value is what [`number`] reads, to the scale (`12.50` keeps its two places; zero is `0`),
/// without the general reader's work; anything else is `None` and goes through it.
#[inline]
pub(super) fn plain_number(cell: &str, decimal: DecimalMark) -> Option<Decimal> {
    let bytes = cell.as_bytes();
    if decimal != DecimalMark::Point
        || bytes.len() > 19
        || !bytes.first().is_some_and(u8::is_ascii_digit)
        || !bytes.last().is_some_and(u8::is_ascii_digit)
    {
        return None;
    }
    // At most 19 digits: below 10^19, within a u64.
    let mut mantissa: u64 = 0;
    let mut point: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    if mantissa == 0 {
        return Some(Decimal::ZERO);
    }
    // Digits after the point (at most 17): the scale.
    let scale = point.map_or(0, |at| bytes.len() - at - 1);
    Decimal::try_from_i128_with_scale(i128::from(mantissa), u32::try_from(scale).ok()?).ok()
}

/// The value of `s`, a number without its decorations (sign, currency, parentheses, percent).
fn number(s: &str, decimal: DecimalMark, negative: bool, percent: bool) -> Result<Decimal, NumberError> {
    let (body, exponent) = match s.find(['e', 'E']) {
        Some(at) => (s.get(..at).unwrap_or(""), Some(s.get(at + 1..).unwrap_or(""))),
        None => (s, None),
    };

    let decimal_char = decimal.decimal_char();
    let mut digits = Digits { mantissa: 0, fraction: 0, overflow: 0, any: false };
    let mut in_fraction = false;
    let mut group_len: usize = 0;
    let mut class: Option<u8> = None;
    let mut class_char = ' ';
    for c in body.chars() {
        if let Some(d) = c.to_digit(10) {
            // `to_digit` is at most 9, so the cast is exact.
            digits.push(d as u8, in_fraction);
            if !in_fraction {
                group_len += 1;
            }
        } else if c == decimal_char {
            if in_fraction {
                return Err(NumberError::Malformed("more than one decimal separator"));
            }
            if class.is_some() && group_len != 3 {
                return Err(NumberError::Grouping { separator: class_char, decimal });
            }
            in_fraction = true;
        } else if let Some(cls) = group_class(c, decimal) {
            let first = class.is_none();
            if in_fraction
                || class.is_some_and(|k| k != cls)
                || (first && !(1..=3).contains(&group_len))
                || (!first && group_len != 3)
            {
                return Err(NumberError::Grouping { separator: c, decimal });
            }
            class = Some(cls);
            class_char = c;
            group_len = 0;
        } else if c == '.' || c == ',' {
            // The decimal mark of the other convention, after the decimal point.
            return Err(NumberError::Grouping { separator: c, decimal });
        } else {
            return Err(NumberError::NotANumber);
        }
    }
    if !digits.any {
        // `EUR`, `-`, `%` alone: nothing that reads as a number.
        return Err(NumberError::NotANumber);
    }
    if class.is_some() && !in_fraction && group_len != 3 {
        return Err(NumberError::Grouping { separator: class_char, decimal });
    }
    let exp = match exponent {
        None => 0,
        Some(e) => parse_exponent(e)?,
    };
    let mut power = digits.overflow + exp - digits.fraction;
    if percent {
        power -= 2;
    }
    let (mantissa, scale) = scale_mantissa(digits.mantissa, power)?;
    let signed_mantissa = i128::try_from(mantissa).map_err(|_| NumberError::TooLarge)?;
    Decimal::try_from_i128_with_scale(if negative { -signed_mantissa } else { signed_mantissa }, scale)
        .map_err(|_| NumberError::TooLarge)
}

/// `error`, or, when it is about the shape of the number `s` (a separator out of place, a bad
/// exponent) and `s` holds a word that is not an exponent's `e` (`1234.5 euros`, `12 eu`),
/// [`NumberError::Word`] naming the word: the real cause, where the message would have been
/// about thousands separators.
fn naming_a_word(error: NumberError, s: &str) -> NumberError {
    if !matches!(error, NumberError::Grouping { .. } | NumberError::Malformed(_)) {
        return error;
    }
    let Some(start) = s.find(char::is_alphabetic) else { return error };
    let tail = s.get(start..).unwrap_or("");
    let word = tail.get(..tail.find(|c: char| !c.is_alphabetic()).unwrap_or(tail.len())).unwrap_or("");
    // A lone `e` is an exponent (`1.5E+06`): a bad one (`1E+x`) is said as such.
    if matches!(word, "e" | "E") { error } else { NumberError::Word(word.to_owned()) }
}

/// Parses the exponent after `e`/`E`: optional sign, then digits. Clamped, so absurd exponents
/// become "too large" (or zero) instead of overflowing.
fn parse_exponent(e: &str) -> Result<i64, NumberError> {
    let (negative, digits) = match strip_sign(e) {
        Some((neg, rest)) => (neg, rest),
        None => (false, e),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NumberError::Malformed("a bad exponent"));
    }
    let mut value: i64 = 0;
    for b in digits.bytes() {
        value = (value * 10 + i64::from(b - b'0')).min(1_000_000);
    }
    Ok(if negative { -value } else { value })
}

/// `mantissa × 10^power` as a Decimal mantissa and scale, rounding half away from zero when
/// there are more than 28 decimals or more digits than a Decimal holds.
fn scale_mantissa(mut mantissa: u128, power: i64) -> Result<(u128, u32), NumberError> {
    if mantissa == 0 {
        return Ok((0, 0));
    }
    if power >= 0 {
        for _ in 0..power {
            mantissa = mantissa.checked_mul(10).filter(|m| *m <= MAX_MANTISSA).ok_or(NumberError::TooLarge)?;
        }
        if mantissa > MAX_MANTISSA {
            return Err(NumberError::TooLarge);
        }
        return Ok((mantissa, 0));
    }
    let mut scale = -power;
    // Far below the smallest decimal: rounds to zero.
    if scale > MAX_SCALE + 40 {
        return Ok((0, 0));
    }
    let mut round_digit = 0u8;
    while mantissa > MAX_MANTISSA || scale > MAX_SCALE {
        if scale == 0 {
            return Err(NumberError::TooLarge);
        }
        // The digit dropped now is more significant than any dropped before it.
        round_digit = (mantissa % 10) as u8;
        mantissa /= 10;
        scale -= 1;
    }
    if round_digit >= 5 {
        mantissa += 1;
        if mantissa > MAX_MANTISSA {
            if scale == 0 {
                return Err(NumberError::TooLarge);
            }
            mantissa = mantissa.div_ceil(10);
            scale -= 1;
        }
    }
    let scale = u32::try_from(scale).map_err(|_| NumberError::TooLarge)?;
    Ok((mantissa, scale))
}

/// Why a cell is not a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// The cell does not match ISO `YYYY-MM-DD` (nor the configured format).
    NotADate {
        /// The configured chrono format, if any.
        format: Option<String>,
        /// The cell looks like an Excel serial day number (e.g. `45292`).
        excel_serial: bool,
        /// Without a configured format: the common formats ([`DATE_FORMATS`]) that read the
        /// cell, to name in the message.
        reads_as: Vec<&'static str>,
    },
    /// The cell has the shape of a date but no such day exists (`2026-02-30`).
    NoSuchDay,
    /// The configured format reads a four-digit year (`%Y`) where the cell has fewer digits
    /// (`15/08/26` under `%d/%m/%Y` is the year 26, not 2026).
    ShortYear {
        /// The configured chrono format.
        format: String,
        /// The year the format read.
        year: i32,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DateError::NotADate { format, excel_serial, reads_as } => {
                f.write_str("not a date; expected YYYY-MM-DD (like 2026-01-31)")?;
                if let Some(format) = format {
                    write!(f, " or the date format {format}")?;
                    if let Some(example) = format_example(format) {
                        write!(f, " (like {example})")?;
                    }
                } else {
                    match reads_as.as_slice() {
                        [] => f.write_str(", or set the date format (--date-format, e.g. %d/%m/%Y)")?,
                        [one] => write!(f, ", or set the date format (--date-format) to {one}, which reads it")?,
                        several => {
                            let (last, rest) = several.split_last().unwrap_or((&"", &[]));
                            write!(
                                f,
                                ", or set the date format (--date-format) the file uses: {} or {last} read it",
                                rest.join(", ")
                            )?;
                        }
                    }
                }
                if *excel_serial {
                    f.write_str(
                        "; this looks like an Excel day number: format the column as a date \
                         before exporting",
                    )?;
                }
                Ok(())
            }
            DateError::NoSuchDay => f.write_str("no such day in the calendar"),
            DateError::ShortYear { format, year } => {
                write!(
                    f,
                    "the year has fewer than four digits, which the date format {format} reads as the year {year}"
                )?;
                if format.contains("%Y") {
                    write!(f, "; use {} for two-digit years", format.replace("%Y", "%y"))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for DateError {}

/// 2026-01-31 written in `format`, or `None` if the format cannot be written.
fn format_example(format: &str) -> Option<String> {
    use std::fmt::Write as _;
    if check_date_format(format).is_err() {
        return None;
    }
    let day = NaiveDate::from_ymd_opt(2026, 1, 31)?;
    let mut out = String::new();
    write!(out, "{}", day.format(format)).ok()?;
    Some(out)
}

/// Why a date format is refused ([`check_date_format`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateFormatError {
    /// The format is blank.
    #[error("the date format is empty; use e.g. %d/%m/%Y")]
    Empty,
    /// chrono does not understand the format.
    #[error("`{format}` is not a valid date format; use strftime fields such as %d/%m/%Y or %m/%d/%Y")]
    Invalid { format: String },
    /// The format does not write and read back a whole date.
    #[error("`{format}` does not give a day, a month and a year; use strftime fields such as %d/%m/%Y or %m/%d/%Y")]
    NoWholeDate { format: String },
}

/// Checks that `format` is a chrono strftime format chrono understands (`%d/%m/%Y`).
pub fn check_date_format(format: &str) -> Result<(), DateFormatError> {
    if format.trim().is_empty() {
        return Err(DateFormatError::Empty);
    }
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Err(DateFormatError::Invalid { format: format.to_owned() });
    }
    // The format must write and read back a whole date: `hello` or `%m/%Y` names no day, so no
    // cell could ever be read with it. Time and zone fields (`%Y-%m-%d %H:%M:%S%z`, as CRM
    // exports write) are fine: the date is read and the time ignored.
    let Ok(probe) = chrono::DateTime::parse_from_rfc3339("2031-12-28T13:45:56+01:00") else { return Ok(()) };
    let mut text = String::new();
    let written = std::fmt::write(&mut text, format_args!("{}", probe.format_with_items(StrftimeItems::new(format))));
    if written.is_err() || NaiveDate::parse_from_str(&text, format) != Ok(probe.date_naive()) {
        return Err(DateFormatError::NoWholeDate { format: format.to_owned() });
    }
    Ok(())
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a, c] if a.is_ascii_digit() && c.is_ascii_digit() => Some(u32::from(a - b'0') * 10 + u32::from(c - b'0')),
        _ => None,
    }
}

/// `YYYY-MM-DD` (strictly), or `None` when the shape is different. `Some(Err)` for a shape that
/// fits but a day that does not exist.
fn parse_iso(b: &[u8]) -> Option<Result<NaiveDate, DateError>> {
    let [y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = b else {
        return None;
    };
    let year_digits = [*y0, *y1, *y2, *y3];
    if !year_digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let year = year_digits.iter().fold(0i32, |acc, d| acc * 10 + i32::from(d - b'0'));
    let month = two_digits(&[*m0, *m1])?;
    let day = two_digits(&[*d0, *d1])?;
    Some(NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NoSuchDay))
}

/// Whether `rest` is a time of day after an ISO date: `HH:MM`, `HH:MM:SS`, optional fraction,
/// optional `Z`.
fn is_time_of_day(rest: &str) -> bool {
    let rest = rest.strip_suffix('Z').unwrap_or(rest);
    ["%H:%M:%S%.f", "%H:%M"].iter().any(|f| NaiveTime::parse_from_str(rest, f).is_ok())
}

/// Whether `rest` is a time of day after a date in another format: as after an ISO date, or on
/// a 12-hour clock (`12:00 AM`, `1:30:00 pm`), as spreadsheets write a date-and-time cell.
fn is_clock_time(rest: &str) -> bool {
    let rest = rest.trim();
    is_time_of_day(rest) || ["%I:%M:%S %p", "%I:%M %p"].iter().any(|f| NaiveTime::parse_from_str(rest, f).is_ok())
}

/// `cell` read with the chrono `format`, also when a time of day follows the date
/// (`1/15/2024 12:00:00 AM`: the date is kept).
fn parse_with(cell: &str, format: &str) -> Option<NaiveDate> {
    // chrono's `%b` reads only `Mar`; exports also write `March` (`March 15, 2026`), which `%B`
    // reads besides `Mar`.
    parse_one(cell, format).or_else(|| format.contains("%b").then(|| parse_one(cell, &format.replace("%b", "%B")))?)
}

/// [`parse_with`] for `format` as chrono reads it.
fn parse_one(cell: &str, format: &str) -> Option<NaiveDate> {
    if let Ok(date) = NaiveDate::parse_from_str(cell, format) {
        return Some(date);
    }
    let (date, time) = cell.split_once(' ')?;
    if !is_clock_time(time) {
        return None;
    }
    NaiveDate::parse_from_str(date, format).ok()
}

/// Parses a date cell: ISO `YYYY-MM-DD` always (also `YYYY-MM-DDTHH:MM:SS` and
/// `YYYY-MM-DD HH:MM:SS`, keeping the date), otherwise the chrono `format` if one is given.
pub fn parse_date(cell: &str, format: Option<&str>) -> Result<NaiveDate, DateError> {
    let s = cell.trim();
    let bytes = s.as_bytes();
    if let Some(iso) = bytes.get(..10).and_then(parse_iso) {
        let rest = s.get(10..).unwrap_or("");
        if rest.is_empty()
            || ((rest.starts_with('T') || rest.starts_with(' ')) && is_time_of_day(rest.get(1..).unwrap_or("")))
        {
            return iso;
        }
    }
    if let Some(format) = format
        && let Some(date) = parse_with(s, format)
    {
        // `%Y` takes any number of digits: `26` is the year 26, which no roster means.
        let year = chrono::Datelike::year(&date);
        if year < 1000 {
            return Err(DateError::ShortYear { format: format.to_owned(), year });
        }
        return Ok(date);
    }
    let excel_serial = (4..=5).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_digit);
    let reads_as = match format {
        Some(_) => Vec::new(),
        None => DATE_FORMATS.iter().filter(|d| d.reads(s)).map(|d| d.format).collect(),
    };
    Err(DateError::NotADate { format: format.map(str::to_string), excel_serial, reads_as })
}

/// Name suffixes and credentials that stay with the last name (`John Smith, Jr.`, `Jane Doe,
/// CPA`), never taken for a first name after a comma.
pub const NAME_SUFFIXES: &[&str] = &[
    "jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "phd", "ph.d.", "md", "m.d.", "mba", "cpa", "cfa", "esq", "esq.",
    "jd", "j.d.", "pe", "rn", "pmp",
];

/// A name written last name first with a comma, as many HRIS exports write it: `Smith, Jane
/// Ann` → `("Jane Ann", "Smith")` (given names, last name; trimmed, not collapsed). `None` for a
/// name without a comma, with several, with a side left empty, or whose comma comes before a
/// suffix (`John Smith, Jr.` is first name first).
pub fn last_name_first(name: &str) -> Option<(&str, &str)> {
    let (last, given) = name.split_once(',')?;
    let (last, given) = (last.trim(), given.trim());
    (!given.contains(',') && !last.is_empty() && !given.is_empty() && !is_name_suffix(given)).then_some((given, last))
}

/// Given names written before a suffix (`John Jr.` of `Smith, John Jr.`) → the given names and
/// the suffix, which belongs with the last name. A single letter is taken for a middle initial
/// (`John V`), and a lone word for a given name.
pub fn suffix_after_given(given: &str) -> (&str, Option<&str>) {
    let given = given.trim();
    match given.rsplit_once(char::is_whitespace) {
        Some((names, last)) if last.len() > 1 && is_name_suffix(last) => (names.trim_end(), Some(last)),
        _ => (given, None),
    }
}

/// Whether `word` is one of [`NAME_SUFFIXES`], ignoring case.
pub fn is_name_suffix(word: &str) -> bool {
    NAME_SUFFIXES.iter().any(|s| s.eq_ignore_ascii_case(word))
}

/// A date format HRIS and spreadsheet exports commonly write, besides ISO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateFormat {
    /// The chrono format (`%d/%m/%Y`), as `--date-format` takes it.
    pub format: &'static str,
    /// How people name it (`DD/MM/YYYY`).
    pub name: &'static str,
}

/// The common formats: day first (most of the world), month first (the United States), year
/// first with slashes, and the month by name as Oracle, PeopleSoft and many reports write it
/// (`15-Mar-2021`, `15 Mar 2021`, `Mar 15, 2021`, in any case; `%B` reads full names); two-digit
/// years only where a four-digit one would be misread.
pub const DATE_FORMATS: &[DateFormat] = &[
    DateFormat { format: "%d/%m/%Y", name: "DD/MM/YYYY" },
    DateFormat { format: "%m/%d/%Y", name: "MM/DD/YYYY" },
    DateFormat { format: "%d.%m.%Y", name: "DD.MM.YYYY" },
    DateFormat { format: "%d-%m-%Y", name: "DD-MM-YYYY" },
    DateFormat { format: "%m-%d-%Y", name: "MM-DD-YYYY" },
    DateFormat { format: "%Y/%m/%d", name: "YYYY/MM/DD" },
    DateFormat { format: "%d-%b-%Y", name: "DD-Mon-YYYY" },
    DateFormat { format: "%d %b %Y", name: "DD Mon YYYY" },
    DateFormat { format: "%b %d, %Y", name: "Mon DD, YYYY" },
    DateFormat { format: "%d/%m/%y", name: "DD/MM/YY" },
    DateFormat { format: "%m/%d/%y", name: "MM/DD/YY" },
    DateFormat { format: "%d.%m.%y", name: "DD.MM.YY" },
    DateFormat { format: "%d-%b-%y", name: "DD-Mon-YY" },
];

impl DateFormat {
    /// The format of `format` among [`DATE_FORMATS`].
    pub fn known(format: &str) -> Option<&'static DateFormat> {
        DATE_FORMATS.iter().find(|d| d.format == format)
    }

    /// Whether `cell` (trimmed, not ISO) reads as a date of this format with a plausible year
    /// (1900 to 2100: `%Y` also reads `24` as the year 24).
    pub fn reads(&self, cell: &str) -> bool {
        parse_with(cell.trim(), self.format).is_some_and(|d| (1900..=2100).contains(&chrono::Datelike::year(&d)))
    }

    /// 2026-01-31 in this format.
    pub fn example(&self) -> String {
        format_example(self.format).unwrap_or_default()
    }
}

/// How the date cells of a file are written, judged from `cells` (blank cells are ignored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateGuess {
    /// Every date is ISO `YYYY-MM-DD` (or there are none): no format is needed.
    Iso,
    /// These common formats read every date that is not ISO: one, or several when the cells do
    /// not tell them apart (`03/04/2026`).
    Fits(Vec<&'static DateFormat>),
    /// Some date no common format reads.
    Unknown,
}

/// Judges how the date cells `cells` are written (see [`DateGuess`]).
pub fn guess_date_format<'a>(cells: impl IntoIterator<Item = &'a str>) -> DateGuess {
    let mut fits: Option<Vec<&'static DateFormat>> = None;
    for cell in cells {
        let cell = cell.trim();
        // ISO dates, and ISO-shaped cells with no such day (a bad date, not another format).
        if cell.is_empty() || !matches!(parse_date(cell, None), Err(DateError::NotADate { .. })) {
            continue;
        }
        let now: Vec<&'static DateFormat> = fits
            .take()
            .unwrap_or_else(|| DATE_FORMATS.iter().collect())
            .into_iter()
            .filter(|d| d.reads(cell))
            .collect();
        if now.is_empty() {
            return DateGuess::Unknown;
        }
        fits = Some(now);
    }
    fits.map_or(DateGuess::Iso, DateGuess::Fits)
}

/// Why a currency cell is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrencyError;

impl fmt::Display for CurrencyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a known ISO 4217 currency code; use a 3-letter code like EUR or USD")
    }
}

impl std::error::Error for CurrencyError {}

/// Parses a currency cell: a 3-letter ISO 4217 code in any case, returned uppercase; a blank
/// cell is `None`.
pub fn parse_currency(cell: &str) -> Result<Option<String>, CurrencyError> {
    let s = cell.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(CurrencyError);
    }
    let code = s.to_ascii_uppercase();
    if crate::money::minor_units(&code).is_none() {
        return Err(CurrencyError);
    }
    Ok(Some(code))
}

/// The ASCII letter(s) a common accented Latin letter is written with in a column name.
fn fold_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
        'æ' => "ae",
        'ç' => "c",
        'è' | 'é' | 'ê' | 'ë' => "e",
        'ì' | 'í' | 'î' | 'ï' => "i",
        'ñ' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
        'œ' => "oe",
        'ù' | 'ú' | 'û' | 'ü' => "u",
        'ý' | 'ÿ' => "y",
        'ß' => "ss",
        _ => return None,
    })
}

/// Normalises a header to snake_case: trimmed (also of a BOM), lowercased, common accented
/// letters written plainly (`é` → `e`), every run of other characters turned into one `_`, and
/// `_` stripped at both ends. `Employee ID`, `EMPLOYEE-ID` and ` employee id ` all give
/// `employee_id`; a header with no letters or digits gives an empty string.
pub fn normalize_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut pending_sep = false;
    let trimmed = header.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    for c in trimmed.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.push(c);
        } else if let Some(plain) = fold_latin(c) {
            if pending_sep && !out.is_empty() {
                out.push('_');
            }
            pending_sep = false;
            out.push_str(plain);
        } else {
            pending_sep = true;
        }
    }
    out
}

/// Whether `name` is a snake_case column name: a lowercase ASCII letter, then lowercase
/// letters, digits and `_`.
pub fn is_snake_case(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// `value` cut to at most `max_chars` characters, with `…` when it was cut.
pub fn shorten(value: &str, max_chars: usize) -> String {
    match value.char_indices().nth(max_chars) {
        None => value.to_string(),
        Some((at, _)) => {
            let mut out = value.get(..at).unwrap_or("").to_string();
            out.push('…');
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn point(s: &str) -> Result<Decimal, NumberError> {
        parse_number(s, DecimalMark::Point)
    }

    fn comma(s: &str) -> Result<Decimal, NumberError> {
        parse_number(s, DecimalMark::Comma)
    }

    /// The general reader's value of a plain cell, bypassing [`plain_number`].
    fn general(cell: &str) -> Option<Decimal> {
        number(cell.trim(), DecimalMark::Point, false, false).ok()
    }

    #[test]
    fn plain_cells_read_as_the_general_reader_reads_them_to_the_scale() {
        let mut cells: Vec<String> = [
            "0",
            "00",
            "0.00",
            "000.000",
            "1",
            "19",
            "0.05",
            "00012",
            "1.50",
            "147828.10",
            "1.0",
            "10",
            "100.000",
            "9999999999999999999",
            "999999999999999999.9",
            "0.000000000000000001",
            "1234567890.123456789",
            "5.",
            ".5",
            "1..2",
            "1.2.3",
            "1,234",
            "12a",
            " 12",
            "12 ",
            "1e5",
            "-1",
            "+1",
            "1%",
            "12.000",
            "10000000000000000000",
            "99999999999999999999",
        ]
        .iter()
        .map(|s| (*s).to_string())
        .collect();
        // Every digit string of up to 4 digits with and without a point at each place.
        for n in 0..2000u32 {
            let digits = format!("{:0w$}", n % 1000, w = 1 + (n / 1000) as usize * 3);
            for at in 0..=digits.len() {
                let (a, b) = digits.split_at(at);
                cells.push(format!("{a}.{b}"));
            }
            cells.push(digits);
        }
        for cell in &cells {
            if let Some(fast) = plain_number(cell, DecimalMark::Point) {
                let slow = general(cell).unwrap_or_else(|| panic!("{cell}: the general reader refuses it"));
                assert_eq!((fast.mantissa(), fast.scale()), (slow.mantissa(), slow.scale()), "{cell}");
            }
            assert_eq!(plain_number(cell, DecimalMark::Comma), None, "{cell}");
            // Through the public reader, fast path or not, the same value to the scale.
            let read = parse_amount(cell, DecimalMark::Point).ok().map(|a| (a.value.mantissa(), a.value.scale()));
            if let Some(slow) = general(cell).filter(|_| plain_number(cell, DecimalMark::Point).is_some()) {
                assert_eq!(read, Some((slow.mantissa(), slow.scale())), "{cell}");
            }
        }
        assert_eq!(plain_number("147828.10", DecimalMark::Point).map(|v| v.to_string()), Some("147828.10".into()));
        assert_eq!(plain_number("0.00", DecimalMark::Point).map(|v| v.to_string()), Some("0".into()));
        for refused in ["5.", ".5", "1..2", "1,234", " 12", "12 ", "1e5", "-1", "1%", "10000000000000000000"] {
            assert_eq!(plain_number(refused, DecimalMark::Point), None, "{refused}");
        }
    }

    #[test]
    fn plain_numbers_parse_exactly() {
        assert_eq!(point("1234.5"), Ok(d("1234.5")));
        assert_eq!(point("-15000.00"), Ok(d("-15000.00")));
        assert_eq!(point("0"), Ok(Decimal::ZERO));
        assert_eq!(point("  42  "), Ok(d("42")));
        assert_eq!(point("+5"), Ok(d("5")));
        assert_eq!(point(".5"), Ok(d("0.5")));
        assert_eq!(point("5."), Ok(d("5")));
        assert_eq!(point("0.005"), Ok(d("0.005")));
        assert_eq!(point("007"), Ok(d("7")));
    }

    #[test]
    fn currency_symbols_and_grouping_with_point_decimals() {
        assert_eq!(point("$1,234.50"), Ok(d("1234.50")));
        assert_eq!(point("£1,000"), Ok(d("1000")));
        assert_eq!(point("¥1,234,567"), Ok(d("1234567")));
        assert_eq!(point("EUR 1,234.50"), Ok(d("1234.50")));
        assert_eq!(point("1,234.50 USD"), Ok(d("1234.50")));
        assert_eq!(point("CHF 1'234.50"), Ok(d("1234.50")));
        assert_eq!(point("usd 12"), Ok(d("12")));
        assert_eq!(point("US$ 99.99"), Ok(d("99.99")));
        assert_eq!(point("-$1,234"), Ok(d("-1234")));
        assert_eq!(point("$-1,234"), Ok(d("-1234")));
        assert_eq!(point("1\u{00A0}234.50"), Ok(d("1234.50")));
        assert_eq!(point("1\u{202F}234\u{202F}567"), Ok(d("1234567")));
    }

    #[test]
    fn currency_codes_are_read_in_any_case_as_in_a_currency_column() {
        let eur = Some(CurrencyMark::Code("EUR"));
        for cell in ["1234.5 EUR", "1234.5 eur", "1234.5 Eur", "eur 1234.5", "1234.5eur", "(1234.5 eur)"] {
            let amount = parse_amount(cell, DecimalMark::Point).unwrap_or_else(|e| panic!("{cell}: {e}"));
            assert_eq!(amount.value.abs(), d("1234.5"), "{cell}");
            assert_eq!(amount.currency, eur, "{cell}");
        }
        assert_eq!(
            parse_amount("1.234,50 eur", DecimalMark::Comma).map(|a| (a.value, a.currency)),
            Ok((d("1234.50"), eur))
        );
        // A word that is a code is a currency too (the row's other amounts, the plan's fx rates
        // and count columns then refuse it where it is wrong).
        assert_eq!(parse_amount("5 all", DecimalMark::Point).map(|a| a.currency), Ok(Some(CurrencyMark::Code("ALL"))));
        // Not codes: still not numbers.
        assert_eq!(point("1234.5 xyz"), Err(NumberError::Word("xyz".to_owned())));
        assert_eq!(point("eurx 12"), Err(NumberError::NotANumber));
    }

    #[test]
    fn a_word_beside_the_digits_is_named_not_taken_for_a_thousands_separator() {
        assert_eq!(point("1234.5 euros"), Err(NumberError::Word("euros".to_owned())));
        assert_eq!(point("12 eu"), Err(NumberError::Word("eu".to_owned())));
        assert_eq!(point("12euros"), Err(NumberError::Word("euros".to_owned())));
        assert_eq!(comma("1.234,5 euro"), Err(NumberError::Word("euro".to_owned())));
        assert_eq!(
            point("1234.5 euros").unwrap_err().to_string(),
            "not a number: `euros` is not a currency code or symbol; write the amount alone, or with its ISO code \
             (e.g. 1234.50 EUR)"
        );
        assert!(!NumberError::Word("euros".to_owned()).looks_numeric(), "text to the eye, as `N/A`");
        // A misplaced separator without a word is still said as such; so is a bad exponent.
        assert!(matches!(point("1,23.5"), Err(NumberError::Grouping { .. })));
        assert_eq!(point("1E"), Err(NumberError::Malformed("a bad exponent")));
        assert_eq!(point("1.5E+06"), Ok(d("1500000")));
        assert_eq!(point("12abc"), Err(NumberError::NotANumber));
    }

    #[test]
    fn every_currency_symbol_passes_the_quick_filters() {
        for (sym, _) in CURRENCY_SYMBOLS {
            assert!(may_start_symbol(sym.as_bytes()[0]), "{sym}");
            assert!(may_end_symbol(*sym.as_bytes().last().unwrap()), "{sym}");
            assert_eq!(point(&format!("{sym}12")), Ok(d("12")), "{sym}");
            assert_eq!(point(&format!("12 {sym}")), Ok(d("12")), "{sym}");
        }
    }

    #[test]
    fn currency_codes_and_symbols_are_returned_with_the_value() {
        let mark = |s: &str| parse_amount(s, DecimalMark::Point).unwrap().currency;
        let code = |c: &'static str| Some(CurrencyMark::Code(c));
        assert_eq!(mark("100000 USD"), code("USD"));
        assert_eq!(mark("USD 100,000"), code("USD"));
        assert_eq!(mark("€ 12"), code("EUR"));
        assert_eq!(mark("£1,000"), code("GBP"));
        assert_eq!(mark("US$ 99.99"), code("USD"));
        assert_eq!(mark("C$12"), code("CAD"));
        assert_eq!(mark("R$ 12"), code("BRL"));
        assert_eq!(mark("12 zł"), code("PLN"));
        assert_eq!(mark("1234.5"), None);
        for (cell, symbol) in [("$1,234.50", "$"), ("¥5,000,000", "¥"), ("12 kr", "kr"), ("12 kr.", "kr.")] {
            match mark(cell) {
                Some(CurrencyMark::Ambiguous(s)) => assert_eq!(s.symbol, symbol, "{cell}"),
                other => panic!("{cell}: {other:?}"),
            }
        }
        let amount = parse_amount("12%", DecimalMark::Point).unwrap();
        assert_eq!((amount.value, amount.percent, amount.currency), (d("0.12"), true, None));
        assert!(!parse_amount("12", DecimalMark::Point).unwrap().percent);
    }

    #[test]
    fn every_currency_a_symbol_names_is_a_known_code() {
        for (sym, mark) in CURRENCY_SYMBOLS {
            let codes: &[&str] = match mark {
                CurrencyMark::Code(c) => std::slice::from_ref(c),
                CurrencyMark::Ambiguous(a) => {
                    assert_eq!(a.symbol, *sym);
                    assert!(a.currencies.len() > 1, "{sym} stands for one currency: make it a Code");
                    a.currencies
                }
            };
            for c in codes {
                assert!(crate::money::minor_units(c).is_some(), "{sym}: {c}");
            }
        }
        assert_eq!(DOLLARS.describe(), "USD, CAD, AUD, NZD or 23 other currencies");
        assert_eq!(AmbiguousSymbol { symbol: "¥", currencies: YEN }.describe(), "JPY or CNY");
    }

    #[test]
    fn parentheses_mean_negative() {
        assert_eq!(point("(1,234.50)"), Ok(d("-1234.50")));
        assert_eq!(point("($1,234.50)"), Ok(d("-1234.50")));
        assert_eq!(point("$(12)"), Ok(d("-12")));
        assert_eq!(point("-(12)"), Err(NumberError::Malformed("a sign and parentheses together")));
    }

    #[test]
    fn decimal_comma_forms() {
        assert_eq!(comma("1.234,50 €"), Ok(d("1234.50")));
        assert_eq!(comma("1 234,50"), Ok(d("1234.50")));
        assert_eq!(comma("1\u{00A0}234,50"), Ok(d("1234.50")));
        assert_eq!(comma("1\u{202F}234,50"), Ok(d("1234.50")));
        assert_eq!(comma("-0,5"), Ok(d("-0.5")));
        assert_eq!(comma("€ 12"), Ok(d("12")));
        assert_eq!(comma("12,5 %"), Ok(d("0.125")));
        assert_eq!(comma("1,5E+06"), Ok(d("1500000")));
    }

    #[test]
    fn percent_divides_by_100() {
        assert_eq!(point("12.5%"), Ok(d("0.125")));
        assert_eq!(point("100%"), Ok(d("1")));
        assert_eq!(point("-3 %"), Ok(d("-0.03")));
        assert_eq!(point("5%%"), Err(NumberError::Malformed("more than one %")));
    }

    #[test]
    fn scientific_notation_parses() {
        assert_eq!(point("1.5E+06"), Ok(d("1500000")));
        assert_eq!(point("1.5e6"), Ok(d("1500000")));
        assert_eq!(point("2.5E-03"), Ok(d("0.0025")));
        assert_eq!(point("1.2346789012346E+15"), Ok(d("1234678901234600")));
        assert_eq!(point("0E+999999999"), Ok(Decimal::ZERO));
        assert_eq!(point("1E"), Err(NumberError::Malformed("a bad exponent")));
        assert_eq!(point("1E+x"), Err(NumberError::Malformed("a bad exponent")));
        assert_eq!(point("Excellent"), Err(NumberError::NotANumber));
    }

    #[test]
    fn huge_numbers_are_an_error_not_a_panic() {
        assert_eq!(point("1e30"), Err(NumberError::TooLarge));
        assert_eq!(point("1E+999999999999999999999"), Err(NumberError::TooLarge));
        assert_eq!(point(&"9".repeat(40)), Err(NumberError::TooLarge));
        assert_eq!(point(&"9".repeat(30)), Err(NumberError::TooLarge));
        assert!(NumberError::TooLarge.to_string().starts_with("number too large"));
        // The largest decimal still fits.
        assert_eq!(point("79228162514264337593543950335"), Ok(Decimal::MAX));
        assert_eq!(point("-79228162514264337593543950335"), Ok(Decimal::MIN));
        assert_eq!(point("79228162514264337593543950336"), Err(NumberError::TooLarge));
    }

    #[test]
    fn too_many_decimals_round_half_away_from_zero() {
        // 30 decimal places: rounded to 28.
        assert_eq!(point("0.123456789012345678901234567850"), Ok(d("0.1234567890123456789012345679")));
        assert_eq!(point("1E-40"), Ok(Decimal::ZERO));
        assert_eq!(point("-1E-999999"), Ok(Decimal::ZERO));
        // 40 significant digits with 20 of them decimals: rounded to fit 96 bits.
        let v = point("12345678901234567890.12345678901234567890").unwrap();
        assert_eq!(v, d("12345678901234567890.123456789"));
    }

    #[test]
    fn misplaced_grouping_is_an_error() {
        let grouping = |separator| NumberError::Grouping { separator, decimal: DecimalMark::Point };
        assert_eq!(point("1,23.5"), Err(grouping(',')));
        assert_eq!(point("1,2345"), Err(grouping(',')));
        assert_eq!(point("1234,567"), Err(grouping(',')));
        assert_eq!(point(",123"), Err(grouping(',')));
        assert_eq!(point("1,5"), Err(grouping(',')));
        // Mixed separators.
        assert_eq!(point("1 234,567"), Err(grouping(',')));
        assert_eq!(point("1.234,50"), Err(grouping(',')));
        assert_eq!(comma("1234.56"), Err(NumberError::Grouping { separator: '.', decimal: DecimalMark::Comma }));
        assert!(point("1,23.5").unwrap_err().to_string().contains("groups of 3"));
    }

    #[test]
    fn text_is_not_a_number() {
        assert_eq!(point("N/A"), Err(NumberError::NotANumber));
        assert_eq!(point("ann@example.com"), Err(NumberError::NotANumber));
        assert_eq!(point("2026-01-05"), Err(NumberError::NotANumber));
        assert_eq!(point("12abc"), Err(NumberError::NotANumber));
        assert_eq!(point(""), Err(NumberError::Empty));
        assert_eq!(point("   "), Err(NumberError::Empty));
        assert_eq!(point("$"), Err(NumberError::NotANumber));
        assert_eq!(point("EUR"), Err(NumberError::NotANumber));
        assert_eq!(point("-"), Err(NumberError::NotANumber));
        assert_eq!(point("--5"), Err(NumberError::Malformed("more than one sign")));
        assert_eq!(point("1.2.3"), Err(NumberError::Malformed("more than one decimal separator")));
        assert!(!NumberError::NotANumber.looks_numeric());
        assert!(point("1,23.5").unwrap_err().looks_numeric());
        assert!(point("1e30").unwrap_err().looks_numeric());
    }

    #[test]
    fn iso_dates_and_date_times() {
        let jan31 = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
        assert_eq!(parse_date("2026-01-31", None), Ok(jan31));
        assert_eq!(parse_date(" 2026-01-31 ", None), Ok(jan31));
        assert_eq!(parse_date("2026-01-31T08:30:00", None), Ok(jan31));
        assert_eq!(parse_date("2026-01-31 08:30:00", None), Ok(jan31));
        assert_eq!(parse_date("2026-01-31T08:30:00.250Z", None), Ok(jan31));
        assert_eq!(parse_date("2026-01-31 08:30", None), Ok(jan31));
        // ISO is accepted even when another format is configured.
        assert_eq!(parse_date("2026-01-31", Some("%d/%m/%Y")), Ok(jan31));
    }

    #[test]
    fn the_date_format_of_a_file_is_judged_from_all_its_dates() {
        let formats = |g: DateGuess| match g {
            DateGuess::Fits(f) => f.iter().map(|d| d.format).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(guess_date_format(["2026-01-31", "", "2025-12-01", "2026-13-01"]), DateGuess::Iso);
        assert_eq!(guess_date_format([]), DateGuess::Iso);
        assert_eq!(formats(guess_date_format(["31.12.2025", "01.02.2024"])), ["%d.%m.%Y"]);
        // Ambiguous alone; the 13th day decides; ISO cells among them are fine.
        assert_eq!(formats(guess_date_format(["03/04/2026"])), ["%d/%m/%Y", "%m/%d/%Y"]);
        assert_eq!(formats(guess_date_format(["03/04/2026", "2026-01-01", "13/04/2026"])), ["%d/%m/%Y"]);
        assert_eq!(formats(guess_date_format(["03/04/2026", "04/13/2026"])), ["%m/%d/%Y"]);
        // Two-digit years are not read as the first century; single digits are fine.
        assert_eq!(formats(guess_date_format(["1/5/24", "12/25/24"])), ["%m/%d/%y"]);
        assert_eq!(formats(guess_date_format(["2026/01/31"])), ["%Y/%m/%d"]);
        // A time of day after the date, as spreadsheets write date-and-time cells.
        assert_eq!(formats(guess_date_format(["1/15/2024 12:00:00 AM", "2/3/2024 13:30"])), ["%m/%d/%Y"]);
        let jan15 = NaiveDate::from_ymd_opt(2024, 1, 15);
        assert_eq!(parse_date("1/15/2024 12:00 AM", Some("%m/%d/%Y")).ok(), jan15);
        assert_eq!(parse_date("15.01.2024 08:00:00", Some("%d.%m.%Y")).ok(), jan15);
        assert!(parse_date("1/15/2024 soon", Some("%m/%d/%Y")).is_err());
        // Day first and month first both seen: no single format reads them all.
        assert_eq!(guess_date_format(["13/04/2026", "04/13/2026"]), DateGuess::Unknown);
        assert_eq!(guess_date_format(["31.12.2025", "soon"]), DateGuess::Unknown);
        for d in DATE_FORMATS {
            assert!(check_date_format(d.format).is_ok(), "{}", d.format);
            assert!(d.reads(&d.example()), "{} reads its own example {}", d.format, d.example());
        }
    }

    #[test]
    fn bad_dates_say_which_format_was_expected() {
        assert_eq!(parse_date("2026-02-30", None), Err(DateError::NoSuchDay));
        // A two-digit year under %Y is refused, naming %y; under %y it is this century.
        let short = parse_date("15/08/26", Some("%d/%m/%Y"));
        assert_eq!(short, Err(DateError::ShortYear { format: "%d/%m/%Y".to_owned(), year: 26 }));
        assert_eq!(
            short.unwrap_err().to_string(),
            "the year has fewer than four digits, which the date format %d/%m/%Y reads as the year 26; use \
             %d/%m/%y for two-digit years"
        );
        assert_eq!(parse_date("15/08/26", Some("%d/%m/%y")), Ok(NaiveDate::from_ymd_opt(2026, 8, 15).unwrap()));
        assert_eq!(parse_date("15/08/2026", Some("%d/%m/%Y")), Ok(NaiveDate::from_ymd_opt(2026, 8, 15).unwrap()));
        let err = parse_date("31/01/2026", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a date; expected YYYY-MM-DD (like 2026-01-31), or set the date format (--date-format) to %d/%m/%Y, \
             which reads it"
        );
        let err = parse_date("03/04/2026", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a date; expected YYYY-MM-DD (like 2026-01-31), or set the date format (--date-format) the file \
             uses: %d/%m/%Y or %m/%d/%Y read it"
        );
        // Months by name, as Oracle and PeopleSoft exports write them: named in the message,
        // read in any case once the format is set.
        let err = parse_date("15-Mar-2021", None).unwrap_err();
        assert!(err.to_string().ends_with("(--date-format) to %d-%b-%Y, which reads it"), "{err}");
        let day = NaiveDate::from_ymd_opt(2021, 3, 15).unwrap();
        assert_eq!(parse_date("15-MAR-2021", Some("%d-%b-%Y")), Ok(day));
        assert_eq!(parse_date("15-mar-21", Some("%d-%b-%y")), Ok(day));
        assert_eq!(parse_date("15 Mar 2021", Some("%d %b %Y")), Ok(day));
        assert_eq!(parse_date("Mar 15, 2021", Some("%b %d, %Y")), Ok(day));
        // Full month names, as reports spell them out, are read by the same formats and named.
        assert_eq!(parse_date("March 15, 2021", Some("%b %d, %Y")), Ok(day));
        assert_eq!(parse_date("15 march 2021", Some("%d %b %Y")), Ok(day));
        assert_eq!(parse_date("15-March-2021", Some("%d-%b-%Y")), Ok(day));
        let err = parse_date("March 15, 2021", None).unwrap_err();
        assert!(err.to_string().ends_with("(--date-format) to %b %d, %Y, which reads it"), "{err}");
        assert_eq!(guess_date_format(["15 March 2021", "1 April 2021"]), DateGuess::Fits(vec![&DATE_FORMATS[7]]));
        let fits = |cells: &[&str]| match guess_date_format(cells.iter().copied()) {
            DateGuess::Fits(f) => f.iter().map(|d| d.format).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        assert_eq!(fits(&["15-Mar-2021", "01-Apr-2020"]), ["%d-%b-%Y"]);
        assert_eq!(fits(&["15-Mar-21", "01-APR-20"]), ["%d-%b-%y"]);
        assert_eq!(fits(&["Mar 15, 2021", "Dec 1, 2019"]), ["%b %d, %Y"]);
        let err = parse_date("next Tuesday", None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a date; expected YYYY-MM-DD (like 2026-01-31), or set the date format (--date-format, e.g. %d/%m/%Y)"
        );
        let err = parse_date("2026/01/31", Some("%d/%m/%Y")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not a date; expected YYYY-MM-DD (like 2026-01-31) or the date format %d/%m/%Y (like 31/01/2026)"
        );
        assert!(parse_date("2026-01-31T25:00:00", None).is_err());
        assert!(parse_date("2026-01-31 junk", None).is_err());
        let err = parse_date("45292", None).unwrap_err();
        assert!(err.to_string().contains("Excel day number"), "{err}");
    }

    #[test]
    fn configured_date_format_is_used() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(parse_date("01/03/2026", Some("%d/%m/%Y")), Ok(date));
        assert_eq!(parse_date("03/01/2026", Some("%m/%d/%Y")), Ok(date));
        assert_eq!(parse_date("1.3.2026", Some("%d.%m.%Y")), Ok(date));
        assert!(parse_date("31/02/2026", Some("%d/%m/%Y")).is_err());
    }

    #[test]
    fn date_formats_are_checked() {
        assert!(check_date_format("%d/%m/%Y").is_ok());
        assert!(check_date_format("%Q").is_err());
        assert!(check_date_format("%").is_err());
        assert!(check_date_format(" ").is_err());
        assert!(check_date_format("%e %b %Y").is_ok());
        assert!(check_date_format("%d.%m.%y").is_ok());
        assert!(check_date_format("%Y-%m-%d %H:%M:%S").is_ok());
        assert!(check_date_format("%Y-%m-%dT%H:%M:%S%z").is_ok());
        for no_date in ["hello", "%m/%Y", "%d/%m", "%H:%M"] {
            let err = check_date_format(no_date).unwrap_err().to_string();
            assert!(err.contains("does not give a day, a month and a year"), "{no_date}: {err}");
        }
        assert_eq!(check_date_format(" ").unwrap_err().to_string(), "the date format is empty; use e.g. %d/%m/%Y");
        assert_eq!(
            check_date_format("%Q").unwrap_err().to_string(),
            "`%Q` is not a valid date format; use strftime fields such as %d/%m/%Y or %m/%d/%Y"
        );
        assert_eq!(
            check_date_format("%m/%Y").unwrap_err().to_string(),
            "`%m/%Y` does not give a day, a month and a year; use strftime fields such as %d/%m/%Y or %m/%d/%Y"
        );
        // An invalid format never panics when describing an error.
        let err = parse_date("x", Some("%Q")).unwrap_err();
        assert!(err.to_string().contains("%Q"));
    }

    #[test]
    fn currency_codes_are_uppercased_and_checked() {
        assert_eq!(parse_currency("eur"), Ok(Some("EUR".to_string())));
        assert_eq!(parse_currency(" Usd "), Ok(Some("USD".to_string())));
        assert_eq!(parse_currency(""), Ok(None));
        assert_eq!(parse_currency("  "), Ok(None));
        assert_eq!(parse_currency("XYZ"), Err(CurrencyError));
        assert_eq!(parse_currency("€"), Err(CurrencyError));
        assert_eq!(parse_currency("EURO"), Err(CurrencyError));
    }

    #[test]
    fn headers_normalise_to_snake_case() {
        assert_eq!(normalize_header("Employee ID"), "employee_id");
        assert_eq!(normalize_header("EMPLOYEE-ID"), "employee_id");
        assert_eq!(normalize_header(" employee id "), "employee_id");
        assert_eq!(normalize_header("\u{FEFF}employee_id"), "employee_id");
        assert_eq!(normalize_header("Base Salary ($)"), "base_salary");
        assert_eq!(normalize_header("__Deals -- Closed__"), "deals_closed");
        assert_eq!(normalize_header("Revenue (prev. 1)"), "revenue_prev_1");
        assert_eq!(normalize_header("Prénom"), "prenom");
        assert_eq!(normalize_header("Straße"), "strasse");
        assert_eq!(normalize_header("€"), "");
        assert_eq!(normalize_header(""), "");
    }

    #[test]
    fn snake_case_names_are_recognised() {
        assert!(is_snake_case("employee_id"));
        assert!(is_snake_case("revenue_prev_1"));
        assert!(!is_snake_case("Employee ID"));
        assert!(!is_snake_case("1revenue"));
        assert!(!is_snake_case("_x"));
        assert!(!is_snake_case(""));
    }

    #[test]
    fn long_values_are_shortened() {
        assert_eq!(shorten("abc", 5), "abc");
        assert_eq!(shorten("abcdef", 3), "abc…");
        assert_eq!(shorten("éééé", 2), "éé…");
    }
}
