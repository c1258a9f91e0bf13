//! Warnings about a plan computed on a roster: the people and values a plan would silently leave
//! out. Every command that computes prints them (the app shows them too); they never stop a
//! computation and never change an exit code.
//!
//! Built on the public plan and roster API only, so it reads the same as the engine without
//! depending on how the engine evaluates.

use std::collections::BTreeMap;

use crate::expr::Expr;
use crate::plan::{Component, Plan, Target};
use crate::roster::{Roster, RowIssue};

/// How many people, roles or rows a warning names before saying how many more there are.
const NAMED: usize = 5;

/// The warnings about computing `plan` on `roster`, in a stable order:
///
/// * people whose role no track covers (a count per role; they are not paid by this plan);
/// * rows the import skipped as bad (`--skip-bad-rows`; the people on them are not paid);
/// * per track, each roster column its lines read (directly or through derived metrics) that
///   some of the track's people have no value for (their file has no such column). A column the
///   roster has none of is not warned about: the plan is refused, naming it
///   ([`crate::plan::roster_problems`]).
///
/// A metric column that is blank in every row of a file is warned about by the import itself
/// ([`crate::roster::ImportReport::warnings`]).
pub fn roster_warnings(plan: &Plan, roster: &Roster, skipped: &[RowIssue]) -> Vec<String> {
    let mut check = RosterCheck::new(plan);
    check.add(&roster.metrics, &roster.employees);
    check.finish(&roster.metrics, &roster.joined, skipped)
}

/// [`roster_warnings`] counted as the people come, block by block (a roster streamed through
/// the plan is never held whole): [`RosterCheck::add`] each block, then
/// [`RosterCheck::finish`] gives the same warnings as [`roster_warnings`] on everyone.
pub struct RosterCheck {
    /// The plan's tracks, lowercased.
    tracks: Vec<String>,
    /// People per role no track covers.
    uncovered: BTreeMap<String, usize>,
    /// Per track of the plan, in plan order.
    per_track: Vec<TrackCount>,
}

/// A track's people and, per column its lines read, how many of them have no value for it.
struct TrackCount {
    role: String,
    people: usize,
    /// Carrot's own columns a plan may need (quota, target incentive, base salary) that someone
    /// of the track has a value for.
    builtins: Vec<&'static str>,
    columns: Vec<(String, usize)>,
}

impl RosterCheck {
    /// Nobody counted yet.
    pub fn new(plan: &Plan) -> Self {
        let derived = derived_inputs(plan);
        Self {
            tracks: plan.tracks.keys().map(|role| role.to_lowercase()).collect(),
            uncovered: BTreeMap::new(),
            per_track: plan
                .tracks
                .iter()
                .map(|(role, track)| TrackCount {
                    role: role.clone(),
                    people: 0,
                    builtins: Vec::new(),
                    columns: columns_read(&track.components, &derived).into_iter().map(|c| (c, 0)).collect(),
                })
                .collect(),
        }
    }

    /// Whether the track of `role` has anyone counted so far.
    pub fn has_people(&self, role: &str) -> bool {
        self.per_track.iter().any(|t| t.people > 0 && t.role.eq_ignore_ascii_case(role))
    }

    /// Whether the track of `role` has people and none of them has a value for `column`, one of
    /// Carrot's own columns ([`crate::plan::builtin_problems`]).
    pub fn lacks(&self, role: &str, column: &str) -> bool {
        self.per_track
            .iter()
            .find(|t| t.role.eq_ignore_ascii_case(role))
            .is_some_and(|t| t.people > 0 && !t.builtins.contains(&column))
    }

    /// Counts `people`, whose metric values are indexed like `metrics`.
    pub fn add(&mut self, metrics: &[String], people: &[crate::roster::Employee]) {
        let index: Vec<Vec<Option<usize>>> = self
            .per_track
            .iter()
            .map(|t| t.columns.iter().map(|(c, _)| metrics.iter().position(|m| m == c)).collect())
            .collect();
        for e in people {
            if !self.tracks.iter().any(|t| t.as_str() == e.role.to_lowercase()) {
                match self.uncovered.get_mut(&*e.role) {
                    Some(n) => *n += 1,
                    None => {
                        self.uncovered.insert(e.role.to_string(), 1);
                    }
                }
            }
            for (track, index) in self.per_track.iter_mut().zip(&index) {
                if !e.role.eq_ignore_ascii_case(&track.role) {
                    continue;
                }
                track.people += 1;
                if track.builtins.len() < crate::plan::columns::BUILTIN.len() {
                    for column in crate::plan::columns::BUILTIN {
                        if !track.builtins.contains(&column) && super::compiled::builtin_of(e, column).is_some() {
                            track.builtins.push(column);
                        }
                    }
                }
                for ((_, missing), i) in track.columns.iter_mut().zip(index) {
                    if i.is_none_or(|i| e.metric(i).is_none()) {
                        *missing += 1;
                    }
                }
            }
        }
    }

