//! The payout ledger: what each closed pay period paid each person, so that every later period
//! is computed from it (year-to-date actuals, what was already paid, draw balances, pending
//! instalments). A JSON file, schema-versioned, append-only: closing a period appends an entry;
//! reopening one appends a new entry for it with the difference it makes (the last entry of a
//! period is the one that counts).

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::YearError;
use crate::fsx::{self, Access, Overwrite};
use crate::plan::Plan;

/// The ledger format this build writes and reads.
pub const LEDGER_SCHEMA_VERSION: u32 = 1;

/// The largest ledger file read (a year of 100,000 people fits many times over).
const MAX_LEDGER_BYTES: u64 = 1 << 30;

/// The SHA-256 of a plan's canonical text: the plan version a ledger belongs to (formatting
/// and key order of the file do not change it; any change to what it says does).
pub fn plan_sha256(plan: &Plan) -> String {
    let digest = Sha256::digest(crate::plan::to_json(plan).as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A ledger file's contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ledger {
    /// [`LEDGER_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The plan this ledger records.
    pub plan: PlanRef,
    /// The plan's currency (every amount is in it).
    pub currency: String,
    /// Closed periods in the order they were closed; a period's last entry counts.
    pub entries: Vec<PeriodEntry>,
}

/// The plan version a ledger belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRef {
    /// The plan's name.
    pub name: String,
    /// [`plan_sha256`] of the plan.
    pub sha256: String,
}

/// Why an entry was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The period was closed.
    Close,
    /// The period was reopened and closed again with new figures (`difference` says what changed).
    Reopen,
}

/// One closed pay period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodEntry {
    /// The pay period's name.
    pub period: String,
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
    /// Close or reopen.
    pub action: Action,
    /// For a reopen: what changed against the entry it replaces, one line per person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub difference: Vec<String>,
    /// What the period paid everyone.
    pub total: Decimal,
    /// Each person computed in the period, in roster order.
    pub people: Vec<PersonRecord>,
}

/// What one person earned and was paid in one period, and what they carry to the next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRecord {
    /// Employee id.
    pub employee_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Last day employed, when the roster gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// First day employed, when the roster gave one (ledgers written before it was recorded
    /// have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// The annual quota in force in the period, in the row's currency, as the roster gave it
    /// (ledgers written before it was recorded have none: the current one then counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Decimal>,
    /// The annual target incentive in force in the period, as `quota`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_incentive: Option<Decimal>,
    /// The row's currency, when the roster named one (the currency of `quota` and
    /// `target_incentive`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The period's actuals (roster metric columns), for year-to-date sums later.
    pub metrics: BTreeMap<String, Decimal>,
    /// The lines paid.
    pub lines: Vec<LineRecord>,
    /// Per line component: what it earned (a period line: in the period; a year-to-date line:
    /// to date), rounded.
    pub earned: BTreeMap<String, Decimal>,
    /// Per line component: what was credited this period (paid now or in instalments).
    pub credited: BTreeMap<String, Decimal>,
    /// Recoverable draw balance owed after this period.
    pub draw_balance: Decimal,
    /// Draw balance written off this period (year end or leaving).
    #[serde(default, skip_serializing_if = "Decimal::is_zero")]
    pub draw_forgiven: Decimal,
    /// Instalments still to pay after this period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Instalment>,
    /// The period's total pay.
    pub total: Decimal,
}

/// One line as recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LineRecord {
    /// Component id (or `draw`, `draw_recovery`, `clawback`, `cap_adjustment`, ...).
    pub component: String,
    /// Line kind (`commission`, `true_up`, `draw`, ...).
    pub kind: String,
    /// Amount paid.
    pub amount: Decimal,
}

/// A deferred instalment not yet paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instalment {
    /// The component that earned it.
    pub component: String,
    /// The period it was earned in.
    pub earned_in: String,
    /// The period it is paid in.
    pub due: String,
    /// Amount.
    pub amount: Decimal,
}

