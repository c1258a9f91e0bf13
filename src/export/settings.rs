//! The settings a payroll template needs besides the plan and its payouts: company code, batch
//! id, pay frequency and so on. They belong to the payroll system, not to the plan, so they are
//! never stored in a plan file; the CLI fills them from `carrot export` flags and the app from its
//! export dialog.
//!
//! Every setting is a [`Setting`] with its field name, its CLI flag, a label and a help text, and
//! [`PayrollSettings::required_for`] / [`PayrollSettings::used_by`] say which ones a template
//! needs. [`PayrollSettings::check`] reports every missing or malformed setting (naming the
//! setting and the flag that sets it) before anything is written.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Template;

/// What is wrong with an ADP Workforce Now file name pattern
/// ([`PayrollSettings::adp_file_name`]).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdpFileNameError {
    /// A `{` with no `}` after it.
    #[error("`{pattern}` has a `{{` without `}}`; the placeholders are {{co}}, {{batch}}, {{date}}")]
    Unclosed { pattern: String },
    /// A placeholder other than `{co}`, `{batch}`, `{date}`.
    #[error(
        "`{pattern}` has an unknown placeholder {{{placeholder}}}; the placeholders are {{co}}, {{batch}}, {{date}}"
    )]
    UnknownPlaceholder { pattern: String, placeholder: String },
    /// A `}` with no `{` before it.
    #[error("`{pattern}` has a `}}` without `{{`")]
    Unopened { pattern: String },
    /// The pattern gives an empty name, `.` or `..`.
    #[error("`{pattern}` does not give a usable file name")]
    Unusable { pattern: String },
    /// The name has a path separator, a colon or a character that is not plain ASCII.
    #[error("`{pattern}` gives `{name}`: a file name (not a path) of plain ASCII, without / \\ or :")]
    NotPlain { pattern: String, name: String },
}

/// The default ADP Workforce Now file name pattern: `PR` + company code + `EPI.csv`.
pub const DEFAULT_ADP_FILE_NAME: &str = "PR{co}EPI.csv";

/// The payroll-system settings of an export. Which ones a template reads is given by
/// [`PayrollSettings::used_by`]; the others are ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PayrollSettings {
    /// ADP company code. `adp-wfn`: the `Co Code` column, 2–3 letters or digits (e.g. `ABC`),
    /// also used in the default file name. `adp-run`: the `IID` column, 1–15 letters or digits.
    /// Flag `--company-code`.
    pub company_code: String,
    /// `Batch ID`. ADP Workforce Now: 1–8 letters or digits naming the batch in ADP's paydata
    /// screen (e.g. `INC0926`). Workday EIB: the batch the payroll inputs are loaded under (and
    /// can be deleted by), 1–40 letters, digits, `-`, `_` or `.`. Flag `--batch-id`.
    pub batch_id: String,
    /// ADP Workforce Now default file name, used when `--out` is a folder. `{co}` is replaced by
    /// the company code (a 2-character code is padded with `_` to 3), `{batch}` by the batch id
    /// and `{date}` by the pay date as `YYYYMMDD`. Default `PR{co}EPI.csv`. Flag
    /// `--adp-file-name`.
    pub adp_file_name: String,
    /// ADP RUN pay frequency of the payroll the file goes into (one per file). Flag
    /// `--pay-frequency` (`W`, `B`, `S` or `M`).
    pub pay_frequency: Option<PayFrequency>,
    /// Pay period start. ADP RUN: must match the first day of RUN's next payroll, written as
    /// `MM/DD/YYYY`. Workday EIB: the `Start Date` of the payroll inputs (the first day of the
    /// pay period they go into), `YYYY-MM-DD`. Flag `--pay-period-start`.
    pub pay_period_start: Option<NaiveDate>,
    /// Pay period end. ADP RUN: must match the last day of RUN's next payroll, written as
    /// `MM/DD/YYYY`. Workday EIB: the `End Date` of the payroll inputs. Flag `--pay-period-end`.
    pub pay_period_end: Option<NaiveDate>,
    /// A check of their own for the incentives. ADP RUN: `Separate Check`, 0–9 (e.g. `1`).
    /// ADP Workforce Now: `Pay #`, 1–9 (1 is the regular check; the column is written only when
    /// set). Paychex Flex: `Check Seq Number`, 1–9. Empty leaves the system's default (the
    /// regular check). Flag `--separate-check`.
    pub separate_check: Option<u8>,
    /// Gusto: how people are matched. `EmployeeId` writes the roster's `employee_id` as
    /// `gusto_employee_id` (the roster must carry Gusto's ids); `Name` writes names only (two
    /// people with the same name are then refused). Flag `--gusto-match` (`id` or `name`).
    pub gusto_match: GustoMatch,
    /// Gusto: a CSV file mapping the roster's `employee_id` to Gusto's `gusto_employee_id`
    /// (columns `employee_id` and `gusto_employee_id`), for rosters that carry the company's own
    /// ids. Empty: the roster's `employee_id` is the Gusto id. Flag `--gusto-ids`.
    pub gusto_ids: String,
    /// Workday one-time payment `Reason`, exactly as configured in the tenant (e.g.
    /// `Request One-Time Payment > Commission`). Flag `--reason`.
    pub reason: String,
    /// Workday `Effective Date`; empty means the pay date. Flag `--effective-date`.
    pub effective_date: Option<NaiveDate>,
    /// Workday `Send to Payroll`: `Y` when true (default), `N` when false. Flag
    /// `--no-send-to-payroll` sets it to false.
    pub send_to_payroll: bool,
    /// Workday EIB: a CSV file giving each roster `employee_id` its Workday reference ids
    /// (columns `employee_id` and any of `worker_id`, `position_id`, `cost_center_id`). Empty:
    /// the roster's `employee_id` is the Workday Employee_ID, and Position and Cost Center are
    /// left for Workday to default. Flag `--workday-ids`.
    pub workday_ids: String,
    /// Paychex Flex `Client ID` (column A): the company's 1–8 letters or digits. Flag
    /// `--client-id`.
    pub client_id: String,
    /// US payroll templates (`adp-wfn`, `adp-run`, `gusto`, `paychex-flex`) carry no currency:
    /// the payroll pays every amount in its own currency (US dollars). For a plan in another
    /// currency the export is refused unless this confirms the amounts are meant as they are
    /// (e.g. the plan's figures are already in the payroll's currency). Flag `--currency-ok`.
    pub currency_ok: bool,
}

