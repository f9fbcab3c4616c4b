//! Log setup: levelled lines to stdout and, with `--log-file`, appended to a file, in one of
//! three formats (`--log-format`): `text` (ours), `classic` (the Python osarchiver's
//! `%(asctime)s %(levelname)s: %(message)s`, for alerting that greps it) and `json` (one
//! object per line, for log shippers).

use std::fmt;
use std::fs::OpenOptions;
use std::path::Path;

use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::time::{ChronoLocal, FormatTime};
use tracing_subscriber::fmt::writer::{BoxMakeWriter, MakeWriterExt};
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::cli::{LogFormat, LogLevel};
use crate::progress::{LogStdout, Progress};

/// One event, one line: a line break inside an event (a table named with one, a multi-line
/// `where`) is written `\n` (`\r` for a carriage return), so that no name makes a line of its
/// own that reads as another event to whatever greps the log. `buf` is one formatted event,
/// its own line end last (the formatter writes each event whole).
pub fn one_line(buf: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let body = buf.strip_suffix(b"\n").unwrap_or(buf);
    if !body.iter().any(|&b| b == b'\n' || b == b'\r') {
        return std::borrow::Cow::Borrowed(buf);
    }
    let mut out = Vec::with_capacity(buf.len() + 16);
    for &b in body {
        match b {
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b => out.push(b),
        }
    }
    out.extend_from_slice(&buf[body.len()..]);
    std::borrow::Cow::Owned(out)
}

/// The first error met writing the log file: the log stops there, so the run cannot end as a
/// success (see [`checked`]).
static LOG_FILE_FAILED: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// The `--log-file`, whose write errors are kept (the subscriber drops them).
struct LogFile(std::fs::File);

/// A write that fails is recorded, not returned: the run's end says it ([`checked`]), where
/// tracing would print it for every line on stderr, and panic when stderr fails too.
impl std::io::Write for LogFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Err(e) = self.0.write_all(&one_line(buf)) {
            let _ = LOG_FILE_FAILED.set(e.to_string());
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let Err(e) = self.0.flush() {
            let _ = LOG_FILE_FAILED.set(e.to_string());
        }
        Ok(())
    }
}

/// Writes `error: <message>` on stderr, where no log can: a stderr that cannot be written is
/// ignored (`eprintln!` would panic), the exit code saying the rest.
pub fn error_on_stderr(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "error: {message}");
}

/// The first error met writing the log file, if any: the run's report must say so too.
pub fn log_file_failed() -> Option<&'static str> {
    LOG_FILE_FAILED.get().map(String::as_str)
}

/// `outcome`, made a failure when the log file could not be written (said on stderr, the
/// one place left to say it).
pub fn checked(outcome: crate::exit::Outcome) -> crate::exit::Outcome {
    match LOG_FILE_FAILED.get() {
        Some(e) => {
            error_on_stderr(&format!(
                "cannot write the log file: {e}; the log is incomplete"
            ));
            outcome.worst(crate::exit::Outcome::Failure)
        }
        None => outcome,
    }
}

/// Installs the global subscriber, writing to stdout through `progress`. Fails only when the
/// log file cannot be opened.
pub fn init(
    level: LogLevel,
    format: LogFormat,
    log_file: Option<&Path>,
    progress: &Progress,
) -> std::io::Result<()> {
    let level = level.as_tracing();
    // Through the progress module, so log lines never cut through a progress bar.
    let progress = progress.clone();
    let stdout = (move || LogStdout(progress.clone())).with_max_level(level);
    let writer = match log_file {
        Some(path) => {
            let file = OpenOptions::new().create(true).append(true).open(path)?;
            BoxMakeWriter::new(
                stdout.and(std::sync::Mutex::new(LogFile(file)).with_max_level(level)),
            )
        }
        None => BoxMakeWriter::new(stdout),
    };
    let builder = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(level)
        .with_writer(writer);
    // A second init (the library used twice in one process, as tests do) keeps the first.
    let _ = match format {
        LogFormat::Text => builder
            .with_timer(ChronoLocal::new("%Y-%m-%d %H:%M:%S%.3f".to_string()))
            .with_target(false)
            .try_init(),
        LogFormat::Classic => builder.event_format(Classic).try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_timer(ChronoLocal::new("%Y-%m-%dT%H:%M:%S%.3f%:z".to_string()))
            .with_current_span(false)
            .with_span_list(false)
            .try_init(),
    };
    Ok(())
}

/// Python logging's `levelname` for a level.
pub fn python_level(level: &Level) -> &'static str {
    match *level {
        Level::ERROR => "ERROR",
        Level::WARN => "WARNING",
        Level::INFO => "INFO",
        Level::DEBUG | Level::TRACE => "DEBUG",
    }
}

/// The Python osarchiver's line: `2026-12-04 03:10:00,123 WARNING: message` (local time,
/// milliseconds after a comma, as Python's `asctime`).
struct Classic;

impl<S, N> FormatEvent<S, N> for Classic
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        ChronoLocal::new("%Y-%m-%d %H:%M:%S,%3f".to_string()).format_time(&mut writer)?;
        write!(writer, " {}: ", python_level(event.metadata().level()))?;
        ctx.field_format().format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_is_one_line() {
        assert_eq!(&*one_line(b"plain\n"), b"plain\n");
        assert_eq!(
            &*one_line(b"table `x\nINFO DROP`\r done\n"),
            b"table `x\\nINFO DROP`\\r done\n"
        );
        assert_eq!(&*one_line(b"no end\nhere"), b"no end\\nhere");
    }

    #[test]
    fn python_level_names() {
        assert_eq!(python_level(&Level::WARN), "WARNING");
        assert_eq!(python_level(&Level::ERROR), "ERROR");
        assert_eq!(python_level(&Level::INFO), "INFO");
        assert_eq!(python_level(&Level::DEBUG), "DEBUG");
        assert_eq!(python_level(&Level::TRACE), "DEBUG");
    }
}
