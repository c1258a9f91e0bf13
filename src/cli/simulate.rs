//! `carrot simulate --format table`: the behaviour simulation for a reader deciding between
//! plans. Bands are written as the median with the 10th–90th percentile range.

use std::io::{self, Write};

use rust_decimal::prelude::ToPrimitive as _;

use super::output::Table;
use crate::sim::{Band, PlanOutcome, SimReport, Volume};

/// `1,234,567` (rounded to a whole unit).
fn grouped(x: f64) -> String {
    if !x.is_finite() {
        return "-".to_owned();
    }
    let r = x.round();
    let digits = format!("{:.0}", r.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if r < 0.0 { format!("−{out}") } else { out }
}

/// `1,234,567.89` from an exact amount written with two decimals.
fn grouped_exact(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |d| ("−", d));
    let (whole, cents) = digits.split_once('.').unwrap_or((digits, "00"));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}.{cents}")
}

/// `12.3M`, `456k`, `78.9`: a short form for ranges.
fn short(x: f64) -> String {
    let a = x.abs();
    let sign = if x < 0.0 { "−" } else { "" };
    if !x.is_finite() {
        "-".to_owned()
    } else if a >= 1e6 {
        format!("{sign}{:.2}M", a / 1e6)
    } else if a >= 1e4 {
        format!("{sign}{:.0}k", a / 1e3)
    } else if a >= 100.0 {
        format!("{sign}{a:.0}")
    } else {
        format!("{sign}{a:.1}")
    }
}

/// A value with about three significant digits (`0.0274`, `1.8`, `480`).
fn plain(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || a >= 100.0 {
        return short(x);
    }
    let decimals = (2.0 - a.log10().floor()).clamp(0.0, 6.0) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text }
}

fn range(b: &Band) -> String {
    format!("{}–{}", short(b.p10), short(b.p90))
}

fn pct(x: Option<&Band>) -> String {
    x.map_or_else(|| "-".to_owned(), |b| format!("{:.1}%", b.p50))
}

/// `+3.2%` change of `new` against `old`.
fn change(new: f64, old: f64) -> String {
    if old.abs() < 1e-9 || !new.is_finite() || !old.is_finite() {
        return "-".to_owned();
    }
    let c = 100.0 * (new - old) / old.abs();
    if c.abs() < 0.05 { "0.0%".to_owned() } else { format!("{}{:.1}%", if c > 0.0 { "+" } else { "−" }, c.abs()) }
}

fn signed(x: f64, decimals: usize) -> String {
    if x.abs() < 0.5 * 10f64.powi(-(decimals as i32)) {
        return format!("{:.*}", decimals, 0.0);
    }
    format!("{}{:.*}", if x > 0.0 { "+" } else { "−" }, decimals, x.abs())
}

fn volume<'a>(list: &'a [Volume], metric: &str) -> Option<&'a Volume> {
    list.iter().find(|v| v.metric == metric)
}

