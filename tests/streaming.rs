//! A roster file streamed through the plan block by block (`carrot payouts`, `export` and
//! `compare` on one CSV with nothing joined) gives byte for byte what the whole import gives,
//! places nothing when a bad row comes late in the file, falls back to the whole import when a
//! column turns out to be text, and `compare --xlsx/--html` refuses rosters past its documented
//! size. The whole import is forced with `--skip-bad-rows` (these rosters have no bad rows, so
//! it reads them the same).

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn carrot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", stderr(&o));
    o
}

/// A generated roster of `people` (sales people and consultants) in `dir`: with 2,048 people a
/// block, 9,000 people are five blocks.
fn roster(dir: &Path, people: usize) -> PathBuf {
    let path = dir.join("roster.csv");
    ok(carrot(&["gen-roster", "--people", &people.to_string(), "--seed", "7", "--out", path.to_str().unwrap()]));
    path
}

fn plan(name: &str) -> String {
    format!("sample_plans/{name}.json")
}

#[test]
fn payouts_streamed_are_the_whole_imports_payouts_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let roster = roster(dir.path(), 9_000);
    let roster = roster.to_str().unwrap();
    for format in ["csv", "json"] {
        let streamed = ok(carrot(&["payouts", "--plan", &plan("product_led"), "--roster", roster, "--format", format]));
        let whole = ok(carrot(&[
            "payouts",
            "--plan",
            &plan("product_led"),
            "--roster",
            roster,
            "--format",
            format,
            "--skip-bad-rows",
        ]));
        assert!(streamed.stdout.len() > 1_000_000, "{format}: {} bytes", streamed.stdout.len());
        assert!(streamed.stdout == whole.stdout, "{format}: the streamed output differs from the whole import's");
        assert_eq!(stderr(&streamed), stderr(&whole), "{format}");
        // To a file too (renamed into place once everything was read).
        let out = dir.path().join(format!("payouts.{format}"));
        ok(carrot(&[
            "payouts",
            "--plan",
            &plan("product_led"),
            "--roster",
            roster,
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]));
        assert!(std::fs::read(&out).unwrap() == whole.stdout, "{format}: the file differs");
    }
}

/// The generated roster with the revenue cell of data row `row` replaced by `cell`.
fn with_revenue(dir: &Path, source: &Path, row: usize, cell: &str) -> PathBuf {
    let text = std::fs::read_to_string(source).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = header.iter().position(|h| *h == "revenue").unwrap();
    let mut cells: Vec<String> = lines[row].split(',').map(str::to_owned).collect();
    cells[column] = cell.to_owned();
    lines[row] = cells.join(",");
    let path = dir.join(format!("bad_{row}.csv"));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn a_bad_row_after_many_blocks_places_nothing_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let good = roster(dir.path(), 9_000);
    // Line 8,901 of the file: four blocks of people were computed and written before it.
    let bad = with_revenue(dir.path(), &good, 8_900, "12O00");
    let bad = bad.to_str().unwrap();
    let out = dir.path().join("payouts.csv");
    let failed = carrot(&[
        "payouts",
        "--plan",
        &plan("product_led"),
        "--roster",
        bad,
        "--format",
        "csv",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!failed.status.success());
    let message = stderr(&failed);
    assert!(message.contains(":8901") && message.contains("revenue") && message.contains("12O00"), "{message}");
    assert!(!out.exists(), "nothing is placed after a bad row");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file is left behind");
    // Standard output gets nothing either.
    let to_stdout = carrot(&["payouts", "--plan", &plan("product_led"), "--roster", bad, "--format", "json"]);
    assert!(!to_stdout.status.success());
    assert!(to_stdout.stdout.is_empty(), "{} bytes on stdout", to_stdout.stdout.len());
    assert_eq!(stderr(&to_stdout), message, "the same message whatever the output");
    // Export and compare place nothing either.
    let export_out = dir.path().join("payroll.csv");
    let export = carrot(&[
        "export",
        "--plan",
        &plan("sales_led"),
        "--roster",
        bad,
        "--pay-date",
        "2026-10-15",
        "--out",
        export_out.to_str().unwrap(),
    ]);
    assert!(!export.status.success() && stderr(&export).contains(":8901"), "{}", stderr(&export));
    assert!(!export_out.exists());
    let compare = carrot(&["compare", "--plan", &plan("sales_led"), "--plan", &plan("product_led"), "--roster", bad]);
    assert!(!compare.status.success() && compare.stdout.is_empty(), "{}", stderr(&compare));
}

#[test]
fn a_column_that_turns_out_to_be_text_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let good = roster(dir.path(), 5_000);
    // A `notes` column, numbers at first (so its first blocks stream as a metric), then text:
    // the import leaves it out as a text column, which only the end of the file shows.
    let text = std::fs::read_to_string(&good).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let note = match i {
            0 => "notes".to_owned(),
            i if i < 2_500 => i.to_string(),
            i => format!("called back {i}"),
        };
        out.push_str(&format!("{line},{note}\n"));
    }
    let path = dir.path().join("notes.csv");
    std::fs::write(&path, out).unwrap();
    let path = path.to_str().unwrap();
    let streamed = ok(carrot(&["payouts", "--plan", &plan("transition"), "--roster", path, "--format", "csv"]));
    let whole =
        ok(carrot(&["payouts", "--plan", &plan("transition"), "--roster", path, "--format", "csv", "--skip-bad-rows"]));
    assert!(streamed.stdout == whole.stdout);
    assert!(stderr(&streamed).contains("column `notes` is text; ignored"), "{}", stderr(&streamed));
    assert_eq!(stderr(&streamed), stderr(&whole));
}

