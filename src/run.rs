//! The program: parse the command line, set up logging, load the configuration, then either print
//! the plan (`--check-config`) or run the archivers; every outcome maps to an exit code.

use std::process::ExitCode;

use clap::Parser;

use crate::cli::Args;
use crate::config::{self, RunClock};
use crate::exit::Outcome;

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    Outcome::Success.into()
                }
                _ => Outcome::Usage.into(),
            };
        }
    };
    run(args).into()
}

/// Runs with parsed arguments.
pub fn run(args: Args) -> Outcome {
    if let Err(e) = crate::logging::init(args.level(), args.log_file.as_deref()) {
        eprintln!(
            "error: cannot open log file {}: {e}",
            args.log_file
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        );
        return Outcome::Usage;
    }
    let clock = RunClock::start();
    let loaded = match config::load_file(&args.config, clock) {
        Ok(l) => l,
        Err(e) => {
            tracing::error!("configuration error: {e}");
            return Outcome::Usage;
        }
    };
    for w in &loaded.warnings {
        tracing::warn!("{w}");
    }
    for name in &loaded.config.disabled {
        tracing::info!("archiver {name} is disabled, ignoring it");
    }
    if args.check_config {
        print!("{}", config::render::render(&loaded.config));
        return Outcome::Success;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            tracing::error!("cannot start the async runtime: {e}");
            return Outcome::Failure;
        }
    };
    let report = runtime.block_on(crate::archiver::run(&loaded.config, args.dry_run));
    for line in report.summary().lines() {
        tracing::info!("{line}");
    }
    if report.failed() {
        tracing::error!("finished with errors: see the lines above");
        Outcome::Failure
    } else {
        Outcome::Success
    }
}
