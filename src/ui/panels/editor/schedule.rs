//! The editor's plan-year fields: the pay periods, how quota and target incentive are phased
//! across them, draws and clawbacks; and, on each line of a plan year, the window it measures
//! and the instalments it is paid in. The rules are in docs/plan-format.md ("Plan years").

use indexmap::IndexMap;
use rust_decimal::Decimal;

use super::{Found, earning_codes_ui, labelled};
use crate::plan::Plan;
use crate::plan::schedule::{BalancePolicy, Clawback, Draw, PeriodSpec, Schedule, Share, Window};
use crate::ui::widgets::{self, Unit, decimal_value, problems_ui};

/// The plan year section: off for a single-period plan.
pub(super) fn schedule_ui(ui: &mut egui::Ui, plan: &mut Plan, at: &Found<'_>) {
    let mut on = plan.schedule.is_some();
    if ui
        .checkbox(&mut on, "Paid period by period (a plan year)")
        .on_hover_text(
            "Split the plan's period into pay periods, each paid from its own actuals and the ledger of the \
             periods closed before it: year-to-date true-ups, draws, instalments and clawbacks",
        )
        .changed()
    {
        plan.schedule = on.then(|| Schedule {
            periods: PeriodSpec::Quarter,
            phasing: Vec::new(),
            recover_negative_true_ups: false,
            draws: IndexMap::new(),
            clawback: None,
        });
    }
    problems_ui(ui, at.at("schedule").into_iter());
    let Some(schedule) = &mut plan.schedule else {
        widgets::muted(ui, "The plan pays its whole period at once.");
        return;
    };
    ui.indent("schedule", |ui| {
        periods_ui(ui, &mut schedule.periods);
        problems_ui(ui, at.problems.iter().filter(|p| p.path.starts_with("schedule.periods")));
        phasing_ui(ui, &mut schedule.phasing, at);
        ui.checkbox(&mut schedule.recover_negative_true_ups, "Take back a negative year-to-date true-up")
            .on_hover_text(
                "Off: a year-to-date line earning less than it already paid pays 0 and the difference is carried \
                 against later true-ups. On: the difference is taken back as a negative line.",
            );
        ui.add_space(4.0);
        let roles: Vec<String> = plan
            .tracks
            .keys()
            .chain(schedule.draws.keys().filter(|r| !plan.tracks.contains_key(*r)))
            .cloned()
            .collect();
        for role in roles {
            draw_ui(ui, &role, &mut schedule.draws, at);
        }
        ui.add_space(4.0);
        clawback_ui(ui, &mut schedule.clawback, at);
    });
}

fn periods_ui(ui: &mut egui::Ui, periods: &mut PeriodSpec) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Pay periods");
        let shown = match periods {
            PeriodSpec::Month => "months".to_owned(),
            PeriodSpec::Quarter => "quarters".to_owned(),
            PeriodSpec::Explicit(list) => format!("{} named periods (as in the plan file)", list.len()),
        };
        let before = (matches!(periods, PeriodSpec::Month), matches!(periods, PeriodSpec::Quarter));
        let mut chosen = before;
        egui::ComboBox::from_id_salt("schedule_periods")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                if ui.selectable_label(before.0, "months").clicked() {
                    chosen = (true, false);
                }
                if ui.selectable_label(before.1, "quarters").clicked() {
                    chosen = (false, true);
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("Calendar months (2026-01 …) or quarters (2026-Q1 …) of the plan's period");
        if chosen != before {
            *periods = if chosen.0 { PeriodSpec::Month } else { PeriodSpec::Quarter };
        }
    });
}

