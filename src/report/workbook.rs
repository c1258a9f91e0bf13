//! The hand-out workbook (`.xlsx`): a "Summary" sheet, one sheet per plan with every person's
//! lines, and a "Winners and losers" sheet.
//!
//! Amounts are spreadsheet numbers with a currency format (thousands separators and the
//! currency's minor units; the currency code is in the headers), fractions are percentages,
//! employee ids are text so leading zeros survive, header rows are frozen, columns are sized to
//! their contents. Text from plans and rosters is hostile input: a cell that starts with `=`, `+`,
//! `-`, `@`, tab or CR is written as a string with Excel's quote prefix (what typing `'` before it
//! does), so it is shown as typed and stays text when edited (docs/handouts.md).

use std::borrow::Cow;
use std::path::Path;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;
use rust_xlsxwriter::{ColNum, DocProperties, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet};

use super::{
    ReportError, change_fraction, components, currency_text, mixed_currencies, people_in_error, period_text,
    plan_label, ranked, roles, roster_size, same_name_note,
};
use crate::engine::PayoutReport;
use crate::engine::compare::Comparison;
use crate::fsx::{self, Access, Overwrite};
use crate::money;

/// The first sheet's name.
pub const SUMMARY_SHEET: &str = "Summary";
/// The last sheet's name.
pub const MOVERS_SHEET: &str = "Winners and losers";

/// Paper for printing the hand-out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paper {
    /// ISO A4 (210 × 297 mm): everywhere but North America and a few countries in the Americas.
    A4,
    /// US Letter (8.5 × 11 in).
    Letter,
}

/// Currencies of the countries that print on US Letter (the United States and its dollar
/// territories, Canada, Mexico, and the Letter countries of Latin America and Asia).
const LETTER_CURRENCIES: &[&str] = &["USD", "CAD", "MXN", "CLP", "COP", "PHP", "GTQ", "CRC", "DOP", "VES"];

impl Paper {
    /// The paper of the country a currency belongs to: Letter for [`LETTER_CURRENCIES`], A4
    /// otherwise.
    pub fn for_currency(currency: &str) -> Self {
        if LETTER_CURRENCIES.iter().any(|c| c.eq_ignore_ascii_case(currency.trim())) { Self::Letter } else { Self::A4 }
    }

    /// Excel's paper size code (`pageSetup paperSize`).
    pub fn code(self) -> u8 {
        match self {
            Self::Letter => 1,
            Self::A4 => 9,
        }
    }

    /// Printable width in landscape at 100 %, in Excel column-width characters (paper width
    /// less Excel's default 0.7 in margins, at about 7.3 pixels of 96 per inch a character).
    fn printable_chars(self) -> usize {
        match self {
            Self::Letter => 126,
            Self::A4 => 135,
        }
    }
}

/// The smallest print scale that stays readable (10 pt text prints at 6 pt): a sheet wider
/// than its page at this scale prints across several pages at it instead of shrinking further.
pub const MIN_PRINT_SCALE: u16 = 60;

/// Excel's limits.
const MAX_SHEET_NAME: usize = 31;
const MAX_CELL_CHARS: usize = 32_767;

/// Writes the comparison's workbook to `path` atomically, readable by the owner only (it lists
/// everyone's pay). With [`Overwrite::Refuse`] an existing file is never replaced.
pub fn write_workbook(cmp: &Comparison, path: &Path, overwrite: Overwrite) -> Result<(), ReportError> {
    let bytes = workbook_bytes(cmp)?;
    fsx::write_atomic(path, &bytes, overwrite, Access::Private)?;
    Ok(())
}

