//! Deal lists: `--deals F --deals-mapping M.json` reads one row per opportunity, as a CRM
//! report lists them, and turns them into each owner's `revenue` (the sum of the amounts) and
//! `deals_closed` (the count).
//!
//! The deals mapping names the columns:
//!
//! ```json
//! {"owner": "Opportunity Owner", "match": "name", "amount": "Amount", "date": "Close Date",
//!  "filters": {"Stage": ["Closed Won"]}, "date_format": "%m/%d/%Y"}
//! ```
//!
//! `match` is what the owner column holds: `employee_id`, `email` or `name` (ignoring case).
//! Only deals whose `date` falls inside the plan period count, and only those whose filter
//! columns hold one of the listed values (ignoring case). Amounts follow the roster's rules: a
//! currency code or symbol names the owner's currency (and must agree with it), a percentage is
//! refused. A stage column the filters leave out (`Stage`, `Status`, `Won`…) must not count lost
//! deals (refused, naming the filter to add); several other stages are a warning. Owners who
//! match no one are listed in a warning with their deals and amounts. A
//! person with no deal in the period gets 0 for both, unless the roster or a metrics file
//! already gave them a value; a person with deals who already has one is an error (defined
//! twice).

use std::path::Path;

use chrono::NaiveDate;
use foldhash::HashMap;
use indexmap::IndexMap;
use rust_decimal::Decimal;

use super::columns::{Mapping, map_header};
use super::import::{ImportError, ImportOptions, RowIssue};
use super::join::{Found, Index, JoinKey, JoinOutcome, apply_currency, listed};
use super::report_shape::HeaderCheck;
use super::table::{Table, read_table};
use super::values::{DateFormatError, NumberError, check_date_format, normalize_header, parse_amount, parse_date};
use super::{Roster, values};

/// The metric deal amounts are summed into.
pub const REVENUE: &str = "revenue";
/// The metric deals are counted into.
pub const DEALS_CLOSED: &str = "deals_closed";

/// The largest deals mapping file read.
pub const MAX_DEALS_MAPPING_BYTES: u64 = 1024 * 1024;

/// Why a deals mapping file cannot be read ([`DealsMapping::parse`]).
#[derive(Debug, thiserror::Error)]
pub enum DealsMappingError {
    /// The JSON is not a deals mapping; `path` is where in the JSON.
    #[error(
        "{inner} (at `{path}`); a deals mapping has \"owner\", \"match\" (employee_id, email or name), \"amount\", \
         \"date\", and may have \"filters\" and \"date_format\""
    )]
    Shape { inner: serde_json::Error, path: String },
    /// `date_format` is not a usable date format.
    #[error("date_format: {0}")]
    DateFormat(DateFormatError),
}

/// How to read a deal list (see the module docs).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DealsMapping {
    /// The column naming each deal's owner.
    pub owner: String,
    /// What the owner column holds.
    #[serde(rename = "match", default)]
    pub matches: JoinKey,
    /// The column of each deal's amount.
    pub amount: String,
    /// The column of each deal's close date.
    pub date: String,
    /// Column → the values a deal must have there to count.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub filters: IndexMap<String, Vec<String>>,
    /// chrono format of the dates when they are not ISO (`%m/%d/%Y`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
}

impl DealsMapping {
    /// Reads a deals mapping file's JSON.
    pub fn parse(bytes: &[u8]) -> Result<DealsMapping, DealsMappingError> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let mapping: DealsMapping = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| DealsMappingError::Shape { path: e.path().to_string(), inner: e.into_inner() })?;
        if let Some(format) = &mapping.date_format {
            check_date_format(format).map_err(DealsMappingError::DateFormat)?;
        }
        Ok(mapping)
    }

    /// The columns the mapping names, as (what, header).
    fn named(&self) -> Vec<(&'static str, &str)> {
        let mut named =
            vec![("owner", self.owner.as_str()), ("amount", self.amount.as_str()), ("date", self.date.as_str())];
        named.extend(self.filters.keys().map(|k| ("filters", k.as_str())));
        named
    }
}

/// The plan period deals must close in (both days included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Period {
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
}

