//! The JSON form of payouts (`carrot payouts --format json`), a stable contract:
//!
//! ```json
//! {"plan", "period": {"start", "end"}, "currency",
//!  "employees": [{"employee_id", "name", "role", "team", "proration", "attainment",
//!                 "lines": [{"component", "label", "kind", "amount", "explanation"}],
//!                 "total", "warnings"}],
//!  "not_covered": [{"employee_id", "name", "role", "reason"}],
//!  "errors": [{"employee_id", "name", "role", "component", "message"}],
//!  "totals": {"total", "by_component": {}, "by_role": {}, "people", "revenue", "cost_pct_of_revenue"}}
//! ```
//!
//! Every amount is a decimal string with exactly the currency's minor-unit digits (`"58000.00"`);
//! proration and attainment are decimal strings with up to 6 decimals (`"0.5"`, `"1.3"`); an
//! attainment is cut there, not rounded (`"0.499999"` just below a threshold of 50%).

use rust_decimal::Decimal;
use serde::Serialize;
use serde::ser::{SerializeMap as _, Serializer};

use super::render;
use super::{CompiledPlan, EmployeePayout, PayoutReport, Totals};
use crate::money;
use crate::plan::Plan;
use crate::roster::Roster;

/// An amount written with exactly `dp` decimals, as a string.
#[derive(Clone, Copy, Debug)]
pub struct Amount(pub Decimal, pub u32);

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&money::fixed(self.0, self.1))
    }
}

/// A ratio written with up to 6 decimals and no trailing zeros, as a string.
#[derive(Clone, Copy, Debug)]
pub struct Ratio(pub Decimal);

impl Serialize for Ratio {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&ratio_text(self.0))
    }
}

/// `0.5`, `1`, `0.333333`: a ratio for machines (a proration).
pub fn ratio_text(v: Decimal) -> String {
    let mut text = Vec::with_capacity(12);
    push_ratio_digits(&mut text, v);
    String::from_utf8(text).unwrap_or_default()
}

/// An attainment as the JSON shows it: cut (towards zero, not rounded) to 6 decimals, so one
/// just below a threshold (`0.4999999` → `0.499999`) never reads as reaching it.
pub fn attainment_shown(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(6, rust_decimal::RoundingStrategy::ToZero)
}

/// Appends [`ratio_text`]: `v` rounded to 6 decimals (half to even), without trailing zeros.
fn push_ratio_digits(buf: &mut Vec<u8>, v: Decimal) {
    if v == Decimal::ONE {
        // Most people's proration, and a common attainment.
        buf.push(b'1');
    } else {
        let r = v.round_dp(6);
        let (mantissa, scale) = money::trimmed(r.mantissa(), r.scale());
        money::push_scaled(buf, mantissa, scale, scale, "-", false);
    }
}

/// A map of name → amount, in insertion order.
pub struct AmountMap<'a>(pub &'a indexmap::IndexMap<String, Decimal>, pub u32);

impl Serialize for AmountMap<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            map.serialize_entry(k, &Amount(*v, self.1))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct PeriodJson {
    start: String,
    end: String,
}

#[derive(Serialize)]
struct LineJson<'a> {
    component: &'a str,
    label: &'a str,
    kind: &'a str,
    amount: Amount,
    explanation: &'a str,
}

#[derive(Serialize)]
struct EmployeeJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    team: &'a str,
    proration: Ratio,
    attainment: Option<Ratio>,
    lines: Vec<LineJson<'a>>,
    total: Amount,
    warnings: &'a [String],
}

#[derive(Serialize)]
struct NotCoveredJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    reason: String,
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    component: Option<&'a str>,
    message: &'a str,
}

/// The totals object, shared with `compare`.
#[derive(Serialize)]
pub struct TotalsJson<'a> {
    total: Amount,
    by_component: AmountMap<'a>,
    by_role: AmountMap<'a>,
    people: usize,
    revenue: Amount,
    cost_pct_of_revenue: Option<String>,
}