/// The whole report as text tables.
pub fn simulate_table(r: &SimReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "Behaviour simulation · baseline: {} · {} · {} people · {} trials · seed {}",
        r.baseline_plan,
        r.currency,
        r.people.len() + r.paid_on_history,
        r.trials,
        r.seed
    )?;
    writeln!(w, "Bands are the median (P50) and the 10th–90th percentile range over the trials.")?;
    writeln!(w)?;
    let last = r.quarters;
    writeln!(w, "Summary: the plan's first quarter, and quarter {last} of the runway")?;
    let q_last = format!("Revenue Q{last}");
    let mut t = Table::new(&[
        ("Plan", false),
        ("Revenue", true),
        ("P10–P90", true),
        ("vs baseline", true),
        ("Payout cost", true),
        ("vs baseline", true),
        ("Cost % of revenue", true),
        (q_last.as_str(), true),
        ("vs baseline", true),
    ]);
    let base = &r.baseline;
    let base_last = base.runway.last().map_or(0.0, |q| q.revenue.p50);
    for p in std::iter::once(base).chain(r.plans.iter().filter(|p| p.plan != base.plan)) {
        let name = if std::ptr::eq(p, base) { format!("{} (baseline)", p.plan) } else { p.plan.clone() };
        let q = p.runway.last().map_or(0.0, |q| q.revenue.p50);
        t.rows.push(vec![
            name,
            grouped(p.totals.revenue.p50),
            range(&p.totals.revenue),
            change(p.totals.revenue.p50, base.totals.revenue.p50),
            grouped(p.totals.cost.p50),
            change(p.totals.cost.p50, base.totals.cost.p50),
            pct(p.totals.cost_pct.as_ref()),
            grouped(q),
            change(q, base_last),
        ]);
    }
    t.write(w)?;
    writeln!(w)?;
    writeln!(
        w,
        "At history: each plan on people's recorded results (no change in behaviour, no luck), as `carrot payouts` computes it"
    )?;
    let mut t = Table::new(&[
        ("Plan", false),
        ("People", true),
        ("Revenue", true),
        ("Payout cost", true),
        ("vs baseline", true),
        ("Cost % of revenue", true),
        ("Simulated cost (P50)", true),
    ]);
    let money = |d: rust_decimal::Decimal| format!("{:.2}", d.round_dp(2));
    let base_cost = base.at_history.cost.to_f64().unwrap_or(0.0);
    for p in std::iter::once(base).chain(r.plans.iter().filter(|p| p.plan != base.plan)) {
        let h = &p.at_history;
        let cost = h.cost.to_f64().unwrap_or(0.0);
        let revenue = h.revenue.to_f64().unwrap_or(0.0);
        t.rows.push(vec![
            if std::ptr::eq(p, base) { format!("{} (baseline)", p.plan) } else { p.plan.clone() },
            h.people.to_string(),
            grouped_exact(&money(h.revenue)),
            grouped_exact(&money(h.cost)),
            change(cost, base_cost),
            if revenue > 0.0 { format!("{:.1}%", 100.0 * cost / revenue) } else { "-".to_owned() },
            grouped(p.totals.cost.p50),
        ]);
    }
    t.write(w)?;
    for p in &r.plans {
        writeln!(w)?;
        writeln!(w, "== {} ==", p.plan)?;
        if p.plan == base.plan && p == base {
            writeln!(w, "The baseline itself: predicted hours equal history.")?;
        }
        plan_details(r, p, w)?;
    }
    writeln!(w)?;
    assumptions(r, w)
}