fn phasing_ui(ui: &mut egui::Ui, phasing: &mut Vec<Share>, at: &Found<'_>) {
    let mut equal = phasing.is_empty();
    if ui
        .checkbox(&mut equal, "Quota and target incentive in equal shares per pay period")
        .on_hover_text(
            "Untick to phase them: one share per pay period, or per equal group of periods (four quarterly \
             shares on a monthly schedule)",
        )
        .changed()
    {
        *phasing = if equal { Vec::new() } else { vec![Share(Decimal::new(25, 2)); 4] };
    }
    if !phasing.is_empty() {
        ui.indent("phasing", |ui| {
            shares_ui(ui, phasing, "share", |k| format!("Share {}", k + 1), |k| format!("Share {}", k + 1));
        });
    }
    problems_ui(ui, at.problems.iter().filter(|p| p.path.starts_with("schedule.phasing")));
}

fn policy_ui(ui: &mut egui::Ui, label: &str, name: &str, policy: &mut BalancePolicy) {
    let l = ui.label(label);
    egui::ComboBox::from_id_salt(name)
        .selected_text(policy.as_str())
        .show_ui(ui, |ui| {
            for (p, help) in [
                (BalancePolicy::Forgive, "written off: the person owes nothing"),
                (BalancePolicy::Carry, "kept in the ledger as owed, recovered from later earnings"),
                (BalancePolicy::Recover, "taken back at once from that period's pay"),
            ] {
                ui.selectable_value(policy, p, p.as_str()).on_hover_text(help);
            }
        })
        .response
        .labelled_by(l.id);
}

fn draw_ui(ui: &mut egui::Ui, role: &str, draws: &mut IndexMap<String, Draw>, at: &Found<'_>) {
    let path = format!("schedule.draws.{role}");
    let mut on = draws.contains_key(role);
    let name = format!("{role} draw");
    if ui
        .checkbox(&mut on, format!("Draw for {role}"))
        .on_hover_text("An amount per pay period paid when the period's earnings fall short of it")
        .changed()
    {
        if on {
            draws.insert(
                role.to_owned(),
                Draw {
                    amount: Decimal::from(1000),
                    recoverable: true,
                    at_year_end: BalancePolicy::Forgive,
                    on_leaving: BalancePolicy::Forgive,
                    earning_code: Some("DRAW".to_owned()),
                    earning_codes: IndexMap::new(),
                },
            );
        } else {
            draws.shift_remove(role);
        }
    }
    problems_ui(ui, at.at(&path).into_iter());
    let Some(draw) = draws.get_mut(role) else { return };
    ui.indent(&path, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label("Per pay period");
            labelled(decimal_value(ui, &mut draw.amount, at.money), &format!("{name} amount"))
                .on_hover_text("Prorated by the days employed in the period");
        });
        problems_ui(ui, at.at(&format!("{path}.amount")).into_iter());
        ui.checkbox(&mut draw.recoverable, "Recoverable")
            .on_hover_text("A shortfall paid is owed, and recovered from later earnings above the draw");
        ui.add_enabled_ui(draw.recoverable, |ui| {
            ui.horizontal_wrapped(|ui| {
                policy_ui(ui, "A balance at year end is", &format!("{name} at year end"), &mut draw.at_year_end);
            });
            ui.horizontal_wrapped(|ui| {
                policy_ui(ui, "A balance on leaving is", &format!("{name} on leaving"), &mut draw.on_leaving);
            });
        });
        earning_codes_ui(ui, &mut draw.earning_code, &mut draw.earning_codes, &path, &name, at);
    });
}

