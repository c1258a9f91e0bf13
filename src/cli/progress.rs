//! Progress bars for long imports and computations, on stderr, only when stderr is a terminal
//! and the work is big enough to notice: never in pipes, scripts, CI or tests.

use std::io::IsTerminal as _;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Rosters smaller than this (bytes, all files together) import without a bar.
pub(super) const MIN_BYTES: u64 = 1024 * 1024;
/// Rosters with fewer people than this compute without a bar.
pub(super) const MIN_PEOPLE: u64 = 5_000;

/// A bar that may be hidden; every method is a no-op when it is (without even a clock read,
/// since `inc` runs once per person).
pub(super) struct Progress {
    bar: Option<ProgressBar>,
}

/// Whether to draw bars: stderr is a terminal and the user did not ask for none.
pub(super) fn wanted() -> bool {
    decide(std::io::stderr().is_terminal(), std::env::var_os("CARROT_NO_PROGRESS").is_some())
}

fn decide(stderr_is_terminal: bool, opted_out: bool) -> bool {
    stderr_is_terminal && !opted_out
}

impl Progress {
    /// A bar over `total` bytes read (`show` false, or a small total: hidden).
    pub(super) fn bytes(message: &'static str, total: u64, show: bool) -> Self {
        let template = "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, {eta})";
        Self::new(message, total, show && total >= MIN_BYTES, template)
    }

    /// A bar over `total` people computed (`show` false, or few people: hidden).
    pub(super) fn people(message: &'static str, total: u64, show: bool) -> Self {
        Self::new(
            message,
            total,
            show && total >= MIN_PEOPLE,
            "{msg} [{bar:30}] {human_pos}/{human_len} people ({eta})",
        )
    }

    fn new(message: &'static str, total: u64, show: bool, template: &str) -> Self {
        if !show {
            return Self { bar: None };
        }
        let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
            .with_style(style.progress_chars("=> "))
            .with_message(message);
        Self { bar: Some(bar) }
    }

    /// Sets how far the work is.
    pub(super) fn set(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
        }
    }

    /// Adds `n` to how far the work is.
    pub(super) fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Whether nothing is drawn.
    #[cfg(test)]
    fn is_hidden(&self) -> bool {
        self.bar.as_ref().is_none_or(ProgressBar::is_hidden)
    }
}

impl Drop for Progress {
    /// The bar disappears when the work is done (or fails), leaving the terminal as it was.
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_drawn_only_on_a_terminal_and_never_when_opted_out() {
        assert!(decide(true, false));
        assert!(!decide(false, false), "a pipe or a file gets no bar");
        assert!(!decide(true, true), "CARROT_NO_PROGRESS turns bars off");
    }

    #[test]
    fn small_work_and_unwanted_bars_are_hidden() {
        assert!(Progress::bytes("r", MIN_BYTES - 1, true).is_hidden());
        assert!(Progress::people("p", MIN_PEOPLE - 1, true).is_hidden());
        assert!(Progress::bytes("r", MIN_BYTES * 10, false).is_hidden());
        assert!(Progress::people("p", MIN_PEOPLE * 10, false).is_hidden());
    }
}