impl<'a> TotalsJson<'a> {
    /// The JSON view of `totals`.
    pub fn new(totals: &'a Totals, dp: u32) -> Self {
        Self {
            total: Amount(totals.total, dp),
            by_component: AmountMap(&totals.by_component, dp),
            by_role: AmountMap(&totals.by_role, dp),
            people: totals.people,
            revenue: Amount(totals.revenue, dp),
            cost_pct_of_revenue: totals.cost_pct_of_revenue().map(|p| money::fixed(p, 2)),
        }
    }
}

#[derive(Serialize)]
struct ReportJson<'a> {
    plan: &'a str,
    period: PeriodJson,
    currency: &'a str,
    employees: Vec<EmployeeJson<'a>>,
    not_covered: Vec<NotCoveredJson<'a>>,
    errors: Vec<ErrorJson<'a>>,
    totals: TotalsJson<'a>,
}

#[cfg(test)]
fn employee_json(e: &EmployeePayout, dp: u32) -> EmployeeJson<'_> {
    EmployeeJson {
        employee_id: &e.employee_id,
        name: &e.name,
        role: &e.role,
        team: &e.team,
        proration: Ratio(e.proration),
        attainment: e.attainment.map(|a| Ratio(attainment_shown(a))),
        lines: e
            .lines
            .iter()
            .map(|l| LineJson {
                component: l.component().as_str(),
                label: l.label().as_str(),
                kind: l.kind.as_str(),
                amount: Amount(l.amount, dp),
                explanation: &l.explanation,
            })
            .collect(),
        total: Amount(e.total, dp),
        warnings: &e.warnings,
    }
}

/// Writes `report` as pretty JSON (with a final newline) to `out`, each line's explanation as
/// the report holds it.
///
/// The people, nearly all of the text, are rendered on all cores ([`super::render`]); the bytes
/// are exactly those of `serde_json::to_writer_pretty` on the whole report.
pub fn write_report(report: &PayoutReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    write_with(report, out)
}

/// Computes `plan` on `roster` and writes the report's JSON with every explanation to `out` in
/// one pass ([`render::compute_and_write`]): the same bytes as [`write_report`] on the report
/// computed with explanations, without holding 100,000 people's explanations in memory or
/// computing anyone twice. Returns the report (without explanations).
pub fn compute_and_write_report(
    compiled: &CompiledPlan,
    plan: &Plan,
    roster: &Roster,
    progress: &(dyn Fn(u64) + Sync),
    out: &mut dyn std::io::Write,
) -> std::io::Result<PayoutReport> {
    // What comes before the people depends only on the plan: write it from a report of nobody.
    let nobody = compiled.nobody(plan);
    let dp = nobody.minor_units;
    let (head, _) = split_skeleton(&nobody)?;
    out.write_all(&head)?;
    let report = render::compute_and_write(compiled, plan, roster, progress, out, BETWEEN, |buf, e| {
        write_person(buf, e, dp);
    })?;
    if !report.employees.is_empty() {
        out.write_all(b"\n  ")?;
    }
    let (_, tail) = split_skeleton(&report)?;
    out.write_all(&tail)?;
    out.write_all(b"\n")?;
    Ok(report)
}

/// Streams the roster file `paths` through `plan` ([`render::stream_and_write`]) and writes the
/// report's JSON with every explanation to `out`: the same bytes as [`write_report`] on the
/// report of the whole roster computed with explanations, in memory bounded by a block of
/// people. Returns what the streaming found (the report without its people). On an error, what
/// was written is to be discarded.
pub fn stream_and_write_report(
    plan: &Plan,
    paths: &[std::path::PathBuf],
    options: &crate::roster::ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
    out: &mut dyn std::io::Write,
) -> Result<super::stream::StreamOutcome, super::stream::StreamError> {
    // What comes before the people depends only on the plan.
    let nobody = PayoutReport {
        plan: plan.name.clone(),
        currency: plan.currency.clone(),
        minor_units: crate::money::minor_units(&plan.currency).unwrap_or(2),
        period: plan.period,
        employees: Vec::new(),
        not_covered: Vec::new(),
        errors: Vec::new(),
        totals: super::Totals::default(),
    };
    let dp = nobody.minor_units;
    let (head, _) = split_skeleton(&nobody)?;
    out.write_all(&head)?;
    let streamed = render::stream_and_write(plan, paths, options, progress, out, BETWEEN, |buf, e| {
        write_person(buf, e, dp);
    })?;
    // The report counts exactly the people it admitted, who are the people written.
    if streamed.report.totals.people > 0 {
        out.write_all(b"\n  ")?;
    }
    let (_, tail) = split_skeleton(&streamed.report)?;
    out.write_all(&tail)?;
    out.write_all(b"\n")?;
    Ok(streamed)
}

