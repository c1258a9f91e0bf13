//! The bad-input corpus (`tests/fixtures/bad/`): every case runs through the real `carrot`
//! binary and must give its exact error: file, line, column (or path in the plan) and cause.
//! Each case is `<case>.csv|json` plus `<case>.expected` (format in `make_fixtures.py`, which
//! writes them). Inputs too big to commit are generated here.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const BAD: &str = "tests/fixtures/bad";
const PLAN: &str = "tests/fixtures/bad/support/plan.json";

fn carrot<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(args).output().unwrap()
}

/// What a case's `.expected` file asks for.
#[derive(Debug, Default)]
struct Expected {
    args: Option<String>,
    exit: Option<i32>,
    stdout: Vec<String>,
    stderr: Vec<String>,
}

fn parse_expected(text: &str) -> Result<Expected, String> {
    let mut e = Expected::default();
    for line in text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (key, value) = line.split_once(": ").ok_or_else(|| format!("not `key: value`: {line:?}"))?;
        match key {
            "args" => e.args = Some(value.to_owned()),
            "exit" => e.exit = Some(value.parse().map_err(|_| format!("bad exit code {value:?}"))?),
            "stdout" => e.stdout.push(value.to_owned()),
            "stderr" => e.stderr.push(value.to_owned()),
            other => return Err(format!("unknown key {other:?}")),
        }
    }
    if e.stdout.is_empty() && e.stderr.is_empty() {
        return Err("expects no output at all".to_owned());
    }
    Ok(e)
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(Path::new(ROOT).join(BAD))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "json"))
        .collect();
    cases.sort();
    cases
}

/// Runs one case; `Err` says everything that did not match.
fn run_case(path: &Path) -> Result<(), String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let rel = format!("{BAD}/{name}");
    let expected_text = std::fs::read_to_string(path.with_extension("expected"))
        .map_err(|e| format!("{name}: no .expected file ({e})"))?;
    let expected = parse_expected(&expected_text).map_err(|e| format!("{name}.expected: {e}"))?;
    let default_args =
        if name.ends_with(".json") { "validate {file}" } else { "payouts --plan {plan} --roster {file}" };
    let args: Vec<String> = expected
        .args
        .as_deref()
        .unwrap_or(default_args)
        .split_whitespace()
        .map(|a| a.replace("{file}", &rel).replace("{plan}", PLAN))
        .collect();
    let out = carrot(&args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut wrong = Vec::new();
    let exit = expected.exit.unwrap_or(1);
    if out.status.code() != Some(exit) {
        wrong.push(format!("exit code {:?}, expected {exit}", out.status.code()));
    }
    for (stream, text, wanted) in [("stdout", &stdout, &expected.stdout), ("stderr", &stderr, &expected.stderr)] {
        for w in wanted {
            if !text.contains(w.as_str()) {
                wrong.push(format!("{stream} lacks {w:?}"));
            }
        }
    }
    if stderr.contains("panicked") {
        wrong.push("panicked".to_owned());
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{name} (carrot {}):\n  {}\n  --- stdout:\n{stdout}  --- stderr:\n{stderr}",
            args.join(" "),
            wrong.join("\n  ")
        ))
    }
}

#[test]
fn every_bad_input_gives_its_exact_error() {
    let cases = cases();
    assert!(cases.len() >= 90, "the corpus has {} cases", cases.len());
    // Two at a time: each case starts a process.
    let (left, right) = cases.split_at(cases.len() / 2);
    let failures: Vec<String> = std::thread::scope(|s| {
        let run = |part: &[PathBuf]| part.iter().filter_map(|p| run_case(p).err()).collect::<Vec<_>>();
        let a = s.spawn(move || run(left));
        let mut failures = run(right);
        failures.extend(a.join().unwrap());
        failures
    });
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

#[test]
fn every_expected_file_has_its_case() {
    for entry in std::fs::read_dir(Path::new(ROOT).join(BAD)).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expected") {
            let has_case = ["csv", "json"].iter().any(|ext| path.with_extension(ext).exists());
            assert!(has_case, "{} has no case file", path.display());
        }
    }
}

