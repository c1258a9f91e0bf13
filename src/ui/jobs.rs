//! Background work: every slow thing (file dialogs, reading and writing files, importing,
//! merging rosters, computing) runs on a named worker thread and wakes the UI with a repaint
//! when it is done. Each job says what it is with a [`JobKind`], so the app asks "is an import
//! running?" of the kind, never of the label text shown to the user.

use std::sync::mpsc::{self, Receiver, TryRecvError};

use super::doc::PlanId;

/// What a job does (one job of each kind at a time where that matters).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Reading the last workspace (or the samples) at start-up.
    OpenWorkspace,
    /// Waiting for the user in a file dialog.
    FileDialog,
    /// Reading plan files.
    OpenPlans,
    /// Writing a plan file.
    SavePlan(PlanId),
    /// Reading the header and first rows of a roster file.
    PreviewRoster,
    /// Importing a roster file.
    ImportRoster,
    /// Reading a roster with its joins in the import step, to show what the import would read.
    CheckJoins,
    /// Merging the roster files into one roster (after an import or a removal).
    MergeRosters,
    /// Checking an export without writing it (the export dialog's summary).
    ExportPreview,
    /// Writing a payroll file and its reconciliation.
    Export,
    /// Writing an unsaved plan to the recovery folder.
    Autosave(PlanId),
    /// Looking for plans a crashed session left unsaved.
    FindRecovery,
    /// Deleting files that are no longer needed (recovery files).
    Delete,
    /// Writing a file the user asked for (PNG, mapping, hand-out).
    WriteFile,
    /// Filtering and sorting the payouts table.
    SortRows,
    /// Computing, closing or exporting a plan-year period.
    YearPeriod,
    /// Computing the compared plans' pay period (the Compare view's period chooser).
    ComparePeriod,
}

/// A running background job whose result arrives once.
pub struct Job<T> {
    /// What the job does.
    pub kind: JobKind,
    /// What the job is doing, for the status bar ("Importing sales.csv").
    pub label: String,
    rx: Receiver<T>,
}

/// The state of a job when polled.
pub enum Poll<T> {
    /// Still running.
    Pending,
    /// Finished with this result.
    Ready(T),
    /// The worker thread died without a result (a bug; reported to the user).
    Lost,
}

impl<T> Job<T> {
    /// A job whose result arrives on `rx` (from a thread or a callback).
    pub fn new(kind: JobKind, label: impl Into<String>, rx: Receiver<T>) -> Self {
        Self { kind, label: label.into(), rx }
    }

    /// Takes the result if the job has finished.
    pub fn poll(&self) -> Poll<T> {
        match self.rx.try_recv() {
            Ok(v) => Poll::Ready(v),
            Err(TryRecvError::Empty) => Poll::Pending,
            Err(TryRecvError::Disconnected) => Poll::Lost,
        }
    }
}

/// Runs `work` on a named thread at the lowest priority; the UI is repainted when it finishes.
pub fn spawn_job<T: Send + 'static>(
    ctx: &egui::Context,
    kind: JobKind,
    label: impl Into<String>,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<Job<T>> {
    let label = label.into();
    let (tx, rx) = mpsc::channel();
    let ctx = ctx.clone();
    std::thread::Builder::new().name(format!("carrot-job: {label}")).spawn(move || {
        super::background::give_way();
        // A closed receiver means the app went away (or moved on); nothing to do.
        tx.send(work()).ok();
        ctx.request_repaint();
    })?;
    Ok(Job { kind, label, rx })
}
