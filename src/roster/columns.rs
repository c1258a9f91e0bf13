//! From header row to column layout: mapping, normalisation, duplicates, required columns.

use super::CANONICAL_COLUMNS;
use super::import::HeaderMapping;
use super::values::{is_snake_case, normalize_header};

/// What a column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    Id,
    Name,
    Role,
    Team,
    Manager,
    Currency,
    BaseSalary,
    TargetIncentive,
    Quota,
    StartDate,
    EndDate,
    FirstName,
    LastName,
    Email,
    /// A metric column; the index into the file's metric list.
    Metric(usize),
    /// A header with no letters or digits: not imported.
    Unnamed,
}

impl Kind {
    fn canonical(name: &str) -> Option<Kind> {
        Some(match name {
            "employee_id" => Kind::Id,
            "name" => Kind::Name,
            "role" => Kind::Role,
            "team" => Kind::Team,
            "manager" => Kind::Manager,
            "currency" => Kind::Currency,
            "base_salary" => Kind::BaseSalary,
            "target_incentive" => Kind::TargetIncentive,
            "quota" => Kind::Quota,
            "start_date" => Kind::StartDate,
            "end_date" => Kind::EndDate,
            "first_name" => Kind::FirstName,
            "last_name" => Kind::LastName,
            "email" => Kind::Email,
            _ => return None,
        })
    }
}

/// Headers HRIS, payroll and CRM exports write for Carrot's columns (normalised), by column.
/// Only ever *suggested* (the import step pre-selects them, the command line names them in its
/// message): a header is read as Carrot's column only when it is named so or mapped.
const LOOK_ALIKES: &[(&str, &[&str])] = &[
    (
        "employee_id",
        &[
            "worker_id",
            "employee_number",
            "employee_no",
            "employee_num",
            "emp_id",
            "emp_no",
            "staff_id",
            "staff_number",
            "person_id",
            "personnel_number",
            "associate_id",
            "user_id",
            "rep_id",
            "id",
        ],
    ),
    (
        "name",
        &["worker", "employee", "employee_name", "worker_name", "full_name", "legal_name", "display_name", "rep_name"],
    ),
    ("role", &["job_profile", "job_title", "job_function", "job_role", "job", "position", "title", "plan_role"]),
    (
        "team",
        &["department", "dept", "team_name", "supervisory_organization", "business_unit", "org_unit", "territory"],
    ),
    ("manager", &["manager_name", "supervisor", "supervisor_name", "reports_to", "line_manager"]),
    ("currency", &["pay_currency", "currency_code", "compensation_currency", "comp_currency"]),
    ("base_salary", &["annual_base", "annual_base_pay", "base_pay", "base", "salary", "annual_salary", "base_annual"]),
    (
        "target_incentive",
        &[
            "target_bonus",
            "target_commission",
            "target_variable",
            "variable_target",
            "incentive_target",
            "target_incentive_period",
            "target_variable_pay",
            "on_target_variable",
        ],
    ),
    ("quota", &["quota_period", "sales_quota", "annual_quota", "quota_amount", "period_quota"]),
    (
        "start_date",
        &[
            "hire_date",
            "original_hire_date",
            "date_of_hire",
            "start",
            "joining_date",
            "date_joined",
            "join_date",
            "employment_start_date",
        ],
    ),
    (
        "end_date",
        &[
            "termination_date",
            "term_date",
            "leave_date",
            "leaving_date",
            "separation_date",
            "last_day",
            "last_day_of_work",
            "end",
            "exit_date",
        ],
    ),
    ("first_name", &["legal_first_name", "given_name", "first", "preferred_first_name"]),
    ("last_name", &["legal_last_name", "family_name", "surname", "last"]),
    ("email", &["work_email", "email_address", "business_email", "e_mail", "primary_work_email", "work_email_address"]),
];

/// For each header (as written), Carrot's column it looks like when the file has no column of
/// that name: `Termination Date` → `end_date` when nothing is `end_date`. Each column is
/// suggested once, for the first header that looks like it; `taken` says which of Carrot's
/// columns the file has already (by name or mapping).
pub fn look_alikes(headers: &[&str], taken: impl Fn(&str) -> bool) -> Vec<Option<&'static str>> {
    let mut suggested: Vec<&'static str> = Vec::new();
    headers
        .iter()
        .map(|header| {
            let normalized = normalize_header(header);
            let (column, _) = LOOK_ALIKES.iter().find(|(_, alikes)| alikes.contains(&normalized.as_str()))?;
            // `name` is there when the file has first and last names.
            let has = taken(column) || (*column == "name" && (taken("first_name") || taken("last_name")));
            if has || suggested.contains(column) {
                return None;
            }
            suggested.push(column);
            Some(*column)
        })
        .collect()
}

