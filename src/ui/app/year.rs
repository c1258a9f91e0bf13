//! The Plan year window's actions: each computation, close and export runs on a job.

use std::path::PathBuf;
use std::sync::Arc;

use super::{CarrotApp, JobOutput, Pick};
use crate::engine::Detail;
use crate::plan::Plan;
use crate::roster::Roster;
use crate::ui::jobs::JobKind;
use crate::ui::notify::Level;
use crate::ui::panels::year::{YearAction, YearShown};
use crate::year::{self, Closed, Ledger};

/// Computes a period from the ledger file (if any), off the UI thread.
fn compute(
    plan: &Plan,
    roster: &Roster,
    period: &str,
    ledger: Option<&PathBuf>,
    revisions: (u64, u64),
) -> Result<YearShown, String> {
    let ledger = ledger.map(|p| Ledger::load_for(p, plan)).transpose().map_err(|e| e.to_string())?;
    let result =
        year::compute_period(plan, roster, period, ledger.as_ref(), Detail::Explained).map_err(|e| e.to_string())?;
    let closed = ledger.as_ref().and_then(|l| l.effective(period)).is_some();
    if let Some(recorded) = ledger.as_ref().and_then(|l| l.effective(period)) {
        let diff = year::ledger::difference(recorded, &result.entry());
        if !diff.is_empty() {
            return Err(format!(
                "{period} is closed in the ledger with other figures; it is never recomputed silently ({} people differ). \
                 Load that period's actuals, or reopen it with carrot close --reopen",
                diff.len()
            ));
        }
    }
    Ok(YearShown { result, ledger, closed, revisions })
}

impl CarrotApp {
    /// Carries out a Plan year window action.
    pub(super) fn year_action(&mut self, ctx: &egui::Context, action: YearAction) {
        match action {
            YearAction::Open => {
                let Some(doc) = self.selected_doc() else { return };
                let periods = year::period_names(&doc.plan);
                let view = &mut self.rt.year;
                if view.periods != periods {
                    view.period = 0;
                    view.shown = None;
                }
                view.periods = periods;
                view.open = true;
            }
            YearAction::OpenLedger => self.pick(ctx, Pick::OpenLedger),
            YearAction::NewLedger => self.pick(ctx, Pick::NewLedger),
            YearAction::Compute => {
                let Some((plan, roster, period, ledger, revisions)) = self.year_inputs() else { return };
                self.rt.year.busy = true;
                self.spawn(ctx, JobKind::YearPeriod, format!("Computing {period}"), move || {
                    JobOutput::YearComputed(Box::new(compute(&plan, &roster, &period, ledger.as_ref(), revisions)))
                });
            }
            YearAction::Close => {
                if let Some(why) = &self.rt.year.actuals {
                    self.rt.year.error = Some(format!("Not closed: {why}"));
                    return;
                }
                if !self.rt.year.shown_is_current() {
                    self.rt.year.error =
                        Some("Not closed: compute the chosen period first; the figures shown are not it".to_owned());
                    return;
                }
                let Some((plan, roster, period, Some(ledger), revisions)) = self.year_inputs() else { return };
                self.rt.year.busy = true;
                self.spawn(ctx, JobKind::YearPeriod, format!("Closing {period}"), move || {
                    let result = compute(&plan, &roster, &period, Some(&ledger), revisions).and_then(|shown| {
                        match year::ledger::close(&ledger, &plan, shown.result.entry(), false) {
                            Ok(Closed::Closed) => Ok(format!("Closed {period} in {}", ledger.display())),
                            Ok(Closed::AlreadyClosed) => Ok(format!("{period} was already closed with these figures")),
                            Ok(Closed::Reopened(_)) => Ok(format!("Reopened {period}")),
                            Err(e) => Err(e.to_string()),
                        }
                    });
                    JobOutput::YearClosed(result)
                });
            }
            YearAction::Export => self.open_period_export(),
        }
    }

    /// The selected plan, the roster, the chosen period, the ledger path and the (plan, roster)
    /// revisions.
    #[expect(clippy::type_complexity, reason = "a private tuple of what each job takes")]
    fn year_inputs(&self) -> Option<(Plan, Arc<Roster>, String, Option<PathBuf>, (u64, u64))> {
        let doc = self.selected_doc()?;
        let view = &self.rt.year;
        let period = view.periods.get(view.period)?.clone();
        let revisions = (doc.revision, self.rt.rosters.revision);
        Some((doc.plan.clone(), Arc::clone(&self.rt.rosters.merged), period, view.ledger.clone(), revisions))
    }

    /// A Plan year job finished.
    pub(super) fn on_year_computed(&mut self, result: Result<YearShown, String>) {
        let view = &mut self.rt.year;
        view.busy = false;
        match result {
            Ok(shown) => {
                view.error = None;
                view.closed = shown.ledger.as_ref().map(Ledger::closed_names).unwrap_or_default();
                if view.selected.is_some_and(|i| i >= shown.result.report.employees.len()) {
                    view.selected = None;
                }
                view.shown = Some(Arc::new(shown));
            }
            Err(e) => view.error = Some(e),
        }
    }

    /// A close finished: say so, and show the period as now recorded.
    pub(super) fn on_year_closed(&mut self, ctx: &egui::Context, result: Result<String, String>) {
        self.rt.year.busy = false;
        match result {
            Ok(message) => {
                self.rt.notifications.push(Level::Info, message);
                self.rt.year.error = None;
                self.year_action(ctx, YearAction::Compute);
            }
            Err(e) => self.rt.year.error = Some(e),
        }
    }
}
