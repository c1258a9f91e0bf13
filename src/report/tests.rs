//! Hand-outs built from hand-made comparisons: hostile names, repeated plan names, people not
//! covered or in error.

use std::str::FromStr as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::engine::{EmployeeError, EmployeePayout, Line, LineNames, NotCovered, Totals};
use crate::plan::Period;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(component: &str, label: &str, amount: &str) -> Line {
    let kind = if component == "cap_adjustment" { LineKind::CapAdjustment } else { LineKind::Commission };
    let names = LineNames::new(component.into(), label.into());
    Line::new(names, kind, 0, d(amount), None, String::new())
}

/// A person paid `lines`.
fn paid(index: usize, id: &str, name: &str, role: &str, lines: Vec<Line>) -> EmployeePayout {
    let total = lines.iter().map(|l| l.amount).sum();
    EmployeePayout {
        index,
        employee_id: id.into(),
        name: name.into(),
        first_last: None,
        role: role.into(),
        team: "Team A".into(),
        proration: Decimal::ONE,
        attainment: Some(d("1.05")),
        lines,
        total,
        revenue: Some(d("100000")),
        warnings: Vec::new(),
        track: 0,
    }
}

/// A report with totals summed from `employees`.
pub(crate) fn report(plan: &str, employees: Vec<EmployeePayout>) -> PayoutReport {
    let mut totals = Totals::default();
    for e in &employees {
        totals.total += e.total;
        totals.people += 1;
        totals.revenue += e.revenue.unwrap_or_default();
        *totals.by_role.entry(e.role.to_string()).or_insert(Decimal::ZERO) += e.total;
        for l in &e.lines {
            *totals.by_component.entry(l.component().to_string()).or_insert(Decimal::ZERO) += l.amount;
        }
    }
    PayoutReport {
        plan: plan.to_owned(),
        currency: "EUR".to_owned(),
        minor_units: 2,
        period: Period {
            start: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
        },
        employees,
        not_covered: Vec::new(),
        errors: Vec::new(),
        totals,
    }
}

/// Two plans with the same name, a hostile name, a formula-looking name, an id with leading
/// zeros, a cap adjustment, one person not covered and one in error under the second plan.
pub(crate) fn tricky() -> Comparison {
    let a = report(
        "Product-led",
        vec![
            paid(0, "000123", "<script>alert(1)</script>", "sales", vec![line("rev", "Revenue", "1234.50")]),
            paid(
                1,
                "000124",
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "sales",
                vec![line("rev", "Revenue", "500")],
            ),
            paid(
                2,
                "000125",
                "Ana O'Neil & Co",
                "consultant",
                vec![line("util", "Utilisation", "2000"), line("cap_adjustment", "Cap adjustment", "-250")],
            ),
        ],
    );
    let mut b = report(
        "Product-led",
        vec![
            paid(0, "000123", "<script>alert(1)</script>", "sales", vec![line("rev", "Revenue", "1500")]),
            paid(
                1,
                "000124",
                "=HYPERLINK(\"http://evil.example\",\"x\")",
                "sales",
                vec![line("rev", "Revenue", "400")],
            ),
        ],
    );
    b.errors.push(EmployeeError {
        index: 2,
        employee_id: "000125".into(),
        name: "Ana O'Neil & Co".into(),
        role: "consultant".into(),
        team: "Delivery".into(),
        component: Some("util".to_owned()),
        message: "billable_hours is missing".to_owned(),
    });
    b.not_covered.push(NotCovered {
        index: 3,
        employee_id: "000126".into(),
        name: "Zoe".into(),
        role: "intern".into(),
    });
    Comparison::new(vec![a, b])
}

