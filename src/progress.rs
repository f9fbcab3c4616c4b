//! Progress display. On a terminal, one bar per table (indicatif, on stderr) with rows done,
//! rate and an estimate of the eligible rows from the optimizer's statistics; log lines are
//! printed above the bars, never through them. Not on a terminal (cron), there are no bars: the
//! pipeline logs a plain progress line every ten seconds instead.
//!
//! [`Progress`] is created once per run ([`crate::run`]) and handed to the log writer
//! ([`LogStdout`]) and to the pipeline; clones share the same bars.

use std::io::{IsTerminal, Write};

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The run's progress bars, if shown.
#[derive(Debug, Clone, Default)]
pub struct Progress {
    bars: Option<MultiProgress>,
}

impl Progress {
    /// Bars when both stdout (the log) and stderr (the bars) are terminals; none otherwise.
    pub fn detect() -> Progress {
        if std::io::stderr().is_terminal() && std::io::stdout().is_terminal() {
            Progress::on(ProgressDrawTarget::stderr())
        } else {
            Progress::default()
        }
    }

    /// Bars drawn to `target`.
    pub fn on(target: ProgressDrawTarget) -> Progress {
        Progress {
            bars: Some(MultiProgress::with_draw_target(target)),
        }
    }

    /// Whether bars are shown.
    pub fn enabled(&self) -> bool {
        self.bars.is_some()
    }

    /// A bar for one table, `estimate` eligible rows expected (0: unknown); `None` without bars.
    pub fn table_bar(&self, name: &str, estimate: u64) -> Option<ProgressBar> {
        let multi = self.bars.as_ref()?;
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

    /// Writes log output without breaking the bars: they are hidden while it is printed.
    pub fn write_log(&self, buf: &[u8]) -> std::io::Result<()> {
        let buf = crate::logging::one_line(buf);
        let write = || std::io::stdout().lock().write_all(&buf);
        match &self.bars {
            Some(multi) => multi.suspend(write),
            None => write(),
        }
    }
}

/// Ends a table's bar, leaving its last state on screen.
pub fn finish(bar: Option<ProgressBar>, message: &str) {
    if let Some(bar) = bar {
        bar.set_length(bar.position().max(1));
        bar.finish_with_message(message.to_string());
    }
}

/// The log's stdout writer, going through [`Progress::write_log`].
pub struct LogStdout(pub Progress);

/// Set once stdout could not be written (a closed pipe, a full disk): log lines to it are
/// dropped from then on, said once on stderr, instead of an error line per event.
static STDOUT_GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

impl Write for LogStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use std::sync::atomic::Ordering;
        if STDOUT_GONE.load(Ordering::Relaxed) {
            return Ok(buf.len());
        }
        if let Err(e) = self.0.write_log(buf) {
            if !STDOUT_GONE.swap(true, Ordering::Relaxed) {
                let _ = writeln!(
                    std::io::stderr(),
                    "osarchiver: stdout cannot be written ({e}): its log lines are dropped from now on (--log-file keeps them); the run goes on"
                );
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // A stdout that cannot be written is said once, by `write`.
        let _ = std::io::stdout().flush();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_only_when_asked_and_clones_share_them() {
        let none = Progress::default();
        assert!(!none.enabled());
        assert!(none.table_bar("db.t", 10).is_none());
        let shown = Progress::on(ProgressDrawTarget::hidden());
        assert!(shown.enabled());
        let bar = shown.clone().table_bar("db.t", 0).expect("a bar");
        assert_eq!(
            bar.length(),
            Some(1),
            "an unknown estimate is not a zero length"
        );
        finish(Some(bar), "done");
    }
}