fn plan_details(r: &SimReport, p: &PlanOutcome, w: &mut dyn Write) -> io::Result<()> {
    let base = &r.baseline;
    writeln!(w, "\nTime per person (hours in the period, mean)")?;
    let mut t = Table::new(&[
        ("Role", false),
        ("Activity", false),
        ("Baseline", true),
        ("Predicted", true),
        ("Change", true),
        ("", true),
    ]);
    for role in &p.roles {
        let activities = r.roles.iter().find(|x| x.role == role.role).map(|x| x.activities.as_slice()).unwrap_or(&[]);
        for (i, a) in activities.iter().enumerate() {
            let b = role.baseline_hours.get(i).copied().unwrap_or(0.0);
            let h = role.hours.get(i).copied().unwrap_or(0.0);
            t.rows.push(vec![
                if i == 0 { format!("{} ({})", role.role, role.people) } else { String::new() },
                a.clone(),
                format!("{b:.1}"),
                format!("{h:.1}"),
                signed(h - b, 1),
                change(h, b),
            ]);
        }
    }
    t.write(w)?;

    writeln!(w, "\nActivity volumes (all people)")?;
    if p.totals.volumes.is_empty() {
        // An empty table says nothing: the notes below name the outputs the roster lacks.
        writeln!(w, "  none: the roster has no column for any activity's output (see the notes below)")?;
    } else {
        let mut t = Table::new(&[
            ("Output", false),
            ("Baseline", true),
            ("Predicted", true),
            ("P10–P90", true),
            ("Change", true),
        ]);
        for v in &p.totals.volumes {
            let b = volume(&base.totals.volumes, &v.metric).map_or(0.0, |x| x.band.p50);
            let fmt = |x: f64| if v.metric == "revenue" { grouped(x) } else { format!("{x:.1}") };
            t.rows.push(vec![v.metric.clone(), fmt(b), fmt(v.band.p50), range(&v.band), change(v.band.p50, b)]);
        }
        t.write(w)?;
    }

    writeln!(w, "\nRevenue and payout cost by role")?;
    let mut t = Table::new(&[
        ("Role", false),
        ("Revenue", true),
        ("vs baseline", true),
        ("Payout cost", true),
        ("P10–P90", true),
        ("vs baseline", true),
        ("Cost % of revenue", true),
    ]);
    for role in &p.roles {
        let b = base.roles.iter().find(|x| x.role == role.role);
        t.rows.push(vec![
            role.role.clone(),
            grouped(role.revenue.p50),
            change(role.revenue.p50, b.map_or(0.0, |x| x.revenue.p50)),
            grouped(role.cost.p50),
            range(&role.cost),
            change(role.cost.p50, b.map_or(0.0, |x| x.cost.p50)),
            pct(role.cost_pct.as_ref()),
        ]);
    }
    t.write(w)?;

    writeln!(w, "\nRunway: revenue and payout cost per quarter")?;
    let total = &p.runway_total;
    let discounted = if total.discount_rate > 0.0 {
        format!(", discounted at {}% a quarter", plain(100.0 * total.discount_rate))
    } else {
        String::new()
    };
    writeln!(
        w,
        "Over the {} quarters{discounted}: revenue {} ({} vs baseline), payout cost {}",
        p.runway.len(),
        grouped(total.revenue.p50),
        change(total.revenue.p50, base.runway_total.revenue.p50),
        grouped(total.cost.p50)
    )?;
    let mut t = Table::new(&[
        ("Quarter", true),
        ("Revenue", true),
        ("P10–P90", true),
        ("vs baseline", true),
        ("Payout cost", true),
        ("Cost % of revenue", true),
    ]);
    for q in &p.runway {
        let b = base.runway.iter().find(|x| x.quarter == q.quarter).map_or(0.0, |x| x.revenue.p50);
        t.rows.push(vec![
            format!("Q{}", q.quarter),
            grouped(q.revenue.p50),
            range(&q.revenue),
            change(q.revenue.p50, b),
            grouped(q.cost.p50),
            pct(q.cost_pct.as_ref()),
        ]);
    }
    t.write(w)?;

    if p.movers.iter().any(|&k| p.people.get(k).is_some_and(|o| o.as_ref().is_some_and(|o| o.hours_moved >= 0.5))) {
        writeln!(w, "\nWhose behaviour changes most")?;
        let mut t = Table::new(&[
            ("Name", false),
            ("Role", false),
            ("Hours moved", true),
            ("More", false),
            ("Less", false),
            ("Expected pay change", true),
            ("Why (expected pay by line, baseline → this plan)", false),
        ]);
        for &k in p
            .movers
            .iter()
            .filter(|&&k| p.people.get(k).is_some_and(|o| o.as_ref().is_some_and(|o| o.hours_moved >= 0.5)))
            .take(5)
        {
            let (Some(info), Some(Some(o))) = (r.people.get(k), p.people.get(k)) else { continue };
            let activities =
                r.roles.iter().find(|x| x.role == info.role).map(|x| x.activities.as_slice()).unwrap_or(&[]);
            let diffs: Vec<(usize, f64)> =
                o.hours.iter().zip(&info.baseline_hours).map(|(a, b)| a - b).enumerate().collect();
            let name_of =
                |i: usize, d: f64| activities.get(i).map_or_else(String::new, |a| format!("{a} {}", signed(d, 0)));
            let more = diffs.iter().copied().filter(|(_, d)| *d > 0.5).max_by(|a, b| a.1.total_cmp(&b.1));
            let less = diffs.iter().copied().filter(|(_, d)| *d < -0.5).min_by(|a, b| a.1.total_cmp(&b.1));
            t.rows.push(vec![
                info.name.clone(),
                info.role.clone(),
                format!("{:.0}", o.hours_moved),
                more.map_or_else(String::new, |(i, d)| name_of(i, d)),
                less.map_or_else(String::new, |(i, d)| name_of(i, d)),
                signed(o.pay_change, 0),
                crate::sim::PayChangeReason::of(r, k, o).to_string(),
            ]);
        }
        t.write(w)?;
    }
    if !p.errors.is_empty() {
        writeln!(w, "\nCould not be computed under this plan ({}):", p.errors.len())?;
        for e in p.errors.iter().take(10) {
            let name = r.people.get(e.person).map_or("?", |x| x.name.as_str());
            writeln!(w, "  {name}: {}", e.error)?;
        }
    }
    Ok(())
}