#[test]
fn plans_are_numbered_and_same_names_noted() {
    let cmp = tricky();
    assert_eq!(plan_label(&cmp, 0), "1. Product-led");
    assert_eq!(plan_label(&cmp, 1), "2. Product-led");
    assert_eq!(same_name_groups(&cmp), vec![vec![0, 1]]);
    let note = same_name_note(&cmp).unwrap();
    assert!(note.contains("Plans 1 and 2 are both named"), "{note}");
    let three = Comparison::new(vec![report("A", vec![]), report("a", vec![]), report("A ", vec![])]);
    assert!(same_name_note(&three).unwrap().contains("Plans 1, 2 and 3 are all named"));
    assert_eq!(same_name_note(&Comparison::new(vec![report("A", vec![]), report("B", vec![])])), None);
    let unnamed = Comparison::new(vec![report("  ", vec![])]);
    assert_eq!(plan_label(&unnamed, 0), "1. (unnamed plan)");
}

#[test]
fn adjustments_come_after_the_components_with_their_labels() {
    let cmp = tricky();
    let ids: Vec<(String, String)> = components(&cmp).into_iter().map(|c| (c.id, c.label)).collect();
    assert_eq!(
        ids,
        [
            ("rev".to_owned(), "Revenue".to_owned()),
            ("util".to_owned(), "Utilisation".to_owned()),
            ("cap_adjustment".to_owned(), "Cap adjustment".to_owned())
        ]
    );
    assert_eq!(roles(&cmp), ["sales", "consultant"]);
}

#[test]
fn roster_size_counts_everyone_once() {
    let cmp = tricky();
    // Three paid under plan 1, one of them in error under plan 2, one more not covered.
    assert_eq!(roster_size(&cmp), 4);
    assert_eq!(people_in_error(&cmp.reports[1]), 1);
}

#[test]
fn ranking_puts_the_biggest_gain_first_and_biggest_loss_last() {
    let cmp = tricky();
    let order: Vec<&str> = ranked(&cmp, 0, 1).iter().map(|(p, _)| &*p.employee_id).collect();
    // +265.50, −100; 000125 could not be computed under plan 2: no known change (not −1,750).
    assert_eq!(order, ["000123", "000124"]);
    let (p, change) = ranked(&cmp, 0, 1)[1];
    assert_eq!((change, change_fraction(p, 0, 1)), (d("-100"), Some(d("-0.2"))));
    assert_eq!(cmp.not_compared, 1);
    let ana = cmp.people.iter().find(|p| &*p.employee_id == "000125").unwrap();
    assert_eq!((ana.change(0, 1), change_fraction(ana, 0, 1)), (None, None));
}

#[test]
fn mixed_currencies_are_named() {
    let mut b = report("B", vec![]);
    b.currency = "USD".to_owned();
    let cmp = Comparison::new(vec![report("A", vec![]), b]);
    assert!(mixed_currencies(&cmp));
    assert_eq!(currency_text(&cmp), "EUR / USD");
    assert!(!mixed_currencies(&tricky()));
}

#[test]
fn html_escapes_hostile_names_and_needs_nothing_from_outside() {
    let cmp = tricky();
    let html = render_html(&cmp, "Q3 <review>");
    assert!(!html.contains("<script"), "a name must not become a script");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("Q3 &lt;review&gt;"));
    assert!(html.contains("Ana O&#39;Neil &amp; Co"));
    // Ana could not be computed under plan 2: not "not paid", and no change.
    assert!(html.contains("title=\"could not be computed by this plan\">?</td>"));
    assert!(html.contains("title=\"a plan could not compute this person\">?</td>"));
    assert!(
        html.contains(
            "1 person could not be computed under at least one plan, so is not among the gainers and losers."
        )
    );
    // The change chart names each bar's person on hover, escaped too.
    assert!(html.contains("<title>000123 &lt;script&gt;alert(1)&lt;/script&gt; (sales): +265.50 EUR</title>"));
    for outside in ["src=", "href=", "url(", "@import", "<link", "<img", "<iframe"] {
        assert!(!html.contains(outside), "{outside}");
    }
    // Same-named plans: numbered, with their own colours and the note.
    assert!(html.contains("1. Product-led") && html.contains("2. Product-led"));
    assert!(html.contains(svg::plan_colour(0)) && html.contains(svg::plan_colour(1)));
    assert!(html.contains("both named"));
    assert_eq!(html, render_html(&cmp, "Q3 <review>"), "deterministic");
}

