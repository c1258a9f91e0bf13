//! Running the behaviour simulation off the UI thread. Like the payout worker: requests are
//! coalesced (a slider dragged across ten values runs once or twice, not ten times), the
//! calibration is reused while the baseline plan and the roster stay the same, and the UI
//! ignores any result that is not for what it asked last.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use super::doc::PlanId;
use crate::plan::Plan;
use crate::roster::Roster;
use crate::sim::fit::HistoryFit;
use crate::sim::{self, Calibration, SimOptions, SimReport};

/// What a simulation was run for: the plans (by identity and revision), the roster revision and
/// every option. Equal keys give equal reports.
#[derive(Clone, Debug, PartialEq)]
pub struct SimKey {
    /// The baseline plan and its revision.
    pub baseline: (PlanId, u64),
    /// The plans simulated, with their revisions, in order.
    pub plans: Vec<(PlanId, u64)>,
    /// The roster revision.
    pub roster: u64,
    /// Trials, seed, quarters, responsiveness, noise, runway.
    pub options: SimOptions,
    /// The plan of the period the roster's `*_prev_1` columns record, and its revision: ε is
    /// fitted from that history for the roles the sliders leave alone.
    pub fit_previous: Option<(PlanId, u64)>,
    /// The pay period simulated (plan years), `None` for the whole plan or plan year: each plan
    /// is paid as that period's own plan, with quota and TI phased to it
    /// ([`crate::year::period_view`]).
    pub period: Option<String>,
}

/// What a history fit was made for: the baseline plan, the previous plan (each with its
/// revision) and the roster revision.
type FitFor = ((PlanId, u64), (PlanId, u64), u64);
/// A calibration and what it was made for: the baseline plan (with its revision), the roster
/// revision and the pay period.
type Calibrated = ((PlanId, u64), u64, Option<String>, Calibration);
/// A history fit, or why there is none.
type FitResult = Result<Arc<HistoryFit>, String>;

/// A simulation to run.
pub struct SimRequest {
    /// What it is for.
    pub key: SimKey,
    /// The baseline plan (a copy).
    pub baseline: Plan,
    /// The plans (copies), in the key's order.
    pub plans: Vec<Plan>,
    /// The roster.
    pub roster: Arc<Roster>,
    /// The previous period's plan (a copy), when ε is fitted from history.
    pub previous: Option<Plan>,
}

/// A finished simulation.
pub struct SimResponse {
    /// What it was for.
    pub key: SimKey,
    /// The report, or why there is none.
    pub result: Result<Arc<SimReport>, String>,
    /// How long it took (calibration included when it was redone).
    pub elapsed: Duration,
    /// The history fit, when one was asked for (or why it failed).
    pub fit: Option<Result<Arc<HistoryFit>, String>>,
}

/// The baseline (first) and the plans as one pay period's own plans, with the period's exact
/// payouts at people's recorded results.
struct PeriodPlans {
    views: Vec<crate::year::PeriodView>,
    exact: Vec<crate::engine::PayoutReport>,
}

impl PeriodPlans {
    fn new(baseline: &Plan, plans: &[Plan], roster: &Roster, name: &str) -> Result<Self, String> {
        let mut views = Vec::new();
        let mut exact = Vec::new();
        for plan in std::iter::once(baseline).chain(plans) {
            let fail = |e: crate::year::YearError| format!("{}: {e}", plan.name);
            views.push(crate::year::period_view(plan, roster, name).map_err(fail)?);
            let result = crate::year::compute_period(plan, roster, name, None, crate::engine::Detail::AmountsOnly)
                .map_err(fail)?;
            exact.push(result.report);
        }
        Ok(Self { views, exact })
    }

    /// Each plan as the simulation pays it, the baseline first.
    fn paid(&self) -> Vec<sim::Paid<'_>> {
        self.views
            .iter()
            .zip(&self.exact)
            .map(|(v, r)| sim::Paid { plan: &v.plan, shares: Some(&v.shares), exact: Some(r) })
            .collect()
    }
}

