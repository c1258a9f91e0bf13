//! Report exports: the lines a CRM or HRIS report puts around its table.
//!
//! A Salesforce-style report has a title, an "As of …" line and "Filtered By:" lines above the
//! header row, and a "Grand Totals (N records)" row, blank lines and confidentiality or copyright
//! lines below the data. The header row is the first row that has the required columns; the
//! short lines above it (at most two cells with text, or a known report line such as "As of") are
//! skipped and listed. Below the header, a row that would be refused and whose first cell with
//! text is a recognised trailer (a total, a confidentiality notice, a copyright line) is skipped
//! and listed too, so a totals row is never imported as a person. `--header-row N` names the
//! header row instead: everything above it is skipped (and listed).

use std::io::Read;

use super::columns::{self, HeaderProblem, Mapping};
use super::import::ImportError;
use super::records::{Record, RecordReader};
use super::rows::{self, FileError};

/// Rows looked at for a header before giving up (and reporting the first row's columns).
pub(super) const PREAMBLE_LIMIT: usize = 50;

/// Skipped lines listed in one warning before the rest are counted.
const LISTED: usize = 8;

/// Characters of a skipped line shown in a warning.
const SHOWN_CHARS: usize = 80;

/// A line that was not imported, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// 1-based line (or spreadsheet row).
    pub line: u64,
    /// Its text cells, joined with ` | `.
    pub text: String,
    /// What it was taken for (`a report title or filter line`, `a totals row`, ...).
    pub what: &'static str,
}

/// What a row says about being the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderCheck {
    /// It has the required columns (or is unmistakably a header, e.g. two headers for one column).
    Header,
    /// It lacks them.
    NotHeader,
}

/// What to do with a row while looking for the header.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// This row is the header.
    Header,
    /// Skip it and look at the next.
    Skip,
    /// This row is not a header and not a recognised report line: stop, and use the first row
    /// with content as the header (its missing columns are then reported as before).
    GiveUp,
    /// `--header-row` names a line with no row starting on it (blank, past the end of a quoted
    /// cell); the next row starts at the line given here.
    Missed(u64),
}

/// The search for the header row of one file.
#[derive(Debug, Default)]
pub(super) struct HeaderSearch {
    /// `--header-row`: the line of the header.
    header_row: Option<u64>,
    /// Rows seen so far (with content).
    seen: usize,
    /// Rows skipped above the header.
    pub skipped: Vec<Skipped>,
}

impl HeaderSearch {
    /// A search; `header_row` forces the header's line.
    pub fn new(header_row: Option<u64>) -> Self {
        HeaderSearch { header_row, seen: 0, skipped: Vec::new() }
    }

    /// Looks at the next row with content (at `line`).
    pub fn offer(&mut self, line: u64, cells: &[&str], check: HeaderCheck) -> Step {
        self.seen += 1;
        if let Some(row) = self.header_row {
            if line < row {
                self.skip(line, cells, "above --header-row");
                return Step::Skip;
            }
            return if line == row { Step::Header } else { Step::Missed(line) };
        }
        if check == HeaderCheck::Header {
            return Step::Header;
        }
        if self.seen <= PREAMBLE_LIMIT && is_preamble(cells) {
            self.skip(line, cells, "a report title or filter line");
            return Step::Skip;
        }
        Step::GiveUp
    }

    fn skip(&mut self, line: u64, cells: &[&str], what: &'static str) {
        self.skipped.push(Skipped { line, text: joined(cells.iter().copied()), what });
    }
}

/// The cells with text, trimmed and joined with ` | `, shortened.
pub(super) fn joined<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    let text: Vec<&str> = cells.map(str::trim).filter(|c| !c.is_empty()).collect();
    super::values::shorten(&text.join(" | "), SHOWN_CHARS)
}

/// Lowercased start of the first cell with text.
fn first_text<'a>(cells: impl Iterator<Item = &'a str>) -> Option<String> {
    cells.map(str::trim).find(|c| !c.is_empty()).map(|c| c.chars().take(40).flat_map(char::to_lowercase).collect())
}