#[test]
fn html_shows_each_total_and_the_change() {
    let cmp = tricky();
    let html = render_html(&cmp, "");
    assert!(html.contains("<title>Plan comparison</title>"));
    // Plan 1: 1,234.50 + 500 + 2,000 − 250; plan 2: 1,500 + 400.
    assert!(html.contains(">3,484.50<"), "plan 1 total");
    assert!(html.contains(">1,900.00<"), "plan 2 total");
    assert!(html.contains("\u{2212}1,584.50"), "change of the total");
    assert!(html.contains("Cost by component per plan") && html.contains("Cap adjustment"));
}

#[test]
fn html_of_nothing_is_still_a_page() {
    let html = render_html(&Comparison::new(Vec::new()), "Empty");
    assert!(html.contains("No plans were compared.") && html.ends_with("</html>\n"));
    let one = render_html(&Comparison::new(vec![report("Solo", vec![])]), "One");
    assert!(one.contains("1. Solo") && !one.contains("Who gains, who loses</h2>"));
}

fn read_back(bytes: Vec<u8>) -> calamine::Xlsx<std::io::Cursor<Vec<u8>>> {
    use calamine::Reader as _;
    calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap()
}

fn strings(range: &calamine::Range<calamine::Data>) -> Vec<String> {
    range
        .used_cells()
        .filter_map(|(_, _, c)| if let calamine::Data::String(s) = c { Some(s.clone()) } else { None })
        .collect()
}

#[test]
fn workbook_lists_people_not_covered_and_in_error_with_the_reason() {
    use calamine::{Data, Reader as _};
    let cmp = tricky();
    let mut wb = read_back(workbook_bytes(&cmp).unwrap());
    let second = wb.worksheet_range("2. Product-led").unwrap();
    let texts = strings(&second);
    for expected in [
        "Not covered: the plan has no track for their role",
        "000126",
        "intern",
        "Could not be computed",
        "util: billable_hours is missing",
    ] {
        assert!(texts.iter().any(|t| t == expected), "{expected} in {texts:?}");
    }
    let summary = wb.worksheet_range("Summary").unwrap();
    let row =
        |label: &str| summary.rows().find(|r| r.first() == Some(&Data::String(label.to_owned()))).unwrap().to_vec();
    assert_eq!(row("People computed")[1..3], [Data::Float(3.0), Data::Float(2.0)]);
    assert_eq!(row("People not covered (no track for their role)")[1..3], [Data::Float(0.0), Data::Float(1.0)]);
    assert_eq!(row("People who could not be computed")[1..3], [Data::Float(0.0), Data::Float(1.0)]);
    assert_eq!(row("Change vs 1. Product-led (EUR)")[1..3], [Data::Empty, Data::Float(-1584.5)]);
    assert_eq!(row("People who gain vs plan 1")[2], Data::Float(1.0));
    // Not the person plan 2 could not compute.
    assert_eq!(row("People who lose vs plan 1")[2], Data::Float(1.0));
    assert_eq!(row("Cap adjustment")[1..3], [Data::Float(-250.0), Data::Empty]);
}

/// The `<pageSetup .../>` element of every worksheet, in sheet order.
fn page_setups(bytes: Vec<u8>) -> Vec<String> {
    use std::io::Read as _;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut setups = Vec::new();
    for i in 1.. {
        let Ok(mut sheet) = zip.by_name(&format!("xl/worksheets/sheet{i}.xml")) else { break };
        let mut xml = String::new();
        sheet.read_to_string(&mut xml).unwrap();
        let start = xml.find("<pageSetup ").unwrap_or_else(|| panic!("sheet {i} has no page setup"));
        let end = start + xml[start..].find("/>").unwrap() + 2;
        setups.push(xml[start..end].to_owned());
    }
    setups
}