#[test]
fn export_and_compare_streamed_are_the_whole_imports() {
    let dir = tempfile::tempdir().unwrap();
    // A sales person's refund in the third block: paid 0, and a warning for the reconciliation.
    let roster = with_revenue(dir.path(), &roster(dir.path(), 9_000), 5_001, "-1500");
    let roster = roster.to_str().unwrap();
    let export = |out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec![
            "export",
            "--plan",
            "sample_plans/transition.json",
            "--roster",
            roster,
            "--pay-date",
            "2026-10-15",
            "--template",
            "gusto",
            "--currency-ok",
            "--out",
        ];
        let out_text = out.to_str().unwrap().to_owned();
        args.push(&out_text);
        args.extend_from_slice(extra);
        let o = ok(carrot(&args));
        let rec = std::fs::read_to_string(export_rec(&out)).unwrap();
        (std::fs::read(&out).unwrap(), rec.replace(&out_text, "OUT"), stderr(&o))
    };
    let streamed = export("streamed.csv", &[]);
    let whole = export("whole.csv", &["--skip-bad-rows"]);
    assert!(streamed.0 == whole.0, "the payroll files differ");
    assert_eq!(streamed.1, whole.1);
    assert!(streamed.1.contains("To check before paying:\n  "), "{}", streamed.1);
    assert!(streamed.1.contains(": revenue is negative in the roster; the revenue_commission line pays 0"));
    assert_eq!(streamed.2, whole.2);

    let plans = ["--plan", "sample_plans/sales_led.json", "--plan", "sample_plans/transition.json", "--plan"];
    for format in ["json", "table"] {
        let mut args = vec!["compare"];
        args.extend_from_slice(&plans);
        args.extend_from_slice(&["sample_plans/product_led.json", "--roster", roster, "--format", format]);
        let streamed = ok(carrot(&args));
        args.push("--skip-bad-rows");
        let whole = ok(carrot(&args));
        assert!(streamed.stdout == whole.stdout, "compare --format {format} differs");
        assert_eq!(stderr(&streamed), stderr(&whole));
    }
}

fn export_rec(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap().to_os_string();
    name.push(".reconciliation.txt");
    path.with_file_name(name)
}