impl Default for PayrollSettings {
    fn default() -> Self {
        Self {
            company_code: String::new(),
            batch_id: String::new(),
            adp_file_name: DEFAULT_ADP_FILE_NAME.to_owned(),
            pay_frequency: None,
            pay_period_start: None,
            pay_period_end: None,
            separate_check: None,
            gusto_match: GustoMatch::default(),
            gusto_ids: String::new(),
            reason: String::new(),
            effective_date: None,
            send_to_payroll: true,
            workday_ids: String::new(),
            client_id: String::new(),
            currency_ok: false,
        }
    }
}

/// ADP RUN pay frequencies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayFrequency {
    /// Every week (`W`).
    Weekly,
    /// Every two weeks (`B`).
    Biweekly,
    /// Twice a month (`S`).
    Semimonthly,
    /// Once a month (`M`).
    Monthly,
}

impl PayFrequency {
    /// Every frequency.
    pub const ALL: [Self; 4] = [Self::Weekly, Self::Biweekly, Self::Semimonthly, Self::Monthly];

    /// The one-letter code written in the file.
    pub fn code(self) -> &'static str {
        match self {
            Self::Weekly => "W",
            Self::Biweekly => "B",
            Self::Semimonthly => "S",
            Self::Monthly => "M",
        }
    }

    /// The name in words (also accepted by [`PayFrequency::parse`]).
    pub fn word(self) -> &'static str {
        match self {
            Self::Weekly => "weekly",
            Self::Biweekly => "biweekly",
            Self::Semimonthly => "semimonthly",
            Self::Monthly => "monthly",
        }
    }

    /// Parses a code (`B`) or a word (`biweekly`), ignoring case.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL.into_iter().find(|f| f.code().eq_ignore_ascii_case(s) || f.word().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for PayFrequency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How a Gusto file identifies people.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GustoMatch {
    /// Names plus `gusto_employee_id` = the roster's `employee_id`.
    #[default]
    EmployeeId,
    /// Names only (`first_name`, `last_name`).
    Name,
}

impl GustoMatch {
    /// Parses `id` / `employee-id` or `name`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "employee-id" | "employee_id" | "gusto_employee_id" => Some(Self::EmployeeId),
            "name" | "names" => Some(Self::Name),
            _ => None,
        }
    }
}