/// The simulation worker and its channels.
pub struct SimService {
    tx: Sender<SimRequest>,
    rx: Receiver<SimResponse>,
    /// Set when a request is queued: the simulation running then is stale and stops.
    newer: Arc<AtomicBool>,
}

impl SimService {
    /// Starts the worker thread.
    pub fn start(ctx: &egui::Context) -> std::io::Result<Self> {
        let (req_tx, req_rx) = mpsc::channel::<SimRequest>();
        let (resp_tx, resp_rx) = mpsc::channel::<SimResponse>();
        let ctx = ctx.clone();
        let newer = Arc::new(AtomicBool::new(false));
        let worker = Worker { ctx, req_rx, resp_tx, newer: Arc::clone(&newer) };
        std::thread::Builder::new().name("carrot-simulate".to_owned()).spawn(move || {
            super::background::give_way_to_everything();
            // Its own threads, below the payouts' (see `simulation_pool`).
            match super::background::simulation_pool() {
                Some(pool) => pool.install(move || serve(&worker)),
                None => serve(&worker),
            }
        })?;
        Ok(Self { tx: req_tx, rx: resp_rx, newer })
    }

    /// Queues a simulation; the one running, if any, stops without an answer.
    pub fn request(&self, req: SimRequest) {
        // Set before the request is sent: the worker clears it only after taking the newest
        // request, so a request is never left unanswered (at worst a stale one runs to its end).
        self.newer.store(true, Ordering::SeqCst);
        // The worker only stops when the app does.
        self.tx.send(req).ok();
    }

    /// Results that have arrived.
    pub fn drain(&self) -> Vec<SimResponse> {
        self.rx.try_iter().collect()
    }
}

/// The worker's side of [`SimService`].
struct Worker {
    ctx: egui::Context,
    req_rx: Receiver<SimRequest>,
    resp_tx: Sender<SimResponse>,
    newer: Arc<AtomicBool>,
}