/// Words a report's lines above the table start with.
const PREAMBLE_STARTS: &[&str] = &[
    "as of",
    "filtered by",
    "filter",
    "report",
    "run by",
    "run on",
    "generated",
    "printed",
    "created",
    "exported",
    "date range",
    "period",
    "confidential",
];

/// A line above the table that a report puts there: at most two cells with text (a title, "As
/// of …", a filter), or one that starts like a report line.
pub(super) fn is_preamble(cells: &[&str]) -> bool {
    let with_text = cells.iter().filter(|c| !c.trim().is_empty()).count();
    with_text <= 2
        || first_text(cells.iter().copied()).is_some_and(|t| PREAMBLE_STARTS.iter().any(|p| t.starts_with(p)))
}

/// What a row below the table is, if it is a recognised trailer: its first cell with text
/// starts with a total ("Grand Totals (72 records)", "Total", "Subtotal"), says the data is
/// confidential, or is a copyright or "generated by" line.
pub(super) fn trailer<'a>(cells: impl Iterator<Item = &'a str>) -> Option<&'static str> {
    let first = first_text(cells)?;
    // "Total", "Grand Totals (72 records)", "Subtotal:": the word alone, with a count or a colon
    // (an id such as "COUNT-001" or a name such as "Total Rewards Ltd" is not a total).
    let bare = first.split(" (").next().unwrap_or("").trim_end_matches(':').trim();
    if ["grand total", "grand totals", "total", "totals", "subtotal", "subtotals", "sum", "count"].contains(&bare)
        || first.contains(" records)")
    {
        return Some("a totals row");
    }
    if first.starts_with("confidential") || first.contains("do not distribute") {
        return Some("a confidentiality notice");
    }
    if first.starts_with("copyright") || first.starts_with('©') || first.starts_with("(c)") {
        return Some("a copyright line");
    }
    if ["generated by", "generated on", "report generated", "printed on", "run by"].iter().any(|p| first.starts_with(p))
    {
        return Some("a report footer");
    }
    None
}

/// The warnings listing skipped lines of `file`, grouped by what they were taken for.
pub(super) fn warnings(file: &str, skipped: &[Skipped]) -> Vec<String> {
    let mut out = Vec::new();
    let mut kinds: Vec<&'static str> = Vec::new();
    for s in skipped {
        if !kinds.contains(&s.what) {
            kinds.push(s.what);
        }
    }
    for kind in kinds {
        let lines: Vec<&Skipped> = skipped.iter().filter(|s| s.what == kind).collect();
        let mut listed: Vec<String> =
            lines.iter().take(LISTED).map(|s| format!("line {} {:?}", s.line, s.text)).collect();
        if lines.len() > LISTED {
            listed.push(format!("and {} more", lines.len() - LISTED));
        }
        let what = if kind == "above --header-row" {
            "line(s) above the header row given with --header-row".to_string()
        } else {
            format!("line(s) taken for {kind}")
        };
        out.push(format!("{file}: skipped {} {what}, not people: {}", lines.len(), listed.join("; ")));
    }
    out
}

/// How a roster's header row is recognised: it maps to the required columns (or names one column
/// twice, which is reported as such).
pub(super) fn roster_check(mapping: &Mapping) -> impl Fn(&[&str]) -> HeaderCheck + '_ {
    move |cells| match columns::resolve(cells, mapping) {
        Ok(_) | Err(HeaderProblem::Duplicate { .. }) => HeaderCheck::Header,
        Err(HeaderProblem::Missing { .. }) => HeaderCheck::NotHeader,
    }
}

/// A header row, and the report lines skipped above it.
pub(super) type Found = (Vec<String>, Vec<Skipped>);

