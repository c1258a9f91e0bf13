//! Background work: every slow thing (file dialogs, reading and writing files, importing,
//! computing) runs on a named worker thread and wakes the UI with a repaint when it is done.

use std::sync::mpsc::{self, Receiver, TryRecvError};

/// A running background job whose result arrives once.
pub struct Job<T> {
    /// What the job is doing, for the status bar ("Importing sales.csv…").
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
    pub fn new(label: impl Into<String>, rx: Receiver<T>) -> Self {
        Self { label: label.into(), rx }
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

/// Runs `work` on a named thread; the UI is repainted when it finishes.
pub fn spawn_job<T: Send + 'static>(
    ctx: &egui::Context,
    label: impl Into<String>,
    work: impl FnOnce() -> T + Send + 'static,
) -> std::io::Result<Job<T>> {
    let label = label.into();
    let (tx, rx) = mpsc::channel();
    let ctx = ctx.clone();
    std::thread::Builder::new().name(format!("carrot-job: {label}")).spawn(move || {
        super::background::give_way();
        // A closed receiver means the app went away; nothing to do.
        tx.send(work()).ok();
        ctx.request_repaint();
    })?;
    Ok(Job { label, rx })
}