/// Answers simulation requests until the app goes away: the newest request first, reusing the
/// calibration and history fit when baseline, roster and pay period are the same; a simulation
/// made stale by a newer request stops without an answer.
fn serve(worker: &Worker) {
    let Worker { ctx, req_rx, resp_tx, newer } = worker;
    // The calibration of the last baseline plan, roster and pay period.
    let mut calibrated: Option<Calibrated> = None;
    // The last history fit: (baseline, previous plan, roster) it was made for.
    let mut fitted: Option<(FitFor, FitResult)> = None;
    while let Ok(mut req) = req_rx.recv() {
        // Only the newest request matters.
        while let Ok(next) = req_rx.try_recv() {
            req = next;
        }
        newer.store(false, Ordering::SeqCst);
        let started = Instant::now();
        // A pay period: every plan as the period's own plan (computed here, off the UI thread).
        let period = match &req.key.period {
            Some(name) => match PeriodPlans::new(&req.baseline, &req.plans, &req.roster, name) {
                Ok(p) => Some(p),
                Err(e) => {
                    let response = SimResponse { key: req.key, result: Err(e), elapsed: started.elapsed(), fit: None };
                    if resp_tx.send(response).is_err() {
                        return;
                    }
                    ctx.request_repaint();
                    continue;
                }
            },
            None => None,
        };
        let paid: Vec<sim::Paid<'_>> = match &period {
            Some(p) => p.paid(),
            None => std::iter::once(&req.baseline).chain(&req.plans).map(sim::Paid::plan).collect(),
        };
        let reuse = calibrated.as_ref().is_some_and(|(baseline, roster, period, _)| {
            *baseline == req.key.baseline && *roster == req.key.roster && *period == req.key.period
        });
        if !reuse {
            // A period's roster has the plan year's own columns; the same for every plan.
            let prepared = match (period.as_ref().and_then(|p| p.views.first()), paid.first()) {
                (Some(view), Some(base)) => sim::prepare_paid(*base, &view.roster),
                _ => sim::prepare(&req.baseline, &req.roster),
            };
            calibrated = match prepared {
                Ok(cal) => Some((req.key.baseline, req.key.roster, req.key.period.clone(), cal)),
                Err(e) => {
                    let response =
                        SimResponse { key: req.key, result: Err(e.to_string()), elapsed: started.elapsed(), fit: None };
                    if resp_tx.send(response).is_err() {
                        return;
                    }
                    ctx.request_repaint();
                    continue;
                }
            };
        }
        let fit = match (req.key.fit_previous, &req.previous) {
            (Some(previous_key), Some(previous)) => {
                let for_key = (req.key.baseline, previous_key, req.key.roster);
                if fitted.as_ref().is_none_or(|(k, _)| *k != for_key) {
                    let fit = sim::fit::fit_history(previous, &req.baseline, &req.roster)
                        .map(Arc::new)
                        .map_err(|e| e.to_string());
                    fitted = Some((for_key, fit));
                }
                fitted.as_ref().map(|(_, fit)| fit.clone())
            }
            _ => None,
        };
        // Fitted values for the roles the sliders leave alone.
        let mut options = req.key.options.clone();
        if let Some(Ok(fit)) = &fit {
            for (role, eps) in fit.responsiveness() {
                options.responsiveness.entry(role).or_insert(eps);
            }
        }
        let stale = || newer.load(Ordering::SeqCst);
        let result = match &calibrated {
            Some((_, _, _, cal)) => match sim::run_paid_until(cal, paid.get(1..).unwrap_or_default(), &options, &stale)
            {
                // A newer request is waiting: it is answered instead.
                Err(sim::SimError::Stopped) => continue,
                other => other.map(Arc::new).map_err(|e| e.to_string()),
            },
            None => Err("the baseline could not be calibrated".to_owned()),
        };
        let response = SimResponse { key: req.key, result, elapsed: started.elapsed(), fit };
        if resp_tx.send(response).is_err() {
            return;
        }
        ctx.request_repaint();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request on the bundled rosters, told apart by its trials.
    fn request(trials: usize, roster: &Arc<Roster>) -> SimRequest {
        let plan = |key| crate::plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
        let key = SimKey {
            baseline: (PlanId(1), 1),
            plans: vec![(PlanId(2), 1)],
            roster: 1,
            options: SimOptions { trials, ..SimOptions::default() },
            fit_previous: None,
            period: None,
        };
        SimRequest {
            key,
            baseline: plan("sales_led"),
            plans: vec![plan("product_led")],
            roster: Arc::clone(roster),
            previous: None,
        }
    }

    #[test]
    fn the_newest_request_is_always_answered_whatever_a_stale_one_was_doing() {
        // A stale simulation stops when the next request is queued (the first round here usually
        // stops one) or, when the two meet otherwise, runs to its end or is never started; the
        // newest request is answered in every case.
        let service = SimService::start(&egui::Context::default()).unwrap();
        let roster = Arc::new(crate::samples::bundled_roster().unwrap());
        for round in 0..12 {
            let (stale, newest) = (100 + 2 * round, 101 + 2 * round);
            service.request(request(stale, &roster));
            if round % 3 == 1 {
                std::thread::sleep(Duration::from_millis(5));
            }
            service.request(request(newest, &roster));
            let deadline = Instant::now() + Duration::from_secs(120);
            let answer = loop {
                let found = service.drain().into_iter().find(|r| r.key.options.trials == newest);
                if let Some(answer) = found {
                    break answer;
                }
                assert!(Instant::now() < deadline, "round {round}: the newest request was not answered");
                std::thread::sleep(Duration::from_millis(2));
            };
            assert!(answer.result.is_ok(), "{:?}", answer.result.err());
        }
    }
}