/// What a deal list held against the period it was counted for: how many deals closed in it and
/// how many outside it (with the first and last of those dates), so that a command can refuse a
/// deal list of another period ([`DealCount::refusal`]) and say which deals it left out
/// ([`DealCount::left_out`]). The command line and the app ask the same questions of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealCount {
    /// The deal list, as messages name it.
    pub file: String,
    /// The period the deals were counted for.
    pub period: Period,
    /// Deals that passed the filters and closed in the period (counted for someone or not:
    /// an owner matching no one is a warning of its own).
    pub in_period: u64,
    /// Deals that passed the filters and closed outside the period (not counted).
    pub outside: u64,
    /// The first and last close date of the deals outside the period.
    pub outside_dates: Option<(NaiveDate, NaiveDate)>,
}

impl DealCount {
    /// `pay period 2026-09 (2026-09-01 to 2026-09-30)`, or `the plan period (…)` without a name.
    fn period_text(&self, name: Option<&str>) -> String {
        let dates = format!("{} to {}", self.period.start, self.period.end);
        match name {
            Some(name) => format!("pay period {name} ({dates})"),
            None => format!("the plan period ({dates})"),
        }
    }

    /// When the deals closed outside the period: `2026-08-03 to 2026-08-28` (or one day).
    fn outside_text(&self) -> String {
        match self.outside_dates {
            Some((first, last)) if first == last => format!("on {first}"),
            Some((first, last)) => format!("from {first} to {last}"),
            None => String::new(),
        }
    }

    /// Why these deals cannot be a period's actuals: none of them closed in the period
    /// (`name`: a plan year's pay period; `None`: the plan period), though some closed outside
    /// it, so everyone's revenue would be 0. Paying or closing on such a roster pays a wrong
    /// month; `None` when some deal closed in the period or none was outside it.
    pub fn refusal(&self, name: Option<&str>) -> Option<String> {
        (self.in_period == 0 && self.outside > 0).then(|| {
            let period = self.period_text(name);
            format!(
                "{}: none of its {} deal(s) closed in {period}: they closed {}, so everyone's revenue and \
                 deals_closed would be 0. These are not the period's actuals: give the deal list that holds the \
                 deals closed in {period}",
                self.file,
                self.outside,
                self.outside_text()
            )
        })
    }

    /// The deals left out because they closed outside the period, when others closed in it:
    /// worth a look before paying (a deal list cut on the wrong dates pays a deal late, or
    /// never). `None` when no deal was left out, or none closed in the period
    /// ([`DealCount::refusal`]).
    pub fn left_out(&self, name: Option<&str>) -> Option<String> {
        (self.in_period > 0 && self.outside > 0).then(|| {
            format!(
                "{}: {} of its {} deal(s) closed outside {}, {}, and were not counted; check that they belong to \
                 other periods",
                self.file,
                self.outside,
                self.in_period + self.outside,
                self.period_text(name),
                self.outside_text()
            )
        })
    }
}

/// A header's position: exact, else after normalising both (`Close Date` ~ `close_date`).
fn find_column(headers: &[String], wanted: &str, mapping: &Mapping) -> Option<usize> {
    headers.iter().position(|h| h == wanted).or_else(|| {
        let n = normalize_header(wanted);
        headers.iter().position(|h| normalize_header(h) == n || map_header(h, mapping).0 == n)
    })
}

/// Whether a header names a deal's stage or outcome (`Stage`, `Deal Stage`, `Status`, `Won`,
/// `Is Won`, `Forecast Category`): a column whose values decide whether a deal earns anything.
fn is_stage_header(header: &str) -> bool {
    let n = normalize_header(header);
    let words: Vec<&str> = n.split('_').collect();
    words.iter().any(|w| matches!(*w, "stage" | "status" | "won" | "outcome"))
        || (words.contains(&"forecast") && words.contains(&"category"))
}

/// Whether `text` (lowercase) has `word` among its words.
fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|w| w == word)
}

/// The most values a column holds for the deals counted and still be read as stages when none
/// of them reads as lost.
const MOST_STAGES: usize = 12;

/// The values a stage column ([`is_stage_header`]) holds for the deals counted, in first-seen
/// order: each as first written, with its number of deals.
struct StageValues {
    field: usize,
    header: String,
    /// Whether the header names a won flag (`Won`, `Is Won`), whose values are true or false.
    won_flag: bool,
    values: IndexMap<String, (String, u64)>,
}

impl StageValues {
    /// A stage column at `field` with no deal noted yet.
    fn new(field: usize, header: &str) -> Self {
        let won_flag = normalize_header(header).split('_').any(|w| w == "won");
        Self { field, header: header.to_owned(), won_flag, values: IndexMap::new() }
    }

