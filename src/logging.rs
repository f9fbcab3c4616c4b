//! Log setup: timestamped, levelled lines to stdout and, with `--log-file`, appended to a file.

use std::fs::OpenOptions;
use std::path::Path;

use tracing_subscriber::fmt::time::ChronoLocal;
use tracing_subscriber::fmt::writer::MakeWriterExt;

use crate::cli::LogLevel;
use crate::progress::{LogStdout, Progress};

/// Installs the global subscriber, writing to stdout through `progress`. Fails only when the
/// log file cannot be opened.
pub fn init(level: LogLevel, log_file: Option<&Path>, progress: &Progress) -> std::io::Result<()> {
    let level = level.as_tracing();
    let timer = ChronoLocal::new("%Y-%m-%d %H:%M:%S%.3f".to_string());
    // Through the progress module, so log lines never cut through a progress bar.
    let progress = progress.clone();
    let stdout = (move || LogStdout(progress.clone())).with_max_level(level);
    let builder = tracing_subscriber::fmt()
        .with_timer(timer)
        .with_target(false)
        .with_ansi(false)
        .with_max_level(level);
    match log_file {
        Some(path) => {
            let file = OpenOptions::new().create(true).append(true).open(path)?;
            let writer = stdout.and(std::sync::Mutex::new(file).with_max_level(level));
            let _ = builder.with_writer(writer).try_init();
        }
        None => {
            let _ = builder.with_writer(stdout).try_init();
        }
    }
    Ok(())
}