/// The comparison's workbook as `.xlsx` bytes.
pub fn workbook_bytes(cmp: &Comparison) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let title = format!(
        "Plan comparison: {}",
        (0..cmp.reports.len()).map(|i| plan_label(cmp, i)).collect::<Vec<_>>().join(", ")
    );
    workbook.set_properties(
        &DocProperties::new()
            .set_title(clip(&title, 255).as_ref())
            .set_comment("Written by Carrot from a plan comparison (docs/handouts.md)"),
    );
    let names = plan_sheet_names(cmp);
    // The paper of the first plan's currency (the reference plan; the plans of one comparison
    // are normally in one currency).
    let paper = Paper::for_currency(cmp.reports.first().map_or("", |r| r.currency.as_str()));
    let mut summary = summary_sheet(cmp, &names, paper)?;
    summary.set_active(true);
    workbook.push_worksheet(summary);
    for (i, (report, name)) in cmp.reports.iter().zip(&names).enumerate() {
        workbook.push_worksheet(plan_sheet(cmp, i, report, name, paper)?);
    }
    workbook.push_worksheet(movers_sheet(cmp, paper)?);
    Ok(workbook.save_to_buffer()?)
}

/// The sheet name of each plan, in order: `"1. Sales-led (today)"`. Names are at most 31
/// characters, have none of `[ ] : * ? / \` (replaced by `-`) and no control characters, never
/// start or end with an apostrophe, and are unique (ignoring case) among themselves and with
/// "Summary" and "Winners and losers"; the number keeps same-named plans apart.
pub fn plan_sheet_names(cmp: &Comparison) -> Vec<String> {
    let mut taken: Vec<String> = vec![SUMMARY_SHEET.to_lowercase(), MOVERS_SHEET.to_lowercase(), "history".to_owned()];
    let mut names = Vec::with_capacity(cmp.reports.len());
    for i in 0..cmp.reports.len() {
        let cleaned: String = plan_label(cmp, i)
            .chars()
            .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { '-' } else { c })
            .collect();
        let mut name = sheet_fit(&cleaned, "");
        let mut n = 1;
        while taken.contains(&name.to_lowercase()) {
            n += 1;
            name = sheet_fit(&cleaned, &format!(" ({n})"));
        }
        taken.push(name.to_lowercase());
        names.push(name);
    }
    names
}

/// `base` shortened so that `base + suffix` fits a sheet name, without a trailing apostrophe or
/// space.
fn sheet_fit(base: &str, suffix: &str) -> String {
    let room = MAX_SHEET_NAME.saturating_sub(utf16_len(suffix));
    let mut out = String::new();
    for c in base.chars() {
        if utf16_len(&out) + c.len_utf16() > room {
            break;
        }
        out.push(c);
    }
    let trimmed = out.trim_end_matches(['\'', ' ']).trim_start_matches('\'');
    let name = format!("{trimmed}{suffix}");
    if name.trim().is_empty() { "Plan".to_owned() } else { name }
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// `s` cut to at most `max` UTF-16 units (Excel's measure), with an ellipsis when cut.
fn clip(s: &str, max: usize) -> Cow<'_, str> {
    if utf16_len(s) <= max {
        return Cow::Borrowed(s);
    }
    // Counted as it goes: measuring `out` again for each character took 0.9 s a 60,000-character cell.
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars() {
        if units + c.len_utf16() + 1 > max {
            break;
        }
        units += c.len_utf16();
        out.push(c);
    }
    out.push('\u{2026}');
    Cow::Owned(out)
}

