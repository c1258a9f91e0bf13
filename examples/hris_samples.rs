//! Writes the HRIS and CRM sample exports in `assets/` from the bundled rosters:
//! `hris_export.xlsx` (a Workday-style worker report: first and last names, job titles, hire
//! dates as date cells, ids as text), `crm_deals.csv` (a Salesforce-style opportunity report
//! with its title, filter and totals lines, lost deals and deals outside the plan period) and
//! `activity_metrics.csv` (every other metric, keyed by work email).
//!
//! With `assets/hris_recipe.json` and `assets/crm_deals_mapping.json` they import into exactly
//! the bundled rosters' payouts (tests/import_shapes.rs checks it).
//!
//! `cargo run --no-default-features --example hris_samples` (rewrites the three files; the same
//! rosters give the same bytes).
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a generator script fails loudly and says what it wrote"
)]

use std::fmt::Write as _;
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook};

/// The metric columns that come from the deal list, not from the activity file.
const FROM_DEALS: &[&str] = &["revenue", "deals_closed"];
/// Roster columns that are the HRIS's.
const HR_COLUMNS: &[&str] = &[
    "employee_id",
    "name",
    "role",
    "team",
    "manager",
    "currency",
    "base_salary",
    "target_incentive",
    "quota",
    "start_date",
    "end_date",
];

struct Person {
    fields: Vec<(String, String)>,
}

impl Person {
    fn get(&self, column: &str) -> &str {
        self.fields.iter().find(|(c, _)| c == column).map_or("", |(_, v)| v.as_str())
    }
}

fn read(path: &Path) -> (Vec<String>, Vec<Person>) {
    let mut reader = csv::Reader::from_path(path).expect("bundled roster");
    let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    let people = reader
        .records()
        .map(|r| Person { fields: headers.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect() })
        .collect();
    (headers, people)
}

/// `first.last@northwind.example`, plain ASCII.
pub fn email(name: &str) -> String {
    let plain: String = name
        .chars()
        .map(|c| match c {
            'á' | 'à' | 'â' | 'ä' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' | 'ø' => 'o',
            'ú' | 'ü' => 'u',
            'ç' => 'c',
            'ñ' => 'n',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == ' ')
        .collect();
    format!("{}@northwind.example", plain.split_whitespace().collect::<Vec<_>>().join("."))
}

fn job_title(role: &str, team: &str, i: usize) -> &'static str {
    match (role, team) {
        ("sales", "Enterprise") => "Enterprise Account Executive",
        ("sales", "Partnerships") => "Partner Manager",
        ("sales", _) if i.is_multiple_of(3) => "Senior Account Executive",
        ("sales", _) => "Account Executive",
        (_, _) if i.is_multiple_of(4) => "Senior Consultant",
        _ => "Solutions Consultant",
    }
}