    /// Whether `value` says the deal was lost: a word `lost` (`Closed Lost`, `lost`), or false
    /// in a won flag (`false`, `no`, `0`).
    fn reads_lost(&self, value: &str) -> bool {
        let v = value.trim().to_lowercase();
        has_word(&v, "lost") || (self.won_flag && matches!(v.as_str(), "false" | "no" | "n" | "0" | "f"))
    }

    /// Whether `value` says the deal was won: a word `won` (`Closed Won`, `won`), or true in a
    /// won flag (`true`, `yes`, `1`).
    fn reads_won(&self, value: &str) -> bool {
        let v = value.trim().to_lowercase();
        has_word(&v, "won") || (self.won_flag && matches!(v.as_str(), "true" | "yes" | "y" | "1" | "t"))
    }

    /// Whether some deal noted reads as lost.
    fn any_lost(&self) -> bool {
        self.values.values().any(|(v, _)| self.reads_lost(v))
    }

    fn note(&mut self, cells: &[String]) {
        let written = Table::cell(cells, self.field).trim();
        self.values.entry(written.to_lowercase()).or_insert_with(|| (written.to_string(), 0)).1 += 1;
    }

    fn listed(&self) -> String {
        let list: Vec<String> = self.values.values().map(|(v, n)| format!("{v:?} ({n} deal(s))")).collect();
        list.join(", ")
    }

    /// The filter that keeps the values read as won (`Closed Won`; open deals are not revenue
    /// either), or when none reads so those not read as lost, as the deals mapping writes it.
    fn filter_text(&self) -> String {
        let won = self.values.values().any(|(v, _)| self.reads_won(v));
        let kept: Vec<String> = self
            .values
            .values()
            .filter(|(v, _)| if won { self.reads_won(v) } else { !self.reads_lost(v) })
            .map(|(v, _)| format!("{v:?}"))
            .collect();
        format!("\"filters\": {{{:?}: [{}]}}", self.header, kept.join(", "))
    }

    /// An error when some deals counted read as lost; a warning when the deals counted hold
    /// several stages, none lost (open deals, say); nothing when they all hold one.
    fn check(&self, file: &str) -> Result<Option<String>, String> {
        let lost = self.any_lost();
        // One stage for every deal; numbers that are no won flag (`Days in Stage`); many
        // values none of them lost (`Stage Comment`): nothing to say.
        let numbers = self.values.keys().all(|v| v.parse::<f64>().is_ok());
        if (self.values.len() < 2 && !lost) || (numbers && !self.won_flag) || (self.values.len() > MOST_STAGES && !lost)
        {
            return Ok(None);
        }
        if lost {
            return Err(format!(
                "{file}: the deals mapping counts every deal whatever its {:?}, which holds {}: lost deals would \
                 be paid as revenue. Add {} to the deals mapping (the values of the deals that count)",
                self.header,
                self.listed(),
                self.filter_text()
            ));
        }
        Ok(Some(format!(
            "{file}: every deal was counted whatever its {:?}, which holds {}; if only some of these count as \
             revenue, list them in the deals mapping: {}",
            self.header,
            self.listed(),
            self.filter_text()
        )))
    }
}

#[derive(Default)]
struct OwnerTotal {
    revenue: Decimal,
    deals: u64,
    /// The line of the first deal.
    line: u64,
}

