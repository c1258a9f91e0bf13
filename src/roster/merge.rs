//! Merging rosters imported separately (one per file) into one.

use foldhash::HashMap;

use super::{Roster, RowIssue, SourceRef};

/// Merges rosters in order. Metric columns are the union in first-seen order; a person from a
/// file without a column gets no value for it (not 0). A duplicate `employee_id` across the parts
/// is an error naming both places.
pub fn merge(parts: Vec<Roster>) -> Result<Roster, Vec<RowIssue>> {
    let mut out = Roster::default();
    for part in &parts {
        for m in &part.metrics {
            if !out.metrics.contains(m) {
                out.metrics.push(m.clone());
            }
        }
    }
    let mut seen: HashMap<super::Text, SourceRef> = HashMap::default();
    let mut issues = Vec::new();
    for part in parts {
        let file_offset = u32::try_from(out.sources.len()).unwrap_or(u32::MAX);
        let columns: Vec<Option<usize>> = out.metrics.iter().map(|m| part.metric_index(m)).collect();
        for mut e in part.employees {
            e.source.file = e.source.file.saturating_add(file_offset);
            let metrics = columns.iter().map(|c| c.and_then(|i| e.metric(i))).collect();
            e.metrics = metrics;
            let location = |s: SourceRef, sources: &[String], extra: &[String]| {
                let file = sources.get(s.file as usize).or_else(|| extra.get((s.file - file_offset) as usize));
                format!("{}:{}", file.map_or("?", String::as_str), s.line)
            };
            if let Some(first) = seen.get(&e.id) {
                issues.push(RowIssue {
                    file: part
                        .sources
                        .get(e.source.file.saturating_sub(file_offset) as usize)
                        .cloned()
                        .unwrap_or_default(),
                    line: e.source.line,
                    column: "employee_id".to_owned(),
                    value: e.id.to_string(),
                    reason: format!("duplicate employee_id: also at {}", location(*first, &out.sources, &part.sources)),
                });
                continue;
            }
            seen.insert(e.id.clone(), e.source);
            out.employees.push(e);
        }
        out.sources.extend(part.sources);
        for j in part.joined {
            if !out.joined.contains(&j) {
                out.joined.push(j);
            }
        }
    }
    if issues.is_empty() { Ok(out) } else { Err(issues) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::Employee;

    fn person(id: &str, line: u64, metrics: Vec<Option<rust_decimal::Decimal>>) -> Employee {
        Employee {
            id: id.to_owned().into(),
            name: id.to_owned().into(),
            contact: None,
            role: "sales".to_owned().into(),
            team: Default::default(),
            manager: Default::default(),
            currency: None,
            currency_symbol: None,
            base_salary: None,
            target_incentive: None,
            quota: None,
            start_date: None,
            end_date: None,
            metrics,
            source: SourceRef { file: 0, line },
        }
    }

    #[test]
    fn merges_columns_and_names_duplicates_with_both_places() {
        let one = Roster {
            metrics: vec!["revenue".to_owned()],
            employees: vec![person("1", 2, vec![Some(5.into())]), person("2", 3, vec![Some(6.into())])],
            sources: vec!["sales.csv".to_owned()],
            joined: Vec::new(),
        };
        let two = Roster {
            metrics: vec!["billable_hours".to_owned()],
            employees: vec![person("3", 2, vec![Some(7.into())])],
            sources: vec!["consultants.csv".to_owned()],
            joined: vec!["activity.csv".to_owned()],
        };
        let merged = merge(vec![one.clone(), two.clone()]).unwrap();
        assert_eq!(merged.metrics, ["revenue", "billable_hours"]);
        assert_eq!(merged.employees[2].metrics, vec![None, Some(7.into())]);
        assert_eq!(merged.location(merged.employees[2].source), "consultants.csv:2");
        assert_eq!(merged.joined, ["activity.csv"]);

        let dup = Roster { employees: vec![person("2", 9, vec![Some(1.into())])], ..two };
        let issues = merge(vec![one, dup]).unwrap_err();
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].file, "consultants.csv");
        assert_eq!(issues[0].line, 9);
        assert_eq!(issues[0].reason, "duplicate employee_id: also at sales.csv:3");
    }
}
