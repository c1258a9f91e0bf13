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
    Duplicate { column: String, first: String, second: String },
    Missing { missing: Vec<String>, found: Vec<String> },
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
        return Err(HeaderProblem::Missing {
            missing,
            found: columns.iter().enumerate().map(|(i, c)| c.label(i)).collect(),
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
    fn missing_required_columns_are_listed() {
        let err = resolve(&["ID", "Name"], &Mapping::default()).unwrap_err();
        match err {
            HeaderProblem::Missing { missing, found } => {
                assert_eq!(missing, vec!["employee_id", "role"]);
                assert_eq!(found, vec!["id", "name"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