fn clawback_ui(ui: &mut egui::Ui, clawback: &mut Option<Clawback>, at: &Found<'_>) {
    let mut on = clawback.is_some();
    if ui
        .checkbox(&mut on, "Clawbacks")
        .on_hover_text("Take back recent pay from leavers, and pay on deals later cancelled")
        .changed()
    {
        *clawback = on.then(|| Clawback {
            leaver_window_days: 90,
            leaver_share: None,
            cancelled_deals: true,
            earning_code: Some("CLAW".to_owned()),
            earning_codes: IndexMap::new(),
        });
    }
    problems_ui(ui, at.at("schedule.clawback").into_iter());
    let Some(c) = clawback else { return };
    ui.indent("clawback", |ui| {
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Leavers: within");
            // A plan's longer window is kept as it is (egui would clamp it by showing it).
            ui.add(
                egui::DragValue::new(&mut c.leaver_window_days)
                    .range(0..=3650)
                    .clamp_existing_to_range(false)
                    .suffix(" days"),
            )
            .labelled_by(l.id)
            .on_hover_text("A leaver whose last day is this many days or fewer after a period's end (0: none)");
            ui.label("of a period's end, give back");
            let mut share = c.leaver_share();
            let r = labelled(decimal_value(ui, &mut share, Unit::Percent), "Leaver clawback share");
            if r.changed() || share != c.leaver_share() {
                c.leaver_share = (share != Decimal::ONE).then_some(share);
            }
            ui.label("of what it paid");
        });
        problems_ui(ui, at.at("schedule.clawback.leaver_share").into_iter());
        ui.checkbox(&mut c.cancelled_deals, "Cancelled deals claw back what they paid").on_hover_text(
            "A negative metric on a period line claws back what it pays at today's rates, at most what the line \
             paid so far this year",
        );
        earning_codes_ui(ui, &mut c.earning_code, &mut c.earning_codes, "schedule.clawback", "Leaver clawback", at);
    });
}

/// On a line of a plan year: the window it measures, and the instalments it is paid in.
pub(super) fn line_year_ui(
    ui: &mut egui::Ui,
    window: &mut Window,
    instalments: &mut Vec<Share>,
    path: &str,
    name: &str,
    at: &Found<'_>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Measures");
        egui::ComboBox::from_id_salt((path, "window"))
            .selected_text(match window {
                Window::Period => "the pay period",
                Window::Ytd => "the year to date",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(window, Window::Period, "the pay period");
                ui.selectable_value(window, Window::Ytd, "the year to date")
                    .on_hover_text("Pays what it earned to date minus what it already paid (a true-up)");
            })
            .response
            .accessible_name(format!("{name} measures"))
            .on_hover_text(format!("What {name} measures in each pay period"));
    });
    problems_ui(ui, at.at(&format!("{path}.window")).into_iter());
    let mut deferred = !instalments.is_empty();
    if ui
        .checkbox(&mut deferred, "Paid in instalments")
        .on_hover_text("Shares paid in the period earned and the following ones; a leaver forfeits those due later")
        .accessible_name(format!("{name} paid in instalments"))
        .changed()
    {
        *instalments = if deferred { vec![Share(Decimal::new(5, 1)); 2] } else { Vec::new() };
    }
    if !instalments.is_empty() {
        ui.indent((path, "instalments"), |ui| {
            let row = |k: usize| if k == 0 { "Paid now".to_owned() } else { format!("Paid {k} period(s) later") };
            shares_ui(ui, instalments, "instalment", row, |k| format!("{name} instalment {}", k + 1));
        });
    }
    problems_ui(ui, at.at(&format!("{path}.instalments")).into_iter());
}

/// A list of shares (phasing, instalments): one percentage per row, each removable while more
/// than one is left, one more added at 0%, and what they add up to.
fn shares_ui(
    ui: &mut egui::Ui,
    shares: &mut Vec<Share>,
    item: &str,
    row: impl Fn(usize) -> String,
    field: impl Fn(usize) -> String,
) {
    let n = shares.len();
    let mut remove = None;
    for (k, share) in shares.iter_mut().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(row(k));
            labelled(decimal_value(ui, &mut share.0, Unit::Percent), &field(k));
            let r = ui
                .add_enabled(n > 1, egui::Button::new("×").small())
                .on_hover_text(format!("Remove {}", field(k)))
                .accessible_name(format!("Remove {}", field(k)));
            if r.clicked() {
                remove = Some(k);
            }
        });
    }
    if let Some(k) = remove {
        shares.remove(k);
    }
    ui.horizontal_wrapped(|ui| {
        if ui.small_button(format!("Add {item}")).clicked() {
            shares.push(Share(Decimal::ZERO));
        }
        let sum: Decimal = shares.iter().map(|s| s.0).sum();
        widgets::muted(ui, format!("They add up to {}%", (sum * Decimal::ONE_HUNDRED).normalize()));
    });
}
