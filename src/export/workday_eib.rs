//! Workday "Submit Payroll Input" EIB: payroll inputs (one per worker and earning) for the pay
//! period they go into, with Workday reference ids rather than display text.
//!
//! Columns: `Spreadsheet Key, Row ID, Batch ID, Start Date, End Date, Worker, Position, Earning,
//! Amount, Currency, Coverage Start Date, Coverage End Date, Cost Center`. The spreadsheet key
//! numbers the workers (1, 2, …); the row id numbers each worker's rows (1, 2, … per worker).
//! Dates are `YYYY-MM-DD`: Start/End Date are the pay period the inputs go into
//! (`--pay-period-start` / `--pay-period-end`), Coverage Start/End Date the plan period the
//! incentive was earned in. `Worker` is an `Employee_ID` reference (the roster's `employee_id`,
//! or `worker_id` from the `--workday-ids` file); `Earning` an `Earning_Code` reference (the
//! line's earning code); `Position` a `Position_ID` and `Cost Center` a
//! `Cost_Center_Reference_ID`, from the `--workday-ids` file, or empty for Workday's default
//! (the worker's primary position and costing) when the file has no such column.
//!
//! Each person's lines are combined by earning (sum per code); a zero sum has no row. A negative
//! sum is written with `-` (a payroll input reduces that earning in the pay run). Where the file
//! gives a column, every paid person needs a value in it: a missing person or an empty cell is
//! refused, naming the person or the file's line and column, never written as a blank.

use std::collections::HashMap;
use std::path::Path;

use super::{ExportError, ExportRequest, PayrollLine, Rendered, Template, csv_bytes, per_person, safe_text};
use crate::money;

/// The header row.
pub const HEADER: [&str; 13] = [
    "Spreadsheet Key",
    "Row ID",
    "Batch ID",
    "Start Date",
    "End Date",
    "Worker",
    "Position",
    "Earning",
    "Amount",
    "Currency",
    "Coverage Start Date",
    "Coverage End Date",
    "Cost Center",
];

/// Whether `s` can be a Workday reference id as this template writes it (earning codes, ids):
/// 1–50 ASCII letters, digits, `_`, `-` or `.`, starting with a letter or digit, so no display
/// text ("Commission (US)") slips in and no cell needs formula neutralising.
pub fn is_reference_id(s: &str) -> bool {
    (1..=50).contains(&s.len())
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// The optional columns of a `--workday-ids` file, with what each gives.
pub const ID_COLUMNS: [(&str, &str); 3] = [
    ("worker_id", "the Workday Employee_ID"),
    ("position_id", "the Workday Position_ID"),
    ("cost_center_id", "the Workday Cost_Center_Reference_ID"),
];

/// One person's Workday reference ids from a `--workday-ids` file (`None`: the file has no
/// such column).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkdayRefs {
    /// `Employee_ID` (else the roster's `employee_id`).
    pub worker: Option<String>,
    /// `Position_ID`.
    pub position: Option<String>,
    /// `Cost_Center_Reference_ID`.
    pub cost_center: Option<String>,
}

/// The Workday reference ids of each roster id, read from a `--workday-ids` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkdayIds {
    /// Roster `employee_id` → its reference ids.
    pub ids: HashMap<String, WorkdayRefs>,
}

/// Reads a `--workday-ids` file. `Err` lists every problem, each naming the file and, where
/// there is one, the line and column.
pub fn read_ids(path: &Path) -> Result<WorkdayIds, Vec<String>> {
    let file = path.display();
    let bytes = std::fs::read(path).map_err(|e| vec![format!("{file} (--workday-ids): cannot be read: {e}")])?;
    parse_ids(&bytes, &file.to_string())
}

