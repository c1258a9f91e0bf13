//! Every template on a small hand-computed roster: exact bytes, refusals before writing, and
//! reconciliation.
//!
//! The roster (plan `Test`, EUR, 10% commission on revenue, 100 per interview, cap 5,000):
//! - 001007 Anna de Vries: revenue 100,000 → `rev` 10,000.00; 3 interviews → 300.00; total
//!   10,300.00 is capped at 5,000 → `cap_adjustment` −5,300.00.
//! - 000042 `@SUM(A1) Smith` (a formula-looking name): `rev` 100.00, interviews 0.00.
//! - 000100 Mary Ann Smith: nothing to pay (two 0.00 lines).

use std::str::FromStr as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::engine::{self, Detail};
use crate::plan;
use crate::roster::{Contact, Employee, Roster, SourceRef};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::from_str(s).unwrap()
}

const REV_CODES: &str = r#""earning_code": "COMM", "earning_codes": {"adp-wfn": "C", "gusto": "commission"}"#;
const SPIFF_CODES: &str = r#""earning_code": "SPIFF", "earning_codes": {"adp-wfn": "S", "gusto": "bonus"}"#;
const CAP_CODES: &str =
    r#""earning_code": "CAPADJ", "earning_codes": {"adp-wfn": "CA", "gusto": "commission", "workday": "COMM"}"#;

fn plan_with_codes(rev: &str, spiff: &str, cap: &str) -> Plan {
    let text = format!(
        r#"{{"schema": 1, "name": "Test", "currency": "EUR",
            "period": {{"start": "2026-07-01", "end": "2026-09-30"}},
            "tracks": {{"sales": {{
                "components": [
                    {{"kind": "commission", "id": "rev", {rev}, "basis": "amount", "tiers": [{{"from": 0, "rate": 0.1}}]}},
                    {{"kind": "per_unit", "id": "interviews", {spiff}, "metric": "discovery_interviews", "amount": 100}}
                ],
                "cap": {{"amount": 5000, {cap}}}
            }}}}}}"#
    );
    let plan = plan::parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
    let errors: Vec<_> = plan::validate(&plan).into_iter().filter(|p| p.is_error()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    plan
}

fn test_plan() -> Plan {
    plan_with_codes(REV_CODES, SPIFF_CODES, CAP_CODES)
}

fn person(i: usize, id: &str, name: &str, role: &str, revenue: &str, interviews: &str) -> Employee {
    Employee {
        id: id.to_owned().into(),
        name: name.to_owned().into(),
        contact: None,
        role: role.to_owned().into(),
        team: "A".to_owned().into(),
        manager: Default::default(),
        currency: None,
        currency_symbol: None,
        base_salary: None,
        target_incentive: None,
        quota: None,
        start_date: None,
        end_date: None,
        metrics: vec![Some(d(revenue)), Some(d(interviews))],
        source: SourceRef { file: 0, line: i as u64 + 2 },
    }
}

fn roster_of(people: Vec<Employee>) -> Roster {
    Roster {
        metrics: vec!["revenue".to_owned(), "discovery_interviews".to_owned()],
        employees: people,
        sources: vec!["test.csv".to_owned()],
        joined: Vec::new(),
    }
}

fn test_roster() -> Roster {
    roster_of(vec![
        person(0, "001007", "Anna de Vries", "sales", "100000", "3"),
        person(1, "000042", "@SUM(A1) Smith", "sales", "1000", "0"),
        person(2, "000100", "Mary Ann Smith", "sales", "0", "0"),
    ])
}

fn settings() -> PayrollSettings {
    PayrollSettings {
        company_code: "ABC".into(),
        batch_id: "INC01".into(),
        pay_frequency: Some(PayFrequency::Biweekly),
        pay_period_start: Some(date("2026-10-05")),
        pay_period_end: Some(date("2026-10-18")),
        reason: "Commission".into(),
        client_id: "70012345".into(),
        // The test plan is in EUR; US payroll templates need the currency confirmed.
        currency_ok: true,
        ..PayrollSettings::default()
    }
}

const PLAN_BYTES: &[u8] = b"the plan file";

#[test]
fn us_payroll_templates_refuse_a_plan_in_another_currency_unless_confirmed() {
    let plan = test_plan();
    let roster = test_roster();
    let unconfirmed = PayrollSettings { currency_ok: false, ..settings() };
    for t in Template::ALL {
        let result = render_with(&plan, &roster, t, &unconfirmed);
        if t.payroll_currency().is_some() {
            let Err(ExportError::Settings { problems, .. }) = result else { panic!("{t:?}: {result:?}") };
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].setting, Setting::CurrencyOk);
            let text = problems[0].to_string();
            assert!(text.starts_with("currency confirmed (--currency-ok): the plan pays in EUR, but the "), "{text}");
            assert!(text.contains("the payroll pays every amount in USD"), "{text}");
            // Confirmed, the same file is written as before.
            assert!(render_with(&plan, &roster, t, &settings()).is_ok(), "{t:?}");
        } else {
            assert!(result.is_ok(), "{t:?} names its currency: {result:?}");
        }
    }
    // A plan in US dollars needs no confirmation.
    let mut usd = test_plan();
    usd.currency = "USD".into();
    for t in Template::ALL {
        assert!(render_with(&usd, &roster, t, &unconfirmed).is_ok(), "{t:?}");
    }
}

/// A request to export `report` of `plan` paid on 15 October 2026, as `template` with `s`.
fn request<'a>(
    plan: &'a Plan,
    report: &'a PayoutReport,
    template: Template,
    s: &'a PayrollSettings,
) -> ExportRequest<'a> {
    ExportRequest { plan, report, pay_date: date("2026-10-15"), template, settings: s, plan_bytes: PLAN_BYTES }
}

fn render_with(plan: &Plan, roster: &Roster, template: Template, s: &PayrollSettings) -> Result<String, ExportError> {
    let report = engine::compute(plan, roster, Detail::AmountsOnly).unwrap();
    let req = request(plan, &report, template, s);
    render(&req).map(|(bytes, _)| String::from_utf8(bytes).unwrap())
}

fn render_test(template: Template) -> String {
    render_with(&test_plan(), &test_roster(), template, &settings()).unwrap_or_else(|e| panic!("{template:?}: {e}"))
}

/// The Paychex row for a worker: columns A, B, E and K filled, the other 35 empty.
fn paychex_row(worker: &str, component: &str, amount: &str) -> String {
    format!("70012345,{worker},,,{component},,,,,,{amount}{}\r\n", ",".repeat(28))
}

