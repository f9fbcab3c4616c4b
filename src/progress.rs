//! Progress display. On a terminal, one bar per table (indicatif, on stderr) with rows done,
//! rate and an estimate of the eligible rows from the optimizer's statistics; log lines are
//! printed above the bars, never through them. Not on a terminal (cron), there are no bars: the
//! pipeline logs a plain progress line every ten seconds instead.

use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

static BARS: OnceLock<MultiProgress> = OnceLock::new();

/// Turns the bars on when both stdout (the log) and stderr (the bars) are terminals.
pub fn init() {
    if std::io::stderr().is_terminal() && std::io::stdout().is_terminal() {
        let _ = BARS.set(MultiProgress::with_draw_target(ProgressDrawTarget::stderr()));
    }
}

/// Whether bars are shown.
pub fn enabled() -> bool {
    BARS.get().is_some()
}

/// A bar for one table, `estimate` eligible rows expected (0: unknown); `None` without a terminal.
pub fn table_bar(name: &str, estimate: u64) -> Option<ProgressBar> {
    let multi = BARS.get()?;
    let bar = multi.add(ProgressBar::new(estimate.max(1)));
    let style = ProgressStyle::with_template(
        "{prefix:.bold} [{bar:30}] {pos}/~{len} rows {per_sec} eta {eta} {msg}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar.set_prefix(name.to_string());
    Some(bar)
}

/// Ends a table's bar, leaving its last state on screen.
pub fn finish(bar: Option<ProgressBar>, message: &str) {
    if let Some(bar) = bar {
        bar.set_length(bar.position().max(1));
        bar.finish_with_message(message.to_string());
    }
}

/// Writes log output without breaking the bars: they are hidden while it is printed.
pub fn write_log(buf: &[u8]) -> std::io::Result<()> {
    let write = || std::io::stdout().lock().write_all(buf);
    match BARS.get() {
        Some(multi) => multi.suspend(write),
        None => write(),
    }
}

/// The log's stdout writer, going through [`write_log`].
pub struct LogStdout;

impl Write for LogStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        write_log(buf)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stdout().flush()
    }
}