    /// The warnings about everyone counted: `metrics` are the roster's metric columns, `joined`
    /// the files joined onto it, `skipped` the bad cells whose rows were left out.
    pub fn finish(self, metrics: &[String], joined: &[String], skipped: &[RowIssue]) -> Vec<String> {
        let mut warnings = Vec::new();
        if !self.uncovered.is_empty() {
            let people: usize = self.uncovered.values().sum();
            let roles: Vec<String> = self.uncovered.iter().map(|(role, n)| format!("`{role}` {n}")).collect();
            let who = if people == 1 { "1 person has".to_owned() } else { format!("{people} people have") };
            warnings.push(format!(
                "{who} a role no track of the plan covers ({}), so this plan pays them nothing; add a track for the \
                 role or correct the roster's role column",
                named(&roles)
            ));
        }
        if !skipped.is_empty() {
            let mut rows: Vec<String> = skipped.iter().map(|i| format!("{}:{}", i.file, i.line)).collect();
            rows.dedup();
            warnings.push(format!(
                "{} roster row(s) were skipped as bad (--skip-bad-rows), so the people on them are not paid: {}",
                rows.len(),
                named(&rows)
            ));
        }
        let files = joined.join(", ");
        for track in &self.per_track {
            if track.people == 0 {
                continue;
            }
            let role = &track.role;
            for (column, missing) in &track.columns {
                let missing = *missing;
                if missing == 0 {
                    continue;
                }
                // A column no file has: the plan is refused, naming it at its field
                // ([`crate::plan::roster_problems`]); a warning would only say it first.
                if !metrics.contains(column) {
                    continue;
                }
                let why = if files.is_empty() {
                    "their roster file has no such column".to_owned()
                } else {
                    format!("neither their roster file nor the files joined onto it ({files}) give them one")
                };
                warnings.push(format!(
                    "track `{role}` reads `{column}`, which {missing} of its {} people have no value for ({why}); \
                     they cannot be computed on the lines that read it",
                    track.people
                ));
            }
        }
        warnings
    }
}

/// Per derived metric of `plan`, the names its expression reads (none when it does not parse:
/// validation reports that).
pub(super) fn derived_inputs(plan: &Plan) -> BTreeMap<&str, Vec<String>> {
    plan.metrics
        .iter()
        .map(|(name, source)| (name.as_str(), Expr::parse(source).map(|e| e.variables().to_vec()).unwrap_or_default()))
        .collect()
}

/// The roster columns the components read: their metrics, bonus target columns and
/// multiplier metrics, with derived metrics replaced by the columns they read (each name once,
/// in first-read order). `quota`, `target_incentive` and `base_salary` are not metric columns.
pub(super) fn columns_read(components: &[Component], derived: &BTreeMap<&str, Vec<String>>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for c in components {
        names.push(c.metric().to_owned());
        if let Component::Bonus(b) = c
            && let Target::Column(col) = &b.target
        {
            names.push(col.clone());
        }
    }
    let mut columns: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    // Expands derived metrics breadth-first; `seen` stops cycles (validation refuses them anyway).
    while let Some(name) = (!names.is_empty()).then(|| names.remove(0)) {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        match derived.get(name.as_str()) {
            Some(vars) => names.extend(vars.iter().cloned()),
            None if crate::roster::CANONICAL_COLUMNS.contains(&name.as_str()) => {}
            None => columns.push(name),
        }
    }
    columns
}

/// The warnings on the payouts of the people paid (a negative metric paid as 0, employed none
/// of the period, a guarantee above the cap): each once, in the order first met, with the person
/// who has it or how many people do and the first few of them. What a reviewer checks before
/// paying: the table of `carrot payouts` and an export's reconciliation list them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaidWarnings {
    by_warning: indexmap::IndexMap<String, Having>,
    /// The people with at least one warning.
    people: usize,
}

/// The most characters of an id or name a warning shows.
const SHORT: usize = 40;

/// The people who have one warning.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Having {
    people: usize,
    /// The first [`NAMED`], as id and name.
    first: Vec<(String, String)>,
}