#[test]
fn template_names_are_the_contract_and_parse_back() {
    let names: Vec<&str> = Template::ALL.iter().map(|t| t.name()).collect();
    assert_eq!(names, ["generic", "adp-wfn", "adp-run", "gusto", "workday", "workday-eib", "paychex-flex"]);
    assert_eq!(names, TEMPLATE_NAMES);
    assert_eq!(names, crate::plan::PAYROLL_TEMPLATES, "plans validate earning_codes against this list");
    for t in Template::ALL {
        assert_eq!(Template::parse(t.name()), Some(t));
        assert!(!t.title().is_empty());
    }
    assert_eq!(Template::parse("ADP-WFN"), None);
}

#[test]
fn generic_writes_every_line_with_negative_adjustments_and_neutralised_names() {
    let pd = "2026-07-01,2026-09-30,2026-10-15";
    let expected = format!(
        "employee_id,name,period_start,period_end,pay_date,earning_code,component,amount,currency\r\n\
         001007,Anna de Vries,{pd},COMM,rev,10000.00,EUR\r\n\
         001007,Anna de Vries,{pd},SPIFF,interviews,300.00,EUR\r\n\
         001007,Anna de Vries,{pd},CAPADJ,cap_adjustment,-5300.00,EUR\r\n\
         000042,'@SUM(A1) Smith,{pd},COMM,rev,100.00,EUR\r\n\
         000042,'@SUM(A1) Smith,{pd},SPIFF,interviews,0.00,EUR\r\n\
         000100,Mary Ann Smith,{pd},COMM,rev,0.00,EUR\r\n\
         000100,Mary Ann Smith,{pd},SPIFF,interviews,0.00,EUR\r\n"
    );
    assert_eq!(render_test(Template::Generic), expected);
}

#[test]
fn the_generic_file_rendered_in_pieces_is_the_file_one_writer_writes() {
    // More people than a piece holds lines, with names that need quotes and neutralising.
    let names = ["Ann \"Nan\", Smith", "Bo\nLine", "=Eve", "Dan Brown", ""];
    let people: Vec<Employee> = (0..9_000)
        .map(|i| {
            let name = names[i % names.len()];
            let name = if name.is_empty() { format!("Person {i}") } else { name.to_owned() };
            person(i, &format!("{i:06}"), &name, "sales", &format!("{}", i * 37 % 200_000), &format!("{}", i % 5))
        })
        .collect();
    let roster = roster_of(people);
    let plan = test_plan();
    let report = engine::compute(&plan, &roster, Detail::AmountsOnly).unwrap();
    let s = settings();
    let req = request(&plan, &report, Template::Generic, &s);
    let lines = payroll_lines(&plan, &report, Template::Generic).unwrap();
    assert!(lines.len() > 2 * generic::PIECE_LINES, "{} lines", lines.len());
    let (bytes, _) = render(&req).unwrap();
    let mut one = Vec::new();
    {
        let mut w = csv_writer(&mut one);
        w.write_record(generic::HEADER).unwrap();
        let pd = [req.report.period.start.to_string(), req.report.period.end.to_string(), "2026-10-15".to_owned()];
        for l in &lines {
            w.write_record([
                safe_text(l.employee_id).as_ref(),
                safe_text(l.name).as_ref(),
                &pd[0],
                &pd[1],
                &pd[2],
                safe_text(l.code).as_ref(),
                safe_text(l.component).as_ref(),
                &crate::money::fixed(l.amount, 2),
                "EUR",
            ])
            .unwrap();
        }
        w.flush().unwrap();
    }
    assert_eq!(String::from_utf8(bytes).unwrap(), String::from_utf8(one).unwrap());
}

#[test]
fn adp_wfn_writes_one_row_per_employee_with_code_amount_pairs_and_blank_for_no_data() {
    let expected = "Co Code,Batch ID,File #,Earnings 3 Code,Earnings 3 Amount,Earnings 4 Code,Earnings 4 Amount,Earnings 5 Code,Earnings 5 Amount\r\n\
                    ABC,INC01,001007,C,10000.00,S,300.00,CA,-5300.00\r\n\
                    ABC,INC01,000042,C,100.00,,,,\r\n";
    assert_eq!(render_test(Template::AdpWfn), expected);
}

#[test]
fn adp_wfn_sums_lines_that_share_a_code() {
    // The cap adjustment mapped to the commission's code nets into it.
    let cap = r#""earning_code": "CAPADJ", "earning_codes": {"adp-wfn": "C"}"#;
    let out = render_with(&plan_with_codes(REV_CODES, SPIFF_CODES, cap), &test_roster(), Template::AdpWfn, &settings())
        .unwrap();
    assert_eq!(
        out,
        "Co Code,Batch ID,File #,Earnings 3 Code,Earnings 3 Amount,Earnings 4 Code,Earnings 4 Amount\r\n\
         ABC,INC01,001007,C,4700.00,S,300.00\r\n\
         ABC,INC01,000042,C,100.00,,\r\n"
    );
}

#[test]
fn adp_run_starts_with_the_generic_marker_and_writes_a_row_per_employee_and_code() {
    let p = "R1ABC,B,10/05/2026,10/18/2026";
    let expected = format!(
        "##GENERIC## V1.0\r\n\
         IID,Pay Frequency,Pay Period Start,Pay Period End,Employee Id,Earnings Code,Pay Hours,Dollars,Separate Check,Worked In Dept,Rate Code\r\n\
         {p},001007,COMM,,10000.00,1,,\r\n\
         {p},001007,SPIFF,,300.00,1,,\r\n\
         {p},001007,CAPADJ,,-5300.00,1,,\r\n\
         {p},000042,COMM,,100.00,1,,\r\n"
    );
    let s = PayrollSettings { company_code: "R1ABC".into(), separate_check: Some(1), ..settings() };
    assert_eq!(render_with(&test_plan(), &test_roster(), Template::AdpRun, &s).unwrap(), expected);
}

#[test]
fn gusto_splits_names_nets_the_cap_into_commission_and_leaves_zero_blank() {
    let expected = "first_name,last_name,gusto_employee_id,bonus,commission\r\n\
                    Anna,de Vries,001007,300.00,4700.00\r\n\
                    '@SUM(A1),Smith,000042,,100.00\r\n";
    assert_eq!(render_test(Template::Gusto), expected);
    let by_name = PayrollSettings { gusto_match: GustoMatch::Name, ..settings() };
    let out = render_with(&test_plan(), &test_roster(), Template::Gusto, &by_name).unwrap();
    assert_eq!(
        out,
        "first_name,last_name,bonus,commission\r\nAnna,de Vries,300.00,4700.00\r\n'@SUM(A1),Smith,,100.00\r\n"
    );
}

#[test]
fn gusto_uses_the_rosters_first_and_last_name_when_it_has_them() {
    let mut roster = test_roster();
    // Split from `name`, this would be "Anna de" / "Vries"-like guesses; the roster says.
    if let Some(anna) = roster.employees.first_mut() {
        anna.contact = Contact::boxed(Some("Anna Maria".into()), Some("de Vries Lopez".into()), None);
    }
    let out = render_with(&test_plan(), &roster, Template::Gusto, &settings()).unwrap();
    assert_eq!(
        out,
        "first_name,last_name,gusto_employee_id,bonus,commission\r\n\
         Anna Maria,de Vries Lopez,001007,300.00,4700.00\r\n\
         '@SUM(A1),Smith,000042,,100.00\r\n"
    );
}

