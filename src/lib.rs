//! Carrot: design incentive plans, compute every payout exactly and explain it, predict how
//! people shift their effort, compare plans, and export payroll files.
//!
//! The core (everything but `ui`) has no GUI dependency: `plan` (model, file format, validation),
//! `expr` (derived-metric expressions), `roster` (CSV import), `engine` (payouts), `export`
//! (payroll files), `cli` (the headless subcommands). The `ui` module, behind the `gui` feature,
//! is a thin layer over the same functions.

pub mod cli;
pub mod engine;
pub mod export;
pub mod expr;
pub mod fsx;
pub mod money;
pub mod num;
pub mod plan;
pub mod report;
pub mod roster;
pub mod samples;
pub mod sim;
pub mod synth;
#[cfg(feature = "gui")]
pub mod ui;
pub mod year;