/// Reads the deal list at `path` and sets each person's `revenue` and `deals_closed` (see the
/// module docs).
pub fn apply_deals(
    roster: &mut Roster,
    path: &Path,
    deals: &DealsMapping,
    period: Period,
    options: &ImportOptions,
) -> Result<JoinOutcome, ImportError> {
    let mapping = Mapping::default();
    let index = Index::new(roster, deals.matches).map_err(|e| ImportError::BadOptions {
        reason: format!("--deals-mapping: \"match\": \"{}\": {e}", deals.matches.column()),
    })?;
    let named = deals.named();
    let check = |cells: &[&str]| {
        let headers: Vec<String> = cells.iter().map(|c| (*c).to_string()).collect();
        if named.iter().all(|(_, h)| find_column(&headers, h, &mapping).is_some()) {
            HeaderCheck::Header
        } else {
            HeaderCheck::NotHeader
        }
    };
    let mut table = read_table(path, options, "deal list", &check)?;
    let mut outcome = JoinOutcome { warnings: std::mem::take(&mut table.warnings), skipped: Vec::new(), deals: None };
    let missing: Vec<String> = named
        .iter()
        .filter(|(_, h)| find_column(&table.headers, h, &mapping).is_none())
        .map(|(what, h)| format!("{h} (the {what} column)"))
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::BadOptions {
            reason: format!(
                "{}: the deals mapping names column(s) the file does not have: {}; its headers are {}",
                table.name,
                missing.join(", "),
                super::xlsx::quoted(&table.headers)
            ),
        });
    }
    let column = |h: &str| find_column(&table.headers, h, &mapping).unwrap_or(0);
    let (owner_field, amount_field, date_field) = (column(&deals.owner), column(&deals.amount), column(&deals.date));
    let filters: Vec<(usize, Vec<String>)> = deals
        .filters
        .iter()
        .map(|(h, allowed)| (column(h), allowed.iter().map(|v| v.trim().to_lowercase()).collect()))
        .collect();
    let date_format = deals.date_format.as_deref().or(options.date_format.as_deref());
    // A stage column the mapping does not filter on: its values are checked for lost deals.
    let used: Vec<usize> =
        [owner_field, amount_field, date_field].into_iter().chain(filters.iter().map(|(f, _)| *f)).collect();
    let mut stages: Vec<StageValues> = table
        .headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !used.contains(i) && is_stage_header(h))
        .map(|(field, h)| StageValues::new(field, h))
        .collect();

    let mut totals: HashMap<usize, OwnerTotal> = HashMap::default();
    let mut issues: Vec<RowIssue> = Vec::new();
    let mut unmatched: IndexMap<String, OwnerTotal> = IndexMap::new();
    let (mut filtered, mut outside) = (0usize, 0usize);
    let mut in_period = 0u64;
    let mut outside_dates: Option<(NaiveDate, NaiveDate)> = None;
    let rows = std::mem::take(&mut table.rows);
    for (line, cells) in &rows {
        let line = *line;
        let owner = Table::cell(cells, owner_field).trim();
        if filters.iter().any(|(field, allowed)| !allowed.contains(&Table::cell(cells, *field).trim().to_lowercase())) {
            if !table.trailer(line, cells) {
                filtered += 1;
            }
            continue;
        }
        if owner.is_empty() {
            if !table.trailer(line, cells) {
                issues.push(table.issue(line, owner_field, owner, "the deal has no owner".to_string()));
            }
            continue;
        }
        let mut row_issues = Vec::new();
        for field in [owner_field, amount_field, date_field] {
            row_issues.extend(table.error_cell(line, field, cells));
        }
        if !row_issues.is_empty() {
            issues.append(&mut row_issues);
            continue;
        }
        let date_cell = Table::cell(cells, date_field);
        let date = match parse_date(date_cell, date_format) {
            Ok(d) => d,
            Err(e) => {
                if table.trailer(line, cells) {
                    continue;
                }
                issues.push(table.issue(line, date_field, date_cell, e.to_string()));
                continue;
            }
        };
        if date < period.start || date > period.end {
            outside += 1;
            outside_dates = Some(outside_dates.map_or((date, date), |(a, b)| (a.min(date), b.max(date))));
            continue;
        }
        in_period += 1;
        let amount_cell = Table::cell(cells, amount_field);
        if let Some(reason) = table.ambiguous_money(amount_cell) {
            issues.push(table.issue(line, amount_field, amount_cell, reason));
            continue;
        }
        let amount = match parse_amount(amount_cell, table.mark) {
            Ok(a) if a.percent => {
                issues.push(
                    table.issue(
                        line,
                        amount_field,
                        amount_cell,
                        "a percentage is not an amount of money; write the amount itself (e.g. 12000), without %"
                            .to_string(),
                    ),
                );
                continue;
            }
            Ok(a) => a,
            Err(NumberError::Empty) => values::Amount { value: Decimal::ZERO, currency: None, percent: false },
            Err(e) => {
                issues.push(table.issue(line, amount_field, amount_cell, e.to_string()));
                continue;
            }
        };
        match index.find(owner) {
            Found::One(i) => {
                if let (Some(mark), Some(e)) = (amount.currency, roster.employees.get_mut(i))
                    && let Err(reason) = apply_currency(e, mark, REVENUE)
                {
                    issues.push(table.issue(line, amount_field, amount_cell, reason.to_string()));
                    continue;
                }
                let total = totals.entry(i).or_insert(OwnerTotal { line, ..OwnerTotal::default() });
                total.revenue += amount.value;
                total.deals += 1;
                for stage in &mut stages {
                    stage.note(cells);
                }
            }
            Found::None => {
                if table.trailer(line, cells) {
                    continue;
                }
                let total = unmatched.entry(owner.to_string()).or_default();
                total.revenue += amount.value;
                total.deals += 1;
            }
            Found::Several(people) => {
                let ids: Vec<String> =
                    people.iter().filter_map(|i| roster.employees.get(*i)).map(|e| e.id.to_string()).collect();
                issues.push(table.issue(
                    line,
                    owner_field,
                    owner,
                    format!(
                        "the owner matches several people ({}); use a column that tells them apart (\"match\": \
                         \"employee_id\" or \"email\")",
                        ids.join(", ")
                    ),
                ));
            }
        }
    }
    for stage in &stages {
        match stage.check(&table.name) {
            Ok(warning) => outcome.warnings.extend(warning),
            Err(reason) => return Err(ImportError::BadOptions { reason }),
        }
    }
    let slot = |roster: &mut Roster, name: &str| match roster.metric_index(name) {
        Some(i) => i,
        None => {
            roster.metrics.push(name.to_string());
            for e in &mut roster.employees {
                e.metrics.push(None);
            }
            roster.metrics.len() - 1
        }
    };
    let revenue = slot(roster, REVENUE);
    let count = slot(roster, DEALS_CLOSED);
    for (i, e) in roster.employees.iter_mut().enumerate() {
        match totals.get(&i) {
            Some(total) => {
                let defined: Vec<&str> = [(revenue, REVENUE), (count, DEALS_CLOSED)]
                    .iter()
                    .filter(|(s, _)| e.metric(*s).is_some())
                    .map(|(_, n)| *n)
                    .collect();
                if !defined.is_empty() {
                    issues.push(RowIssue {
                        file: table.name.clone(),
                        line: total.line,
                        column: table.column(owner_field, total.line),
                        value: e.id.to_string(),
                        reason: format!(
                            "{} ({}) has deals in this file and {} already (from the roster or a metrics file): \
                             defined twice; remove the column from the other file",
                            e.id,
                            e.name,
                            defined.join(" and ")
                        ),
                    });
                    continue;
                }
                if let Some(m) = e.metrics.get_mut(revenue) {
                    *m = Some(total.revenue);
                }
                if let Some(m) = e.metrics.get_mut(count) {
                    *m = Some(Decimal::from(total.deals));
                }
            }
            None => {
                for s in [revenue, count] {
                    if let Some(m @ None) = e.metrics.get_mut(s) {
                        *m = Some(Decimal::ZERO);
                    }
                }
            }
        }
    }
    if !unmatched.is_empty() {
        let list: Vec<String> = unmatched
            .iter()
            .map(|(o, t)| format!("{o:?} ({} deal(s), {} in all)", t.deals, crate::money::number(t.revenue)))
            .collect();
        outcome.warnings.push(format!(
            "{}: {} owner(s) match no one in the roster by {}; their deals were not counted: {}",
            table.name,
            unmatched.len(),
            deals.matches.column(),
            listed(&list)
        ));
    }
    let counted: u64 = totals.values().map(|t| t.deals).sum();
    let mut summary = format!("{}: {counted} deal(s) counted for {} people", table.name, totals.len());
    if outside > 0 {
        summary
            .push_str(&format!("; {outside} closed outside the period {}..{} were left out", period.start, period.end));
    }
    if filtered > 0 {
        summary.push_str(&format!("; {filtered} left out by the filters"));
    }
    outcome.warnings.push(summary);
    outcome.deals = Some(DealCount {
        file: table.name.clone(),
        period,
        in_period,
        outside: u64::try_from(outside).unwrap_or(u64::MAX),
        outside_dates,
    });
    outcome.warnings.extend(table.skipped_warnings());
    if !roster.joined.contains(&table.name) {
        roster.joined.push(table.name.clone());
    }
    if !issues.is_empty() {
        if !options.skip_bad_rows {
            return Err(ImportError::BadRows { issues });
        }
        outcome.skipped = issues;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deals_mapping_errors_name_the_key_and_what_a_mapping_has() {
        let message = |json: &[u8]| DealsMapping::parse(json).unwrap_err().to_string();
        assert_eq!(
            message(br#"{"owner": "O", "amount": "A", "date": 3}"#),
            "invalid type: integer `3`, expected a string at line 1 column 39 (at `date`); a deals mapping has \
             \"owner\", \"match\" (employee_id, email or name), \"amount\", \"date\", and may have \"filters\" and \
             \"date_format\""
        );
        assert_eq!(
            message(br#"{"owner": "O", "amount": "A", "date": "D", "date_format": "%Q"}"#),
            "date_format: `%Q` is not a valid date format; use strftime fields such as %d/%m/%Y or %m/%d/%Y"
        );
    }

    /// Applies the deal list `header` and `rows`, read with the deals mapping of the columns
    /// `Owner` (by name), `Amount` and `Close Date` and the `filters` (JSON object text), for
    /// `period` to two people, Ann Lee and Bo Ek: the outcome, and the deal list's name as the
    /// messages give it.
    fn apply(header: &str, rows: &str, filters: &str, period: Period) -> (Result<JoinOutcome, ImportError>, String) {
        let dir = tempfile::tempdir().unwrap();
        let roster_path = dir.path().join("people.csv");
        std::fs::write(&roster_path, "employee_id,name,role\n1,Ann Lee,sales\n2,Bo Ek,sales\n").unwrap();
        let options = ImportOptions::default();
        let mut report = crate::roster::import_files(&[roster_path], &options).unwrap();
        let deals = dir.path().join("deals.csv");
        std::fs::write(&deals, format!("{header}\n{rows}")).unwrap();
        let json = format!(
            r#"{{"owner": "Owner", "match": "name", "amount": "Amount", "date": "Close Date", "filters": {filters}}}"#
        );
        let mapping = DealsMapping::parse(json.as_bytes()).unwrap();
        (apply_deals(&mut report.roster, &deals, &mapping, period, &options), deals.display().to_string())
    }

    fn count_of(rows: &str, period: Period) -> DealCount {
        let (outcome, name) = apply("Owner,Close Date,Amount", rows, "{}", period);
        let count = outcome.unwrap().deals.unwrap();
        // Named as given (a temporary folder here): the messages below show the file's name.
        assert_eq!(count.file, name);
        DealCount { file: "deals.csv".to_owned(), ..count }
    }

    #[test]
    fn a_deal_list_of_another_period_is_refused_and_deals_left_out_are_named() {
        let day = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        let september = Period { start: day("2026-09-01"), end: day("2026-09-30") };
        // Every deal closed in August: nothing counts in September.
        let august = count_of("Ann Lee,2026-08-14,100\nBo Ek,2026-08-20,50\nAnn Lee,2026-08-03,10\n", september);
        assert_eq!((august.in_period, august.outside), (0, 3));
        assert_eq!(
            august.refusal(Some("2026-09")).unwrap(),
            "deals.csv: none of its 3 deal(s) closed in pay period 2026-09 (2026-09-01 to 2026-09-30): they closed \
             from 2026-08-03 to 2026-08-20, so everyone's revenue and deals_closed would be 0. These are not the \
             period's actuals: give the deal list that holds the deals closed in pay period 2026-09 (2026-09-01 to \
             2026-09-30)"
        );
        assert_eq!(august.left_out(Some("2026-09")), None, "refused, not a note");
        // Some in, one out: counted, with a note naming the deal left out.
        let mixed = count_of("Ann Lee,2026-09-14,100\nBo Ek,2026-10-01,50\n", september);
        assert_eq!(mixed.refusal(None), None);
        assert_eq!(
            mixed.left_out(None).unwrap(),
            "deals.csv: 1 of its 2 deal(s) closed outside the plan period (2026-09-01 to 2026-09-30), on 2026-10-01, \
             and were not counted; check that they belong to other periods"
        );
        // A deal in the period whose owner matches no one still closed in the period: not refused
        // for its dates (the unmatched owner has a warning of its own).
        let unmatched = count_of("Zed Unknown,2026-09-14,100\nBo Ek,2026-08-01,50\n", september);
        assert_eq!(unmatched.refusal(Some("2026-09")), None);
        // All in the period: nothing to say.
        let clean = count_of("Ann Lee,2026-09-14,100\n", september);
        assert_eq!((clean.refusal(None), clean.left_out(None)), (None, None));
    }

    /// Applies `rows` under the header `Owner,Close Date,Amount,<extra>` with the `filters`
    /// (JSON object text) for 2026: the warnings, or the refusal's text.
    fn with_stage(extra: &str, rows: &str, filters: &str) -> Result<Vec<String>, String> {
        let year = Period {
            start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        };
        let (outcome, name) = apply(&format!("Owner,Close Date,Amount,{extra}"), rows, filters, year);
        let strip = |t: String| t.replace(&name, "deals.csv");
        match outcome {
            Ok(outcome) => Ok(outcome.warnings.into_iter().map(strip).collect()),
            Err(ImportError::BadOptions { reason }) => Err(strip(reason)),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn lost_deals_in_a_stage_column_the_mapping_does_not_filter_are_refused_with_the_filter_to_add() {
        let rows =
            "Ann Lee,2026-03-01,100,Closed Won\nBo Ek,2026-03-02,50,Closed Lost\nAnn Lee,2026-03-03,10,Closed Won\n";
        assert_eq!(
            with_stage("Stage", rows, "{}").unwrap_err(),
            "deals.csv: the deals mapping counts every deal whatever its \"Stage\", which holds \"Closed Won\" (2 \
             deal(s)), \"Closed Lost\" (1 deal(s)): lost deals would be paid as revenue. Add \"filters\": \
             {\"Stage\": [\"Closed Won\"]} to the deals mapping (the values of the deals that count)"
        );
        // Filtered on the stage: counted as the filter says, nothing to say about stages.
        let kept = with_stage("Stage", rows, r#"{"Stage": ["closed won"]}"#).unwrap();
        assert!(kept.iter().all(|w| !w.contains("Stage")), "{kept:?}");
        assert!(kept.iter().any(|w| w.contains("2 deal(s) counted") && w.contains("1 left out by the filters")));
        // A won flag written false is a lost deal too (`Is Won`, as some CRMs export it).
        let flag = with_stage("Is Won", "Ann Lee,2026-03-01,100,true\nBo Ek,2026-03-02,50,false\n", "{}");
        assert!(flag.unwrap_err().contains(r#"Add "filters": {"Is Won": ["true"]}"#));
        // Won, lost and open (as Pipedrive's Status writes them): the filter keeps the won ones.
        let status = with_stage(
            "Status",
            "Ann Lee,2026-03-01,100,won\nBo Ek,2026-03-02,50,lost\nBo Ek,2026-03-03,70,open\n",
            "{}",
        );
        assert!(status.unwrap_err().contains(r#"Add "filters": {"Status": ["won"]}"#));
        // Several stages, none lost (open deals): counted, with a warning naming the filter.
        let open =
            with_stage("Deal Stage", "Ann Lee,2026-03-01,100,Closed won\nBo Ek,2026-03-02,50,Contract sent\n", "{}");
        let open = open.unwrap();
        assert!(
            open.iter().any(|w| w
                == "deals.csv: every deal was counted whatever its \"Deal Stage\", which holds \"Closed won\" (1 \
                    deal(s)), \"Contract sent\" (1 deal(s)); if only some of these count as revenue, list them in \
                    the deals mapping: \"filters\": {\"Deal Stage\": [\"Closed won\"]}"),
            "{open:?}"
        );
        // One stage for every deal counted, or a column that is no stage: nothing to say.
        let one = with_stage("Stage", "Ann Lee,2026-03-01,100,Closed Won\nBo Ek,2026-03-02,50,closed won\n", "{}");
        assert!(one.unwrap().iter().all(|w| !w.contains("whatever")));
        let other = with_stage("Account", "Ann Lee,2026-03-01,100,Acme\nBo Ek,2026-03-02,50,Lost Corp\n", "{}");
        assert!(other.unwrap().iter().all(|w| !w.contains("whatever")));
        let days = with_stage("Days in Stage", "Ann Lee,2026-03-01,100,12\nBo Ek,2026-03-02,50,30\n", "{}");
        assert!(days.unwrap().iter().all(|w| !w.contains("whatever")));
        let many: String = (0..20).map(|i| format!("Ann Lee,2026-03-01,1,stage {i}\n")).collect();
        assert!(with_stage("Stage Name", &many, "{}").unwrap().iter().all(|w| !w.contains("whatever")));
        // A lost deal of someone else's period or an unmatched owner is not counted: no refusal.
        let outside = with_stage("Stage", "Ann Lee,2026-03-01,100,Closed Won\nBo Ek,2025-12-02,50,Closed Lost\n", "{}");
        assert!(outside.is_ok(), "{outside:?}");
    }
}