/// [`read_ids`] on the file's bytes; `file` names it in messages. The file is a CSV with the
/// column `employee_id` (the roster's id) and at least one of [`ID_COLUMNS`] (any order and case;
/// other columns ignored). Refused: a missing column, an empty cell in a column the file has, a
/// value that is not a reference id, a roster id listed twice, one Employee_ID given to two
/// roster ids.
pub fn parse_ids(bytes: &[u8], file: &str) -> Result<WorkdayIds, Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(|e| vec![format!("{file}: not a CSV file: {e}")])?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let id_columns: Vec<String> = ID_COLUMNS.iter().map(|(c, _)| (*c).to_owned()).collect();
    let Some(roster_col) = column("employee_id") else {
        return Err(vec![format!(
            "{file}: line 1: no column employee_id; the file needs employee_id (the roster's id) and any of {}",
            id_columns.join(", ")
        )]);
    };
    let given: Vec<(usize, usize)> =
        ID_COLUMNS.iter().enumerate().filter_map(|(i, (name, _))| column(name).map(|c| (i, c))).collect();
    if given.is_empty() {
        return Err(vec![format!(
            "{file}: line 1: no column {}; give at least one of them beside employee_id",
            id_columns.join(", ")
        )]);
    }
    let mut problems = Vec::new();
    let mut ids: HashMap<String, WorkdayRefs> = HashMap::new();
    let mut line_of: HashMap<String, u64> = HashMap::new();
    let mut worker_line: HashMap<String, (u64, String)> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{file}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let roster_id = record.get(roster_col).unwrap_or_default().trim();
        if roster_id.is_empty() {
            problems.push(format!("{file}: line {line}, column employee_id: empty; give the roster's employee id"));
            continue;
        }
        let mut refs = WorkdayRefs::default();
        let mut ok = true;
        for (i, col) in &given {
            let (name, what) = ID_COLUMNS.get(*i).copied().unwrap_or_default();
            let value = record.get(*col).unwrap_or_default().trim();
            if value.is_empty() {
                problems.push(format!(
                    "{file}: line {line}, column {name}: empty for {roster_id}; give {what} (the column is in the file, \
                     so everyone paid needs one)"
                ));
                ok = false;
                continue;
            }
            if !is_reference_id(value) {
                problems.push(format!(
                    "{file}: line {line}, column {name}: `{value}` is not a Workday reference id for {roster_id} (1–50 \
                     letters, digits, _ - or .; not the display name)"
                ));
                ok = false;
                continue;
            }
            let slot = match *i {
                0 => &mut refs.worker,
                1 => &mut refs.position,
                _ => &mut refs.cost_center,
            };
            *slot = Some(value.to_owned());
        }
        if let Some(first) = line_of.get(roster_id) {
            problems.push(format!(
                "{file}: line {line}, column employee_id: {roster_id} is listed twice (also on line {first})"
            ));
            continue;
        }
        line_of.insert(roster_id.to_owned(), line);
        if let Some(worker) = &refs.worker {
            if let Some((first, other)) = worker_line.get(worker) {
                problems.push(format!(
                    "{file}: line {line}, column worker_id: {worker} is given to {roster_id} and to {other} (line \
                     {first}); each person has their own Employee_ID"
                ));
                continue;
            }
            worker_line.insert(worker.clone(), (line, roster_id.to_owned()));
        }
        if ok {
            ids.insert(roster_id.to_owned(), refs);
        }
    }
    if problems.is_empty() { Ok(WorkdayIds { ids }) } else { Err(problems) }
}

/// Renders the payroll input rows; refuses ids Workday cannot resolve.
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Result<Rendered, ExportError> {
    let template = Template::WorkdayEib;
    let fail = |problems: Vec<String>| ExportError::Data { template: template.name().to_owned(), problems };
    let dp = req.amount_decimals();
    let s = req.settings;
    let id_file = s.workday_ids.trim();
    let mapped = if id_file.is_empty() { None } else { Some(read_ids(Path::new(id_file)).map_err(fail)?) };
    // `check` refuses an export without these before rendering; render nothing rather than a
    // blank date if that is ever bypassed.
    let (Some(start), Some(end)) = (s.pay_period_start, s.pay_period_end) else {
        return Err(fail(vec!["the pay period (--pay-period-start, --pay-period-end) is missing".to_owned()]));
    };
    let (start, end) = (start.to_string(), end.to_string());
    let (cover_start, cover_end) = (req.report.period.start.to_string(), req.report.period.end.to_string());
    let batch = safe_text(s.batch_id.trim()).into_owned();
    let currency = req.report.currency.clone();
    let mut problems = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut key = 0;
    for p in per_person(lines) {
        let paid: Vec<_> = p.codes.iter().filter(|(_, a)| !a.is_zero()).collect();
        if paid.is_empty() {
            continue;
        }
        let refs = match &mapped {
            Some(map) => match map.ids.get(p.employee_id) {
                Some(r) => r.clone(),
                None => {
                    problems.push(format!(
                        "{} ({}): not in the Workday id file {id_file} (--workday-ids); add a row for {} with its ids",
                        p.employee_id, p.name, p.employee_id
                    ));
                    continue;
                }
            },
            None => WorkdayRefs::default(),
        };
        let worker = refs.worker.clone().unwrap_or_else(|| p.employee_id.to_owned());
        if !is_reference_id(&worker) {
            problems.push(format!(
                "{} ({}): employee id `{worker}` is not a Workday Employee_ID (1–50 letters, digits, _ - or .); put \
                 Workday's ids in the roster's employee_id or map them with --workday-ids FILE (column worker_id)",
                p.employee_id, p.name
            ));
            continue;
        }
        key += 1;
        for (row, (code, amount)) in paid.into_iter().enumerate() {
            rows.push(vec![
                key.to_string(),
                (row + 1).to_string(),
                batch.clone(),
                start.clone(),
                end.clone(),
                safe_text(&worker).into_owned(),
                refs.position.as_deref().map(|v| safe_text(v).into_owned()).unwrap_or_default(),
                safe_text(code).into_owned(),
                money::fixed(*amount, dp),
                currency.clone(),
                cover_start.clone(),
                cover_end.clone(),
                refs.cost_center.as_deref().map(|v| safe_text(v).into_owned()).unwrap_or_default(),
            ]);
        }
    }
    if !problems.is_empty() {
        return Err(fail(problems));
    }
    let count = rows.len();
    let header = HEADER.map(str::to_owned).to_vec();
    Ok(Rendered { bytes: csv_bytes(template, std::iter::once(header).chain(rows))?, rows: count, people: key })
}