/// Whether a text cell would be read as a formula if typed (or pasted, or re-saved as CSV):
/// PAYROLL_FORMATS.md §5.1.
pub(crate) fn needs_quote_prefix(text: &str) -> bool {
    matches!(text.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'))
}

fn num(v: Decimal) -> Result<f64, ReportError> {
    v.to_f64().filter(|f| f.is_finite()).ok_or(ReportError::Number(v))
}

/// The number format of an amount: `#,##0.00`, optionally followed by the currency code.
fn money_code(dp: u32, code: Option<&str>) -> String {
    let mut f = "#,##0".to_owned();
    if dp > 0 {
        f.push('.');
        f.push_str(&"0".repeat(dp.min(10) as usize));
    }
    match code.map(|c| c.chars().filter(char::is_ascii_alphanumeric).take(8).collect::<String>()) {
        Some(c) if !c.is_empty() => format!("{f} \"{c}\";-{f} \"{c}\""),
        _ => f,
    }
}

/// A change: `+1,234.50`, `-1,234.50` in red, `0.00`.
fn change_code(dp: u32) -> String {
    let plain = money_code(dp, None);
    format!("+{plain};[Red]-{plain};{plain}")
}

/// The formats, built once.
struct Styles {
    title: Format,
    note: Format,
    header: Format,
    header_left: Format,
    section: Format,
    text: Format,
    bold_text: Format,
    count: Format,
    pct: Format,
    pct1: Format,
    pct0: Format,
    change_pct: Format,
}

impl Styles {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(0x00E8_EEF4)
            .set_border_bottom(FormatBorder::Thin);
        Self {
            title: Format::new().set_bold().set_font_size(14),
            note: Format::new().set_italic().set_font_color(0x0055_5555),
            header_left: header.clone().set_align(FormatAlign::Left),
            header,
            section: Format::new().set_bold().set_border_bottom(FormatBorder::Thin),
            text: Format::new(),
            bold_text: Format::new().set_bold(),
            count: Format::new().set_num_format("#,##0"),
            pct: Format::new().set_num_format("0.00%"),
            pct1: Format::new().set_num_format("0.0%"),
            pct0: Format::new().set_num_format("0%"),
            change_pct: Format::new().set_num_format("+0.0%;[Red]-0.0%;0.0%"),
        }
    }

    fn money(dp: u32, code: Option<&str>, bold: bool) -> Format {
        let f = Format::new().set_num_format(money_code(dp, code));
        if bold { f.set_bold() } else { f }
    }

    fn change(dp: u32) -> Format {
        Format::new().set_num_format(change_code(dp))
    }
}

/// A worksheet being filled, remembering how wide each column's contents are.
struct Sheet {
    ws: Worksheet,
    widths: Vec<usize>,
}

impl Sheet {
    fn new(name: &str) -> Result<Self, ReportError> {
        let mut ws = Worksheet::new();
        ws.set_name(name)?;
        Ok(Self { ws, widths: Vec::new() })
    }

    fn fit(&mut self, col: ColNum, chars: usize) {
        let i = usize::from(col);
        if self.widths.len() <= i {
            self.widths.resize(i + 1, 0);
        }
        if let Some(w) = self.widths.get_mut(i) {
            *w = (*w).max(chars);
        }
    }

    /// A text cell (never a formula); counts towards the column width unless `wide` is false.
    fn text_with(
        &mut self,
        row: RowNum,
        col: ColNum,
        text: &str,
        format: &Format,
        wide: bool,
    ) -> Result<(), ReportError> {
        let text = clip(text, MAX_CELL_CHARS);
        if wide {
            self.fit(col, text.lines().map(|l| l.chars().count()).max().unwrap_or(0).min(60));
        }
        if needs_quote_prefix(&text) {
            self.ws.write_string_with_format(row, col, text.as_ref(), &format.clone().set_quote_prefix())?;
        } else {
            self.ws.write_string_with_format(row, col, text.as_ref(), format)?;
        }
        Ok(())
    }

    fn text(&mut self, row: RowNum, col: ColNum, text: &str, format: &Format) -> Result<(), ReportError> {
        self.text_with(row, col, text, format, true)
    }

    /// A wrapped header: counts its longest word, and at most 22 characters, towards the width.
    fn header(&mut self, row: RowNum, col: ColNum, text: &str, format: &Format) -> Result<(), ReportError> {
        let longest = text.split_whitespace().map(|w| w.chars().count()).max().unwrap_or(0);
        self.fit(col, longest.max(text.chars().count().min(22)));
        self.text_with(row, col, text, format, false)
    }

    fn money(&mut self, row: RowNum, col: ColNum, v: Decimal, dp: u32, format: &Format) -> Result<(), ReportError> {
        self.fit(col, money::grouped(v, dp).chars().count() + 2);
        self.ws.write_number_with_format(row, col, num(v)?, format)?;
        Ok(())
    }

    fn fraction(&mut self, row: RowNum, col: ColNum, v: Decimal, format: &Format) -> Result<(), ReportError> {
        self.fit(col, 8);
        self.ws.write_number_with_format(row, col, num(v)?, format)?;
        Ok(())
    }