/// The headers of `columns` read as metrics that look like one of Carrot's columns the file
/// does not have: (header as written, metric name, Carrot's column).
fn metric_look_alikes(columns: &[Column]) -> Vec<(String, String, &'static str)> {
    let headers: Vec<&str> = columns.iter().map(|c| c.header.as_str()).collect();
    let taken = |name: &str| columns.iter().any(|c| c.name == name);
    look_alikes(&headers, taken)
        .into_iter()
        .zip(columns)
        .filter_map(|(alike, c)| Some((c.header.clone(), c.name.clone(), alike?)))
        // A metric named by a mapping was named on purpose.
        .filter(|(header, name, _)| Kind::canonical(name).is_none() && *name == normalize_header(header))
        .collect()
}

/// `{"Worker ID": "employee_id", "Worker": "name"}`: a column mapping (`--mapping`) for pairs.
pub(super) fn mapping_json(pairs: &[(String, String)]) -> String {
    let entries: Vec<String> = pairs
        .iter()
        .map(|(from, to)| {
            format!("{}: {}", serde_json::Value::from(from.as_str()), serde_json::Value::from(to.as_str()))
        })
        .collect();
    format!("{{{}}}", entries.join(", "))
}

/// Warnings for the columns read as metrics that look like Carrot's columns the file lacks: a
/// `Termination Date` read as the metric `termination_date` leaves everyone's end date unread.
/// Returns each warning with the metric name it is about.
pub(super) fn look_alike_warnings(file: &str, columns: &[Column]) -> Vec<(String, String)> {
    metric_look_alikes(columns)
        .into_iter()
        .map(|(header, name, column)| {
            let warning = format!(
                "{file}: column {header:?} looks like Carrot's `{column}`, which the file does not have, so nobody's \
                 {what} is read from it; if it is, map it: --mapping {} (or choose `{column}` for it in the import \
                 step)",
                mapping_json(&[(header.clone(), column.to_owned())]),
                what = column.replace('_', " "),
            );
            (name, warning)
        })
        .collect()
}

/// One column of a file.
#[derive(Clone, Debug)]
pub(super) struct Column {
    /// The header as written.
    pub header: String,
    /// The canonical or metric name (empty for [`Kind::Unnamed`]).
    pub name: String,
    pub kind: Kind,
}

impl Column {
    /// The name used in messages: the canonical name, else the header as written.
    pub fn label(&self, index: usize) -> String {
        if self.name.is_empty() {
            if self.header.trim().is_empty() { format!("column {}", index + 1) } else { self.header.clone() }
        } else {
            self.name.clone()
        }
    }
}

/// Why a column mapping is refused ([`Mapping::new`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub(super) enum MappingError {
    /// A target that is neither a roster column nor a snake_case metric name; `suggestion` is
    /// the target normalised, when that is snake_case.
    #[error(
        "column mapping `{from}` → `{to}`: the target must be a roster column ({}) or a metric name in snake_case \
         (lowercase letters, digits and _){}",
        CANONICAL_COLUMNS.join(", "),
        suggestion.as_ref().map(|s| format!("; did you mean `{s}`?")).unwrap_or_default()
    )]
    BadTarget { from: String, to: String, suggestion: Option<String> },
}

/// A mapping checked and prepared for lookups.
#[derive(Debug, Default)]
pub(super) struct Mapping {
    /// (their header, their header normalised, target)
    entries: Vec<(String, String, String)>,
}

impl Mapping {
    /// Checks every target: a canonical column or a snake_case metric name.
    pub fn new(mapping: &HeaderMapping) -> Result<Mapping, MappingError> {
        let mut entries = Vec::with_capacity(mapping.0.len());
        for (from, to) in &mapping.0 {
            if !(CANONICAL_COLUMNS.contains(&to.as_str()) || is_snake_case(to)) {
                let suggestion = Some(normalize_header(to)).filter(|s| is_snake_case(s));
                return Err(MappingError::BadTarget { from: from.clone(), to: to.clone(), suggestion });
            }
            entries.push((from.clone(), normalize_header(from), to.clone()));
        }
        Ok(Mapping { entries })
    }

    /// The target for a header: an exact match first, else a match after normalising both.
    pub fn target(&self, header: &str, normalized: &str) -> Option<(usize, &str)> {
        self.entries
            .iter()
            .position(|(from, _, _)| from == header)
            .or_else(|| {
                (!normalized.is_empty()).then(|| self.entries.iter().position(|(_, n, _)| n == normalized)).flatten()
            })
            .and_then(|i| self.entries.get(i).map(|(_, _, to)| (i, to.as_str())))
    }

    /// Their header names, in the mapping's order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(from, _, _)| from.as_str())
    }

    /// How many entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The name a header maps to (mapping, else normalisation), and which mapping entry was used.
pub(super) fn map_header(header: &str, mapping: &Mapping) -> (String, Option<usize>) {
    let normalized = normalize_header(header);
    match mapping.target(header, &normalized) {
        Some((entry, to)) => (to.to_string(), Some(entry)),
        None => (normalized, None),
    }
}

/// The columns of a file.
#[derive(Debug)]
pub(super) struct Layout {
    pub columns: Vec<Column>,
    /// The metric names, in header order.
    pub metrics: Vec<String>,
    /// Which mapping entries matched a header.
    pub used_mapping: Vec<bool>,
}

