//! `carrot export`, the real binary, on the bundled samples: every documented command writes its
//! hand-checked file and reconciliation, the grand total equals `carrot payouts`, and every
//! refusal leaves nothing behind.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PLAN: &str = "sample_plans/transition.json";
const TEMPLATES: [&str; 7] = ["generic", "adp-wfn", "adp-run", "gusto", "workday", "workday-eib", "paychex-flex"];

fn carrot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("tests/fixtures/payroll").join(name)).unwrap()
}

/// `carrot export` on the samples with `extra` arguments.
fn export(out: &Path, extra: &[&str]) -> Output {
    let out = out.to_str().unwrap();
    let mut args = vec![
        "export",
        "--plan",
        PLAN,
        "--roster",
        "assets/sales_roster.csv",
        "--roster",
        "assets/consultants_roster.csv",
        "--pay-date",
        "2026-10-15",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    carrot(&args)
}

/// The arguments of the `carrot export` command documented for `template` in docs/payroll.md.
fn documented_command(template: &str) -> Vec<String> {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/payroll.md")).unwrap();
    let heading = format!("\n### `{template}`\n");
    let start = doc.find(&heading).unwrap_or_else(|| panic!("no section for {template}"));
    let section = &doc[start..];
    let block_start = section.find("```sh\n").unwrap() + "```sh\n".len();
    let block = &section[block_start..block_start + section[block_start..].find("```").unwrap()];
    let joined = block.replace("\\\n", " ");
    // Split on spaces, keeping "double-quoted words" together.
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in joined.trim().chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            _ => current.push(c),
        }
    }
    args.push(current);
    assert_eq!(args.first().map(String::as_str), Some("carrot"), "{args:?}");
    args.remove(0);
    args
}

/// Runs the documented command with `--out` moved into `dir`; returns the file written.
fn run_documented(template: &str, dir: &Path) -> (Output, PathBuf) {
    let mut args = documented_command(template);
    assert!(args.iter().any(|a| a == "--template"), "{template}: the command names its template");
    let i = args.iter().position(|a| a == "--out").unwrap();
    let out = args[i + 1].clone();
    let (target, written) = if out.ends_with('/') {
        // As on a fresh checkout, the folder does not exist yet: export creates it.
        assert!(!dir.join(&out).exists());
        (dir.join(&out), None)
    } else {
        (dir.join(&out), Some(dir.join(&out)))
    };
    let mut out_arg = target.to_str().unwrap().to_owned();
    if written.is_none() && !out_arg.ends_with('/') {
        out_arg.push('/');
    }
    args[i + 1] = out_arg;
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = carrot(&refs);
    let written = written.unwrap_or_else(|| {
        let files: Vec<PathBuf> = std::fs::read_dir(&target)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.to_string_lossy().ends_with(".reconciliation.txt"))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    });
    (o, written)
}

/// Equal, or a panic naming the first line that differs.
fn assert_same(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.split('\n').collect(), expected.split('\n').collect());
    let line = a.iter().zip(&e).position(|(x, y)| x != y).unwrap_or(a.len().min(e.len()));
    panic!("{what} differs at line {}:\n  got:      {:?}\n  expected: {:?}", line + 1, a.get(line), e.get(line));
}

fn grand_total(text: &str) -> String {
    let line = text.lines().find(|l| l.starts_with("Grand total: ")).unwrap_or_else(|| panic!("{text}"));
    line.trim_start_matches("Grand total: ").trim_end_matches(" EUR").replace(',', "")
}