fn assumptions(r: &SimReport, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "Assumptions (docs/behaviour.md explains each)")?;
    let eps: Vec<String> = r.roles.iter().map(|x| format!("{} {}", x.role, x.responsiveness)).collect();
    writeln!(w, "  Responsiveness ε: {}; noise ×{}", eps.join(", "), r.noise_scale)?;
    if r.roles.iter().any(|x| x.risk_aversion > 0.0) {
        let gamma: Vec<String> = r.roles.iter().map(|x| format!("{} {}", x.role, x.risk_aversion)).collect();
        writeln!(w, "  Risk aversion γ: {}", gamma.join(", "))?;
    }
    let mut shown: Vec<&str> = Vec::new();
    for p in r.plans.iter().filter(|p| **p != r.baseline) {
        if shown.contains(&p.plan.as_str()) {
            continue;
        }
        shown.push(&p.plan);
        let ra = &p.runway_assumptions;
        let mut parts: Vec<String> = ra
            .conversions
            .iter()
            .map(|c| {
                format!(
                    "{} convert at {} after {} quarter(s), {} per quarter each, {} churn a quarter, from a pool of {} quarters",
                    c.metric,
                    c.rate.normalize(),
                    c.lag_quarters,
                    c.revenue_per_quarter.normalize(),
                    plain(c.churn()),
                    plain(c.pool_quarters())
                )
            })
            .collect();
        parts.extend(ra.productivity.iter().map(|x| {
            format!(
                "{} raise {} {} per hour by {} each after {} quarter(s), at most {}, fading {} a quarter",
                x.metric,
                x.role,
                x.applies_to(),
                x.uplift.normalize(),
                x.lag_quarters,
                plain(x.max_uplift()),
                plain(x.decay())
            )
        }));
        if parts.is_empty() {
            parts.push("none".to_owned());
        }
        writeln!(w, "  Runway of {}: {}", p.plan, parts.join("; "))?;
    }
    if !r.defaults.is_empty() {
        writeln!(w, "  Values not from people's own history:")?;
        for d in &r.defaults {
            writeln!(
                w,
                "    {}: {} = {} ({}, {} people)",
                d.role,
                d.item,
                plain(d.value),
                d.source.as_str(),
                d.people
            )?;
        }
    }
    if r.paid_on_history > 0 {
        writeln!(
            w,
            "  {} people have no activity model for their role and are paid on their history",
            r.paid_on_history
        )?;
    }
    for s in &r.skipped {
        writeln!(w, "  Left out: {} ({}, {}): {}", s.name, s.employee_id, s.role, s.reason)?;
    }
    for n in &r.notes {
        writeln!(w, "  Note: {n}")?;
    }
    Ok(())
}

/// `carrot simulate --fit-history`: ε per role fitted from a plan change in the roster's
/// history, the fit per activity and the back-test.
pub fn fit_table(fit: &crate::sim::fit::HistoryFit, w: &mut dyn Write) -> io::Result<()> {
    writeln!(
        w,
        "Responsiveness fitted from history: `{}` (previous period) to `{}` (this period, the baseline)",
        fit.previous_plan, fit.baseline_plan
    )?;
    writeln!(
        w,
        "Columns read as the previous period (from their _prev_1 columns): {}",
        fit.previous_columns.join(", ")
    )?;
    let mut t = Table::new(&[
        ("Role", false),
        ("People", true),
        ("ε fitted", true),
        ("Hours error (RMSE)", true),
        ("If nobody changed", true),
        ("Back-test error", true),
        ("ε of each half", true),
    ]);
    for r in &fit.roles {
        t.rows.push(vec![
            r.role.clone(),
            r.people.to_string(),
            format!("{:.3}", r.epsilon),
            format!("{:.2} h", r.rmse),
            format!("{:.2} h", r.rmse_no_change),
            format!("{:.2} h", r.backtest_rmse),
            format!("{} / {}", plain(r.backtest_epsilon[0]), plain(r.backtest_epsilon[1])),
        ]);
    }
    t.write(w)?;
    writeln!(w)?;
    writeln!(w, "Hours per person, previous period, this period as recorded, and as predicted at the fitted ε")?;
    let mut t = Table::new(&[
        ("Role", false),
        ("Activity", false),
        ("Previous", true),
        ("Recorded", true),
        ("Predicted", true),
    ]);
    for r in &fit.roles {
        for a in &r.activities {
            t.rows.push(vec![
                r.role.clone(),
                a.activity.clone(),
                format!("{:.1}", a.previous),
                format!("{:.1}", a.actual),
                format!("{:.1}", a.predicted),
            ]);
        }
    }
    t.write(w)?;
    for (role, why) in &fit.unfitted {
        writeln!(w, "Not fitted: {role}: {why}")?;
    }
    for caution in fit.cautions() {
        writeln!(w, "Caution: {caution}")?;
    }
    writeln!(
        w,
        "Back-test: ε fitted on half of each role's people (alternate employee ids), the error measured on the other half, both ways round."
    )?;
    Ok(())
}