#[test]
fn workday_writes_one_time_payments_per_plan_without_zero_rows() {
    let row = |plan: &str, amount: &str| format!("001007,2026-10-15,Commission,{plan},2026-10-15,{amount},EUR,Y\r\n");
    let expected = format!(
        "Employee ID,Effective Date,Reason,One-Time Payment Plan,Scheduled Payment Date,Amount,Currency,Send to Payroll\r\n{}{}000042,2026-10-15,Commission,COMM,2026-10-15,100.00,EUR,Y\r\n",
        row("COMM", "4700.00"),
        row("SPIFF", "300.00"),
    );
    assert_eq!(render_test(Template::Workday), expected);
    let s = PayrollSettings {
        effective_date: Some(date("2026-09-30")),
        send_to_payroll: false,
        reason: "=Bonus".into(),
        ..settings()
    };
    let out = render_with(&test_plan(), &test_roster(), Template::Workday, &s).unwrap();
    assert!(out.contains("\r\n000042,2026-09-30,'=Bonus,COMM,2026-10-15,100.00,EUR,N\r\n"), "{out}");
}

const EIB_HEADER: &str = "Spreadsheet Key,Row ID,Batch ID,Start Date,End Date,Worker,Position,Earning,Amount,\
                          Currency,Coverage Start Date,Coverage End Date,Cost Center\r\n";

#[test]
fn workday_eib_writes_payroll_inputs_with_reference_ids_keyed_per_worker() {
    // Batch INC01, pay period 2026-10-05..18 (the settings), coverage = the plan period. Anna has
    // three earnings (the cap adjustment has its own code here and is a negative input), so one
    // spreadsheet key with rows 1–3; 000042 has one; 000100 has nothing to pay and no row.
    let row = |key: &str, row: &str, worker: &str, code: &str, amount: &str| {
        format!("{key},{row},INC01,2026-10-05,2026-10-18,{worker},,{code},{amount},EUR,2026-07-01,2026-09-30,\r\n")
    };
    let expected = [
        EIB_HEADER.to_owned(),
        row("1", "1", "001007", "COMM", "10000.00"),
        row("1", "2", "001007", "SPIFF", "300.00"),
        row("1", "3", "001007", "CAPADJ", "-5300.00"),
        row("2", "1", "000042", "COMM", "100.00"),
    ]
    .concat();
    assert_eq!(render_test(Template::WorkdayEib), expected);
    // The earning is a reference id, not display text: a code with spaces is refused, naming
    // the line.
    let plan = plan_with_codes(r#""earning_code": "Sales Commission""#, SPIFF_CODES, CAP_CODES);
    let err = render_with(&plan, &test_roster(), Template::WorkdayEib, &settings()).unwrap_err().to_string();
    assert!(err.contains("sales.rev: `Sales Commission` is not a Workday earning reference id"), "{err}");
    // A roster id that cannot be an Employee_ID is refused, naming the person.
    let roster = roster_of(vec![person(0, "=7 7", "Anna de Vries", "sales", "100000", "3")]);
    let err = render_with(&test_plan(), &roster, Template::WorkdayEib, &settings()).unwrap_err().to_string();
    assert!(err.contains("=7 7 (Anna de Vries): employee id `=7 7` is not a Workday Employee_ID"), "{err}");
}

#[test]
fn workday_eib_takes_worker_position_and_cost_center_from_the_id_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("workday_ids.csv");
    let s = PayrollSettings { workday_ids: file.display().to_string(), ..settings() };
    std::fs::write(
        &file,
        "Employee_ID,Position_ID,cost_center_id,worker_id,name\n\
         001007,P-1007,CC_4100,21007,Anna de Vries\n\
         000042,P-0042,CC_4200,20042,x\n\
         000100,P-0100,CC_4200,20100,Mary Ann Smith\n",
    )
    .unwrap();
    let out = render_with(&test_plan(), &test_roster(), Template::WorkdayEib, &s).unwrap();
    assert!(out.starts_with(EIB_HEADER), "{out}");
    assert!(
        out.contains(
            "\r\n1,2,INC01,2026-10-05,2026-10-18,21007,P-1007,SPIFF,300.00,EUR,2026-07-01,2026-09-30,CC_4100\r\n"
        ),
        "{out}"
    );
    assert!(out.contains("\r\n2,1,INC01,2026-10-05,2026-10-18,20042,P-0042,COMM,100.00,EUR,"), "{out}");
    // A person paid but missing from the file is refused, naming the person and the file.
    std::fs::write(&file, "employee_id,position_id\n001007,P-1007\n").unwrap();
    let err = render_with(&test_plan(), &test_roster(), Template::WorkdayEib, &s).unwrap_err().to_string();
    assert!(
        err.contains(&format!(
            "000042 (@SUM(A1) Smith): not in the Workday id file {} (--workday-ids)",
            file.display()
        )),
        "{err}"
    );
    // An empty cell in a column the file gives is refused with its line and column, never
    // written as a blank; so is display text where a reference id belongs, and a repeated id.
    std::fs::write(
        &file,
        "employee_id,position_id,cost_center_id\n001007,,CC_4100\n000042,P-0042,Sales EMEA\n000042,P-1,CC_1\n",
    )
    .unwrap();
    let err = render_with(&test_plan(), &test_roster(), Template::WorkdayEib, &s).unwrap_err().to_string();
    let f = file.display();
    assert!(err.contains(&format!("{f}: line 2, column position_id: empty for 001007")), "{err}");
    assert!(
        err.contains(&format!("{f}: line 3, column cost_center_id: `Sales EMEA` is not a Workday reference id")),
        "{err}"
    );
    assert!(err.contains(&format!("{f}: line 4, column employee_id: 000042 is listed twice")), "{err}");
    // A file with no id column at all says which columns it needs.
    std::fs::write(&file, "employee_id,name\n001007,Anna\n").unwrap();
    let err = render_with(&test_plan(), &test_roster(), Template::WorkdayEib, &s).unwrap_err().to_string();
    assert!(err.contains("no column worker_id, position_id, cost_center_id"), "{err}");
    let missing = workday_eib::read_ids(std::path::Path::new("/nonexistent/ids.csv")).unwrap_err();
    assert!(missing[0].starts_with("/nonexistent/ids.csv (--workday-ids): cannot be read:"), "{missing:?}");
}