impl Ledger {
    /// An empty ledger for `plan`.
    pub fn new(plan: &Plan) -> Self {
        Self {
            schema_version: LEDGER_SCHEMA_VERSION,
            plan: PlanRef { name: plan.name.clone(), sha256: plan_sha256(plan) },
            currency: plan.currency.clone(),
            entries: Vec::new(),
        }
    }

    /// Reads a ledger; a missing file is an empty ledger for `plan`. Refuses a ledger of another
    /// plan version, or one this build cannot read.
    pub fn load_for(path: &Path, plan: &Plan) -> Result<Self, YearError> {
        if !path.exists() {
            return Ok(Self::new(plan));
        }
        let ledger = Self::load(path)?;
        ledger.check_plan(path, plan)?;
        Ok(ledger)
    }

    /// Reads a ledger file.
    pub fn load(path: &Path) -> Result<Self, YearError> {
        let bytes = fsx::read_limited(path, MAX_LEDGER_BYTES)
            .map_err(|e| YearError::LedgerRead { path: path.to_path_buf(), message: e.to_string() })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| YearError::LedgerRead { path: path.to_path_buf(), message: format!("not valid JSON: {e}") })?;
        match value.get("schema_version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(LEDGER_SCHEMA_VERSION) => {}
            Some(v) => {
                return Err(YearError::LedgerRead {
                    path: path.to_path_buf(),
                    message: format!(
                        "schema_version {v}: this version of Carrot reads ledgers of schema {LEDGER_SCHEMA_VERSION}"
                    ),
                });
            }
            None => {
                return Err(YearError::LedgerRead {
                    path: path.to_path_buf(),
                    message: "no schema_version: this is not a Carrot ledger".to_owned(),
                });
            }
        }
        serde_path_to_error::deserialize(value).map_err(|e| YearError::LedgerRead {
            path: path.to_path_buf(),
            message: format!("at {}: {}", e.path(), e.inner()),
        })
    }

    /// Refuses a ledger written for another plan version.
    pub fn check_plan(&self, path: &Path, plan: &Plan) -> Result<(), YearError> {
        let sha = plan_sha256(plan);
        if self.plan.sha256 != sha {
            return Err(YearError::ForeignLedger {
                path: path.to_path_buf(),
                ledger_plan: self.plan.name.clone(),
                ledger_sha: self.plan.sha256.clone(),
                plan_sha: sha,
                closed: self.closed_names().join(", "),
            });
        }
        if self.currency != plan.currency {
            return Err(YearError::LedgerRead {
                path: path.to_path_buf(),
                message: format!("the ledger is in {}, the plan in {}", self.currency, plan.currency),
            });
        }
        Ok(())
    }

    /// The entry that counts for a period (its last one).
    pub fn effective(&self, period: &str) -> Option<&PeriodEntry> {
        self.entries.iter().rev().find(|e| e.period == period)
    }

    /// The closed periods' names, each once, in the order first closed.
    pub fn closed_names(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in &self.entries {
            if !out.contains(&e.period) {
                out.push(e.period.clone());
            }
        }
        out
    }

    /// The ledger as written: pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        text.push('\n');
        text
    }

    /// Writes the ledger atomically (after a kill at any moment the file is the old one or the
    /// new one, whole).
    pub fn save(&self, path: &Path) -> Result<(), YearError> {
        self.save_with_faults(path, &mut |_| None)
    }

    pub(crate) fn save_with_faults(
        &self,
        path: &Path,
        fault: &mut dyn FnMut(fsx::Step) -> Option<fsx::Fault>,
    ) -> Result<(), YearError> {
        let text = self.to_json();
        let files = [fsx::UnitFile { path, bytes: text.as_bytes() }];
        fsx::write_unit_with_faults(&files, Overwrite::Allow, Access::Private, fault)
            .map(|_| ())
            .map_err(|source| YearError::LedgerWrite { path: path.to_path_buf(), source })
    }
}

/// What closing a period did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closed {
    /// The period was closed now.
    Closed,
    /// It was already closed with exactly these figures: nothing was written.
    AlreadyClosed,
    /// It was reopened: the new figures replace the old ones; the difference, per person.
    Reopened(Vec<String>),
}