/// One payroll setting: what the app's dialog shows and what the CLI flag is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Setting {
    /// [`PayrollSettings::company_code`].
    CompanyCode,
    /// [`PayrollSettings::batch_id`].
    BatchId,
    /// [`PayrollSettings::adp_file_name`].
    AdpFileName,
    /// [`PayrollSettings::pay_frequency`].
    PayFrequency,
    /// [`PayrollSettings::pay_period_start`].
    PayPeriodStart,
    /// [`PayrollSettings::pay_period_end`].
    PayPeriodEnd,
    /// [`PayrollSettings::separate_check`].
    SeparateCheck,
    /// [`PayrollSettings::gusto_match`].
    GustoMatch,
    /// [`PayrollSettings::gusto_ids`].
    GustoIds,
    /// [`PayrollSettings::reason`].
    Reason,
    /// [`PayrollSettings::effective_date`].
    EffectiveDate,
    /// [`PayrollSettings::send_to_payroll`].
    SendToPayroll,
    /// [`PayrollSettings::workday_ids`].
    WorkdayIds,
    /// [`PayrollSettings::client_id`].
    ClientId,
    /// [`PayrollSettings::currency_ok`].
    CurrencyOk,
}

impl Setting {
    /// Every setting, in the order a dialog shows them.
    pub const ALL: [Self; 15] = [
        Self::CompanyCode,
        Self::BatchId,
        Self::AdpFileName,
        Self::PayFrequency,
        Self::PayPeriodStart,
        Self::PayPeriodEnd,
        Self::SeparateCheck,
        Self::GustoMatch,
        Self::GustoIds,
        Self::Reason,
        Self::EffectiveDate,
        Self::SendToPayroll,
        Self::WorkdayIds,
        Self::ClientId,
        Self::CurrencyOk,
    ];

    /// The field name in [`PayrollSettings`] (and in its JSON form).
    pub fn field(self) -> &'static str {
        match self {
            Self::CompanyCode => "company_code",
            Self::BatchId => "batch_id",
            Self::AdpFileName => "adp_file_name",
            Self::PayFrequency => "pay_frequency",
            Self::PayPeriodStart => "pay_period_start",
            Self::PayPeriodEnd => "pay_period_end",
            Self::SeparateCheck => "separate_check",
            Self::GustoMatch => "gusto_match",
            Self::GustoIds => "gusto_ids",
            Self::Reason => "reason",
            Self::EffectiveDate => "effective_date",
            Self::SendToPayroll => "send_to_payroll",
            Self::WorkdayIds => "workday_ids",
            Self::ClientId => "client_id",
            Self::CurrencyOk => "currency_ok",
        }
    }

    /// The `carrot export` flag that sets it.
    pub fn flag(self) -> &'static str {
        match self {
            Self::CompanyCode => "--company-code",
            Self::BatchId => "--batch-id",
            Self::AdpFileName => "--adp-file-name",
            Self::PayFrequency => "--pay-frequency",
            Self::PayPeriodStart => "--pay-period-start",
            Self::PayPeriodEnd => "--pay-period-end",
            Self::SeparateCheck => "--separate-check",
            Self::GustoMatch => "--gusto-match",
            Self::GustoIds => "--gusto-ids",
            Self::Reason => "--reason",
            Self::EffectiveDate => "--effective-date",
            Self::SendToPayroll => "--no-send-to-payroll",
            Self::WorkdayIds => "--workday-ids",
            Self::ClientId => "--client-id",
            Self::CurrencyOk => "--currency-ok",
        }
    }

    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            Self::CompanyCode => "Company code",
            Self::BatchId => "Batch ID",
            Self::AdpFileName => "File name",
            Self::PayFrequency => "Pay frequency",
            Self::PayPeriodStart => "Pay period start",
            Self::PayPeriodEnd => "Pay period end",
            Self::SeparateCheck => "Separate check",
            Self::GustoMatch => "Match people by",
            Self::GustoIds => "Gusto id file",
            Self::Reason => "Reason",
            Self::EffectiveDate => "Effective date",
            Self::SendToPayroll => "Send to payroll",
            Self::WorkdayIds => "Workday id file",
            Self::ClientId => "Client ID",
            Self::CurrencyOk => "Currency confirmed",
        }
    }

    /// What to enter, in a sentence.
    pub fn help(self) -> &'static str {
        match self {
            Self::CompanyCode => {
                "ADP company code: Co Code for Workforce Now (2–3 letters or digits), IID for RUN (1–15)"
            }
            Self::BatchId => {
                "batch id: ADP Workforce Now 1–8 letters or digits; Workday EIB 1–40 letters, digits, - _ or ."
            }
            Self::AdpFileName => {
                "file name when exporting to a folder; {co} company code, {batch} batch id, {date} pay date"
            }
            Self::PayFrequency => "ADP RUN pay frequency: W weekly, B biweekly, S semimonthly, M monthly",
            Self::PayPeriodStart => "first day of the payroll period the file goes into (YYYY-MM-DD)",
            Self::PayPeriodEnd => "last day of the payroll period the file goes into (YYYY-MM-DD)",
            Self::SeparateCheck => {
                "a check of its own: ADP RUN Separate Check 0–9, ADP WFN Pay # 1–9, Paychex Check Seq Number 1–9; empty for the regular check"
            }
            Self::GustoMatch => "id: write gusto_employee_id from the roster's employee_id; name: names only",
            Self::GustoIds => {
                "CSV file with columns employee_id and gusto_employee_id: the Gusto id of each roster id; empty when the roster's ids are Gusto's"
            }
            Self::Reason => "Workday one-time payment reason, as configured in the tenant",
            Self::EffectiveDate => "Workday effective date (YYYY-MM-DD); empty for the pay date",
            Self::SendToPayroll => "Workday Send to Payroll (Y/N)",
            Self::WorkdayIds => {
                "CSV file with employee_id and any of worker_id, position_id, cost_center_id: each person's Workday reference ids; empty when the roster's ids are Workday's"
            }
            Self::ClientId => "Paychex Flex client id, 1–8 letters or digits",
            Self::CurrencyOk => {
                "the file carries no currency and the payroll pays in US dollars: tick to export a plan in another currency as it is"
            }
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.label().to_lowercase(), self.flag())
    }
}

