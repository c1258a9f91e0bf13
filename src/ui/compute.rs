//! Recomputing payouts off the UI thread. Each request carries the plan revision; the worker
//! skips every request that a newer one for the same plan has replaced (latest change wins), and
//! the UI ignores results for revisions it has moved past.

use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Weak};

use super::doc::PlanId;
use crate::engine::stats::PlanStats;
use crate::engine::{CompiledPlan, PayoutReport, Previous};
use crate::plan::{Plan, Problem};
use crate::roster::Roster;

/// What to compute.
pub struct Request {
    /// Which plan.
    pub plan_id: PlanId,
    /// Its revision.
    pub plan_revision: u64,
    /// The roster revision.
    pub roster_revision: u64,
    /// The plan (a copy: the editor keeps changing its own).
    pub plan: Plan,
    /// The roster.
    pub roster: Arc<Roster>,
}

/// A finished computation.
pub struct Response {
    /// Which plan.
    pub plan_id: PlanId,
    /// The plan revision computed.
    pub plan_revision: u64,
    /// The roster revision computed.
    pub roster_revision: u64,
    /// The result, or the plan's problems.
    pub outcome: Result<Computed, Vec<Problem>>,
    /// How long the computation took.
    pub elapsed: std::time::Duration,
}

/// A plan's results: the compiled plan, everyone's payouts, and their aggregates.
pub struct Computed {
    /// The plan bound to the roster (for explanations).
    pub compiled: Arc<CompiledPlan>,
    /// Everyone's payouts.
    pub report: Arc<PayoutReport>,
    /// Aggregates for charts and comparisons.
    pub stats: Arc<PlanStats>,
    /// What each line is called.
    pub labels: Arc<super::doc::Labels>,
}

/// A plan's last result, for the next computation of the same plan to keep the payouts an
/// edit did not change. Held weakly: once the app lets go of the result, nothing is kept.
struct Last {
    plan: Plan,
    roster_revision: u64,
    roster: Weak<Roster>,
    report: Weak<PayoutReport>,
}

impl Last {
    /// The previous result for `req`, when it was computed on the same roster and is still held.
    fn previous_for(&self, req: &Request) -> Option<(Arc<PayoutReport>, &Plan)> {
        let same_roster =
            self.roster_revision == req.roster_revision && std::ptr::eq(self.roster.as_ptr(), Arc::as_ptr(&req.roster));
        same_roster.then(|| self.report.upgrade()).flatten().map(|r| (r, &self.plan))
    }
}

/// Computes `req`, keeping from `last` what the edit did not change.
fn compute(req: &Request, last: Option<&Last>) -> Result<Computed, Vec<Problem>> {
    let compiled = CompiledPlan::new(&req.plan, &req.roster)?;
    let previous = last.and_then(|l| l.previous_for(req));
    let previous_ref = previous.as_ref().map(|(report, plan)| Previous { plan, report });
    let (report, stats) = compiled.report_with_stats_after(&req.plan, &req.roster, previous_ref);
    let labels = Arc::new(super::doc::Labels::new(&req.plan, &report));
    Ok(Computed { compiled: Arc::new(compiled), report: Arc::new(report), stats: Arc::new(stats), labels })
}

/// The compute worker and its channels.
pub struct ComputeService {
    tx: Sender<Request>,
    rx: Receiver<Response>,
}

impl ComputeService {
    /// Starts the worker thread.
    pub fn start(ctx: &egui::Context) -> std::io::Result<Self> {
        let (req_tx, req_rx) = mpsc::channel::<Request>();
        let (resp_tx, resp_rx) = mpsc::channel::<Response>();
        let ctx = ctx.clone();
        std::thread::Builder::new().name("carrot-compute".to_owned()).spawn(move || {
            super::background::give_way();
            let mut last: BTreeMap<PlanId, Last> = BTreeMap::new();
            while let Ok(first) = req_rx.recv() {
                // Coalesce: keep only the newest request per plan.
                let mut latest: BTreeMap<PlanId, Request> = BTreeMap::new();
                latest.insert(first.plan_id, first);
                while let Ok(next) = req_rx.try_recv() {
                    latest.insert(next.plan_id, next);
                }
                for (_, req) in latest {
                    let started = std::time::Instant::now();
                    let outcome = compute(&req, last.get(&req.plan_id));
                    if let Ok(c) = &outcome {
                        last.insert(
                            req.plan_id,
                            Last {
                                plan: req.plan.clone(),
                                roster_revision: req.roster_revision,
                                roster: Arc::downgrade(&req.roster),
                                report: Arc::downgrade(&c.report),
                            },
                        );
                    }
                    let response = Response {
                        plan_id: req.plan_id,
                        plan_revision: req.plan_revision,
                        roster_revision: req.roster_revision,
                        outcome,
                        elapsed: started.elapsed(),
                    };
                    if resp_tx.send(response).is_err() {
                        return;
                    }
                    ctx.request_repaint();
                }
            }
        })?;
        Ok(Self { tx: req_tx, rx: resp_rx })
    }

    /// Queues a computation.
    pub fn request(&self, req: Request) {
        // The worker only stops when the app does.
        self.tx.send(req).ok();
    }

    /// Results that have arrived.
    pub fn drain(&self) -> Vec<Response> {
        self.rx.try_iter().collect()
    }
}