/// A CSV whose `name` cell on line 2 is `len` bytes long (`quoted`: inside quotes).
fn roster_with_long_field(dir: &Path, len: usize, quoted: bool) -> PathBuf {
    let mut csv = b"employee_id,name,role\n1,".to_vec();
    if quoted {
        csv.push(b'"');
    }
    csv.resize(csv.len() + len, b'x');
    if quoted {
        csv.push(b'"');
    }
    csv.extend_from_slice(b",sales\n2,Bob,sales\n");
    let path = dir.join("long_field.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[test]
fn a_10_mb_single_field_is_refused_with_its_size_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for quoted in [false, true] {
        let path = roster_with_long_field(dir.path(), 10 * 1024 * 1024, quoted);
        let out =
            carrot(&["payouts".as_ref(), "--plan".as_ref(), PLAN.as_ref(), "--roster".as_ref(), path.as_os_str()]);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        let shown = format!("{}…", "x".repeat(120));
        let expected = format!(
            "{}:2: column name: {shown:?}: field is 10485760 bytes long (limit 65536); is a closing quote missing?",
            path.display()
        );
        assert!(stderr.contains(&expected), "quoted {quoted}: {stderr}");
        assert!(stderr.starts_with("error: 1 bad cell(s)"), "{stderr}");
    }
}

#[test]
fn a_missing_closing_quote_before_10_mb_of_rows_is_named_where_it_opened() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("employee_id,name,role\n1,\"Ann,sales\n");
    while csv.len() < 10 * 1024 * 1024 {
        csv.push_str("2,Bob,sales\n");
    }
    let path = dir.path().join("open_quote.csv");
    std::fs::write(&path, &csv).unwrap();
    let out = carrot(&["payouts".as_ref(), "--plan".as_ref(), PLAN.as_ref(), "--roster".as_ref(), path.as_os_str()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "error: {}:2: column name: the quote that opens this cell (\"Ann,sales…) is never closed",
        path.display()
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
}

#[test]
fn a_plan_file_over_16_mb_is_refused_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    let padding = " ".repeat(17 * 1024 * 1024);
    std::fs::write(&path, format!("{{\"schema\": 1,{padding}\"name\": \"x\"}}")).unwrap();
    let size = std::fs::metadata(&path).unwrap().len();
    let message = format!("the file is {size} bytes; a plan file is at most 16777216");
    for args in [
        vec!["validate".as_ref(), path.as_os_str()],
        vec![
            "payouts".as_ref(),
            "--plan".as_ref(),
            path.as_os_str(),
            "--roster".as_ref(),
            "assets/sales_roster.csv".as_ref(),
        ],
    ] {
        let out = carrot(&args);
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(all.contains(&message), "{all}");
    }
}

#[test]
fn formula_looking_names_are_neutralised_in_the_payroll_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("payroll.csv");
    let out = carrot(&[
        "export".as_ref(),
        "--plan".as_ref(),
        PLAN.as_ref(),
        "--roster".as_ref(),
        "tests/fixtures/bad/formula_names.csv".as_ref(),
        "--pay-date".as_ref(),
        "2026-10-15".as_ref(),
        "--out".as_ref(),
        out_path.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bytes = std::fs::read(&out_path).unwrap();
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(&bytes[..]);
    let headers = reader.headers().unwrap().clone();
    let mut names = Vec::new();
    for record in reader.records() {
        let record = record.unwrap();
        for (header, field) in headers.iter().zip(record.iter()) {
            let is_amount = header == "amount" && field.parse::<f64>().is_ok();
            assert!(
                is_amount || !field.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{header} {field:?} would run as a formula"
            );
        }
        names.push(record.get(1).unwrap().to_owned());
    }
    assert!(names.contains(&"'=HYPERLINK(\"http://evil.example\",\"click\")".to_owned()), "{names:?}");
    assert!(names.contains(&"'@SUM(A1:A9)".to_owned()), "{names:?}");
    // The same names as text, unchanged, in the roster itself.
    let report = carrot::roster::import_reader(
        "formula_names.csv",
        &std::fs::read(Path::new(ROOT).join("tests/fixtures/bad/formula_names.csv")).unwrap()[..],
        &carrot::roster::ImportOptions::default(),
    )
    .unwrap();
    let imported: Vec<&str> = report.roster.employees.iter().map(|e| &*e.name).collect();
    assert_eq!(imported, ["=HYPERLINK(\"http://evil.example\",\"click\")", "@SUM(A1:A9)", "Tabbed"]);
}

#[cfg(unix)]
#[test]
fn a_device_or_a_folder_as_an_input_fails_fast_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let roster = "assets/sales_roster.csv";
    let folder = dir.path().to_str().unwrap();
    let cases: [(Vec<&str>, String); 5] = [
        (
            vec!["validate", "/dev/zero"],
            "more than 16777216 bytes were read and it goes on (it is not a regular file); a plan file is at most \
             16777216 bytes"
                .to_owned(),
        ),
        (
            vec!["payouts", "--plan", "/dev/zero", "--roster", roster],
            "error: /dev/zero: 1 problem(s):\n  more than 16777216 bytes were read".to_owned(),
        ),
        (vec!["validate", folder], "this is a folder, not a plan file; name a plan's .json file".to_owned()),
        (
            vec!["payouts", "--plan", PLAN, "--roster", roster, "--mapping", "/dev/zero"],
            "error: could not read mapping file /dev/zero: more than 1048576 bytes were read and it goes on (it is \
             not a regular file); at most 1048576 are read"
                .to_owned(),
        ),
        (
            vec!["payouts", "--plan", PLAN, "--roster", roster, "--mapping", folder],
            format!("error: could not read mapping file {folder}: this is a folder, not a file"),
        ),
    ];
    // `--plan /dev/zero` used to read until memory ran out (7 GB and more).
    for (args, message) in cases {
        let out = carrot(&args);
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        assert!(all.contains(&message), "{args:?}: {all}");
    }
}

#[test]
fn a_file_error_names_its_cause_once() {
    let missing = "tests/fixtures/bad/no_such_file.json";
    for (args, message) in [
        (
            vec!["payouts", "--plan", missing, "--roster", "assets/sales_roster.csv"],
            format!("error: could not read plan file {missing}: No such file or directory (os error 2)\n"),
        ),
        (
            vec!["payouts", "--plan", PLAN, "--roster", missing],
            format!("error: could not read roster {missing}: No such file or directory (os error 2)\n"),
        ),
        (
            vec!["payouts", "--plan", PLAN, "--roster", "assets/sales_roster.csv", "--mapping", missing],
            format!("error: could not read mapping file {missing}: No such file or directory (os error 2)\n"),
        ),
    ] {
        let out = carrot(&args);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(String::from_utf8_lossy(&out.stderr), message, "{args:?}");
    }
}

#[test]
fn payouts_with_nobody_computed_exit_1_and_with_somebody_computed_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    // `$` amounts and no currency column, under a EUR plan: each row is in error, in every format
    // (the CSV and JSON stream the file; the table reads it whole).
    let dollars = dir.path().join("dollars.csv");
    std::fs::write(
        &dollars,
        "employee_id,name,role,base_salary,target_incentive,quota,revenue,deals_closed\n\
         1,Ann Lee,sales,\"$90,000\",\"$12,000\",\"$150,000\",\"$160,000\",5\n\
         2,Bo Ng,sales,\"$80,000\",\"$10,000\",\"$140,000\",\"$120,000\",3\n",
    )
    .unwrap();
    // One of them written in plain numbers: she is computed, he is listed in error.
    let mixed = dir.path().join("mixed.csv");
    std::fs::write(
        &mixed,
        "employee_id,name,role,base_salary,target_incentive,quota,revenue,deals_closed\n\
         1,Ann Lee,sales,90000,12000,150000,160000,5\n\
         2,Bo Ng,sales,\"$80,000\",\"$10,000\",\"$140,000\",\"$120,000\",3\n",
    )
    .unwrap();
    let plan = "sample_plans/sales_led.json";
    // `--skip-bad-rows` reads the roster whole: the CSV and JSON are then written from it.
    for (format, whole) in [
        ("table", None),
        ("csv", None),
        ("json", None),
        ("csv", Some("--skip-bad-rows")),
        ("json", Some("--skip-bad-rows")),
    ] {
        let args = |roster: &Path| {
            let mut args: Vec<String> =
                ["payouts", "--plan", plan, "--roster", roster.to_str().unwrap(), "--format", format]
                    .map(String::from)
                    .into();
            args.extend(whole.map(String::from));
            args
        };
        let all_wrong = carrot(&args(&dollars));
        let stderr = String::from_utf8_lossy(&all_wrong.stderr);
        assert_eq!(all_wrong.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains(
                "error: no one could be computed: each of the 2 people the plan covers has a problem (listed), \
                 so there are no payouts"
            ),
            "{format}: {stderr}"
        );
        // The reasons are still given, in the output or on stderr.
        let all = format!("{}{stderr}", String::from_utf8_lossy(&all_wrong.stdout));
        assert!(all.contains("writes its money with `$` (column base_salary)"), "{format}: {all}");

        let one_wrong = carrot(&args(&mixed));
        let stderr = String::from_utf8_lossy(&one_wrong.stderr);
        assert_eq!(one_wrong.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("no one could be computed"), "{format}: {stderr}");
        assert!(String::from_utf8_lossy(&one_wrong.stdout).contains("Ann Lee"), "{format}");
    }
    // A comparison under which a plan computes nobody has nothing to compare; with someone
    // computed it stands, the others listed.
    for format in ["table", "json"] {
        let compare = |roster: &Path| {
            carrot(&[
                "compare",
                "--plan",
                plan,
                "--plan",
                plan,
                "--roster",
                roster.to_str().unwrap(),
                "--format",
                format,
            ])
        };
        let all_wrong = compare(&dollars);
        let stderr = String::from_utf8_lossy(&all_wrong.stderr);
        assert_eq!(all_wrong.status.code(), Some(1), "{format}: {stderr}");
        assert!(
            stderr.contains(
                "error: no one could be computed under Sales-led (today), so it has nothing to compare (its \
                 problems are given above)"
            ),
            "{format}: {stderr}"
        );
        let one_wrong = compare(&mixed);
        let stderr = String::from_utf8_lossy(&one_wrong.stderr);
        assert_eq!(one_wrong.status.code(), Some(0), "{format}: {stderr}");
        assert!(!stderr.contains("no one could be computed"), "{format}: {stderr}");
    }
}