/// The report's JSON without its people, split where they go: what comes before them (up to the
/// employees array's `[`) and after (from its `]`).
fn split_skeleton(report: &PayoutReport) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut skeleton = serde_json::to_vec_pretty(&report_json(report, Vec::new())).map_err(std::io::Error::other)?;
    // `"employees": []` cannot occur earlier: a `"` inside a JSON string is always escaped.
    const EMPTY: &[u8] = b"\n  \"employees\": []";
    let at = skeleton
        .windows(EMPTY.len())
        .position(|w| w == EMPTY)
        .map(|p| p + EMPTY.len() - 1)
        .ok_or_else(|| std::io::Error::other("the report skeleton has no employees array"))?;
    let tail = skeleton.split_off(at);
    Ok((skeleton, tail))
}

/// Writes the report's JSON.
fn write_with(report: &PayoutReport, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let dp = report.minor_units;
    let (head, tail) = split_skeleton(report)?;
    out.write_all(&head)?;
    render::write_people(report, out, BETWEEN, |buf, e| write_person(buf, e, dp))?;
    if !report.employees.is_empty() {
        out.write_all(b"\n  ")?;
    }
    out.write_all(&tail)?;
    out.write_all(b"\n")
}

/// What goes between two people of the employees array.
const BETWEEN: &[u8] = b",";

/// Appends one person as an item of the employees array, on a line of its own.
fn write_person(buf: &mut Vec<u8>, e: &EmployeePayout, dp: u32) {
    buf.extend_from_slice(b"\n    ");
    write_employee(buf, e, dp);
}

/// An object key on its own line, `$level` levels (two spaces each) deep, after a `,` unless
/// `first`: the bytes, assembled at compile time.
macro_rules! key {
    (3, $name:literal, first) => {
        concat!("\n      \"", $name, "\": ").as_bytes()
    };
    (3, $name:literal) => {
        concat!(",\n      \"", $name, "\": ").as_bytes()
    };
    (5, $name:literal, first) => {
        concat!("\n          \"", $name, "\": ").as_bytes()
    };
    (5, $name:literal) => {
        concat!(",\n          \"", $name, "\": ").as_bytes()
    };
}

/// Appends one person as an item of the employees array (two levels deep), byte for byte as
/// `serde_json::to_writer_pretty` lays out [`EmployeeJson`], which the tests check. Written by
/// hand because this runs for every person of every export: serde's string escaping looked at
/// every byte of the explanations one at a time, a tenth of `carrot payouts --format json`.
fn write_employee(buf: &mut Vec<u8>, e: &EmployeePayout, dp: u32) {
    buf.push(b'{');
    buf.extend_from_slice(key!(3, "employee_id", first));
    json_str(buf, &e.employee_id);
    buf.extend_from_slice(key!(3, "name"));
    json_str(buf, &e.name);
    buf.extend_from_slice(key!(3, "role"));
    json_str(buf, &e.role);
    buf.extend_from_slice(key!(3, "team"));
    json_str(buf, &e.team);
    buf.extend_from_slice(key!(3, "proration"));
    push_ratio(buf, e.proration);
    buf.extend_from_slice(key!(3, "attainment"));
    match e.attainment {
        Some(a) => push_ratio(buf, attainment_shown(a)),
        None => buf.extend_from_slice(b"null"),
    }
    buf.extend_from_slice(key!(3, "lines"));
    array(buf, &e.lines, |buf, l| {
        buf.push(b'{');
        buf.extend_from_slice(key!(5, "component", first));
        json_str(buf, &l.component());
        buf.extend_from_slice(key!(5, "label"));
        json_str(buf, &l.label());
        buf.extend_from_slice(key!(5, "kind"));
        json_str(buf, l.kind.as_str());
        buf.extend_from_slice(key!(5, "amount"));
        push_amount(buf, l.amount, dp);
        buf.extend_from_slice(key!(5, "explanation"));
        json_str(buf, &l.explanation);
        buf.extend_from_slice(ITEM);
        buf.push(b'}');
    });
    buf.extend_from_slice(key!(3, "total"));
    push_amount(buf, e.total, dp);
    buf.extend_from_slice(key!(3, "warnings"));
    array(buf, &e.warnings, |buf, w| json_str(buf, w));
    buf.extend_from_slice(b"\n    }");
}