/// Why a header row cannot be used.
#[derive(Debug)]
pub(super) enum HeaderProblem {
    Duplicate {
        column: String,
        first: String,
        second: String,
    },
    /// `likely`: (header as written, Carrot's column) for the headers that look like a column
    /// the file lacks (see [`look_alikes`]).
    Missing {
        missing: Vec<String>,
        found: Vec<String>,
        likely: Vec<(String, String)>,
    },
}

/// Resolves a header row into columns.
pub(super) fn resolve(headers: &[&str], mapping: &Mapping) -> Result<Layout, HeaderProblem> {
    let mut columns: Vec<Column> = Vec::with_capacity(headers.len());
    let mut metrics = Vec::new();
    let mut used_mapping = vec![false; mapping.len()];
    for header in headers {
        let (name, entry) = map_header(header, mapping);
        if let Some(slot) = entry.and_then(|i| used_mapping.get_mut(i)) {
            *slot = true;
        }
        if !name.is_empty()
            && let Some(first) = columns.iter().find(|c| c.name == name)
        {
            return Err(HeaderProblem::Duplicate {
                column: name,
                first: first.header.clone(),
                second: (*header).to_string(),
            });
        }
        let kind = if name.is_empty() {
            Kind::Unnamed
        } else if let Some(kind) = Kind::canonical(&name) {
            kind
        } else {
            metrics.push(name.clone());
            Kind::Metric(metrics.len() - 1)
        };
        columns.push(Column { header: (*header).to_string(), name, kind });
    }
    let missing: Vec<String> =
        super::missing_required(|req| columns.iter().any(|c| c.name == req)).into_iter().map(str::to_string).collect();
    if !missing.is_empty() {
        let likely =
            metric_look_alikes(&columns).into_iter().map(|(header, _, column)| (header, column.to_owned())).collect();
        return Err(HeaderProblem::Missing {
            missing,
            found: columns.iter().enumerate().map(|(i, c)| c.label(i)).collect(),
            likely,
        });
    }
    Ok(Layout { columns, metrics, used_mapping })
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    fn mapping(pairs: &[(&str, &str)]) -> Mapping {
        let map: IndexMap<String, String> = pairs.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        Mapping::new(&HeaderMapping(map)).unwrap()
    }

    #[test]
    fn headers_resolve_to_canonical_columns_and_metrics() {
        let layout = resolve(&["Employee ID", "NAME", " role ", "Deals Closed", "€"], &Mapping::default()).unwrap();
        let kinds: Vec<Kind> = layout.columns.iter().map(|c| c.kind).collect();
        assert_eq!(kinds, vec![Kind::Id, Kind::Name, Kind::Role, Kind::Metric(0), Kind::Unnamed]);
        assert_eq!(layout.metrics, vec!["deals_closed"]);
    }

    #[test]
    fn mapping_matches_exactly_then_after_normalising() {
        let m = mapping(&[("Worker Number", "employee_id"), ("full name", "name")]);
        let layout = resolve(&["Worker Number", "Full-Name", "Role"], &m).unwrap();
        let names: Vec<&str> = layout.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, vec!["employee_id", "name", "role"]);
        assert_eq!(layout.used_mapping, vec![true, true]);
    }

    #[test]
    fn bad_mapping_targets_are_refused_with_a_suggestion() {
        let map: IndexMap<String, String> = [("Worker".to_string(), "Employee ID".to_string())].into_iter().collect();
        let err = Mapping::new(&HeaderMapping(map)).unwrap_err().to_string();
        assert!(err.contains("did you mean `employee_id`?"), "{err}");
    }

    #[test]
    fn two_headers_for_one_column_are_named() {
        let err = resolve(&["Employee ID", "EMPLOYEE-ID", "name", "role"], &Mapping::default()).unwrap_err();
        match err {
            HeaderProblem::Duplicate { column, first, second } => {
                assert_eq!(column, "employee_id");
                assert_eq!(first, "Employee ID");
                assert_eq!(second, "EMPLOYEE-ID");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn look_alikes_are_suggested_once_each_and_only_for_columns_the_file_lacks() {
        let headers = ["Worker ID", "Employee Number", "Legal First Name", "Worker", "Hire Date", "team", "Dept"];
        let none = |_: &str| false;
        assert_eq!(
            look_alikes(&headers, none),
            [Some("employee_id"), None, Some("first_name"), Some("name"), Some("start_date"), None, Some("team")],
            "the first header for a column only"
        );
        // The file has a `team` column and first names: neither is suggested again.
        let taken = |c: &str| c == "team" || c == "first_name";
        assert_eq!(
            look_alikes(&headers, taken),
            [Some("employee_id"), None, None, None, Some("start_date"), None, None],
            "first names make the name"
        );
        assert_eq!(look_alikes(&["bookings", "Revenue"], none), [None, None]);
    }

    #[test]
    fn missing_required_columns_are_listed() {
        let err = resolve(&["ID", "Name"], &Mapping::default()).unwrap_err();
        match err {
            HeaderProblem::Missing { missing, found, .. } => {
                assert_eq!(missing, vec!["employee_id", "role"]);
                assert_eq!(found, vec!["id", "name"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