#[test]
fn compare_hand_outs_are_refused_past_their_documented_size_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    // 200,001 people: one more than the hand-outs are made for (carrot::cli::HANDOUT_PEOPLE_LIMIT).
    // The columns the product-led plan's sales track reads (and the sales-led plan's quota and
    // target incentive, without which the plans are refused before the size is looked at).
    let mut csv = String::from(
        "employee_id,name,role,quota,target_incentive,revenue,value_weighted_conversations,discovery_interviews,\
         survey_responses,early_access_signups,core_user_relationships,champions_references,roadmap_insights,\
         account_retention\n",
    );
    for i in 0..=carrot::cli::HANDOUT_PEOPLE_LIMIT {
        csv.push_str(&format!("{i},P {i},sales,1000,100,{},1,2,3,4,5,6,7,0.9\n", i % 997));
    }
    let path = dir.path().join("big.csv");
    std::fs::write(&path, csv).unwrap();
    let xlsx = dir.path().join("meeting.xlsx");
    let o = carrot(&[
        "compare",
        "--plan",
        "sample_plans/sales_led.json",
        "--plan",
        "sample_plans/product_led.json",
        "--roster",
        path.to_str().unwrap(),
        "--xlsx",
        xlsx.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    let message = stderr(&o);
    assert!(
        message.contains("the roster has 200,001 people; --xlsx and --html make hand-outs for up to 200,000"),
        "{message}"
    );
    assert!(!xlsx.exists());
}

#[test]
fn a_plan_reading_a_column_the_streamed_roster_lacks_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    // Two blocks' worth of people, so the plan is bound at the header and checked at the end.
    let path = roster(dir.path(), 5_000);
    let text = std::fs::read_to_string(plan("sales_led")).unwrap();
    let typo = text.replacen("\"metric\": \"revenue\"", "\"metric\": \"revenu\"", 1);
    assert_ne!(typo, text);
    let typo_plan = dir.path().join("typo.json");
    std::fs::write(&typo_plan, typo).unwrap();
    for format in ["csv", "json"] {
        let out = dir.path().join(format!("out.{format}"));
        let o = carrot(&[
            "payouts",
            "--plan",
            typo_plan.to_str().unwrap(),
            "--roster",
            path.to_str().unwrap(),
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(
            stderr(&o)
                .contains("`revenu` is not a roster column or a derived metric of this plan; did you mean `revenue`?"),
            "{}",
            stderr(&o)
        );
        assert!(!out.exists(), "nothing is written");
    }
}

#[test]
fn a_roster_without_the_target_incentive_a_cap_needs_is_refused_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    // Two blocks' worth of people without a target_incentive column: the sales-led plan's cap
    // is 3 × target incentive, so every sales person would be in error for the same reason.
    let generated = std::fs::read_to_string(roster(dir.path(), 5_000)).unwrap();
    let mut lines = generated.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let ti = header.iter().position(|h| *h == "target_incentive").unwrap();
    let drop = |line: &str| {
        let cells: Vec<&str> = line.split(',').collect();
        cells.iter().enumerate().filter(|(i, _)| *i != ti).map(|(_, c)| *c).collect::<Vec<_>>().join(",")
    };
    let mut csv = drop(&header.join(","));
    csv.push('\n');
    for line in lines {
        csv.push_str(&drop(line));
        csv.push('\n');
    }
    let path = dir.path().join("no_ti.csv");
    std::fs::write(&path, csv).unwrap();
    let path = path.to_str().unwrap();
    let refusal = "tracks.sales.cap.multiple_of_ti: the cap is a multiple of `target_incentive`, which none of track \
                   `sales`'s people have in the roster (it has no such column, or it is blank for all of them); add \
                   the column, or set the cap as an amount";
    let out = dir.path().join("out.csv");
    let out_s = out.to_str().unwrap();
    // Streamed (one CSV), read whole (a second roster file), and the payroll export.
    let runs: [&[&str]; 3] = [
        &["payouts", "--plan", "sample_plans/sales_led.json", "--roster", path, "--out", out_s],
        &[
            "payouts",
            "--plan",
            "sample_plans/sales_led.json",
            "--roster",
            path,
            "--roster",
            "assets/consultants_roster.csv",
            "--out",
            out_s,
        ],
        &[
            "export",
            "--plan",
            "sample_plans/sales_led.json",
            "--roster",
            path,
            "--pay-date",
            "2026-10-15",
            "--out",
            out_s,
        ],
    ];
    for args in runs {
        let o = carrot(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("sample_plans/sales_led.json: the plan has "), "{}", stderr(&o));
        assert!(stderr(&o).contains(refusal), "{args:?}: {}", stderr(&o));
        assert!(!out.exists(), "nothing is written");
    }
}