/// An amount as a JSON string with exactly `dp` decimals (digits, `-` and `.`: nothing to
/// escape), as [`Amount`] serializes it.
fn push_amount(buf: &mut Vec<u8>, v: Decimal, dp: u32) {
    buf.push(b'"');
    money::push_fixed(buf, v, dp);
    buf.push(b'"');
}

/// A ratio as a JSON string, as [`Ratio`] serializes it ([`ratio_text`]).
fn push_ratio(buf: &mut Vec<u8>, v: Decimal) {
    buf.push(b'"');
    push_ratio_digits(buf, v);
    buf.push(b'"');
}

/// An array item's indent (four levels), after its line break.
const ITEM: &[u8] = b"\n        ";

/// Appends a person's array field as serde_json's pretty printer does: `[]` when empty, else one
/// item per line at the item indent, each written by `item`.
fn array<T>(buf: &mut Vec<u8>, items: &[T], mut item: impl FnMut(&mut Vec<u8>, &T)) {
    if items.is_empty() {
        buf.extend_from_slice(b"[]");
        return;
    }
    buf.push(b'[');
    for (i, x) in items.iter().enumerate() {
        buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        buf.extend_from_slice(&ITEM[1..]);
        item(buf, x);
    }
    buf.extend_from_slice(b"\n      ]");
}

/// Appends `s` as a JSON string, escaped as serde_json escapes: `"`, `\\` and control
/// characters only (the short forms where JSON has them, else `\u00XX` in lowercase hex).
fn json_str(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    if !needs_escaping(s.as_bytes()) {
        buf.extend_from_slice(s.as_bytes());
    } else {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        for b in s.bytes() {
            match b {
                b'"' => buf.extend_from_slice(b"\\\""),
                b'\\' => buf.extend_from_slice(b"\\\\"),
                b'\n' => buf.extend_from_slice(b"\\n"),
                b'\r' => buf.extend_from_slice(b"\\r"),
                b'\t' => buf.extend_from_slice(b"\\t"),
                0x08 => buf.extend_from_slice(b"\\b"),
                0x0c => buf.extend_from_slice(b"\\f"),
                0..0x20 => {
                    buf.extend_from_slice(b"\\u00");
                    buf.push(HEX[usize::from(b >> 4)]);
                    buf.push(HEX[usize::from(b & 0xf)]);
                }
                _ => buf.push(b),
            }
        }
    }
    buf.push(b'"');
}

/// Whether any byte of `s` must be escaped in a JSON string (a control character, `"` or `\`).
/// Looked at 32 bytes at a time without stopping at each byte, which the compiler turns into
/// vector instructions: explanations are most of a payouts JSON, and they are rarely escaped.
/// The last bytes are looked at as the last 32 (or 8) again, overlapping, not one by one.
fn needs_escaping(s: &[u8]) -> bool {
    if s.len() >= 32 {
        let mut chunks = s.chunks_exact(32);
        if chunks.any(any_escaped) {
            return true;
        }
        return !chunks.remainder().is_empty() && any_escaped(&s[s.len() - 32..]);
    }
    if s.len() >= 8 {
        let mut words = s.chunks_exact(8);
        if words.any(word_escaped) {
            return true;
        }
        return !words.remainder().is_empty() && word_escaped(&s[s.len() - 8..]);
    }
    s.iter().any(|&b| escaped(b))
}

