//! The status bar (jobs in progress, roster size, compute time) and the toasts.

use super::super::app::JobOutput;
use super::super::app::RosterSet;
use super::super::jobs::Job;
use super::super::notify::{Level, Notifications};
use super::super::theme;

/// The bottom bar.
pub fn status_ui(
    ui: &mut egui::Ui,
    jobs: &[Job<JobOutput>],
    notifications: &mut Notifications,
    last_compute: Option<std::time::Duration>,
    rosters: &RosterSet,
    import: Option<&super::super::app::ImportProgress>,
) {
    ui.horizontal(|ui| {
        if let Some(p) = import {
            ui.label(format!("Importing {}", p.name));
            ui.add(egui::ProgressBar::new(p.fraction()).desired_width(160.0).show_percentage());
            if ui.button("Cancel").on_hover_text("Stop the import; nothing is imported").clicked() {
                p.cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
            // Keep the bar moving while the file is read, at the busy indicator's pace (fewer
            // frames where they are drawn in software: the import runs below the UI's priority).
            ui.ctx().request_repaint_after(theme::busy_step(ui.ctx()));
        } else if let Some(job) = jobs.first() {
            super::super::widgets::busy(ui);
            ui.label(format!("{}…", job.label));
            if jobs.len() > 1 {
                ui.label(format!("(+{} more)", jobs.len() - 1));
            }
        } else {
            ui.label("Ready");
        }
        ui.separator();
        ui.label(format!("{} people in the roster", super::super::widgets::count(rosters.merged.employees.len())));
        if let Some(d) = last_compute {
            ui.separator();
            ui.label(format!("last computed in {:.1} ms", d.as_secs_f64() * 1000.0))
                .on_hover_text("Time to recompute every payout");
        }
        ui.separator();
        ui.label("Works offline: Carrot never uses the network");
    });
    toasts_ui(ui.ctx(), notifications);
}

/// Messages in the bottom-right corner; errors stay until dismissed.
fn toasts_ui(ctx: &egui::Context, notifications: &mut Notifications) {
    let t = theme::tokens_for(ctx);
    egui::Area::new(egui::Id::unique("toasts"))
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-12.0, -40.0))
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            ui.set_max_width(420.0);
            for (i, n) in notifications.visible().enumerate().collect::<Vec<_>>().into_iter().rev().take(5) {
                let color = match n.level {
                    Level::Info => ui.visuals().text_color(),
                    Level::Success => t.positive,
                    Level::Warning => t.warning,
                    Level::Error => t.error,
                };
                egui::Frame::popup(ui.style()).show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.colored_label(color, &n.text);
                        if ui
                            .push_id(i, |ui| ui.small_button("Dismiss"))
                            .inner
                            .on_hover_text("Hide this message")
                            .clicked()
                        {
                            n.visible = false;
                        }
                    });
                });
            }
        });
}