#[test]
fn workday_eib_needs_a_batch_id_and_the_pay_period() {
    let only_batch = PayrollSettings { batch_id: "INC-2026Q3".into(), ..PayrollSettings::default() };
    let problems: Vec<Setting> = only_batch.check(Template::WorkdayEib).iter().map(|p| p.setting).collect();
    assert_eq!(problems, [Setting::PayPeriodStart, Setting::PayPeriodEnd]);
    let text = only_batch.check(Template::WorkdayEib)[0].to_string();
    assert!(text.contains("the Workday pay period the payroll inputs go into"), "{text}");
    // Workday batch ids may be longer than ADP's and carry - _ .; not spaces.
    let bad = PayrollSettings { batch_id: "INC 2026".into(), ..settings() };
    assert_eq!(bad.check(Template::WorkdayEib).iter().map(|p| p.setting).collect::<Vec<_>>(), [Setting::BatchId]);
    assert!(!settings().check(Template::WorkdayEib).iter().any(|p| p.setting == Setting::BatchId));
    let long = PayrollSettings { batch_id: "INC-2026Q3".into(), ..settings() };
    assert!(long.check(Template::WorkdayEib).is_empty());
    assert_eq!(long.check(Template::AdpWfn).iter().map(|p| p.setting).collect::<Vec<_>>(), [Setting::BatchId]);
}

#[test]
fn paychex_writes_all_39_columns_in_order() {
    let out = render_test(Template::PaychexFlex);
    let expected = format!(
        "{}\r\n{}{}{}{}",
        paychex_flex::HEADER.join(","),
        paychex_row("001007", "COMM", "10000.00"),
        paychex_row("001007", "SPIFF", "300.00"),
        paychex_row("001007", "CAPADJ", "-5300.00"),
        paychex_row("000042", "COMM", "100.00"),
    );
    assert_eq!(out, expected);
    for line in out.split("\r\n").filter(|l| !l.is_empty()) {
        assert_eq!(line.split(',').count(), 39, "{line}");
    }
    assert!(out.starts_with(
        "Client ID,Worker ID,Org,Job Number,Pay Component,Rate,Rate Number,Hours,Units,Line Date,Amount,"
    ));
    assert!(out.contains(",Local Tax Jurisdiction,Local Tax Name,Local Amt,Local Allocation %\r\n"));
}

#[test]
fn no_template_writes_a_byte_order_mark_and_the_same_inputs_give_the_same_bytes() {
    for t in Template::ALL {
        let a = render_test(t);
        assert!(!a.as_bytes().starts_with(&[0xEF, 0xBB, 0xBF]), "{t:?}");
        assert!(a.ends_with("\r\n"), "{t:?}");
        assert!(!a.replace("\r\n", "").contains('\n'), "{t:?}: bare LF");
        assert_eq!(a, render_test(t), "{t:?}");
    }
}

#[test]
fn leading_zero_ids_survive_in_every_template_that_writes_ids() {
    for t in [
        Template::Generic,
        Template::AdpWfn,
        Template::AdpRun,
        Template::Gusto,
        Template::Workday,
        Template::WorkdayEib,
        Template::PaychexFlex,
    ] {
        let out = render_test(t);
        assert!(out.contains("000042"), "{t:?}: {out}");
    }
}

#[test]
fn reconciliation_total_equals_the_payouts_total_for_every_template() {
    let plan = test_plan();
    let roster = test_roster();
    let report = engine::compute(&plan, &roster, Detail::AmountsOnly).unwrap();
    let s = settings();
    for t in Template::ALL {
        let req = request(&plan, &report, t, &s);
        let (_, rec) = render(&req).unwrap();
        assert_eq!(rec.total, report.totals.total, "{t:?}");
        assert_eq!(rec.total, d("5100.00"));
        assert_eq!(rec.by_code.values().copied().sum::<Decimal>(), rec.total, "{t:?}");
        assert_eq!((rec.people, rec.lines), (3, 7), "{t:?}");
        assert_eq!(rec.plan_sha256, plan_sha256(PLAN_BYTES));
        assert_eq!(rec.template, t.name());
    }
}

#[test]
fn reconciliation_counts_rows_and_people_in_the_file_and_totals_per_code() {
    let plan = test_plan();
    let report = engine::compute(&plan, &test_roster(), Detail::AmountsOnly).unwrap();
    let s = settings();
    let req = request(&plan, &report, Template::Gusto, &s);
    let (bytes, rec) = render(&req).unwrap();
    assert_eq!((rec.people, rec.people_in_file, rec.lines, rec.rows), (3, 2, 7, 2));
    assert_eq!(rec.by_code.get("commission"), Some(&d("4800.00")));
    assert_eq!(rec.by_code.get("bonus"), Some(&d("300.00")));
    let expected = format!(
        "Payroll export reconciliation (gusto template)\n\
         Plan: Test, 2026-07-01 to 2026-09-30\n\
         Plan file SHA-256: {}\n\
         Payroll file SHA-256: {}\n\
         Pay date: 2026-10-15\n\
         People: 3 with payout lines, 2 in the file\n\
         Lines: 7 payout lines in 2 file rows\n\
         Total per earning code:\n  \
         bonus             300.00\n  \
         commission      4,800.00\n\
         Grand total: 5,100.00 EUR\n\
         Not covered (no track for their role, not paid): 0\n\
         Rows skipped as bad (--skip-bad-rows, not paid): 0 (0 bad cell(s))\n",
        plan_sha256(PLAN_BYTES),
        plan_sha256(&bytes)
    );
    assert_eq!(rec.text(), expected);
}