/// Reads rows until the header: the first row `check` accepts, with the report lines above it
/// skipped (or the row at `header_row`). `None` for a file with no content. When no header is
/// found, the row that stopped the search (or the first row) is returned as the header, so that
/// its missing columns are reported.
pub(super) fn find_header<R: Read>(
    reader: &mut RecordReader<R>,
    rec: &mut Record,
    file: &str,
    header_row: Option<u64>,
    check: &dyn Fn(&[&str]) -> HeaderCheck,
) -> Result<Option<Found>, FileError> {
    let mut search = HeaderSearch::new(header_row);
    let mut first: Option<Vec<String>> = None;
    loop {
        let Some(cells) = rows::read_header(reader, rec, file)? else {
            if let Some(row) = header_row {
                return Err(FileError::Import(ImportError::BadOptions {
                    reason: format!("{file}: --header-row {row}: the file has no row on line {row} or after it"),
                }));
            }
            return Ok(first.map(|f| (f, Vec::new())));
        };
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        match search.offer(rec.line, &refs, check(&refs)) {
            Step::Header => return Ok(Some((cells, search.skipped))),
            // The report lines above it were skipped either way (the preview lists them).
            Step::GiveUp => return Ok(Some((cells, search.skipped))),
            Step::Missed(next) => {
                let row = header_row.unwrap_or(next);
                return Err(FileError::Import(ImportError::BadOptions {
                    reason: format!(
                        "{file}: --header-row {row}: no row starts on line {row} (it is blank, or inside a \
                         quoted cell); the next row starts on line {next}"
                    ),
                }));
            }
            Step::Skip => {
                if first.is_none() {
                    first = Some(cells);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_lines_above_the_table_are_preamble() {
        assert!(is_preamble(&["Opportunity Pipeline", "", ""]));
        assert!(is_preamble(&["As of 12/5/2026 3:04 PM", "", "", ""]));
        assert!(is_preamble(&["Filtered By:", "Stage equals Closed Won"]));
        assert!(is_preamble(&["Report generated on", "2026-12-05", "by", "Ann"]));
        assert!(!is_preamble(&["id", "full name", "job"]));
    }

    #[test]
    fn trailers_are_recognised_by_their_first_cell_with_text() {
        assert_eq!(trailer(["", "Grand Totals (72 records)", ""].into_iter()), Some("a totals row"));
        assert_eq!(trailer(["Total", "", "1,234,567.00"].into_iter()), Some("a totals row"));
        assert_eq!(
            trailer(["Confidential Information - Do Not Distribute"].into_iter()),
            Some("a confidentiality notice")
        );
        assert_eq!(
            trailer(["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."].into_iter()),
            Some("a copyright line")
        );
        assert_eq!(trailer(["© 2026 Workday"].into_iter()), Some("a copyright line"));
        // A person is not a trailer, even with a name that starts like one.
        assert_eq!(trailer(["000123", "Totalia Brandt", "sales"].into_iter()), None);
        assert_eq!(trailer(["", "Countess Ada", "sales"].into_iter()), None);
        assert_eq!(trailer(["COUNT-001", "Ada", "sales"].into_iter()), None);
        assert_eq!(trailer(["Total Rewards Ltd", "", ""].into_iter()), None);
        assert_eq!(trailer(["Subtotal:", "", "12"].into_iter()), Some("a totals row"));
    }

    #[test]
    fn the_search_skips_preamble_until_the_header_and_gives_up_on_a_wide_row() {
        let mut search = HeaderSearch::new(None);
        assert_eq!(search.offer(1, &["Closed deals", ""], HeaderCheck::NotHeader), Step::Skip);
        assert_eq!(search.offer(2, &["As of 2026-12-05"], HeaderCheck::NotHeader), Step::Skip);
        assert_eq!(search.offer(4, &["employee_id", "name", "role"], HeaderCheck::Header), Step::Header);
        assert_eq!(search.skipped.len(), 2);
        let w = warnings("r.csv", &search.skipped);
        assert_eq!(
            w,
            ["r.csv: skipped 2 line(s) taken for a report title or filter line, not people: line 1 \"Closed deals\"; \
              line 2 \"As of 2026-12-05\""]
        );

        let mut search = HeaderSearch::new(None);
        assert_eq!(search.offer(1, &["id", "full name", "job"], HeaderCheck::NotHeader), Step::GiveUp);

        let mut forced = HeaderSearch::new(Some(3));
        assert_eq!(forced.offer(1, &["a", "b", "c"], HeaderCheck::NotHeader), Step::Skip);
        assert_eq!(forced.offer(3, &["id", "x", "y"], HeaderCheck::NotHeader), Step::Header);
        let mut past = HeaderSearch::new(Some(2));
        assert_eq!(past.offer(4, &["id", "x", "y"], HeaderCheck::Header), Step::Missed(4));
    }
}