#[test]
fn workbook_prints_on_the_paper_of_the_plans_currency_at_a_readable_scale() {
    let mut cmp = tricky();
    assert_eq!(cmp.reports[0].currency, "EUR");
    let setups = page_setups(workbook_bytes(&cmp).unwrap());
    assert_eq!(setups.len(), 4, "summary, two plans, winners and losers");
    for s in &setups {
        assert!(s.contains(r#"paperSize="9""#), "A4 for a EUR plan: {s}");
        assert!(s.contains(r#"orientation="landscape""#), "{s}");
        assert!(s.contains(r#"fitToHeight="0""#), "one page wide, as many long as needed: {s}");
    }
    for r in &mut cmp.reports {
        r.currency = "USD".to_owned();
    }
    for s in page_setups(workbook_bytes(&cmp).unwrap()) {
        assert!(s.contains(r#"paperSize="1""#), "Letter for a USD plan: {s}");
    }
    assert_eq!(super::workbook::Paper::for_currency("cad"), super::workbook::Paper::Letter);
    assert_eq!(super::workbook::Paper::for_currency("GBP"), super::workbook::Paper::A4);
}

#[test]
fn a_sheet_too_wide_for_one_page_prints_at_the_smallest_readable_scale_across_pages() {
    // Twelve plans: the winners-and-losers sheet has a block of columns for each.
    let plans: Vec<_> = (0..12)
        .map(|i| report(&format!("Plan {i}"), vec![paid(0, "1", "X", "sales", vec![line("rev", "Revenue", "10")])]))
        .collect();
    let setups = page_setups(workbook_bytes(&Comparison::new(plans)).unwrap());
    let movers = setups.last().unwrap();
    assert!(movers.contains(r#"scale="60""#), "{movers}");
    assert!(!movers.contains("fitToHeight"), "not shrunk to one page wide: {movers}");
    assert!(setups[1].contains(r#"fitToHeight="0""#), "a plan sheet still fits one page wide: {}", setups[1]);
}

#[test]
fn workbook_of_one_plan_or_none_still_opens() {
    use calamine::Reader as _;
    let mut one = read_back(workbook_bytes(&Comparison::new(vec![report("Solo", vec![])])).unwrap());
    assert_eq!(one.sheet_names(), ["Summary", "1. Solo", "Winners and losers"]);
    let movers = one.worksheet_range("Winners and losers").unwrap();
    assert!(strings(&movers).iter().any(|s| s.contains("nothing to compare")));
    let none = read_back(workbook_bytes(&Comparison::new(Vec::new())).unwrap());
    assert_eq!(none.sheet_names(), ["Summary", "Winners and losers"]);
}

#[test]
fn huge_amounts_do_not_break_the_report() {
    let big = Decimal::MAX / Decimal::TEN;
    let cmp = Comparison::new(vec![
        report("A", vec![paid(0, "1", "X", "sales", vec![line("rev", "Revenue", &big.to_string())])]),
        report("B", vec![paid(0, "1", "X", "sales", vec![line("rev", "Revenue", &(-big).to_string())])]),
    ]);
    let html = render_html(&cmp, "Big");
    assert!(html.contains("<svg") && !html.contains("NaN"));
    assert!(workbook_bytes(&cmp).is_ok());
}

#[test]
fn a_comparisons_notes_are_on_both_hand_outs() {
    use calamine::Reader as _;
    let cmp = Comparison::new(vec![report("A", vec![]), report("B", vec![])])
        .with_note("Pay period 2026-03 alone".to_owned());
    assert!(render_html(&cmp, "T").contains("<p class=\"note\">Pay period 2026-03 alone.</p>"));
    let mut book = read_back(workbook_bytes(&cmp).unwrap());
    let summary = book.worksheet_range("Summary").unwrap();
    assert!(strings(&summary).iter().any(|s| s.contains("Pay period 2026-03 alone.")), "{:?}", strings(&summary));
}