/// Whether `b` must be escaped in a JSON string.
#[inline]
fn escaped(b: u8) -> bool {
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// [`needs_escaping`] of a chunk, with a flag per byte OR-ed together (no early exit, so it
/// stays in vector registers).
#[inline]
fn any_escaped(chunk: &[u8]) -> bool {
    chunk.iter().fold(0u8, |any, &b| any | u8::from(escaped(b))) != 0
}

/// [`needs_escaping`] of 8 bytes as one `u64`: a byte's high bit is set where it is below
/// 0x20, or where it is `"` or `\` (a zero after the XOR); the tests compare with [`escaped`].
#[inline]
fn word_escaped(w: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let Ok(bytes) = <[u8; 8]>::try_from(w) else { return w.iter().any(|&b| escaped(b)) };
    let x = u64::from_le_bytes(bytes);
    let quote = x ^ (ONES * u64::from(b'"'));
    let backslash = x ^ (ONES * u64::from(b'\\'));
    let below = x.wrapping_sub(ONES * 0x20) & !x;
    let is_quote = quote.wrapping_sub(ONES) & !quote;
    let is_backslash = backslash.wrapping_sub(ONES) & !backslash;
    (below | is_quote | is_backslash) & (ONES * 0x80) != 0
}

/// The whole report's JSON view, with `employees` as given.
fn report_json<'a>(report: &'a PayoutReport, employees: Vec<EmployeeJson<'a>>) -> ReportJson<'a> {
    ReportJson {
        plan: &report.plan,
        period: PeriodJson { start: report.period.start.to_string(), end: report.period.end.to_string() },
        currency: &report.currency,
        employees,
        not_covered: report
            .not_covered
            .iter()
            .map(|n| NotCoveredJson {
                employee_id: &n.employee_id,
                name: &n.name,
                role: &n.role,
                reason: format!("the plan has no track for role `{}`", n.role),
            })
            .collect(),
        errors: report
            .errors
            .iter()
            .map(|e| ErrorJson {
                employee_id: &e.employee_id,
                name: &e.name,
                role: &e.role,
                component: e.component.as_deref(),
                message: &e.message,
            })
            .collect(),
        totals: TotalsJson::new(&report.totals, report.minor_units),
    }
}

#[cfg(test)]
mod tests {
    use super::super::Detail;
    use super::super::render::{RENDER_BLOCK, RENDER_CHUNK};
    use super::*;

    #[test]
    fn ratios_read_as_the_decimal_rounded_to_six_places_without_trailing_zeros() {
        // The form the JSON has always had: rust_decimal's own text of the normalized value.
        let reference = |v: Decimal| {
            let r = v.round_dp(6).normalize();
            if r.is_zero() { "0".to_owned() } else { r.to_string() }
        };
        let mut values = vec![
            Decimal::ZERO,
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::new(10_000, 4),
            Decimal::new(-5, 1),
            Decimal::new(-1, 9),
            Decimal::new(5, 7),
            Decimal::new(15, 7),
            Decimal::new(25, 7),
            Decimal::new(1_234_567_890_123, 9),
            Decimal::MAX,
            Decimal::MIN,
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = u32::try_from(x % 12).unwrap();
            let mantissa = i64::try_from(x >> 20).unwrap() - (1 << 43);
            values.push(Decimal::new(mantissa, scale));
        }
        // An attainment just below a threshold of 50% stays below it: cut, not rounded.
        assert_eq!(ratio_text(attainment_shown(Decimal::new(4_999_999, 7))), "0.499999");
        assert_eq!(ratio_text(attainment_shown(Decimal::new(-4_999_999, 7))), "-0.499999");
        assert_eq!(ratio_text(attainment_shown(Decimal::new(15, 7))), "0.000001");
        assert_eq!(ratio_text(attainment_shown(Decimal::new(5, 1))), "0.5");
        assert_eq!(ratio_text(Decimal::new(4_999_999, 7)), "0.5");
        for v in values {
            assert_eq!(ratio_text(v), reference(v), "{v:?}");
            let mut buf = Vec::new();
            push_ratio(&mut buf, v);
            assert_eq!(buf, serde_json::to_vec(&Ratio(v)).unwrap(), "{v:?}");
        }
    }

    /// The report as one `serde_json::to_writer_pretty` call writes it: what the spliced,
    /// parallel writer must reproduce byte for byte.
    fn reference(report: &PayoutReport) -> Vec<u8> {
        let employees = report.employees.iter().map(|e| employee_json(e, report.minor_units)).collect();
        let mut out = serde_json::to_vec_pretty(&report_json(report, employees)).unwrap();
        out.push(b'\n');
        out
    }

    fn report_for(people: usize, plan_name: &str) -> PayoutReport {
        let mut csv = Vec::new();
        crate::synth::write_roster(&mut csv, people.max(1), 3, crate::synth::Roles::Mixed, 1).unwrap();
        let roster = crate::roster::import_reader("r.csv", csv.as_slice(), &Default::default()).unwrap().roster;
        let mut plan = crate::plan::parse(include_str!("../../sample_plans/product_led.json")).unwrap();
        plan.name = plan_name.to_owned();
        let mut report = super::super::compute(&plan, &roster, super::super::Detail::Explained).unwrap();
        report.employees.truncate(people);
        if let Some(e) = report.employees.first_mut() {
            e.name = "Zoë \"Q\" O'Brien\n\t\\ \u{1}\u{8}\u{c}\r\u{1f}\u{7f} – ×".into();
            e.warnings.push("a \"quoted\" warning".to_owned());
            e.warnings.push("and another".to_owned());
        }
        if let Some(e) = report.employees.get_mut(1) {
            e.attainment = None;
            e.lines.clear();
        }
        report
    }

    #[test]
    fn a_character_to_escape_is_found_wherever_it_is() {
        for len in [0, 1, 31, 32, 33, 64, 70] {
            let plain = "a".repeat(len);
            assert!(!needs_escaping(plain.as_bytes()));
            for at in 0..len {
                for c in ['"', '\\', '\n', '\u{1}'] {
                    let mut text: Vec<char> = plain.chars().collect();
                    text[at] = c;
                    let text: String = text.into_iter().collect();
                    assert!(needs_escaping(text.as_bytes()), "{len} {at} {c:?}");
                    let mut buf = Vec::new();
                    json_str(&mut buf, &text);
                    assert_eq!(buf, serde_json::to_vec(&text).unwrap(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn the_wide_search_for_characters_to_escape_agrees_with_looking_at_each_byte() {
        // Bytes next to the ones escaped, with the high bit set or clear, on backgrounds that
        // make the 8-byte arithmetic borrow (0x00 just below, 0xff, the multi-byte `≈`).
        let singles = [0u8, 0x01, 0x1f, 0x20, 0x21, b'"', 0x23, b'[', b'\\', b']', 0x7f, 0x80, 0xa2, 0xdc, 0xff];
        let backgrounds: [&[u8]; 4] = [b"a", &[0x21], &[0xff], "\u{2248}".as_bytes()];
        let each_byte = |s: &[u8]| s.iter().any(|&b| escaped(b));
        for background in backgrounds {
            for len in 0..80 {
                let plain: Vec<u8> = background.iter().copied().cycle().take(len).collect();
                assert_eq!(needs_escaping(&plain), each_byte(&plain), "{plain:?}");
                for at in 0..len {
                    for &b in &singles {
                        let mut text = plain.clone();
                        text[at] = b;
                        assert_eq!(needs_escaping(&text), each_byte(&text), "{text:?}");
                        // Two bytes: one escaped, one that might hide or fake it.
                        for &c in &singles {
                            let mut two = text.clone();
                            two[(at * 7 + 3) % len] = c;
                            assert_eq!(needs_escaping(&two), each_byte(&two), "{two:?}");
                        }
                    }
                }
            }
        }
        // Every pair of bytes in an 8-byte word, at both ends of a 9-byte string.
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for text in
                    [[a, b, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61], [0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, a, b]]
                {
                    assert_eq!(needs_escaping(&text), each_byte(&text), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn the_parallel_json_writer_writes_exactly_what_serde_json_pretty_writes() {
        // More people than one render block, a nasty name, and a plan name that looks like the splice point.
        for (people, plan_name) in [(0, "Empty"), (1, "One"), (RENDER_BLOCK + 7, "x\n  \"employees\": []")] {
            let report = report_for(people, plan_name);
            let mut out = Vec::new();
            write_report(&report, &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(reference(&report)).unwrap(),
                "{people} people"
            );
        }
    }

    #[test]
    fn people_not_written_leave_no_trace_wherever_they_are() {
        let plan = super::super::tests::units_plan();
        let mut csv = Vec::new();
        crate::synth::write_roster(&mut csv, RENDER_BLOCK + 300, 5, crate::synth::Roles::Mixed, 1).unwrap();
        let mut roster = crate::roster::import_reader("r.csv", csv.as_slice(), &Default::default()).unwrap().roster;
        let deals = roster.metrics.iter().position(|m| m == "deals_closed").unwrap();
        let mut set = |i: usize, role: &str, v: Option<&str>| {
            let e = &mut roster.employees[i];
            e.role = std::sync::Arc::from(role);
            if let (Some(v), Some(m)) = (v, e.metrics.get_mut(deals)) {
                *m = Some(v.parse().unwrap());
            }
        };
        // The first people are not paid (no track, a line too large to pay), so the report's
        // first person comes later in the first piece; in the middle of a piece (and at the end
        // of one) someone paid 4 × 10²⁸ after someone paid as much: too large to add up.
        for i in 0..3 {
            set(i, "intern", None);
        }
        set(3, "sales", Some("100000000000000000000000000"));
        let (middle, end) = (RENDER_CHUNK + RENDER_CHUNK / 2, 3 * RENDER_CHUNK);
        for i in [middle, middle + 1, end - 2, end - 1] {
            set(i, "sales", Some("40000000000000000000000000"));
        }
        let compiled = CompiledPlan::new(&plan, &roster).unwrap();
        let mut written = Vec::new();
        let report = compute_and_write_report(&compiled, &plan, &roster, &|_| {}, &mut written).unwrap();
        let explained = compiled.report(&plan, &roster, Detail::Explained);
        let errors: Vec<usize> = explained.errors.iter().map(|e| e.index).collect();
        assert_eq!(errors, [3, middle + 1, end - 2, end - 1], "{:?}", explained.errors);
        assert_eq!(String::from_utf8(written).unwrap(), String::from_utf8(reference(&explained)).unwrap());
        assert_eq!(report, compiled.report(&plan, &roster, Detail::AmountsOnly));
    }

    #[test]
    fn computing_while_writing_gives_the_json_of_the_explained_report_and_the_report() {
        for people in [0, 1, 700, RENDER_BLOCK + 300] {
            let mut csv = Vec::new();
            crate::synth::write_roster(&mut csv, people.max(1), 5, crate::synth::Roles::Mixed, 1).unwrap();
            let mut roster = crate::roster::import_reader("r.csv", csv.as_slice(), &Default::default()).unwrap().roster;
            roster.employees.truncate(people);
            let plan = crate::plan::parse(include_str!("../../sample_plans/product_led.json")).unwrap();
            let compiled = CompiledPlan::new(&plan, &roster).unwrap();
            let counted = std::sync::atomic::AtomicU64::new(0);
            let mut streamed = Vec::new();
            let report = compute_and_write_report(
                &compiled,
                &plan,
                &roster,
                &|n| {
                    counted.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
                },
                &mut streamed,
            )
            .unwrap();
            let explained = compiled.report(&plan, &roster, Detail::Explained);
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(reference(&explained)).unwrap(),
                "{people} people"
            );
            assert_eq!(report, compiled.report(&plan, &roster, Detail::AmountsOnly), "{people} people");
            assert_eq!(counted.into_inner(), people as u64);
        }
    }
}