    fn count(&mut self, row: RowNum, col: ColNum, n: usize, format: &Format) -> Result<(), ReportError> {
        self.fit(col, n.to_string().len() + 2);
        // Counts of people are far below 2^53: exact as f64.
        self.ws.write_number_with_format(row, col, n as f64, format)?;
        Ok(())
    }

    /// Applies the remembered widths (within `min..=max` characters), sets up printing
    /// ([`print_setup`]) for `extra` more characters of columns sized later, and returns the
    /// sheet.
    fn finish(mut self, min: usize, max: usize, paper: Paper, extra: usize) -> Result<Worksheet, ReportError> {
        let mut total = extra;
        for (i, w) in self.widths.iter().enumerate() {
            let Ok(col) = ColNum::try_from(i) else { break };
            let width = (*w + 1).clamp(min, max);
            total += width;
            // usize → f64 of small numbers is exact.
            self.ws.set_column_width(col, width as f64)?;
        }
        print_setup(&mut self.ws, paper, total);
        Ok(self.ws)
    }
}

/// Landscape on `paper`, as wide as one page if that keeps the scale at [`MIN_PRINT_SCALE`] or
/// more (`width`: the columns' total width in characters); a wider sheet prints at that scale
/// across pages (header rows repeat where a sheet sets them).
fn print_setup(ws: &mut Worksheet, paper: Paper, width: usize) {
    ws.set_paper_size(paper.code());
    ws.set_landscape();
    if width * usize::from(MIN_PRINT_SCALE) <= paper.printable_chars() * 100 {
        ws.set_print_fit_to_pages(1, 0);
    } else {
        ws.set_print_scale(MIN_PRINT_SCALE);
    }
}

fn col(i: usize) -> Result<ColNum, ReportError> {
    ColNum::try_from(i).map_err(|_| ReportError::Workbook(rust_xlsxwriter::XlsxError::RowColumnLimitError))
}

fn row(i: usize) -> Result<RowNum, ReportError> {
    RowNum::try_from(i).map_err(|_| ReportError::Workbook(rust_xlsxwriter::XlsxError::RowColumnLimitError))
}