/// The differences between two closings of a period, one line per person (empty: the same).
pub fn difference(old: &PeriodEntry, new: &PeriodEntry) -> Vec<String> {
    let mut out = Vec::new();
    let find = |list: &[PersonRecord], id: &str| list.iter().position(|p| p.employee_id == id);
    for n in &new.people {
        match find(&old.people, &n.employee_id).and_then(|i| old.people.get(i)) {
            None => out.push(format!("{} ({}): new, total {}", n.employee_id, n.name, n.total)),
            Some(o) if o == n => {}
            Some(o) => {
                let mut changes = Vec::new();
                if o.total != n.total {
                    changes.push(format!("total {} → {}", o.total, n.total));
                }
                let lines = |p: &PersonRecord| -> BTreeMap<String, Decimal> {
                    let mut m = BTreeMap::new();
                    for l in &p.lines {
                        *m.entry(format!("{} {}", l.kind, l.component)).or_insert(Decimal::ZERO) += l.amount;
                    }
                    m
                };
                let (lo, ln) = (lines(o), lines(n));
                for key in lo.keys().chain(ln.keys().filter(|k| !lo.contains_key(*k))) {
                    let (a, b) = (lo.get(key).copied().unwrap_or_default(), ln.get(key).copied().unwrap_or_default());
                    if a != b {
                        changes.push(format!("{key} {a} → {b}"));
                    }
                }
                if o.metrics != n.metrics {
                    changes.push("actuals changed".to_owned());
                }
                if changes.is_empty() {
                    changes.push("details changed (balances, instalments)".to_owned());
                }
                out.push(format!("{} ({}): {}", n.employee_id, n.name, changes.join("; ")));
            }
        }
    }
    for o in &old.people {
        if find(&new.people, &o.employee_id).is_none() {
            out.push(format!("{} ({}): no longer in the period (was total {})", o.employee_id, o.name, o.total));
        }
    }
    out
}

/// Records `entry` in the ledger at `path` (created if missing), atomically. Closing a period
/// already closed with the same figures does nothing; with other figures it is refused unless
/// `reopen`, which appends the new figures and returns the difference. Only the last closed
/// period can be reopened (later periods were computed from it). A period is not closed
/// without someone of the ledger whom nothing says left before it ([`YearError::Absent`]).
pub fn close(path: &Path, plan: &Plan, entry: PeriodEntry, reopen: bool) -> Result<Closed, YearError> {
    close_with_faults(path, plan, entry, reopen, &mut |_| None)
}

pub(crate) fn close_with_faults(
    path: &Path,
    plan: &Plan,
    mut entry: PeriodEntry,
    reopen: bool,
    fault: &mut dyn FnMut(fsx::Step) -> Option<fsx::Fault>,
) -> Result<Closed, YearError> {
    // An interrupted earlier close is repaired first (the old ledger back, whole).
    fsx::recover_unit(&[path]).map_err(|source| YearError::LedgerWrite { path: path.to_path_buf(), source })?;
    let mut ledger = Ledger::load_for(path, plan)?;
    let outcome = match ledger.effective(&entry.period) {
        Some(old) => {
            let diff = difference(old, &entry);
            if diff.is_empty() && old.total == entry.total {
                return Ok(Closed::AlreadyClosed);
            }
            if !reopen {
                return Err(YearError::ClosedDiffers { period: entry.period.clone(), difference: diff });
            }
            let names = ledger.closed_names();
            if names.last() != Some(&entry.period) {
                return Err(YearError::ReopenNotLast {
                    period: entry.period.clone(),
                    last: names.last().cloned().unwrap_or_default(),
                });
            }
            entry.action = Action::Reopen;
            entry.difference = diff.clone();
            Closed::Reopened(diff)
        }
        None => Closed::Closed,
    };
    // No one the ledger has is left out of a period without an end date saying they left.
    super::check_nobody_absent(&ledger, plan, &entry)?;
    ledger.entries.push(entry);
    ledger.save_with_faults(path, fault)?;
    Ok(outcome)
}