#[test]
fn plan_hash_is_sha256_hex() {
    assert_eq!(plan_sha256(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

#[test]
fn a_missing_earning_code_refuses_before_anything_is_written() {
    let plan = plan_with_codes(r#""earning_codes": {"gusto": "commission"}"#, SPIFF_CODES, CAP_CODES);
    let report = engine::compute(&plan, &test_roster(), Detail::AmountsOnly).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let s = settings();
    let req = request(&plan, &report, Template::AdpWfn, &s);
    let err = write_with_reconciliation(&req, &path, Overwrite::Refuse).unwrap_err();
    assert!(matches!(&err, ExportError::MissingEarningCodes { missing, .. } if missing == &["sales.rev"]), "{err}");
    assert!(err.to_string().contains("\"earning_codes\": {\"adp-wfn\": ...}"), "{err}");
    assert!(!path.exists());
    assert!(!reconciliation_path(&path).exists());
    // Gusto has its own code, so the same plan exports there.
    assert!(render_with(&plan, &test_roster(), Template::Gusto, &s).is_ok());
}

#[test]
fn gusto_refuses_a_code_that_is_not_a_gusto_earning_column_naming_component_and_allowed_values() {
    let plan = plan_with_codes(REV_CODES, r#""earning_code": "SPIFF""#, CAP_CODES);
    let err = render_with(&plan, &test_roster(), Template::Gusto, &settings()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, ExportError::InvalidEarningCodes { .. }), "{msg}");
    assert!(msg.contains("sales.interviews: `SPIFF` is not one of Gusto's earning columns"), "{msg}");
    assert!(msg.contains("bonus, commission, paycheck_tips, cash_tips, correction_payment"), "{msg}");
    assert!(msg.contains("(from earning_code; set \"earning_codes\": {\"gusto\": ...})"), "{msg}");
}

#[test]
fn adp_earning_codes_are_checked_for_format() {
    for ok in ["C", "B", "SP", "7", "79", "00", "39"] {
        assert_eq!(code_problem(Template::AdpWfn, ok), None, "{ok}");
    }
    for bad in ["COMM", "c", "40", "50", "60", "61", "80", "", "C-", "É"] {
        assert!(code_problem(Template::AdpWfn, bad).is_some(), "{bad}");
    }
    assert_eq!(code_problem(Template::AdpRun, "CAPADJ"), None);
    assert!(code_problem(Template::AdpRun, "CAP ADJ").is_some());
    assert!(code_problem(Template::PaychexFlex, "Bonus, Spot").is_some());
    assert_eq!(code_problem(Template::PaychexFlex, "Spot Bonus"), None);
    let err = render_with(
        &plan_with_codes(r#""earning_code": "COMM""#, SPIFF_CODES, CAP_CODES),
        &test_roster(),
        Template::AdpWfn,
        &settings(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("sales.rev: `COMM` is not an ADP Workforce Now earnings code"), "{err}");
}

#[test]
fn templates_without_negative_amounts_refuse_a_code_that_nets_below_zero() {
    // The cap adjustment has its own code, so nothing nets it.
    let cap = r#""earning_code": "CAPADJ", "earning_codes": {"adp-wfn": "CA", "gusto": "correction_payment"}"#;
    let plan = plan_with_codes(REV_CODES, SPIFF_CODES, cap);
    for t in [Template::Gusto, Template::Workday] {
        let err = render_with(&plan, &test_roster(), t, &settings()).unwrap_err().to_string();
        assert!(err.contains("001007 (Anna de Vries): `"), "{t:?}: {err}");
        assert!(err.contains("nets to -5300.00"), "{t:?}: {err}");
    }
    // ADP, Paychex and generic carry the negative line.
    for t in [Template::Generic, Template::AdpWfn, Template::AdpRun, Template::PaychexFlex] {
        let out = render_with(&plan, &test_roster(), t, &settings()).unwrap();
        assert!(out.contains("-5300.00"), "{t:?}: {out}");
    }
}

/// A payroll line of `id` with `code` and `amount`.
fn line<'a>(id: &'a str, code: &'a str, amount: &str) -> PayrollLine<'a> {
    PayrollLine { employee_id: id, name: "Test Person", first_last: None, component: "rev", code, amount: d(amount) }
}

#[test]
fn adp_wfn_takes_amounts_from_minus_40500_to_99999_99_both_included() {
    let range = Template::AdpWfn.amount_range().unwrap();
    assert_eq!((range.min, range.max), (d("-40500.00"), d("99999.99")));
    let inside = [line("1", "C", "99999.99"), line("2", "C", "-40500.00"), line("3", "C", "0.01")];
    assert!(amount_problems(&inside, Template::AdpWfn, 2).is_empty());
    // The sum per code is what the file holds: two lines of 60,000 with one code make 120,000.
    let outside = [
        line("4", "C", "100000.00"),
        line("5", "C", "-40500.01"),
        line("6", "C", "60000"),
        line("6", "C", "60000"),
        line("6", "S", "60000"),
    ];
    let problems = amount_problems(&outside, Template::AdpWfn, 2);
    assert_eq!(
        problems,
        [
            "4 (Test Person): `C` nets to 100000.00, more than 99999.99, the most adp-wfn can take (ADP Workforce \
             Now's paydata import takes -40500.00 to 99999.99 in one amount). Check the plan if the amount is not \
             expected; else pay it outside this file (e.g. by hand in ADP Workforce Now)",
            "5 (Test Person): `C` nets to -40500.01, less than -40500.00, the least adp-wfn can take (ADP Workforce \
             Now's paydata import takes -40500.00 to 99999.99 in one amount). Check the plan if the amount is not \
             expected; else pay it outside this file (e.g. by hand in ADP Workforce Now)",
            "6 (Test Person): `C` nets to 120000.00, more than 99999.99, the most adp-wfn can take (ADP Workforce \
             Now's paydata import takes -40500.00 to 99999.99 in one amount). Check the plan if the amount is not \
             expected; else pay it outside this file (e.g. by hand in ADP Workforce Now)",
        ]
    );
    // Templates without a documented range write any amount.
    for t in Template::ALL.into_iter().filter(|t| t.amount_range().is_none() && t.allows_negative()) {
        assert!(amount_problems(&outside, t, 2).is_empty(), "{t:?}");
    }
}

#[test]
fn amounts_a_payroll_system_cannot_take_refuse_the_export_before_anything_is_written() {
    // 1,621,500 of revenue at 10% is 162,150.00 of commission; the cap of 5,000 makes the cap
    // adjustment -157,150.00: both outside what ADP takes. The other people are fine.
    let mut people = test_roster().employees;
    people.push(person(3, "000106", "Big Seller", "sales", "1621500", "0"));
    people.push(person(4, "E-17", "Not A File Number", "sales", "1000", "0"));
    let roster = roster_of(people);
    let plan = test_plan();
    let report = engine::compute(&plan, &roster, Detail::AmountsOnly).unwrap();
    let s = settings();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("PRABCEPI.csv");
    let err =
        write_with_reconciliation(&request(&plan, &report, Template::AdpWfn, &s), &path, Overwrite::Allow).unwrap_err();
    assert!(!path.exists() && !reconciliation_path(&path).exists(), "nothing is written");
    let ExportError::Data { problems, .. } = &err else { panic!("{err:?}") };
    assert_eq!(problems.len(), 3, "{problems:#?}");
    assert!(problems[0].starts_with("000106 (Big Seller): `C` nets to 162150.00, more than 99999.99"), "{err}");
    assert!(problems[1].starts_with("000106 (Big Seller): `CA` nets to -157150.00, less than -40500.00"), "{err}");
    // Listed with the template's own problems, in one refusal.
    assert!(problems[2].starts_with("E-17 (Not A File Number): employee id `E-17` is not an ADP File #"), "{err}");
    assert!(err.to_string().starts_with("the adp-wfn file cannot be written:\n  000106 (Big Seller)"), "{err}");
    // The layouts without a range write the same amounts.
    let without = roster_of(roster.employees.into_iter().filter(|e| &*e.id != "E-17").collect());
    for t in [Template::Generic, Template::AdpRun, Template::WorkdayEib, Template::PaychexFlex] {
        let out = render_with(&plan, &without, t, &s).unwrap_or_else(|e| panic!("{t:?}: {e}"));
        assert!(out.contains("162150.00") && out.contains("-157150.00"), "{t:?}: {out}");
    }
}

/// `test_plan()` in `currency`, paying one person 10% of `revenue`.
fn one_person_in(currency: &str, revenue: &str) -> (Plan, Roster) {
    let mut plan = test_plan();
    plan.currency = currency.into();
    (plan, roster_of(vec![person(0, "001007", "Anna de Vries", "sales", revenue, "0")]))
}

#[test]
fn layouts_in_dollars_and_cents_write_a_currency_without_decimals_with_two() {
    // 10% of 1,005 yen is 100.5, paid 101 (the yen has no decimals).
    let (plan, roster) = one_person_in("JPY", "1005");
    let amount = |t: Template| {
        let out = render_with(&plan, &roster, t, &settings()).unwrap_or_else(|e| panic!("{t:?}: {e}"));
        let row = out.lines().find(|l| l.contains("001007") || l.starts_with("Anna")).unwrap_or_default().to_owned();
        row.split(',').find(|c| c.starts_with("101")).unwrap_or_default().to_owned()
    };
    for t in Template::ALL {
        let expected = if t.amount_decimals() == Some(2) { "101.00" } else { "101" };
        assert_eq!(amount(t), expected, "{t:?}");
    }
    assert_eq!(
        Template::ALL.into_iter().filter(|t| t.amount_decimals() == Some(2)).collect::<Vec<_>>(),
        [Template::AdpWfn, Template::AdpRun, Template::Gusto, Template::PaychexFlex],
        "the layouts without a currency column take dollars and cents"
    );
}

#[test]
fn a_currency_with_more_decimals_than_the_layout_takes_is_refused_before_anything_is_written() {
    // 10% of 1,000.05 dinars is 100.005: three decimals.
    let (plan, roster) = one_person_in("KWD", "1000.05");
    let report = engine::compute(&plan, &roster, Detail::AmountsOnly).unwrap();
    let s = settings();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    for t in Template::ALL {
        let result = write_with_reconciliation(&request(&plan, &report, t, &s), &path, Overwrite::Allow);
        if t.amount_decimals() == Some(2) {
            let err = result.unwrap_err();
            assert!(matches!(err, ExportError::Decimals { currency_decimals: 3, layout_decimals: 2, .. }), "{t:?}");
            assert_eq!(
                err.to_string(),
                format!(
                    "the {} file takes amounts with 2 decimals, but the plan pays in KWD, whose amounts have 3: they \
                     cannot be written exactly, and rounding them would pay other amounts than the plan computes. \
                     Export with a template that writes the currency's own decimals (generic, workday, \
                     workday-eib), or a plan in a currency with at most 2 decimals",
                    t.name()
                )
            );
            assert!(!path.exists(), "{t:?}: nothing is written");
        } else {
            result.unwrap_or_else(|e| panic!("{t:?}: {e}"));
            let out = std::fs::read_to_string(&path).unwrap();
            assert!(out.contains(",100.005,"), "{t:?} keeps the currency's decimals: {out}");
            std::fs::remove_file(&path).unwrap();
            std::fs::remove_file(reconciliation_path(&path)).unwrap();
        }
    }
}

#[test]
fn missing_settings_refuse_before_anything_is_written_naming_the_flag() {
    let plan = test_plan();
    let report = engine::compute(&plan, &test_roster(), Detail::AmountsOnly).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let s = PayrollSettings::default();
    for (t, flag) in [
        (Template::AdpWfn, "--company-code"),
        (Template::AdpRun, "--pay-frequency"),
        (Template::Workday, "--reason"),
        (Template::WorkdayEib, "--batch-id"),
        (Template::PaychexFlex, "--client-id"),
    ] {
        let req = request(&plan, &report, t, &s);
        let err = write_with_reconciliation(&req, &path, Overwrite::Allow).unwrap_err();
        assert!(matches!(err, ExportError::Settings { .. }), "{t:?}");
        assert!(err.to_string().contains(flag), "{t:?}: {err}");
        assert!(!path.exists(), "{t:?}");
    }
}

#[test]
fn ids_the_payroll_system_cannot_match_are_refused() {
    let roster = roster_of(vec![person(0, "E-17", "Anna de Vries", "sales", "1000", "0")]);
    for t in [Template::AdpWfn, Template::AdpRun, Template::PaychexFlex] {
        let err = render_with(&test_plan(), &roster, t, &settings()).unwrap_err();
        assert!(matches!(err, ExportError::Data { .. }), "{t:?}");
        assert!(err.to_string().contains("E-17 (Anna de Vries): employee id `E-17`"), "{t:?}: {err}");
    }
    let long = roster_of(vec![person(0, "1234567", "Anna de Vries", "sales", "1000", "0")]);
    assert!(render_with(&test_plan(), &long, Template::AdpWfn, &settings()).is_err(), "File # has at most 6 digits");
    assert!(render_with(&test_plan(), &long, Template::PaychexFlex, &settings()).is_ok());
}

#[test]
fn gusto_refuses_one_word_names_and_same_names_when_matching_by_name() {
    let roster = roster_of(vec![person(0, "1", "Madonna", "sales", "1000", "0")]);
    let err = render_with(&test_plan(), &roster, Template::Gusto, &settings()).unwrap_err().to_string();
    assert!(err.contains("1 (Madonna): Gusto needs a first and a last name"), "{err}");
    let twins = roster_of(vec![
        person(0, "001044", "Farah Andersen", "sales", "1000", "0"),
        person(1, "005006", "Farah  Andersen", "sales", "2000", "0"),
    ]);
    assert!(render_with(&test_plan(), &twins, Template::Gusto, &settings()).is_ok(), "ids tell them apart");
    let by_name = PayrollSettings { gusto_match: GustoMatch::Name, ..settings() };
    let err = render_with(&test_plan(), &twins, Template::Gusto, &by_name).unwrap_err().to_string();
    assert!(err.contains("005006 and 001044 are both named"), "{err}");
    assert!(err.contains("--gusto-match id"), "{err}");
}

#[test]
fn a_gusto_id_file_is_read_with_every_problem_named_by_file_line_and_column() {
    let ok =
        gusto::parse_ids(b"\xEF\xBB\xBFName,Employee_ID,gusto_employee_id\r\nAnna,001007,AB12cd\r\n,,\r\n", "ids.csv")
            .unwrap();
    assert_eq!(ok.ids.get("001007").map(String::as_str), Some("AB12cd"), "a BOM, other columns, any case");
    assert_eq!(ok.ids.len(), 1, "blank lines are skipped");
    let err = gusto::parse_ids(b"employee_id,gusto_id\n1,ABC123\n", "ids.csv").unwrap_err();
    assert_eq!(err.len(), 1);
    assert!(err[0].starts_with("ids.csv: line 1: no column gusto_employee_id;"), "{err:?}");
    let text = "employee_id,gusto_employee_id\n001007,ABC123\n,XYZ789\n000042,12345\n001007,DEF456\n000100,ABC123\n";
    let err = gusto::parse_ids(text.as_bytes(), "ids.csv").unwrap_err();
    assert_eq!(
        err,
        [
            "ids.csv: line 3, column employee_id: empty; give the roster's employee id",
            "ids.csv: line 4, column gusto_employee_id: `12345` is not a Gusto employee id (6 letters or digits, \
             assigned by Gusto) for 000042",
            "ids.csv: line 5, column employee_id: 001007 is listed twice (also on line 2)",
            "ids.csv: line 6, column gusto_employee_id: ABC123 is given to 000100 and to 001007 (line 2); each \
             person has their own Gusto id",
        ]
    );
    let missing = gusto::read_ids(std::path::Path::new("/nonexistent/ids.csv")).unwrap_err();
    assert!(missing[0].starts_with("/nonexistent/ids.csv (--gusto-ids): cannot be read:"), "{missing:?}");
}

#[test]
fn gusto_ids_come_from_the_id_file_and_a_person_missing_from_it_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ids.csv");
    // The roster's ids are not Gusto's shape: the file maps them.
    let roster = roster_of(vec![
        person(0, "7", "Anna de Vries", "sales", "100000", "3"),
        person(1, "42", "Mary Ann Smith", "sales", "1000", "0"),
    ]);
    let s = PayrollSettings { gusto_ids: file.display().to_string(), ..settings() };
    std::fs::write(&file, "employee_id,gusto_employee_id\n7,GA0007\n42,GA0042\n").unwrap();
    let out = render_with(&test_plan(), &roster, Template::Gusto, &s).unwrap();
    assert!(out.contains("\r\nAnna,de Vries,GA0007,"), "{out}");
    assert!(out.contains("\r\nMary Ann,Smith,GA0042,"), "{out}");
    assert!(render_with(&test_plan(), &roster, Template::Gusto, &settings()).is_err(), "`7` is no Gusto id");
    std::fs::write(&file, "employee_id,gusto_employee_id\n7,GA0007\n").unwrap();
    let err = render_with(&test_plan(), &roster, Template::Gusto, &s).unwrap_err().to_string();
    assert!(err.contains(&format!("42 (Mary Ann Smith): not in the Gusto id file {} (--gusto-ids)", file.display())));
    // Names only writes no Gusto id: the file does not go with it.
    let by_name = PayrollSettings { gusto_match: GustoMatch::Name, ..s };
    let problems = by_name.check(Template::Gusto);
    assert_eq!(problems.iter().map(|p| p.setting).collect::<Vec<_>>(), [Setting::GustoIds]);
}

#[test]
fn names_split_on_the_last_word_keeping_surname_particles() {
    let split = gusto::split_name;
    let pair = |f: &str, l: &str| Some((f.to_owned(), l.to_owned()));
    assert_eq!(split("Anna de Vries"), pair("Anna", "de Vries"));
    assert_eq!(split("Jan De Vries"), pair("Jan", "De Vries"));
    assert_eq!(split("Ludwig van der Berg"), pair("Ludwig", "van der Berg"));
    assert_eq!(split("Maria de la Cruz"), pair("Maria", "de la Cruz"));
    assert_eq!(split("Mary Ann Smith"), pair("Mary Ann", "Smith"));
    assert_eq!(split("  Elif   O'Brien "), pair("Elif", "O'Brien"));
    assert_eq!(split("Van Morrison"), pair("Van", "Morrison"), "the first word is never a particle");
    assert_eq!(split("Van de Berg"), pair("Van", "de Berg"));
    assert_eq!(split("Chloé Zimmermann"), pair("Chloé", "Zimmermann"));
    assert_eq!(split("Madonna"), None);
    assert_eq!(split(""), None);
    // Last name first, as HRIS exports write it; a suffix stays with the last name.
    assert_eq!(split("Smith, Jane"), pair("Jane", "Smith"));
    assert_eq!(split("de Vries,  Anna Maria "), pair("Anna Maria", "de Vries"));
    assert_eq!(split("John Smith, Jr."), pair("John", "Smith Jr."));
    assert_eq!(split("Ada Lovelace, III"), pair("Ada", "Lovelace III"));
    assert_eq!(split("Jane Doe, MBA"), pair("Jane", "Doe MBA"), "a credential is not a first name");
    assert_eq!(split("Cher,"), None);
    assert_eq!(split(", Jane"), None);
    assert_eq!(split("Smith, Jr., John"), None, "several commas: not guessed");
    // A suffix without the comma, or after the given names, stays with the last name too.
    assert_eq!(split("John Smith Jr"), pair("John", "Smith Jr"));
    assert_eq!(split("John Paul Smith III"), pair("John Paul", "Smith III"));
    assert_eq!(split("Anna de Vries PhD"), pair("Anna", "de Vries PhD"));
    assert_eq!(split("Smith, John Jr."), pair("John", "Smith Jr."));
    assert_eq!(split("Smith, John V"), pair("John V", "Smith"), "a single letter is a middle initial");
    assert_eq!(split("John Jr"), pair("John", "Jr"), "two words: a first and a last name");
}

#[test]
fn people_in_error_refuse_the_export() {
    let plan = test_plan();
    let mut roster = test_roster();
    roster.employees[1].metrics[0] = None;
    let err = render_with(&plan, &roster, Template::Generic, &settings()).unwrap_err();
    assert!(matches!(err, ExportError::PeopleInError { count: 1, .. }), "{err}");
}

#[test]
fn roles_find_their_track_ignoring_case() {
    let text = plan::to_json(&test_plan()).replace("\"sales\": {", "\"Sales\": {");
    let plan = plan::parse(&text).unwrap();
    assert!(plan.tracks.contains_key("Sales"));
    let out = render_with(&plan, &test_roster(), Template::AdpWfn, &settings()).unwrap();
    assert!(out.contains("ABC,INC01,001007,C,10000.00,S,300.00,CA,-5300.00\r\n"), "{out}");
}

#[test]
fn write_with_reconciliation_writes_both_files_privately_and_refuses_to_overwrite_either() {
    let plan = test_plan();
    let report = engine::compute(&plan, &test_roster(), Detail::AmountsOnly).unwrap();
    let s = settings();
    let req = request(&plan, &report, Template::AdpWfn, &s);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("PRABCEPI.csv");
    let rec_path = reconciliation_path(&path);
    assert_eq!(rec_path, dir.path().join("PRABCEPI.csv.reconciliation.txt"));
    let rec = write_with_reconciliation(&req, &path, Overwrite::Refuse).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), render_test(Template::AdpWfn));
    assert_eq!(std::fs::read_to_string(&rec_path).unwrap(), rec.text());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for p in [&path, &rec_path] {
            assert_eq!(std::fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600);
        }
    }
    // Only the reconciliation exists: still nothing is written.
    std::fs::remove_file(&path).unwrap();
    let err = write_with_reconciliation(&req, &path, Overwrite::Refuse).unwrap_err();
    assert!(err.to_string().contains("reconciliation.txt already exists"), "{err}");
    assert!(!path.exists());
    write_with_reconciliation(&req, &path, Overwrite::Allow).unwrap();
    assert!(path.exists());
}

#[test]
fn default_file_names() {
    let plan = test_plan();
    let pay = date("2026-10-15");
    let s = PayrollSettings { company_code: "AB".into(), ..settings() };
    assert_eq!(Template::AdpWfn.default_file_name(&plan, pay, &s), "PRAB_EPI.csv");
    assert_eq!(Template::Generic.default_file_name(&plan, pay, &s), "payroll_test_2026-10-15.csv");
    let names: std::collections::HashSet<String> =
        Template::ALL.iter().map(|t| t.default_file_name(&plan, pay, &s)).collect();
    assert_eq!(names.len(), Template::ALL.len(), "each template has its own default name");
    // Words joined by one `_`, accents folded, never empty.
    let named = |name: &str| Plan { name: name.to_owned(), ..test_plan() };
    let generic = |name: &str| Template::Generic.default_file_name(&named(name), pay, &s);
    assert_eq!(generic("Plan year 2026 (monthly)"), "payroll_plan_year_2026_monthly_2026-10-15.csv");
    assert_eq!(generic("Vergütung — Vertrieb"), "payroll_vergutung_vertrieb_2026-10-15.csv");
    assert_eq!(generic("営業"), "payroll_plan_2026-10-15.csv");
}

#[test]
fn formula_cells_are_neutralised_and_others_untouched() {
    for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
        assert!(safe_text(bad).starts_with('\''), "{bad:?}");
    }
    for ok in ["Zoë Müller", "000417", "O'Brien", ""] {
        assert_eq!(safe_text(ok), ok);
    }
}

#[test]
fn a_row_of_the_wrong_length_is_an_error_not_a_dropped_row() {
    let rows = vec![vec!["a", "b"], vec!["c"]];
    let err = csv_bytes(Template::Gusto, rows).unwrap_err();
    assert!(err.to_string().contains("internal error writing the gusto file"), "{err}");
    assert_eq!(csv_bytes(Template::Gusto, vec![vec!["a", "=b"]]).unwrap(), b"a,=b\r\n");
}

#[test]
fn a_pay_date_before_the_period_ends_or_over_a_year_after_it_is_warned() {
    let period = Period { start: date("2026-07-01"), end: date("2026-09-30") };
    for ok in ["2026-09-30", "2026-10-15", "2027-09-30"] {
        assert_eq!(pay_date_warning(period, date(ok)), None, "{ok}");
    }
    assert_eq!(
        pay_date_warning(period, date("2026-09-29")).as_deref(),
        Some(
            "the pay date 2026-09-29 is before the period ends (2026-09-30): the amounts are for the whole period; \
             check the pay date"
        )
    );
    assert_eq!(
        pay_date_warning(period, date("2027-10-01")).as_deref(),
        Some("the pay date 2027-10-01 is 366 days after the period ends (2026-09-30); check the year of the pay date")
    );
}

// The Gusto file has one column per earning type. A line whose code is none of them (a kind of
// line the earning-code check did not know about) is refused, never left out of the file while
// the reconciliation counts it.
#[test]
fn a_gusto_line_whose_code_is_no_column_is_refused_not_dropped() {
    let plan = test_plan();
    let report = engine::compute(&plan, &test_roster(), Detail::AmountsOnly).unwrap();
    let s = settings();
    let req = request(&plan, &report, Template::Gusto, &s);
    let mut lines = payroll_lines(&plan, &report, Template::Gusto).unwrap();
    let first = lines[0].clone();
    lines.push(PayrollLine { code: "DRAW", amount: d("2100.00"), ..first });
    match gusto::render(&req, &lines) {
        Err(ExportError::Data { problems, .. }) => {
            assert!(
                problems.iter().any(|p| p.starts_with("`DRAW` is not one of Gusto's earning columns")),
                "{problems:?}"
            );
        }
        other => panic!("{:?}", other.map(|r| r.bytes.len())),
    }
}

#[test]
fn a_books_lines_have_each_roles_own_codes_as_the_reports_lines_do() {
    // Two tracks pay a component of the same id under different codes, and only one gives it a
    // Gusto code (so Gusto's lines are refused): the book (which looks each role's code up once) codes every line as the
    // report's lines are coded, whoever came before, and refuses the same lines.
    let text = r#"{"schema": 1, "name": "Two", "currency": "EUR",
        "period": {"start": "2026-07-01", "end": "2026-09-30"},
        "tracks": {
            "sales": {"components": [
                {"kind": "commission", "id": "rev", "earning_code": "COMM", "earning_codes": {"gusto": "commission"},
                 "basis": "amount", "tiers": [{"from": 0, "rate": 0.1}]},
                {"kind": "per_unit", "id": "interviews", "earning_code": "SPIFF", "metric": "discovery_interviews", "amount": 100}
            ]},
            "support": {"components": [
                {"kind": "commission", "id": "rev", "earning_codes": {"generic": "SUPP"}, "basis": "amount",
                 "tiers": [{"from": 0, "rate": 0.05}]}
            ]}
        }}"#;
    let plan = plan::parse(text).unwrap_or_else(|e| panic!("{e:?}"));
    let roles = ["sales", "support", "support", "sales", "support", "sales", "sales"];
    let people = roles
        .iter()
        .enumerate()
        .map(|(i, role)| person(i, &format!("{i:03}"), &format!("P{i}"), role, &format!("{}", 1000 * (i + 1)), "1"))
        .collect();
    let report = engine::compute(&plan, &roster_of(people), Detail::AmountsOnly).unwrap();
    let mut book = PayrollBook::default();
    for payout in &report.employees {
        book.add(payout);
    }
    let mut without = report.clone();
    without.employees.clear();
    for template in [Template::Generic, Template::Gusto] {
        let from_report = payroll_lines(&plan, &report, template).map_err(|e| e.to_string());
        let from_book = book.lines(&plan, &without, template).map_err(|e| e.to_string());
        assert_eq!(from_book, from_report, "{template:?}");
    }
    let lines = book.lines(&plan, &without, Template::Generic).unwrap();
    let codes: Vec<&str> = lines.iter().map(|l| l.code).collect();
    assert_eq!(codes, ["COMM", "SPIFF", "SUPP", "SUPP", "COMM", "SPIFF", "SUPP", "COMM", "SPIFF", "COMM", "SPIFF"]);
    assert!(book.lines(&plan, &without, Template::Gusto).is_err());
}