fn date_cell(text: &str) -> Option<ExcelDateTime> {
    let mut parts = text.split('-').map(|p| p.parse::<u16>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    ExcelDateTime::from_ymd(y, u8::try_from(m).ok()?, u8::try_from(d).ok()?).ok()
}

fn hris(path: &Path, people: &[&Person]) {
    let mut book = Workbook::new();
    let fixed = ExcelDateTime::from_ymd(2026, 10, 1).unwrap();
    book.set_properties(&DocProperties::new().set_creation_datetime(&fixed).set_author("Workday"));
    let info = book.add_worksheet().set_name("Report Parameters").unwrap();
    info.write_string(0, 0, "Report").unwrap();
    info.write_string(0, 1, "All Workers - Incentive Eligible").unwrap();
    info.write_string(1, 0, "Effective Date").unwrap();
    info.write_string(1, 1, "2026-10-01").unwrap();
    info.write_string(2, 0, "Run By").unwrap();
    info.write_string(2, 1, "HR Operations").unwrap();
    let sheet = book.add_worksheet().set_name("Workers").unwrap();
    sheet.write_string(0, 0, "All Workers - Incentive Eligible").unwrap();
    sheet.write_string(1, 0, "Effective as of 10/01/2026").unwrap();
    let headers = [
        "Worker ID",
        "Legal First Name",
        "Legal Last Name",
        "Job Title",
        "Supervisory Organization",
        "Manager",
        "Work Email",
        "Pay Currency",
        "Annual Base Pay",
        "Target Incentive (Period)",
        "Quota (Period)",
        "Hire Date",
        "Termination Date",
    ];
    let bold = Format::new().set_bold();
    let dates = Format::new().set_num_format("mm/dd/yyyy");
    let money = Format::new().set_num_format("#,##0.00");
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(3, c as u16, *h, &bold).unwrap();
    }
    for (i, p) in people.iter().enumerate() {
        let row = i as u32 + 4;
        let (first, last) = carrot::export::gusto::split_name(p.get("name")).unwrap();
        sheet.write_string(row, 0, p.get("employee_id")).unwrap();
        sheet.write_string(row, 1, &first).unwrap();
        sheet.write_string(row, 2, &last).unwrap();
        sheet.write_string(row, 3, job_title(p.get("role"), p.get("team"), i)).unwrap();
        sheet.write_string(row, 4, p.get("team")).unwrap();
        sheet.write_string(row, 5, p.get("manager")).unwrap();
        sheet.write_string(row, 6, email(p.get("name"))).unwrap();
        sheet.write_string(row, 7, p.get("currency")).unwrap();
        for (c, column) in [(8u16, "base_salary"), (9, "target_incentive"), (10, "quota")] {
            if let Ok(v) = p.get(column).parse::<f64>() {
                sheet.write_number_with_format(row, c, v, &money).unwrap();
            }
        }
        for (c, column) in [(11u16, "start_date"), (12, "end_date")] {
            if let Some(d) = date_cell(p.get(column)) {
                sheet.write_datetime_with_format(row, c, d, &dates).unwrap();
            }
        }
    }
    sheet.set_column_width(3, 28).unwrap();
    sheet.set_column_width(6, 34).unwrap();
    book.save(path).unwrap();
}

/// A revenue split into `n` deals whose amounts add up to it exactly.
fn split(revenue: Decimal, n: usize, seed: usize) -> Vec<Decimal> {
    let weights: Vec<Decimal> = (0..n).map(|k| Decimal::from(3 + (seed * 7 + k * 5) % 9)).collect();
    let sum: Decimal = weights.iter().sum();
    let mut parts: Vec<Decimal> = weights.iter().map(|w| (revenue * w / sum).round_dp(2)).collect();
    let rest = revenue - parts.iter().sum::<Decimal>();
    if let Some(last) = parts.last_mut() {
        *last += rest;
    }
    parts
}

fn thousands(d: Decimal) -> String {
    let s = format!("{:.2}", d);
    let (int, frac) = s.split_once('.').unwrap();
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{frac}")
}

