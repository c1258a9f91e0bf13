//! The hand-out report: one self-contained HTML file (inline CSS and SVG charts, no scripts, no
//! fonts, images or links from elsewhere) that reads and prints in any browser offline.
//!
//! The same comparison always gives the same bytes: no timestamp, no random ids, fixed number
//! formatting. Every text from plans and rosters is escaped.

use std::path::Path;

use rust_decimal::Decimal;

use super::svg::{self, Bar, Group, Panel, Segment, Stack, esc};
use super::{
    ReportError, change_fraction, components, currency_text, mixed_currencies, people_in_error, period_text,
    plan_label, ranked, roles, roster_size, same_name_note,
};
use crate::engine::PayoutReport;
use crate::engine::compare::{Comparison, MOVERS, PersonRow};
use crate::fsx::{self, Access, Overwrite};
use crate::money;

/// Writes [`render_html`]'s report to `path` atomically, readable by the owner only (it lists
/// everyone's pay). With [`Overwrite::Refuse`] an existing file is never replaced.
pub fn write_html(cmp: &Comparison, title: &str, path: &Path, overwrite: Overwrite) -> Result<(), ReportError> {
    let html = render_html(cmp, title);
    fsx::write_atomic(path, html.as_bytes(), overwrite, Access::Private)?;
    Ok(())
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d2330; background: #fff; margin: 0 auto; max-width: 1000px; padding: 24px 28px 40px; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 6px; }
h2 { font-size: 1.25rem; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #d8dee8; }
h3 { font-size: 1.05rem; margin: 22px 0 6px; }
p { margin: 4px 0; }
.meta { color: #4a5365; }
.note { color: #7a4b00; background: #fff6e0; border-left: 4px solid #e6a700; padding: 6px 10px; margin: 8px 0; }
.legend { list-style: none; padding: 0; margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 6px 18px; }
.legend li { display: flex; align-items: center; gap: 6px; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; flex: none; }
table { border-collapse: collapse; margin: 8px 0 4px; font-size: 0.9rem; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e3e7ee; vertical-align: top; }
thead th { background: #eef2f7; text-align: left; border-bottom: 2px solid #c9d1dd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead th.plan { white-space: normal; min-width: 7em; }
tbody th { text-align: left; font-weight: normal; }
table.wide { font-size: 0.8rem; }
table.wide td { white-space: nowrap; }
th.num .swatch { margin-right: 4px; }
tr.section th { background: #f7f8fa; text-align: left; font-weight: 600; padding-top: 10px; }
tr.strong td, tr.strong th { font-weight: 700; }
td.neg { color: #b3261e; }
td.pos { color: #1b6e3a; }
.muted { color: #8a93a3; }
figure { margin: 18px 0 8px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
figure p { color: #4a5365; font-size: 0.9rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg .bg { fill: #fff; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  fill: #1d2330; font-size: 12px; }
svg text.tick, svg text.value { font-size: 11px; fill: #4a5365; font-variant-numeric: tabular-nums; }
svg text.axis { font-size: 12px; font-weight: 600; fill: #1d2330; }
svg text.panel { font-size: 12px; font-weight: 600; }
svg line.grid { stroke: #e3e7ee; stroke-width: 1; }
svg line.zero { stroke: #6b7385; stroke-width: 1; }
.pair { display: flex; flex-wrap: wrap; gap: 8px 28px; }
.pair > div { flex: 1 1 430px; }
footer { margin-top: 36px; color: #4a5365; font-size: 0.85rem; border-top: 1px solid #d8dee8; padding-top: 8px; }
@media print {
  @page { size: A4; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  figure, tr, .pair > div { break-inside: avoid; page-break-inside: avoid; }
  table { font-size: 8.5pt; }
  thead { display: table-header-group; }
}
"#;

/// The report for `cmp` as one HTML document titled `title`: header (roster size, period,
/// currency, plans with their colours), totals per plan (cost, % of revenue, by role, by
/// component), charts (total cost, cost by component, cost by role, payout distribution, change
/// per person) and who gains and who loses against the first plan.
pub fn render_html(cmp: &Comparison, title: &str) -> String {
    let title = if title.trim().is_empty() { "Plan comparison" } else { title.trim() };
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!("<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n", esc(title)));
    header(&mut h, cmp, title);
    if cmp.reports.is_empty() {
        h.push_str("<p>No plans were compared.</p>\n</body>\n</html>\n");
        return h;
    }
    totals_table(&mut h, cmp);
    charts(&mut h, cmp);
    movers(&mut h, cmp);
    everyone(&mut h, cmp);
    h.push_str(
        "<footer>Made by Carrot from the plans and roster named above; the same inputs give the same report. \
         Amounts are each person's payout for the period, rounded line by line to the currency's minor unit \
         as payroll pays them. Hover over a bar for its exact figure.</footer>\n",
    );
    h.push_str("</body>\n</html>\n");
    h
}

fn unit(cmp: &Comparison) -> String {
    currency_text(cmp)
}

fn header(h: &mut String, cmp: &Comparison, title: &str) {
    h.push_str(&format!("<header>\n<h1>{}</h1>\n", esc(title)));
    let plans = cmp.reports.len();
    h.push_str(&format!(
        "<p class=\"meta\">{} {} in the roster \u{b7} period {} \u{b7} amounts in {} \u{b7} {plans} plan{} compared</p>\n",
        roster_size(cmp),
        if roster_size(cmp) == 1 { "person" } else { "people" },
        esc(&period_text(cmp)),
        esc(&currency_text(cmp)),
        if plans == 1 { "" } else { "s" }
    ));
    if mixed_currencies(cmp) {
        h.push_str("<p class=\"note\">The plans use different currencies; amounts are shown in each plan's own currency and are not converted.</p>\n");
    }
    h.push_str("<ul class=\"legend\">\n");
    for i in 0..plans {
        h.push_str(&format!(
            "<li><span class=\"swatch\" style=\"background:{}\"></span>{}</li>\n",
            svg::plan_colour(i),
            esc(&plan_label(cmp, i))
        ));
    }
    h.push_str("</ul>\n");
    if let Some(note) = same_name_note(cmp) {
        h.push_str(&format!("<p class=\"note\">{} Each plan also keeps its colour in every chart.</p>\n", esc(&note)));
    }
    if let Some(note) = cmp.not_compared_note() {
        h.push_str(&format!("<p class=\"note\">{}.</p>\n", esc(&note)));
    }
    for note in &cmp.notes {
        h.push_str(&format!("<p class=\"note\">{}.</p>\n", esc(note)));
    }
    h.push_str("</header>\n");
}

/// A `<th>` naming plan `i` with its colour.
fn plan_th(cmp: &Comparison, i: usize) -> String {
    format!(
        "<th class=\"num plan\" scope=\"col\"><span class=\"swatch\" style=\"background:{}\"></span>{}</th>",
        svg::plan_colour(i),
        esc(&plan_label(cmp, i))
    )
}

fn signed(v: Decimal, dp: u32) -> String {
    if v > Decimal::ZERO { format!("+{}", money::grouped(v, dp)) } else { money::grouped(v, dp) }
}

fn sign_class(v: Decimal) -> &'static str {
    if v > Decimal::ZERO {
        "num pos"
    } else if v < Decimal::ZERO {
        "num neg"
    } else {
        "num"
    }
}

fn pct_text(fraction: Decimal, decimals: u32) -> String {
    money::percent(fraction, decimals).replace('-', "\u{2212}")
}

fn totals_table(h: &mut String, cmp: &Comparison) {
    let u = esc(&unit(cmp));
    let first = cmp.reports.first().map(|r| r.totals.total).unwrap_or_default();
    h.push_str("<section>\n<h2>What each plan costs</h2>\n<table>\n<thead><tr><th scope=\"col\"></th>");
    for i in 0..cmp.reports.len() {
        h.push_str(&plan_th(cmp, i));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    let row =
        |h: &mut String, label: &str, class: &str, cell: &dyn Fn(usize, &PayoutReport) -> (String, &'static str)| {
            h.push_str(&format!("<tr class=\"{class}\"><th scope=\"row\">{label}</th>"));
            for (i, r) in cmp.reports.iter().enumerate() {
                let (text, class) = cell(i, r);
                h.push_str(&format!("<td class=\"{class}\">{text}</td>"));
            }
            h.push_str("</tr>\n");
        };
    row(h, &format!("Total payout cost ({u})"), "strong", &|_, r| {
        (money::grouped(r.totals.total, r.minor_units), "num")
    });
    row(h, &format!("Change vs plan 1 ({u})"), "", &|i, r| {
        if i == 0 {
            ("<span class=\"muted\">reference</span>".to_owned(), "num")
        } else {
            let v = r.totals.total.saturating_sub(first);
            (signed(v, r.minor_units), sign_class(v))
        }
    });
    row(h, "Cost as % of revenue", "", &|_, r| {
        let text = r
            .totals
            .cost_pct_of_revenue()
            .map_or_else(|| "\u{2013}".to_owned(), |p| pct_text(p / Decimal::ONE_HUNDRED, 2));
        (text, "num")
    });
    row(h, &format!("Revenue of the people computed ({u})"), "", &|_, r| {
        (money::grouped(r.totals.revenue, r.minor_units), "num")
    });
    row(h, "People computed", "", &|_, r| (r.totals.people.to_string(), "num"));
    row(h, "People not covered (no track for their role)", "", &|_, r| (r.not_covered.len().to_string(), "num"));
    row(h, "People who could not be computed", "", &|_, r| (people_in_error(r).to_string(), "num"));
    let n = cmp.reports.len() + 1;
    h.push_str(&format!("<tr class=\"section\"><th colspan=\"{n}\">Cost by role ({u})</th></tr>\n"));
    for role in roles(cmp) {
        row(h, &esc(role), "", &|_, r| match r.totals.by_role.get(role) {
            Some(v) => (money::grouped(*v, r.minor_units), "num"),
            None => ("<span class=\"muted\">\u{2013}</span>".to_owned(), "num"),
        });
    }
    h.push_str(&format!("<tr class=\"section\"><th colspan=\"{n}\">Cost by component ({u})</th></tr>\n"));
    for c in components(cmp) {
        row(h, &esc(&c.label), "", &|_, r| match r.totals.by_component.get(&c.id) {
            Some(v) => (money::grouped(*v, r.minor_units), "num"),
            None => ("<span class=\"muted\">\u{2013}</span>".to_owned(), "num"),
        });
    }
    h.push_str("</tbody>\n</table>\n<p class=\"meta\">Cost as % of revenue: total payout cost \u{f7} revenue of the people the plan computed. \u{2013}: the plan has no such role or component.</p>\n</section>\n");
}

fn figure(h: &mut String, caption: &str, svg: &str, note: &str) {
    h.push_str(&format!("<figure>\n<figcaption>{}</figcaption>\n{svg}", esc(caption)));
    if !note.is_empty() {
        h.push_str(&format!("<p>{}</p>\n", esc(note)));
    }
    h.push_str("</figure>\n");
}

fn plan_legend(cmp: &Comparison) -> Vec<(String, &'static str)> {
    (0..cmp.reports.len()).map(|i| (plan_label(cmp, i), svg::plan_colour(i))).collect()
}

fn charts(h: &mut String, cmp: &Comparison) {
    let u = unit(cmp);
    h.push_str("<section>\n<h2>Charts</h2>\n");

    // Total cost per plan.
    let groups: Vec<Group> = cmp
        .reports
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let amount = money::grouped(r.totals.total, r.minor_units);
            Group {
                label: plan_label(cmp, i),
                bars: vec![Bar {
                    value: r.totals.total,
                    colour: svg::plan_colour(i),
                    text: amount.clone(),
                    title: format!("{}: total payout cost {amount} {}", plan_label(cmp, i), r.currency),
                }],
            }
        })
        .collect();
    figure(
        h,
        "Total payout cost per plan",
        &svg::bar_chart("Total payout cost per plan", &groups, &[], &format!("Total payout cost for the period ({u})")),
        "",
    );

    // Cost by component, stacked.
    let comps = components(cmp);
    let colours: Vec<&'static str> = {
        let mut k = 0;
        comps
            .iter()
            .map(|c| {
                if c.id == crate::engine::LineKind::CapAdjustment.as_str()
                    || c.id == crate::engine::LineKind::GuaranteeAdjustment.as_str()
                {
                    svg::ADJUSTMENT_COLOUR
                } else {
                    k += 1;
                    svg::component_colour(k - 1)
                }
            })
            .collect()
    };
    let stacks: Vec<Stack> = cmp
        .reports
        .iter()
        .enumerate()
        .map(|(i, r)| Stack {
            label: plan_label(cmp, i),
            segments: comps
                .iter()
                .zip(&colours)
                .filter_map(|(c, colour)| {
                    let v = *r.totals.by_component.get(&c.id)?;
                    Some(Segment {
                        value: v,
                        colour,
                        title: format!(
                            "{}: {} {} {}",
                            plan_label(cmp, i),
                            c.label,
                            money::grouped(v, r.minor_units),
                            r.currency
                        ),
                    })
                })
                .collect(),
            text: format!("net {}", money::grouped(r.totals.total, r.minor_units)),
        })
        .collect();
    let legend: Vec<(String, &'static str)> =
        comps.iter().zip(&colours).map(|(c, col)| (c.label.clone(), *col)).collect();
    let has_negative = cmp.reports.iter().any(|r| r.totals.by_component.values().any(|v| *v < Decimal::ZERO));
    figure(
        h,
        "Cost by component per plan",
        &svg::stacked_chart("Cost by component per plan", &stacks, &legend, &format!("Cost for the period ({u})")),
        if has_negative {
            "Adjustments that reduce pay (such as the cap) are drawn left of zero; \u{201c}net\u{201d} is the total payout cost."
        } else {
            ""
        },
    );

    // Cost by role, grouped.
    let role_groups: Vec<Group> = roles(cmp)
        .into_iter()
        .map(|role| Group {
            label: role.to_owned(),
            bars: cmp
                .reports
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let v = r.totals.by_role.get(role).copied().unwrap_or_default();
                    let amount = money::grouped(v, r.minor_units);
                    Bar {
                        value: v,
                        colour: svg::plan_colour(i),
                        text: amount.clone(),
                        title: format!("{}: {role} {amount} {}", plan_label(cmp, i), r.currency),
                    }
                })
                .collect(),
        })
        .collect();
    figure(
        h,
        "Cost by role per plan",
        &svg::bar_chart(
            "Cost by role per plan",
            &role_groups,
            &plan_legend(cmp),
            &format!("Cost for the period ({u})"),
        ),
        "",
    );

    // Distribution of payouts.
    let panels: Vec<Panel> = cmp
        .reports
        .iter()
        .enumerate()
        .map(|(i, r)| Panel {
            title: plan_label(cmp, i),
            colour: svg::plan_colour(i),
            values: r.employees.iter().map(|e| e.total).collect(),
            titles: Vec::new(),
        })
        .collect();
    figure(
        h,
        "How payouts are spread: people per payout range",
        &svg::histograms(
            "Payout distribution per plan",
            &panels,
            &format!("Payout per person for the period ({u})"),
            &u,
            cmp.minor_units(),
        ),
        "Every plan uses the same payout ranges and the same people scale, so the panels compare directly.",
    );

    // Change per person.
    if cmp.reports.len() > 1 {
        let panels: Vec<Panel> = (1..cmp.reports.len())
            .map(|to| {
                let (gain, lose) = cmp.gaining_losing(0, to);
                let ranked = ranked(cmp, 0, to);
                Panel {
                    title: format!("{} vs {}: {gain} gain, {lose} lose", plan_label(cmp, to), plan_label(cmp, 0)),
                    colour: svg::plan_colour(to),
                    values: ranked.iter().map(|(_, c)| *c).collect(),
                    titles: ranked
                        .iter()
                        .map(|(p, c)| {
                            format!("{} {} ({}): {} {u}", p.employee_id, p.name, p.role, signed(*c, cmp.minor_units()))
                        })
                        .collect(),
                }
            })
            .collect();
        figure(
            h,
            "Who gains and who loses: change per person against plan 1",
            &svg::sorted_bars(
                "Change per person against plan 1",
                &panels,
                &format!("Change ({u})"),
                &format!("People, biggest gain on the left to biggest loss on the right ({} people)", cmp.people.len()),
            ),
            "Bars above the line: the person is paid more than under plan 1; below: paid less.",
        );
    }
    h.push_str("</section>\n");
}

fn total_cell(p: &PersonRow, i: usize, dp: u32) -> String {
    match (p.totals.get(i).copied().flatten(), p.failed.get(i).copied().unwrap_or(false)) {
        (Some(v), _) => format!("<td class=\"num\">{}</td>", money::grouped(v, dp)),
        (None, true) => "<td class=\"num muted\" title=\"could not be computed by this plan\">?</td>".to_owned(),
        (None, false) => "<td class=\"num muted\" title=\"not paid by this plan\">\u{2013}</td>".to_owned(),
    }
}

fn movers_table(h: &mut String, cmp: &Comparison, to: usize, rows: &[&PersonRow]) {
    let dp = cmp.minor_units();
    if rows.is_empty() {
        h.push_str("<p class=\"muted\">Nobody.</p>\n");
        return;
    }
    h.push_str(&format!(
        "<table>\n<thead><tr><th>ID</th><th>Name</th><th>Role</th><th class=\"num\">Plan 1</th><th class=\"num\">Plan {}</th><th class=\"num\">Change</th><th class=\"num\">%</th></tr></thead>\n<tbody>\n",
        to + 1
    ));
    for p in rows {
        // Gainers and losers all have a known change.
        let change = p.change(0, to).unwrap_or_default();
        let pct = change_fraction(p, 0, to).map_or_else(|| "\u{2013}".to_owned(), |f| pct_text(f, 1));
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td>{}{}<td class=\"{}\">{}</td><td class=\"{}\">{}</td></tr>\n",
            esc(&p.employee_id),
            esc(&p.name),
            esc(&p.role),
            total_cell(p, 0, dp),
            total_cell(p, to, dp),
            sign_class(change),
            signed(change, dp),
            sign_class(change),
            pct
        ));
    }
    h.push_str("</tbody>\n</table>\n");
}

fn movers(h: &mut String, cmp: &Comparison) {
    if cmp.reports.len() < 2 {
        return;
    }
    let u = esc(&unit(cmp));
    h.push_str(&format!("<section>\n<h2>Who gains, who loses</h2>\n<p class=\"meta\">Against {}, amounts in {u}. The {MOVERS} biggest changes each way.</p>\n", esc(&plan_label(cmp, 0))));
    let first = cmp.reports.first().map(|r| r.totals.total).unwrap_or_default();
    for to in 1..cmp.reports.len() {
        let (gainers, losers) = cmp.movers(0, to, MOVERS);
        let (gain, lose) = cmp.gaining_losing(0, to);
        let same = cmp.people.len().saturating_sub(gain + lose);
        let dp = cmp.reports.get(to).map_or(2, |r| r.minor_units);
        let total = cmp.reports.get(to).map(|r| r.totals.total).unwrap_or_default().saturating_sub(first);
        h.push_str(&format!(
            "<h3><span class=\"swatch\" style=\"background:{}\"></span> Moving from {} to {}</h3>\n",
            svg::plan_colour(to),
            esc(&plan_label(cmp, 0)),
            esc(&plan_label(cmp, to))
        ));
        h.push_str(&format!(
            "<p>{gain} {} more, {lose} {} less, {same} the same. Total cost changes by {} {u}.</p>\n",
            if gain == 1 { "person is paid" } else { "people are paid" },
            if lose == 1 { "is paid" } else { "are paid" },
            signed(total, dp)
        ));
        h.push_str("<div class=\"pair\">\n<div>\n<h4>Biggest gainers</h4>\n");
        movers_table(h, cmp, to, &gainers);
        h.push_str("</div>\n<div>\n<h4>Biggest losers</h4>\n");
        movers_table(h, cmp, to, &losers);
        h.push_str("</div>\n</div>\n");
    }
    h.push_str("</section>\n");
}

fn everyone(h: &mut String, cmp: &Comparison) {
    let dp = cmp.minor_units();
    let u = esc(&unit(cmp));
    h.push_str(&format!(
        "<section>\n<h2>Everyone</h2>\n<p class=\"meta\">Each person's payout under each plan ({u}), in roster order; \u{2013}: not paid by that plan (not covered or could not be computed).</p>\n<table class=\"wide\">\n<thead><tr><th>ID</th><th>Name</th><th>Role</th><th>Team</th>"
    ));
    for i in 0..cmp.reports.len() {
        h.push_str(&plan_th(cmp, i));
    }
    for to in 1..cmp.reports.len() {
        h.push_str(&format!("<th class=\"num\">{} vs 1</th>", to + 1));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for p in &cmp.people {
        h.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            esc(&p.employee_id),
            esc(&p.name),
            esc(&p.role),
            esc(&p.team)
        ));
        for i in 0..cmp.reports.len() {
            h.push_str(&total_cell(p, i, dp));
        }
        for to in 1..cmp.reports.len() {
            match p.change(0, to) {
                Some(c) => h.push_str(&format!("<td class=\"{}\">{}</td>", sign_class(c), signed(c, dp))),
                None => h.push_str("<td class=\"num muted\" title=\"a plan could not compute this person\">?</td>"),
            }
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}
