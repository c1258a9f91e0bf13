//! Roster import on arbitrary bytes: never panics, and whatever it accepts is a consistent roster.
//!
//! The import options are picked from the input's length, so every option set is explored
//! while the seed corpus stays plain CSV files.
#![no_main]

use carrot::roster::{self, DecimalSeparator, ImportOptions};
use libfuzzer_sys::fuzz_target;

fn options(len: usize) -> ImportOptions {
    ImportOptions {
        skip_bad_rows: len & 1 == 1,
        decimal: match (len >> 1) % 3 {
            0 => DecimalSeparator::Auto,
            1 => DecimalSeparator::Point,
            _ => DecimalSeparator::Comma,
        },
        date_format: (len & 8 == 8).then(|| "%d/%m/%Y".to_owned()),
        ..ImportOptions::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let options = options(data.len());
    let Ok(report) = roster::import_reader("fuzz.csv", data, &options) else {
        return;
    };
    let r = &report.roster;
    let mut ids = std::collections::HashSet::new();
    for e in &r.employees {
        assert!(ids.insert(e.id.clone()), "duplicate id {:?} imported", e.id);
        assert!(!e.id.trim().is_empty() && !e.name.trim().is_empty() && !e.role.trim().is_empty());
        assert_eq!(e.metrics.len(), r.metrics.len(), "one value slot per metric column");
        assert!(!e.quota.is_some_and(|q| q.is_sign_negative() && !q.is_zero()), "negative quota imported");
        if let (Some(s), Some(x)) = (e.start_date, e.end_date) {
            assert!(s <= x, "end before start imported");
        }
        // Whatever a name holds, the payroll text is never a formula.
        let safe = carrot::export::safe_text(&e.name);
        assert!(!safe.starts_with(['=', '+', '-', '@', '\t', '\r']), "{safe:?}");
        assert!(r.sources.get(e.source.file as usize).is_some());
    }
    for issue in &report.skipped {
        assert!(issue.line >= 1);
        let _ = issue.to_string();
    }
});