/// A missing or malformed setting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingProblem {
    /// Which setting.
    pub setting: Setting,
    /// What is wrong and what to enter.
    pub message: String,
}

impl fmt::Display for SettingProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.setting, self.message)
    }
}

fn is_code(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A Workday batch id: 1–40 ASCII letters, digits, `-`, `_` or `.`.
fn is_workday_batch_id(s: &str) -> bool {
    (1..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The pay period a template's pay period dates describe, in words.
fn pay_period_of(template: Template) -> &'static str {
    match template {
        Template::WorkdayEib => "the Workday pay period the payroll inputs go into",
        _ => "RUN's next pay period",
    }
}

impl PayrollSettings {
    /// The settings a template cannot do without.
    pub fn required_for(template: Template) -> &'static [Setting] {
        match template {
            Template::Generic | Template::Gusto => &[],
            Template::AdpWfn => &[Setting::CompanyCode, Setting::BatchId],
            Template::AdpRun => {
                &[Setting::CompanyCode, Setting::PayFrequency, Setting::PayPeriodStart, Setting::PayPeriodEnd]
            }
            Template::Workday => &[Setting::Reason],
            Template::WorkdayEib => &[Setting::BatchId, Setting::PayPeriodStart, Setting::PayPeriodEnd],
            Template::PaychexFlex => &[Setting::ClientId],
        }
    }

    /// Every setting a template reads, required first, then optional ones.
    pub fn used_by(template: Template) -> &'static [Setting] {
        match template {
            Template::Generic => &[],
            Template::AdpWfn => &[
                Setting::CompanyCode,
                Setting::BatchId,
                Setting::AdpFileName,
                Setting::SeparateCheck,
                Setting::CurrencyOk,
            ],
            Template::AdpRun => &[
                Setting::CompanyCode,
                Setting::PayFrequency,
                Setting::PayPeriodStart,
                Setting::PayPeriodEnd,
                Setting::SeparateCheck,
                Setting::CurrencyOk,
            ],
            Template::Gusto => &[Setting::GustoMatch, Setting::GustoIds, Setting::CurrencyOk],
            Template::Workday => &[Setting::Reason, Setting::EffectiveDate, Setting::SendToPayroll],
            Template::WorkdayEib => {
                &[Setting::BatchId, Setting::PayPeriodStart, Setting::PayPeriodEnd, Setting::WorkdayIds]
            }
            Template::PaychexFlex => &[Setting::ClientId, Setting::SeparateCheck, Setting::CurrencyOk],
        }
    }

    /// Whether a setting differs from its default (i.e. someone set it).
    pub fn is_set(&self, setting: Setting) -> bool {
        let d = Self::default();
        match setting {
            Setting::CompanyCode => self.company_code != d.company_code,
            Setting::BatchId => self.batch_id != d.batch_id,
            Setting::AdpFileName => self.adp_file_name != d.adp_file_name,
            Setting::PayFrequency => self.pay_frequency.is_some(),
            Setting::PayPeriodStart => self.pay_period_start.is_some(),
            Setting::PayPeriodEnd => self.pay_period_end.is_some(),
            Setting::SeparateCheck => self.separate_check.is_some(),
            Setting::GustoMatch => self.gusto_match != d.gusto_match,
            Setting::GustoIds => self.gusto_ids != d.gusto_ids,
            Setting::Reason => self.reason != d.reason,
            Setting::EffectiveDate => self.effective_date.is_some(),
            Setting::SendToPayroll => self.send_to_payroll != d.send_to_payroll,
            Setting::WorkdayIds => self.workday_ids != d.workday_ids,
            Setting::ClientId => self.client_id != d.client_id,
            Setting::CurrencyOk => self.currency_ok != d.currency_ok,
        }
    }

    /// Settings that were set but that `template` does not read (worth a warning: perhaps the
    /// wrong template was chosen).
    pub fn unused_for(&self, template: Template) -> Vec<Setting> {
        Setting::ALL.into_iter().filter(|s| self.is_set(*s) && !Self::used_by(template).contains(s)).collect()
    }

    /// Every problem with the settings `template` reads: missing required ones and malformed
    /// values. Empty when the export can go ahead.
    pub fn check(&self, template: Template) -> Vec<SettingProblem> {
        let mut problems = Vec::new();
        let mut problem = |setting: Setting, message: String| problems.push(SettingProblem { setting, message });
        let name = template.name();
        let missing = |what: &str| format!("missing; the {name} file needs it ({what})");
        for setting in Self::used_by(template) {
            match setting {
                Setting::CompanyCode => {
                    let code = self.company_code.trim();
                    let (min, max, example) =
                        if template == Template::AdpWfn { (2, 3, "e.g. ABC") } else { (1, 15, "e.g. ABC123") };
                    if code.is_empty() {
                        problem(*setting, missing(&format!("{min}–{max} letters or digits, {example}")));
                    } else if !is_code(code, min, max) {
                        problem(
                            *setting,
                            format!(
                                "`{code}` is not an ADP company code: use {min}–{max} letters or digits, {example}"
                            ),
                        );
                    }
                }
                Setting::BatchId if template == Template::WorkdayEib => {
                    let id = self.batch_id.trim();
                    if id.is_empty() {
                        problem(*setting, missing("1–40 letters, digits, - _ or ., e.g. INC-2026Q3"));
                    } else if !is_workday_batch_id(id) {
                        problem(
                            *setting,
                            format!(
                                "`{id}` is not a Workday batch id: use 1–40 letters, digits, - _ or ., e.g. INC-2026Q3"
                            ),
                        );
                    }
                }
                Setting::BatchId => {
                    let id = self.batch_id.trim();
                    if id.is_empty() {
                        problem(*setting, missing("1–8 letters or digits, e.g. INC0926"));
                    } else if !is_code(id, 1, 8) {
                        problem(*setting, format!("`{id}` is not a batch id: use 1–8 letters or digits, e.g. INC0926"));
                    }
                }
                Setting::AdpFileName => {
                    if let Err(e) = self.check_adp_file_name() {
                        problem(*setting, e.to_string());
                    }
                }
                Setting::PayFrequency => {
                    if self.pay_frequency.is_none() {
                        problem(*setting, missing("W, B, S or M, the frequency of the RUN payroll it goes into"));
                    }
                }
                Setting::PayPeriodStart => {
                    if self.pay_period_start.is_none() {
                        problem(
                            *setting,
                            missing(&format!("the first day of {}, YYYY-MM-DD", pay_period_of(template))),
                        );
                    }
                }
                Setting::PayPeriodEnd => match (self.pay_period_start, self.pay_period_end) {
                    (_, None) => {
                        problem(*setting, missing(&format!("the last day of {}, YYYY-MM-DD", pay_period_of(template))));
                    }
                    (Some(start), Some(end)) if end < start => problem(
                        *setting,
                        format!(
                            "{end} is before the pay period start {start}; the period must not end before it starts"
                        ),
                    ),
                    _ => {}
                },
                Setting::SeparateCheck => {
                    // RUN numbers checks from 0; Workforce Now's Pay # and Paychex's Check Seq
                    // Number from 1 (1 is the regular check).
                    let (min, what) = match template {
                        Template::AdpWfn => (1, "a Pay #"),
                        Template::PaychexFlex => (1, "a Paychex Check Seq Number"),
                        _ => (0, "a separate check number"),
                    };
                    if let Some(n) = self.separate_check.filter(|n| !(min..=9).contains(n)) {
                        problem(*setting, format!("{n} is not {what}: use {min}–9"));
                    }
                }
                Setting::Reason => {
                    let reason = self.reason.trim();
                    if reason.is_empty() {
                        problem(*setting, missing("the one-time payment reason as configured in Workday"));
                    } else if reason.chars().any(char::is_control) {
                        problem(*setting, "must be one line of text without tabs or control characters".to_owned());
                    }
                }
                Setting::ClientId => {
                    let id = self.client_id.trim();
                    if id.is_empty() {
                        problem(*setting, missing("the Paychex client id, 1–8 letters or digits"));
                    } else if !is_code(id, 1, 8) {
                        problem(*setting, format!("`{id}` is not a Paychex client id: use 1–8 letters or digits"));
                    }
                }
                Setting::GustoIds => {
                    if !self.gusto_ids.trim().is_empty() && self.gusto_match == GustoMatch::Name {
                        problem(
                            *setting,
                            "matching by name (--gusto-match name) writes no gusto_employee_id; match by id to use \
                             the id file"
                                .to_owned(),
                        );
                    }
                }
                // Needs the plan's currency: see `check_for_currency`.
                // The id file is read (and every problem in it reported) when the file is rendered.
                Setting::GustoMatch
                | Setting::EffectiveDate
                | Setting::SendToPayroll
                | Setting::CurrencyOk
                | Setting::WorkdayIds => {}
            }
        }
        problems
    }

    /// [`PayrollSettings::check`], plus the currency: a template whose file carries no currency
    /// ([`Template::payroll_currency`]) refuses a plan in another currency unless
    /// [`PayrollSettings::currency_ok`] confirms it. This is the check an export runs.
    pub fn check_for_currency(&self, template: Template, currency: &str) -> Vec<SettingProblem> {
        let mut problems = self.check(template);
        if let Some(paid_in) = template.payroll_currency()
            && !currency.trim().eq_ignore_ascii_case(paid_in)
            && !self.currency_ok
        {
            problems.push(SettingProblem {
                setting: Setting::CurrencyOk,
                message: format!(
                    "the plan pays in {currency}, but the {} file has no currency column and the payroll pays \
                     every amount in {paid_in}: {currency} amounts would be paid as {paid_in}. Export a plan in \
                     {paid_in}, or confirm the amounts are meant as they are",
                    template.name()
                ),
            });
        }
        problems
    }

    /// The ADP Workforce Now file name from [`PayrollSettings::adp_file_name`], for a pay date.
    /// `Err` says what is wrong with the pattern.
    pub fn adp_wfn_file_name(&self, pay_date: NaiveDate) -> Result<String, AdpFileNameError> {
        let pattern = if self.adp_file_name.trim().is_empty() { DEFAULT_ADP_FILE_NAME } else { &self.adp_file_name };
        let mut co = self.company_code.trim().to_owned();
        while co.len() < 3 {
            co.push('_');
        }
        let mut out = String::with_capacity(pattern.len() + 8);
        let mut rest = pattern;
        while let Some(open) = rest.find('{') {
            out.push_str(rest.get(..open).unwrap_or_default());
            let after = rest.get(open..).unwrap_or_default();
            let Some(close) = after.find('}') else {
                return Err(AdpFileNameError::Unclosed { pattern: pattern.to_owned() });
            };
            match after.get(1..close).unwrap_or_default() {
                "co" => out.push_str(&co),
                "batch" => out.push_str(self.batch_id.trim()),
                "date" => out.push_str(&pay_date.format("%Y%m%d").to_string()),
                other => {
                    return Err(AdpFileNameError::UnknownPlaceholder {
                        pattern: pattern.to_owned(),
                        placeholder: other.to_owned(),
                    });
                }
            }
            rest = after.get(close + 1..).unwrap_or_default();
        }
        out.push_str(rest);
        if out.contains('}') {
            return Err(AdpFileNameError::Unopened { pattern: pattern.to_owned() });
        }
        if out.is_empty() || out == "." || out == ".." {
            return Err(AdpFileNameError::Unusable { pattern: pattern.to_owned() });
        }
        if !out.bytes().all(|b| b.is_ascii_graphic() || b == b' ') || out.contains(['/', '\\', ':']) {
            return Err(AdpFileNameError::NotPlain { pattern: pattern.to_owned(), name: out });
        }
        Ok(out)
    }

    fn check_adp_file_name(&self) -> Result<(), AdpFileNameError> {
        // Any date gives the same verdict: the pattern's validity does not depend on it.
        self.adp_wfn_file_name(NaiveDate::MIN).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_template_lists_its_required_settings_among_those_it_uses() {
        for t in Template::ALL {
            for s in PayrollSettings::required_for(t) {
                assert!(PayrollSettings::used_by(t).contains(s), "{t:?} {s:?}");
            }
        }
    }

    #[test]
    fn missing_required_settings_name_the_setting_and_its_flag() {
        let s = PayrollSettings::default();
        let problems = s.check(Template::AdpWfn);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 2, "{text:?}");
        assert!(text[0].starts_with("company code (--company-code): missing; the adp-wfn file needs it"), "{text:?}");
        assert!(text[1].starts_with("batch id (--batch-id): missing"), "{text:?}");
        let run: Vec<Setting> = s.check(Template::AdpRun).iter().map(|p| p.setting).collect();
        assert_eq!(
            run,
            vec![Setting::CompanyCode, Setting::PayFrequency, Setting::PayPeriodStart, Setting::PayPeriodEnd]
        );
        assert_eq!(s.check(Template::Workday)[0].setting, Setting::Reason);
        assert_eq!(s.check(Template::PaychexFlex)[0].setting, Setting::ClientId);
        assert!(s.check(Template::Generic).is_empty());
        assert!(s.check(Template::Gusto).is_empty());
    }

    #[test]
    fn malformed_settings_are_refused() {
        let s = PayrollSettings {
            company_code: "ABCD".into(),
            batch_id: "too-long-batch".into(),
            adp_file_name: "../{co}.csv".into(),
            ..PayrollSettings::default()
        };
        let problems: Vec<Setting> = s.check(Template::AdpWfn).iter().map(|p| p.setting).collect();
        assert_eq!(problems, vec![Setting::CompanyCode, Setting::BatchId, Setting::AdpFileName]);
        let s = PayrollSettings {
            company_code: "R1ABC".into(),
            pay_frequency: Some(PayFrequency::Biweekly),
            pay_period_start: Some(d("2026-10-12")),
            pay_period_end: Some(d("2026-10-01")),
            separate_check: Some(12),
            ..PayrollSettings::default()
        };
        let problems: Vec<Setting> = s.check(Template::AdpRun).iter().map(|p| p.setting).collect();
        assert_eq!(problems, vec![Setting::PayPeriodEnd, Setting::SeparateCheck]);
        let s = PayrollSettings { reason: "Bonus\tx".into(), client_id: "12 34".into(), ..PayrollSettings::default() };
        assert_eq!(s.check(Template::Workday).len(), 1);
        assert_eq!(s.check(Template::PaychexFlex).len(), 1);
    }

    #[test]
    fn separate_check_ranges_follow_each_system() {
        let s = PayrollSettings { separate_check: Some(0), ..PayrollSettings::default() };
        let sep = |t: Template| s.check(t).into_iter().filter(|p| p.setting == Setting::SeparateCheck).count();
        assert_eq!(sep(Template::AdpRun), 0, "RUN takes 0");
        assert_eq!(sep(Template::AdpWfn), 1, "Pay # starts at 1");
        assert_eq!(sep(Template::PaychexFlex), 1, "Check Seq Number starts at 1");
        assert!(PayrollSettings::used_by(Template::AdpWfn).contains(&Setting::SeparateCheck));
        assert!(PayrollSettings::used_by(Template::PaychexFlex).contains(&Setting::SeparateCheck));
        assert!(!PayrollSettings::used_by(Template::Gusto).contains(&Setting::SeparateCheck));
    }

    #[test]
    fn adp_file_name_pads_two_character_company_codes_and_fills_placeholders() {
        let mut s = PayrollSettings { company_code: "AB".into(), batch_id: "7".into(), ..PayrollSettings::default() };
        assert_eq!(s.adp_wfn_file_name(d("2026-10-15")).unwrap(), "PRAB_EPI.csv");
        s.company_code = "XYZ".into();
        assert_eq!(s.adp_wfn_file_name(d("2026-10-15")).unwrap(), "PRXYZEPI.csv");
        s.adp_file_name = "EPI{co}{batch}_{date}.csv".into();
        assert_eq!(s.adp_wfn_file_name(d("2026-10-15")).unwrap(), "EPIXYZ7_20261015.csv");
        for bad in ["{cc}.csv", "PR{co.csv", "a/b.csv", "..", "PR}x.csv"] {
            s.adp_file_name = bad.into();
            assert!(s.adp_wfn_file_name(d("2026-10-15")).is_err(), "{bad}");
        }
    }

    #[test]
    fn adp_file_name_errors_say_what_is_wrong_with_the_pattern() {
        let mut s = PayrollSettings { company_code: "XYZ".into(), ..PayrollSettings::default() };
        for (bad, message) in [
            ("PR{co.csv", "`PR{co.csv` has a `{` without `}`; the placeholders are {co}, {batch}, {date}"),
            ("{cc}.csv", "`{cc}.csv` has an unknown placeholder {cc}; the placeholders are {co}, {batch}, {date}"),
            ("PR}x.csv", "`PR}x.csv` has a `}` without `{`"),
            ("..", "`..` does not give a usable file name"),
            (
                "a/{co}.csv",
                "`a/{co}.csv` gives `a/XYZ.csv`: a file name (not a path) of plain ASCII, without / \\ or :",
            ),
        ] {
            s.adp_file_name = bad.into();
            assert_eq!(s.adp_wfn_file_name(d("2026-10-15")).unwrap_err().to_string(), message);
        }
    }

    #[test]
    fn the_currency_is_confirmed_only_for_us_payroll_templates() {
        let s = PayrollSettings::default();
        let currency = |t: Template, c: &str| {
            s.check_for_currency(t, c).into_iter().filter(|p| p.setting == Setting::CurrencyOk).count()
        };
        for t in [Template::AdpWfn, Template::AdpRun, Template::Gusto, Template::PaychexFlex] {
            assert_eq!(currency(t, "EUR"), 1, "{t:?}");
            assert_eq!(currency(t, "USD"), 0, "{t:?}");
            assert!(PayrollSettings::used_by(t).contains(&Setting::CurrencyOk), "{t:?}");
            assert!(s.check(t).iter().all(|p| p.setting != Setting::CurrencyOk), "check alone has no currency");
        }
        for t in [Template::Generic, Template::Workday] {
            assert_eq!(currency(t, "EUR"), 0, "{t:?} names its currency");
            assert!(!PayrollSettings::used_by(t).contains(&Setting::CurrencyOk), "{t:?}");
        }
        let ok = PayrollSettings { currency_ok: true, ..PayrollSettings::default() };
        assert!(ok.check_for_currency(Template::Gusto, "EUR").is_empty());
        assert_eq!(ok.unused_for(Template::Workday), vec![Setting::CurrencyOk]);
    }

    #[test]
    fn unused_settings_are_reported_per_template() {
        let s = PayrollSettings { batch_id: "1".into(), reason: "x".into(), ..PayrollSettings::default() };
        assert_eq!(s.unused_for(Template::Gusto), vec![Setting::BatchId, Setting::Reason]);
        assert_eq!(s.unused_for(Template::Workday), vec![Setting::BatchId]);
    }

    #[test]
    fn settings_read_from_partial_json_keep_their_defaults() {
        let s: PayrollSettings = serde_json::from_str(r#"{"company_code": "ABC"}"#).unwrap();
        assert_eq!(s.company_code, "ABC");
        assert!(s.send_to_payroll);
        assert_eq!(s.adp_file_name, DEFAULT_ADP_FILE_NAME);
        let back: PayrollSettings = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn pay_frequency_and_gusto_match_parse_codes_and_words() {
        assert_eq!(PayFrequency::parse("b"), Some(PayFrequency::Biweekly));
        assert_eq!(PayFrequency::parse("Monthly"), Some(PayFrequency::Monthly));
        assert_eq!(PayFrequency::parse("fortnightly"), None);
        assert_eq!(GustoMatch::parse("id"), Some(GustoMatch::EmployeeId));
        assert_eq!(GustoMatch::parse("name"), Some(GustoMatch::Name));
        assert_eq!(GustoMatch::parse("ssn"), None);
    }
}