#[test]
fn every_documented_command_writes_the_hand_checked_file_and_its_reconciliation() {
    let dir = tempfile::tempdir().unwrap();
    for template in TEMPLATES {
        let (o, file) = run_documented(template, dir.path());
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        let bytes = std::fs::read(&file).unwrap();
        assert_same(&String::from_utf8(bytes).unwrap(), &fixture(&format!("{template}.csv")), template);
        let rec_path = PathBuf::from(format!("{}.reconciliation.txt", file.display()));
        let rec = std::fs::read_to_string(&rec_path).unwrap();
        let out = stdout(&o);
        assert!(out.contains(&rec), "{template}: stdout shows the reconciliation written:\n{out}");
        assert!(out.contains(&format!("wrote {} ({template} template)", file.display())), "{out}");
        assert!(rec.contains(&format!("Payroll export reconciliation ({template} template)")), "{rec}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            for p in [&file, &rec_path] {
                assert_eq!(std::fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600, "{}", p.display());
            }
        }
        assert!(stderr(&o).is_empty(), "{template}: {}", stderr(&o));
    }
}

#[test]
fn adp_wfn_to_a_folder_gets_the_pr_ccc_epi_name() {
    let dir = tempfile::tempdir().unwrap();
    let (o, file) = run_documented("adp-wfn", dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(file.file_name().unwrap(), "PRABCEPI.csv");
    assert!(file.with_file_name("PRABCEPI.csv.reconciliation.txt").exists());
    // A 2-character company code is padded with `_`; the pattern is configurable.
    let o = export(dir.path(), &["--template", "adp-wfn", "--currency-ok", "--company-code", "AB", "--batch-id", "7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("PRAB_EPI.csv").exists());
    let o = export(
        dir.path(),
        &[
            "--template",
            "adp-wfn",
            "--currency-ok",
            "--company-code",
            "AB",
            "--batch-id",
            "7",
            "--adp-file-name",
            "EPI{co}{batch}.csv",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("EPIAB_7.csv").exists());
    // Other templates name the plan and the pay date.
    let o = export(dir.path(), &["--template", "gusto", "--currency-ok"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("gusto_transition_2026-10-15.csv").exists());
}

#[test]
fn the_grand_total_equals_the_payouts_total_to_the_cent() {
    let o = carrot(&[
        "payouts",
        "--plan",
        PLAN,
        "--roster",
        "assets/sales_roster.csv",
        "--roster",
        "assets/consultants_roster.csv",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let payouts_total = json["totals"]["total"].as_str().unwrap().to_owned();
    assert_eq!(payouts_total, "901181.12");
    let dir = tempfile::tempdir().unwrap();
    for template in TEMPLATES {
        let (o, _) = run_documented(template, dir.path());
        assert!(o.status.success(), "{template}: {}", stderr(&o));
        assert_eq!(grand_total(&stdout(&o)), payouts_total, "{template}");
    }
}

#[test]
fn dry_run_prints_the_reconciliation_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gusto.csv");
    let o = export(&out, &["--template", "gusto", "--currency-ok", "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.starts_with("dry run: nothing written (gusto template)\n"), "{text}");
    assert!(text.contains(&format!("would write {}\n", out.display())), "{text}");
    assert!(text.contains("Payroll export reconciliation (gusto template)"), "{text}");
    assert_eq!(grand_total(&text), "901181.12");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing written");
    // A dry run still refuses what a real export would.
    let o = export(&out, &["--template", "adp-wfn", "--currency-ok", "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "a missing setting is wrong usage");
    assert!(stderr(&o).contains("--company-code"), "{}", stderr(&o));
}

#[test]
fn an_existing_file_is_not_replaced_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("payroll.csv");
    std::fs::write(&out, "previous\n").unwrap();
    let o = export(&out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous\n");
    assert!(!dir.path().join("payroll.csv.reconciliation.txt").exists());
    let o = export(&out, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same(&std::fs::read_to_string(&out).unwrap(), &fixture("generic.csv"), "--template defaults to generic");
}

#[test]
fn a_missing_setting_is_refused_naming_its_flag_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for (template, flag) in [
        ("adp-wfn", "--batch-id"),
        ("adp-run", "--pay-period-start"),
        ("workday", "--reason"),
        ("workday-eib", "--batch-id"),
        ("paychex-flex", "--client-id"),
    ] {
        let out = dir.path().join("out.csv");
        let o = export(&out, &["--template", template, "--company-code", "ABC"]);
        assert_eq!(o.status.code(), Some(2), "wrong usage: {template}");
        let err = stderr(&o);
        assert!(err.contains(&format!("the {template} template needs settings")), "{err}");
        assert!(err.contains(flag), "{template}: {err}");
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn us_payroll_templates_refuse_a_eur_plan_unless_the_currency_is_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.csv");
    for template in ["adp-wfn", "adp-run", "gusto", "paychex-flex"] {
        // The documented command without --currency-ok: every other setting is given.
        let mut args = documented_command(template);
        args.retain(|a| a != "--currency-ok");
        let at = args.iter().position(|a| a == "--out").unwrap();
        args[at + 1] = out.to_str().unwrap().to_owned();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = carrot(&args);
        assert_eq!(o.status.code(), Some(2), "{template}: a missing confirmation is wrong usage");
        let err = stderr(&o);
        assert!(err.contains(&format!("the {template} template needs settings")), "{err}");
        assert!(err.contains("currency confirmed (--currency-ok): the plan pays in EUR"), "{err}");
        assert!(err.contains("the payroll pays every amount in USD"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "{template}: nothing written");
    }
    // workday and generic name the currency in the file: no confirmation needed.
    let o = export(&out, &["--template", "workday", "--reason", "R"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn gusto_ids_from_a_file_and_a_missing_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("gusto.csv");
    let ids = Path::new(ROOT).join("tests/fixtures/payroll/gusto_ids.csv");
    let o = export(&out, &["--template", "gusto", "--currency-ok", "--gusto-ids", ids.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same(&std::fs::read_to_string(&out).unwrap(), &fixture("gusto-ids-mapped.csv"), "--gusto-ids");
    let other = dir.path().join("other.csv");
    let o = export(&other, &["--template", "gusto", "--currency-ok", "--gusto-ids", "no_such_ids.csv"]);
    assert_eq!(o.status.code(), Some(1), "refused input");
    assert!(stderr(&o).contains("no_such_ids.csv (--gusto-ids): cannot be read:"), "{}", stderr(&o));
    assert!(!other.exists());
}

#[test]
fn settings_the_template_does_not_read_give_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let o = export(&dir.path().join("g.csv"), &["--template", "gusto", "--currency-ok", "--batch-id", "7"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: --batch-id is not used by the gusto template"), "{}", stderr(&o));
}

/// The transition sample with `from` replaced by `to`, written into `dir`.
fn edited_plan(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(Path::new(ROOT).join(PLAN)).unwrap();
    assert!(text.contains(from), "{from}");
    let path = dir.join("plan.json");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path
}

fn export_plan(plan: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "export",
        "--plan",
        plan.to_str().unwrap(),
        "--roster",
        "assets/sales_roster.csv",
        "--roster",
        "assets/consultants_roster.csv",
        "--pay-date",
        "2026-10-15",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    carrot(&args)
}

#[test]
fn a_missing_earning_code_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let plan = edited_plan(dir.path(), "\"earning_code\": \"COMM\",\n", "");
    let out = dir.path().join("out.csv");
    let o = export_plan(&plan, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no earning code for template `generic`: sales.revenue_commission"), "{}", stderr(&o));
    assert!(!out.exists());
    // The component still has its own adp-wfn code, so that template exports.
    let o = export_plan(
        &plan,
        &out,
        &["--template", "adp-wfn", "--currency-ok", "--company-code", "ABC", "--batch-id", "1"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn gusto_refuses_a_code_that_is_not_a_gusto_column() {
    let dir = tempfile::tempdir().unwrap();
    let plan = edited_plan(dir.path(), "\"gusto\": \"bonus\"", "\"gusto\": \"spiff\"");
    let out = dir.path().join("out.csv");
    let o = export_plan(&plan, &out, &["--template", "gusto", "--currency-ok"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("sales.discovery_bonus: `spiff` is not one of Gusto's earning columns"), "{err}");
    assert!(err.contains("bonus, commission, paycheck_tips, cash_tips, correction_payment"), "{err}");
    assert!(!out.exists());
}

#[test]
fn gusto_and_workday_refuse_a_cap_adjustment_left_negative() {
    let dir = tempfile::tempdir().unwrap();
    // The sales cap gets a code of its own, so nothing nets it.
    let plan = edited_plan(
        dir.path(),
        "\"gusto\": \"commission\",\n          \"workday\": \"COMM\"",
        "\"gusto\": \"correction_payment\",\n          \"workday\": \"CAPADJ\"",
    );
    for template in ["gusto", "workday"] {
        let out = dir.path().join("out.csv");
        let mut args = vec!["--template", template, "--reason", "R"];
        if template == "gusto" {
            args.push("--currency-ok");
        }
        let o = export_plan(&plan, &out, &args);
        assert_eq!(o.status.code(), Some(1), "{template}");
        let err = stderr(&o);
        assert!(err.contains("001046 (Kateřina Wagner): `"), "{template}: {err}");
        assert!(err.contains("nets to -12343.05"), "{template}: {err}");
        assert!(!out.exists());
    }
}

#[test]
fn an_unknown_template_lists_the_templates() {
    let dir = tempfile::tempdir().unwrap();
    let o = export(&dir.path().join("x.csv"), &["--template", "adp"]);
    assert_eq!(o.status.code(), Some(2), "wrong usage");
    assert!(
        stderr(&o).contains(
            "unknown template `adp`; the templates are generic, adp-wfn, adp-run, gusto, workday, workday-eib, paychex-flex"
        ),
        "{}",
        stderr(&o)
    );
}

#[test]
fn people_left_unpaid_and_an_odd_pay_date_are_listed_and_warned() {
    // One person no track covers, one row skipped as bad, and a pay date before the period ends:
    // the file pays neither person, and both the reconciliation and stderr say so (exit 0).
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("roster.csv");
    std::fs::write(
        &roster,
        "employee_id,name,role,quota,revenue\n001,Ann Lee,sales,100000,50000\n002,Bob Diaz,support,1,1\n\
         003,Cy Park,sales,-5,10\n",
    )
    .unwrap();
    let out = dir.path().join("payroll.csv");
    let o = carrot(&[
        "export",
        "--plan",
        "tests/fixtures/bad/support/plan.json",
        "--roster",
        roster.to_str().unwrap(),
        "--skip-bad-rows",
        "--pay-date",
        "2026-09-15",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rec = std::fs::read_to_string(dir.path().join("payroll.csv.reconciliation.txt")).unwrap();
    let tail = format!(
        "Not covered (no track for their role, not paid): 1\n  002 Bob Diaz (support)\n\
         Rows skipped as bad (--skip-bad-rows, not paid): 1 (1 bad cell(s))\n  \
         {}:4: column quota: \"-5\": must not be negative\n\
         Warnings:\n  the pay date 2026-09-15 is before the period ends (2026-09-30): the amounts are for the \
         whole period; check the pay date\n",
        roster.display()
    );
    assert!(rec.ends_with(&tail), "{rec}");
    assert!(stdout(&o).ends_with(&tail), "the printed reconciliation is the written one");
    let err = stderr(&o);
    for warning in [
        "warning: tests/fixtures/bad/support/plan.json: 1 person has a role no track of the plan covers (`support` 1)",
        "warning: tests/fixtures/bad/support/plan.json: 1 roster row(s) were skipped as bad (--skip-bad-rows), so \
         the people on them are not paid: ",
        "warning: the pay date 2026-09-15 is before the period ends (2026-09-30)",
    ] {
        assert!(err.contains(warning), "{warning}\n---\n{err}");
    }
    // A year typed wrong: more than 365 days after the period.
    let o = carrot(&[
        "export",
        "--plan",
        "tests/fixtures/bad/support/plan.json",
        "--roster",
        "tests/fixtures/bad/support/roster.csv",
        "--pay-date",
        "2027-10-15",
        "--dry-run",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(
            "warning: the pay date 2027-10-15 is 380 days after the period ends (2026-09-30); check the year of the \
             pay date"
        ),
        "{}",
        stderr(&o)
    );
}

/// The names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn force_never_replaces_a_symlink_or_a_fifo() {
    let dir = tempfile::tempdir().unwrap();
    let precious = dir.path().join("precious.txt");
    std::fs::write(&precious, "keep me\n").unwrap();
    let link = dir.path().join("payroll.csv");
    std::os::unix::fs::symlink(&precious, &link).unwrap();
    let o = export(&link, &["--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("payroll.csv is a symbolic link, not a regular file"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "keep me\n");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    // The reconciliation's name is checked too.
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&precious, dir.path().join("payroll.csv.reconciliation.txt")).unwrap();
    let o = export(&link, &["--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("reconciliation.txt is a symbolic link"), "{}", stderr(&o));
    assert_eq!(listing(dir.path()), ["payroll.csv.reconciliation.txt", "precious.txt"]);
    // A FIFO is refused without being opened (opening it would wait for a reader forever).
    let fifo = dir.path().join("fifo.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let o = export(&fifo, &["--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("fifo.csv is a FIFO (named pipe), not a regular file"), "{}", stderr(&o));
    let o = carrot(&["gen-roster", "--people", "3", "--out", fifo.to_str().unwrap(), "--force"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("is a FIFO (named pipe)"), "{}", stderr(&o));
}

#[test]
fn out_dash_writes_the_payroll_file_to_stdout_and_the_reconciliation_to_stderr() {
    let o = export(Path::new("-"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same(&stdout(&o), &fixture("generic.csv"), "--out - is standard output");
    assert!(stderr(&o).contains("Grand total"), "{}", stderr(&o));
    assert!(!Path::new(ROOT).join("-").exists(), "no file named -");
}

/// The state a run killed between its two renames leaves (see `fsx::write_unit`): the new
/// reconciliation in place beside the old export, the old reconciliation's backup, the new
/// export's temporary file and the journal naming them. The process id is above Linux's largest.
fn killed_between_the_renames(dir: &Path) {
    let pid = u32::MAX - 1;
    let put = |name: &str, text: &str| std::fs::write(dir.join(name), text).unwrap();
    put("payroll.csv", "old export\n");
    put("payroll.csv.reconciliation.txt", "NEW reconciliation\n");
    put(&format!(".payroll.csv.reconciliation.txt.carrot-{pid}-1.old"), "old reconciliation\n");
    put(&format!(".payroll.csv.carrot-{pid}-2.tmp"), "NEW export\n");
    put(
        ".payroll.csv.carrot-journal",
        &format!(
            ".payroll.csv.reconciliation.txt.carrot-{pid}-0.tmp\tpayroll.csv.reconciliation.txt\t\
             .payroll.csv.reconciliation.txt.carrot-{pid}-1.old\n.payroll.csv.carrot-{pid}-2.tmp\tpayroll.csv\t-\nend\n"
        ),
    );
}

#[test]
fn an_export_killed_between_its_renames_is_rolled_back_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("payroll.csv");
    let rec = dir.path().join("payroll.csv.reconciliation.txt");
    // Without --force the next run puts the old pair back, then refuses to replace it.
    killed_between_the_renames(dir.path());
    let o = export(&out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "old export\n");
    assert_eq!(std::fs::read_to_string(&rec).unwrap(), "old reconciliation\n");
    assert_eq!(listing(dir.path()), ["payroll.csv", "payroll.csv.reconciliation.txt"], "nothing hidden is left");
    // With --force it says what it repaired and writes the new pair.
    killed_between_the_renames(dir.path());
    let o = export(&out, &["--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("was interrupted; put the previous files back"), "{}", stderr(&o));
    assert_same(&std::fs::read_to_string(&out).unwrap(), &fixture("generic.csv"), "the new export");
    assert!(std::fs::read_to_string(&rec).unwrap().contains("Grand total"));
    assert_eq!(listing(dir.path()), ["payroll.csv", "payroll.csv.reconciliation.txt"], "nothing hidden is left");
}