fn deals(path: &Path, sales: &[&Person]) {
    let accounts = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay", "Stark", "Wayne", "Tyrell", "Wonka"];
    let mut rows: Vec<[String; 6]> = Vec::new();
    let mut won = Decimal::ZERO;
    for (i, p) in sales.iter().enumerate() {
        let revenue = Decimal::from_str(p.get("revenue")).unwrap();
        let n = p.get("deals_closed").parse::<usize>().unwrap().max(1);
        let currency = p.get("currency");
        for (k, amount) in split(revenue, n, i).into_iter().enumerate() {
            let day = 1 + (i * 3 + k * 11) % 90;
            let date = chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap() + chrono::Days::new(day as u64 % 92);
            let account = accounts[(i + k) % accounts.len()];
            let kind = if k % 3 == 2 { "Expansion" } else { "New Business" };
            won += amount;
            rows.push([
                format!("{account} - {kind} {}", 100 + i * 10 + k),
                p.get("name").to_owned(),
                "Closed Won".to_owned(),
                date.format("%m/%d/%Y").to_string(),
                format!("{currency} {}", thousands(amount)),
                account.to_owned(),
            ]);
        }
        // Deals that must not count: lost in the period, won before it and after it.
        if i % 4 == 0 {
            rows.push([
                format!("{} - New Business {}", accounts[i % 10], 900 + i),
                p.get("name").to_owned(),
                "Closed Lost".to_owned(),
                "08/14/2026".to_owned(),
                format!("{currency} {}", thousands(Decimal::from(25_000 + i * 1000))),
                accounts[i % 10].to_owned(),
            ]);
        }
        if i % 5 == 1 {
            for date in ["06/30/2026", "10/01/2026"] {
                rows.push([
                    format!("{} - Renewal {}", accounts[(i + 3) % 10], 700 + i),
                    p.get("name").to_owned(),
                    "Closed Won".to_owned(),
                    date.to_owned(),
                    format!("{currency} {}", thousands(Decimal::from(18_000 + i * 500))),
                    accounts[(i + 3) % 10].to_owned(),
                ]);
            }
        }
    }
    let mut out = String::new();
    out.push_str("\"Closed Opportunities by Owner\"\n\"As of 10/01/2026 7:02 AM\"\n\"Filtered By:\"\n");
    out.push_str("\"  Close Date equals LAST FISCAL QUARTER, NEXT FISCAL QUARTER, CURRENT FISCAL QUARTER\"\n\n");
    out.push_str("\"Opportunity Name\",\"Opportunity Owner\",\"Stage\",\"Close Date\",\"Amount\",\"Account Name\"\n");
    for r in &rows {
        let quoted: Vec<String> = r.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
        writeln!(out, "{}", quoted.join(",")).unwrap();
    }
    writeln!(out, "\n\"Grand Totals ({} records)\",,,,,", rows.len()).unwrap();
    out.push_str("\n\"Confidential Information - Do Not Distribute\"\n");
    out.push_str("\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n");
    std::fs::write(path, out).unwrap();
    println!("{}: {} deals, {} won in the period (before conversion)", path.display(), rows.len(), won);
}

fn activity(path: &Path, files: &[(Vec<String>, Vec<Person>)]) {
    let mut columns: Vec<String> = Vec::new();
    for (headers, _) in files {
        for h in headers {
            if !HR_COLUMNS.contains(&h.as_str()) && !columns.contains(h) {
                columns.push(h.clone());
            }
        }
    }
    // A column only the deal list fills (deals_closed) is left out.
    columns.retain(|c| {
        files.iter().any(|(headers, people)| {
            headers.contains(c)
                && !(headers.iter().any(|h| h == "deals_closed") && FROM_DEALS.contains(&c.as_str()))
                && people.iter().any(|p| !p.get(c).is_empty())
        })
    });
    let mut out = String::from("Email");
    for c in &columns {
        out.push(',');
        out.push_str(c);
    }
    out.push('\n');
    for (headers, people) in files {
        let from_deals = |c: &str| headers.iter().any(|h| h == "deals_closed") && FROM_DEALS.contains(&c);
        for p in people {
            // Upper case, as some tools export addresses: the join ignores case.
            out.push_str(&email(p.get("name")).to_uppercase());
            for c in &columns {
                out.push(',');
                if headers.contains(c) && !from_deals(c) {
                    out.push_str(p.get(c));
                }
            }
            out.push('\n');
        }
    }
    std::fs::write(path, out).unwrap();
    println!("{}: {} columns", path.display(), columns.len());
}

fn main() {
    let assets = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let sales = read(&assets.join("sales_roster.csv"));
    let consultants = read(&assets.join("consultants_roster.csv"));
    let everyone: Vec<&Person> = sales.1.iter().chain(&consultants.1).collect();
    hris(&assets.join("hris_export.xlsx"), &everyone);
    println!("{}: {} workers", assets.join("hris_export.xlsx").display(), everyone.len());
    let sellers: Vec<&Person> = sales.1.iter().collect();
    deals(&assets.join("crm_deals.csv"), &sellers);
    activity(&assets.join("activity_metrics.csv"), &[sales, consultants]);
}