fn summary_sheet(cmp: &Comparison, sheet_names: &[String], paper: Paper) -> Result<Worksheet, ReportError> {
    let st = Styles::new();
    let mut s = Sheet::new(SUMMARY_SHEET)?;
    let mixed = mixed_currencies(cmp);
    let unit = if mixed { String::new() } else { format!(" ({})", currency_text(cmp)) };
    let money_fmt =
        |r: &PayoutReport, bold: bool| Styles::money(r.minor_units, mixed.then_some(r.currency.as_str()), bold);
    let first = cmp.reports.first();

    s.text_with(0, 0, "Plan comparison", &st.title, false)?;
    let mut about = format!(
        "{} people in the roster \u{b7} period {} \u{b7} amounts in {}",
        roster_size(cmp),
        period_text(cmp),
        currency_text(cmp)
    );
    if mixed {
        about.push_str(" (each plan in its own currency; nothing is converted)");
    }
    s.text_with(1, 0, &about, &st.note, false)?;
    let notes: Vec<String> = same_name_note(cmp)
        .into_iter()
        .chain(cmp.not_compared_note().map(|n| format!("{n}.")))
        .chain(cmp.notes.iter().map(|n| format!("{n}.")))
        .collect();
    if !notes.is_empty() {
        s.text_with(2, 0, &notes.join(" "), &st.note, false)?;
    }
    const HEADER: RowNum = 3;
    s.header(HEADER, 0, "", &st.header_left)?;
    for i in 0..cmp.reports.len() {
        s.header(HEADER, col(i + 1)?, &plan_label(cmp, i), &st.header)?;
    }
    s.ws.set_row_height(HEADER, 32)?;
    s.ws.set_freeze_panes(HEADER + 1, 1)?;

    let mut r = HEADER + 1;
    let first_label = first.map(|_| plan_label(cmp, 0)).unwrap_or_default();
    s.text(r, 0, &format!("Total payout cost{unit}"), &st.bold_text)?;
    for (i, rep) in cmp.reports.iter().enumerate() {
        s.money(r, col(i + 1)?, rep.totals.total, rep.minor_units, &money_fmt(rep, true))?;
    }
    r += 1;
    s.text(r, 0, &format!("Change vs {first_label}{unit}"), &st.text)?;
    for (i, rep) in cmp.reports.iter().enumerate().skip(1) {
        let base = first.map(|f| f.totals.total).unwrap_or_default();
        s.money(
            r,
            col(i + 1)?,
            rep.totals.total.saturating_sub(base),
            rep.minor_units,
            &Styles::change(rep.minor_units),
        )?;
    }
    r += 1;
    s.text(r, 0, "Cost as % of revenue", &st.text)?;
    for (i, rep) in cmp.reports.iter().enumerate() {
        if let Some(p) = rep.totals.cost_pct_of_revenue() {
            s.fraction(r, col(i + 1)?, p / Decimal::ONE_HUNDRED, &st.pct)?;
        }
    }
    r += 1;
    s.text(r, 0, &format!("Revenue of the people computed{unit}"), &st.text)?;
    for (i, rep) in cmp.reports.iter().enumerate() {
        s.money(r, col(i + 1)?, rep.totals.revenue, rep.minor_units, &money_fmt(rep, false))?;
    }
    r += 1;
    type Count<'a> = &'a dyn Fn(&PayoutReport) -> usize;
    let counts: [(&str, Count<'_>); 3] = [
        ("People computed", &|rep| rep.totals.people),
        ("People not covered (no track for their role)", &|rep| rep.not_covered.len()),
        ("People who could not be computed", &people_in_error),
    ];
    for (label, f) in counts {
        s.text(r, 0, label, &st.text)?;
        for (i, rep) in cmp.reports.iter().enumerate() {
            s.count(r, col(i + 1)?, f(rep), &st.count)?;
        }
        r += 1;
    }
    for (label, gaining) in [("People who gain vs plan 1", true), ("People who lose vs plan 1", false)] {
        s.text(r, 0, label, &st.text)?;
        for i in 1..cmp.reports.len() {
            let (gain, lose) = cmp.gaining_losing(0, i);
            s.count(r, col(i + 1)?, if gaining { gain } else { lose }, &st.count)?;
        }
        r += 1;
    }

    r += 1;
    s.text_with(r, 0, &format!("Cost by role{unit}"), &st.section, false)?;
    r += 1;
    for role in roles(cmp) {
        s.text(r, 0, role, &st.text)?;
        for (i, rep) in cmp.reports.iter().enumerate() {
            if let Some(v) = rep.totals.by_role.get(role) {
                s.money(r, col(i + 1)?, *v, rep.minor_units, &money_fmt(rep, false))?;
            }
        }
        r += 1;
    }

    r += 1;
    s.text_with(r, 0, &format!("Cost by component{unit}"), &st.section, false)?;
    r += 1;
    for c in components(cmp) {
        s.text(r, 0, &c.label, &st.text)?;
        for (i, rep) in cmp.reports.iter().enumerate() {
            if let Some(v) = rep.totals.by_component.get(&c.id) {
                s.money(r, col(i + 1)?, *v, rep.minor_units, &money_fmt(rep, false))?;
            }
        }
        r += 1;
    }

    r += 1;
    s.text_with(r, 0, "Notes", &st.section, false)?;
    r += 1;
    let mut notes = vec![
        "Cost as % of revenue: total payout cost ÷ revenue of the people the plan computed.".to_owned(),
        "An empty cell: the plan has no such role or component.".to_owned(),
    ];
    for (i, name) in sheet_names.iter().enumerate() {
        notes.push(format!("Every person's lines under {}: sheet \u{201c}{name}\u{201d}.", plan_label(cmp, i)));
    }
    notes.push(format!("Who gains and who loses against {first_label}: sheet \u{201c}{MOVERS_SHEET}\u{201d}."));
    for n in notes {
        s.text_with(r, 0, &n, &st.note, false)?;
        r += 1;
    }

    // Plan columns: wide enough for a wrapped plan name and the largest amount.
    let mut widest = 0usize;
    for rep in &cmp.reports {
        widest = widest.max(money::grouped(rep.totals.total, rep.minor_units).chars().count() + 6);
        widest = widest.max(money::grouped(rep.totals.revenue, rep.minor_units).chars().count() + 6);
    }
    let widest = widest.clamp(18, 28);
    // The plan columns are set below, over what `finish` gives them.
    let plan_columns: usize = s.widths.iter().skip(1).take(cmp.reports.len()).map(|w| (w + 1).clamp(14, 48)).sum();
    let mut ws = s.finish(14, 48, paper, (widest * cmp.reports.len()).saturating_sub(plan_columns))?;
    for i in 0..cmp.reports.len() {
        // usize → f64 of a small number is exact.
        ws.set_column_width(col(i + 1)?, widest as f64)?;
    }
    Ok(ws)
}

fn plan_sheet(
    cmp: &Comparison,
    index: usize,
    rep: &PayoutReport,
    name: &str,
    paper: Paper,
) -> Result<Worksheet, ReportError> {
    let st = Styles::new();
    let mut s = Sheet::new(name)?;
    let dp = rep.minor_units;
    let code = rep.currency.as_str();
    let money = Styles::money(dp, None, false);
    let money_bold = Styles::money(dp, None, true);

    s.text_with(0, 0, &plan_label(cmp, index), &st.title, false)?;
    s.text_with(
        1,
        0,
        &format!(
            "Amounts in {code} \u{b7} period {} to {} \u{b7} {} computed \u{b7} {} not covered \u{b7} {} could not be computed",
            rep.period.start,
            rep.period.end,
            rep.totals.people,
            rep.not_covered.len(),
            people_in_error(rep)
        ),
        &st.note,
        false,
    )?;

    let comps: Vec<_> = components(cmp).into_iter().filter(|c| rep.totals.by_component.contains_key(&c.id)).collect();
    let mut headers: Vec<String> =
        ["ID", "Name", "Role", "Team", "Employed", "Attainment"].iter().map(|h| (*h).to_owned()).collect();
    headers.extend(comps.iter().map(|c| format!("{} ({code})", c.label)));
    headers.extend([format!("Total ({code})"), format!("Revenue ({code})"), "Warnings".to_owned()]);
    const HEADER: RowNum = 3;
    for (i, h) in headers.iter().enumerate() {
        let f = if i < 4 || i + 1 == headers.len() { &st.header_left } else { &st.header };
        s.header(HEADER, col(i)?, h, f)?;
    }
    s.ws.set_row_height(HEADER, 45)?;
    s.ws.set_freeze_panes(HEADER + 1, 2)?;
    s.ws.set_repeat_rows(HEADER, HEADER)?;

    let total_col = 6 + comps.len();
    let mut r = HEADER;
    for e in &rep.employees {
        r = r.saturating_add(1);
        s.text(r, 0, &e.employee_id, &st.text)?;
        s.text(r, 1, &e.name, &st.text)?;
        s.text(r, 2, &e.role, &st.text)?;
        s.text(r, 3, &e.team, &st.text)?;
        s.fraction(r, 4, e.proration, &st.pct0)?;
        if let Some(a) = e.attainment {
            s.fraction(r, 5, a, &st.pct1)?;
        }
        for (k, c) in comps.iter().enumerate() {
            let mut lines = e.lines.iter().filter(|l| *l.component() == *c.id).peekable();
            if lines.peek().is_some() {
                let v: Decimal = lines.map(|l| l.amount).sum();
                s.money(r, col(6 + k)?, v, dp, &money)?;
            }
        }
        s.money(r, col(total_col)?, e.total, dp, &money_bold)?;
        if let Some(v) = e.revenue {
            s.money(r, col(total_col + 1)?, v, dp, &money)?;
        }
        if !e.warnings.is_empty() {
            s.text(r, col(total_col + 2)?, &e.warnings.join("; "), &st.text)?;
        }
    }
    if !rep.employees.is_empty() {
        s.ws.autofilter(HEADER, 0, r, col(headers.len() - 1)?)?;
    }
    r = r.saturating_add(1);
    let total_fmt = st.bold_text.clone().set_border_top(FormatBorder::Thin);
    s.text(r, 0, "Total", &total_fmt)?;
    s.text(r, 1, &format!("{} people", rep.totals.people), &total_fmt)?;
    for k in 2..6 {
        s.ws.write_blank(r, k, &total_fmt)?;
    }
    let top = |f: &Format| f.clone().set_border_top(FormatBorder::Thin);
    for (k, c) in comps.iter().enumerate() {
        let v = rep.totals.by_component.get(&c.id).copied().unwrap_or_default();
        s.money(r, col(6 + k)?, v, dp, &top(&money_bold))?;
    }
    s.money(r, col(total_col)?, rep.totals.total, dp, &top(&money_bold))?;
    s.money(r, col(total_col + 1)?, rep.totals.revenue, dp, &top(&money_bold))?;
    s.ws.write_blank(r, col(total_col + 2)?, &total_fmt)?;

    if !rep.not_covered.is_empty() {
        r = r.saturating_add(2);
        s.text_with(r, 0, "Not covered: the plan has no track for their role", &st.section, false)?;
        for n in &rep.not_covered {
            r = r.saturating_add(1);
            s.text(r, 0, &n.employee_id, &st.text)?;
            s.text(r, 1, &n.name, &st.text)?;
            s.text(r, 2, &n.role, &st.text)?;
        }
    }
    if !rep.errors.is_empty() {
        r = r.saturating_add(2);
        s.text_with(r, 0, "Could not be computed", &st.section, false)?;
        for e in &rep.errors {
            r = r.saturating_add(1);
            s.text(r, 0, &e.employee_id, &st.text)?;
            s.text(r, 1, &e.name, &st.text)?;
            s.text(r, 2, &e.role, &st.text)?;
            let problem = match &e.component {
                Some(c) => format!("{c}: {}", e.message),
                None => e.message.clone(),
            };
            s.text_with(r, 3, &problem, &st.text, false)?;
        }
    }
    s.finish(8, 60, paper, 0)
}

fn movers_sheet(cmp: &Comparison, paper: Paper) -> Result<Worksheet, ReportError> {
    let st = Styles::new();
    let mut s = Sheet::new(MOVERS_SHEET)?;
    s.text_with(0, 0, "Winners and losers", &st.title, false)?;
    let Some(first) = cmp.reports.first() else {
        s.text_with(1, 0, "No plans were compared.", &st.note, false)?;
        return s.finish(8, 40, paper, 0);
    };
    if cmp.reports.len() < 2 {
        s.text_with(1, 0, "Only one plan: nothing to compare it with.", &st.note, false)?;
        return s.finish(8, 40, paper, 0);
    }
    let first_label = plan_label(cmp, 0);
    s.text_with(
        1,
        0,
        &format!(
            "Everyone's total under each plan against {first_label}, sorted by the change: biggest gain at the top, \
             biggest loss at the bottom. An empty total: that plan does not pay the person (not covered or in error)."
        ),
        &st.note,
        false,
    )?;
    const BLOCK: usize = 8;
    const TITLE: RowNum = 3;
    const HEADER: RowNum = 4;
    let block_title = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(0x00F4_F1E6);
    for to in 1..cmp.reports.len() {
        let rep = cmp.reports.get(to).unwrap_or(first);
        let c0 = (to - 1) * (BLOCK + 1);
        let dp = rep.minor_units;
        let (gaining, losing) = cmp.gaining_losing(0, to);
        let total_change = rep.totals.total.saturating_sub(first.totals.total);
        let title = format!(
            "{} vs {first_label}: {gaining} gain, {losing} lose; total cost {}{} {}",
            plan_label(cmp, to),
            if total_change > Decimal::ZERO { "+" } else { "" },
            money::grouped(total_change, dp),
            rep.currency
        );
        let title = clip(&title, 255);
        s.ws.merge_range(TITLE, col(c0)?, TITLE, col(c0 + BLOCK - 1)?, "", &block_title)?;
        s.text_with(TITLE, col(c0)?, &title, &block_title, false)?;
        let headers = [
            "ID".to_owned(),
            "Name".to_owned(),
            "Role".to_owned(),
            "Team".to_owned(),
            format!("Plan 1 total ({})", first.currency),
            format!("Plan {} total ({})", to + 1, rep.currency),
            format!("Change ({})", rep.currency),
            "Change %".to_owned(),
        ];
        for (k, h) in headers.iter().enumerate() {
            let f = if k < 4 { &st.header_left } else { &st.header };
            s.header(HEADER, col(c0 + k)?, h, f)?;
        }
        let money = Styles::money(dp, None, false);
        let change = Styles::change(dp);
        for (n, (p, p_change)) in ranked(cmp, 0, to).into_iter().enumerate() {
            let r = row(n + 1)?.saturating_add(HEADER);
            s.text(r, col(c0)?, &p.employee_id, &st.text)?;
            s.text(r, col(c0 + 1)?, &p.name, &st.text)?;
            s.text(r, col(c0 + 2)?, &p.role, &st.text)?;
            s.text(r, col(c0 + 3)?, &p.team, &st.text)?;
            if let Some(v) = p.totals.first().copied().flatten() {
                s.money(r, col(c0 + 4)?, v, first.minor_units, &Styles::money(first.minor_units, None, false))?;
            }
            if let Some(v) = p.totals.get(to).copied().flatten() {
                s.money(r, col(c0 + 5)?, v, dp, &money)?;
            }
            s.money(r, col(c0 + 6)?, p_change, dp, &change)?;
            if let Some(f) = change_fraction(p, 0, to) {
                s.fraction(r, col(c0 + 7)?, f, &st.change_pct)?;
            }
        }
    }
    s.ws.set_row_height(TITLE, 32)?;
    s.ws.set_row_height(HEADER, 32)?;
    s.ws.set_freeze_panes(HEADER + 1, 0)?;
    s.ws.set_repeat_rows(TITLE, HEADER)?;
    let mut ws = s.finish(6, 30, paper, 0)?;
    for to in 1..cmp.reports.len() {
        let spacer = to * (BLOCK + 1) - 1;
        ws.set_column_width(col(spacer)?, 3)?;
    }
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats_follow_the_minor_units() {
        assert_eq!(money_code(2, None), "#,##0.00");
        assert_eq!(money_code(0, None), "#,##0");
        assert_eq!(money_code(3, Some("KWD")), "#,##0.000 \"KWD\";-#,##0.000 \"KWD\"");
        assert_eq!(money_code(2, Some("E\"UR")), "#,##0.00 \"EUR\";-#,##0.00 \"EUR\"");
        assert_eq!(change_code(2), "+#,##0.00;[Red]-#,##0.00;#,##0.00");
    }

    #[test]
    fn formula_looking_text_gets_the_quote_prefix() {
        for bad in ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(needs_quote_prefix(bad), "{bad:?}");
        }
        for ok in ["Hugo Larsen", "001001", " =x", "", "1-2"] {
            assert!(!needs_quote_prefix(ok), "{ok:?}");
        }
    }

    #[test]
    fn sheet_names_fit_excel_rules() {
        assert_eq!(sheet_fit("1. Short", ""), "1. Short");
        let long = sheet_fit("1. A very long plan name that goes on and on", "");
        assert_eq!(utf16_len(&long), 31);
        assert_eq!(sheet_fit("1. abc'", ""), "1. abc");
        let suffixed = sheet_fit("1. A very long plan name that goes on and on", " (2)");
        assert!(suffixed.ends_with(" (2)") && utf16_len(&suffixed) <= 31, "{suffixed}");
        // Astral characters count twice, as in Excel.
        let emoji = sheet_fit(&format!("1. {}", "\u{1f955}".repeat(20)), "");
        assert!(utf16_len(&emoji) <= 31, "{emoji}");
    }

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text() {
        assert_eq!(clip("abc", 5), "abc");
        let cut = clip("abcdefgh", 5);
        assert_eq!(cut, "abcd\u{2026}");
        assert_eq!(utf16_len(&cut), 5);
    }
}
