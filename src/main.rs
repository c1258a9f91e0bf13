//! `carrot`: with no subcommand the app opens on the bundled samples; subcommands run the same
//! core headless.

use std::process::ExitCode;

use clap::Parser as _;

/// mimalloc instead of the system allocator: see Cargo.toml.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = carrot::cli::Cli::parse();
    match cli.command {
        Some(command) => carrot::cli::run(command),
        None => open_app(),
    }
}

#[cfg(feature = "gui")]
fn open_app() -> ExitCode {
    carrot::ui::run()
}

#[cfg(not(feature = "gui"))]
#[expect(clippy::print_stderr, reason = "tells the user why no window opens")]
fn open_app() -> ExitCode {
    use clap::CommandFactory as _;
    eprintln!("this build has no app (built without the `gui` feature); use a subcommand:\n");
    carrot::cli::Cli::command().print_help().ok();
    ExitCode::from(2)
}