impl PaidWarnings {
    /// The warnings of everyone `paid`, in order.
    pub fn of<'a>(paid: impl IntoIterator<Item = &'a super::EmployeePayout>) -> Self {
        let mut warnings = Self::default();
        for p in paid {
            warnings.add(p);
        }
        warnings
    }

    /// Counts the warnings of `p`, the next person paid.
    pub fn add(&mut self, p: &super::EmployeePayout) {
        self.people += usize::from(!p.warnings.is_empty());
        for warning in &p.warnings {
            let having = self.by_warning.entry(warning.clone()).or_default();
            having.people += 1;
            if having.first.len() < NAMED {
                // A name of thousands of characters would bury the warning.
                let short = |text: &str| crate::roster::values::shorten(text, SHORT);
                having.first.push((short(&p.employee_id), short(&p.name)));
            }
        }
    }

    /// Counts the warnings of `next`, the people paid right after this one's, as if they had
    /// been added here one by one.
    pub(crate) fn append(&mut self, next: Self) {
        self.people += next.people;
        for (warning, theirs) in next.by_warning {
            let having = self.by_warning.entry(warning).or_default();
            having.people += theirs.people;
            let room = NAMED.saturating_sub(having.first.len());
            having.first.extend(theirs.first.into_iter().take(room));
        }
    }

    /// Whether nobody paid has a warning.
    pub fn is_empty(&self) -> bool {
        self.by_warning.is_empty()
    }

    /// How many people paid have a warning.
    pub fn people(&self) -> usize {
        self.people
    }

    /// One line per warning: `E-7 Ana Souza: …` for one person, `12 people: … (E-1, E-2, E-3,
    /// E-4, E-5 and 7 more)` for several.
    pub fn lines(&self) -> Vec<String> {
        self.by_warning
            .iter()
            .map(|(warning, having)| match having.first.as_slice() {
                [(id, name)] if having.people == 1 => format!("{id} {name}: {warning}"),
                first => {
                    let ids: Vec<String> = first.iter().map(|(id, _)| id.clone()).collect();
                    format!("{} people: {warning} ({})", having.people, named_of(&ids, having.people))
                }
            })
            .collect()
    }
}

/// `a, b, c, d, e and 3 more`.
fn named(items: &[String]) -> String {
    named_of(items, items.len())
}

/// The first of `items`, of `count` in all: `a, b, c, d, e and 3 more`.
fn named_of(items: &[String], count: usize) -> String {
    let shown: Vec<&str> = items.iter().take(NAMED).map(String::as_str).collect();
    match count.checked_sub(shown.len()) {
        Some(more) if more > 0 => format!("{} and {more} more", shown.join(", ")),
        _ => shown.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{ImportOptions, import_reader};

    fn plan(tracks: &str, metrics: &str) -> Plan {
        let text = format!(
            r#"{{"schema": 1, "name": "P", "currency": "EUR", "metrics": {{{metrics}}},
                "period": {{"start": "2026-01-01", "end": "2026-03-31"}}, "tracks": {{{tracks}}}}}"#
        );
        crate::plan::parse(&text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    const SALES: &str = r#""sales": {"components": [
        {"kind": "commission", "id": "rev", "earning_code": "C", "tiers": [{"from": 0, "rate": 0.1}], "basis": "amount"},
        {"kind": "per_unit", "id": "eas", "earning_code": "S", "metric": "early_access_signups", "amount": 100}]}"#;
    const CONSULTANTS: &str = r#""consultant": {"components": [
        {"kind": "bonus", "id": "int", "earning_code": "B", "metric": "internal_share", "target": 0.2,
         "base": {"amount": 1000}, "curve": [{"x": 1, "y": 1}]}]}"#;

    fn roster(files: &[&str]) -> Roster {
        let parts = files
            .iter()
            .enumerate()
            .map(|(i, text)| {
                import_reader(&format!("f{i}.csv"), text.as_bytes(), &ImportOptions::default()).unwrap().roster
            })
            .collect();
        crate::roster::merge::merge(parts).unwrap()
    }

    #[test]
    fn people_no_track_covers_are_counted_by_role() {
        let r = roster(&["employee_id,name,role,revenue,early_access_signups\n1,A,sales,5,1\n2,B,Support,0,0\n\
                          3,C,support,0,0\n4,D,intern,0,0\n"]);
        let w = roster_warnings(&plan(SALES, ""), &r, &[]);
        assert_eq!(
            w,
            ["3 people have a role no track of the plan covers (`intern` 1, `support` 2), so this plan pays them \
              nothing; add a track for the role or correct the roster's role column"]
        );
    }

    #[test]
    fn skipped_rows_are_counted_once_each() {
        let r = roster(&["employee_id,name,role,revenue,early_access_signups\n1,A,sales,5,1\n"]);
        let issue = |line: u64, column: &str| RowIssue {
            file: "r.csv".into(),
            line,
            column: column.into(),
            value: "x".into(),
            reason: "bad".into(),
        };
        let w = roster_warnings(&plan(SALES, ""), &r, &[issue(3, "quota"), issue(3, "revenue"), issue(7, "quota")]);
        assert_eq!(
            w,
            ["2 roster row(s) were skipped as bad (--skip-bad-rows), so the people on them are not paid: r.csv:3, \
              r.csv:7"]
        );
    }

    #[test]
    fn columns_a_track_reads_that_its_people_lack_are_named_with_counts() {
        // Sales have no early_access_signups column at all; of the consultants, the second file has
        // no internal_hours column (read through the derived internal_share).
        let r = roster(&[
            "employee_id,name,role,revenue\n1,A,sales,5\n2,B,sales,6\n",
            "employee_id,name,role,billable_hours,internal_hours\n3,C,consultant,100,10\n",
            "employee_id,name,role,billable_hours\n4,D,consultant,100\n",
        ]);
        let p = plan(
            &format!("{SALES}, {CONSULTANTS}"),
            r#""internal_share": "internal_hours / (billable_hours + internal_hours)""#,
        );
        assert_eq!(
            roster_warnings(&p, &r, &[]),
            [
                // (No file has early_access_signups: the plan is refused, naming it, so no warning.)
                "track `consultant` reads `internal_hours`, which 1 of its 2 people have no value for (their roster \
                 file has no such column); they cannot be computed on the lines that read it",
            ]
        );
    }

    #[test]
    fn a_roster_that_fits_the_plan_has_no_warnings() {
        let r = roster(&["employee_id,name,role,revenue,early_access_signups\n1,A,Sales,5,1\n"]);
        assert_eq!(roster_warnings(&plan(SALES, ""), &r, &[]), Vec::<String>::new());
    }

    #[test]
    fn warnings_on_payouts_are_listed_once_with_who_has_them() {
        // Eight people employed none of the period (one with a name too long to show), one with
        // a negative revenue, and one without a warning.
        let long = "L".repeat(100);
        let mut csv = "employee_id,name,role,revenue,early_access_signups,end_date\n".to_owned();
        for i in 1..=8 {
            let name = if i == 2 { long.as_str() } else { "Left" };
            csv.push_str(&format!("{i},{name},sales,5,1,2025-12-31\n"));
        }
        csv.push_str("9,Rae,sales,-5,1,\n10,Ok,sales,5,1,\n");
        let r = roster(&[&csv]);
        let report = super::super::compute(&plan(SALES, ""), &r, super::super::Detail::AmountsOnly).unwrap();
        let warnings = PaidWarnings::of(&report.employees);
        assert_eq!(
            warnings.lines(),
            [
                "8 people: not employed during the period 2026-01-01 to 2026-03-31: payout 0 (1, 2, 3, 4, 5 and 3 \
                 more)"
                    .to_owned(),
                "9 Rae: revenue is negative in the roster; the rev line pays 0".to_owned(),
            ]
        );
        assert_eq!(warnings.people(), 9);
        // Counted as the people come, as an export streaming the roster does, and counted in
        // runs appended in order, as the app does: the same.
        let mut counted = PaidWarnings::default();
        report.employees.iter().for_each(|p| counted.add(p));
        assert_eq!(counted, warnings);
        for split in [0, 1, 3, 7, 9, 10] {
            let (a, b) = report.employees.split_at(split);
            let mut appended = PaidWarnings::of(a);
            appended.append(PaidWarnings::of(b));
            assert_eq!(appended, warnings, "split at {split}");
        }
        // A person's long name is cut where a warning names them alone.
        let one = PaidWarnings::of(report.employees.get(1));
        let line = one.lines().concat();
        assert!(line.starts_with(&format!("2 {}…: not employed", "L".repeat(SHORT))), "{line}");
        assert!(PaidWarnings::of(report.employees.get(9)).is_empty());
    }

    #[test]
    fn long_lists_are_cut() {
        let items: Vec<String> = (1..=8).map(|i| i.to_string()).collect();
        assert_eq!(named(&items), "1, 2, 3, 4, 5 and 3 more");
        assert_eq!(named(&items[..2]), "1, 2");
    }
}
