//! The command line, as the Python osarchiver spells it (and as argparse reads it: unambiguous
//! prefixes, the last of a repeated option wins), plus `--check-config`, `--report`,
//! `--max-runtime`, `--log-format`, `--rows-left-ok`, `--jobs` and `--version`; and the hook of
//! `osarchiver restore` (its own command line, [`crate::restore::args`]), chosen by its first
//! argument so the archiving command line stays exactly as it was.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

/// Log verbosity accepted by `--log-level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogLevel {
    Debug,
    Info,
    Warn,
    Error,
}

impl LogLevel {
    /// The matching `tracing` level.
    pub fn as_tracing(self) -> tracing::Level {
        match self {
            LogLevel::Debug => tracing::Level::DEBUG,
            LogLevel::Info => tracing::Level::INFO,
            LogLevel::Warn => tracing::Level::WARN,
            LogLevel::Error => tracing::Level::ERROR,
        }
    }
}

/// The shape of a log line, chosen with `--log-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// `2026-12-04 03:10:00.123  INFO message` (local time).
    #[default]
    Text,
    /// The Python osarchiver's `%(asctime)s %(levelname)s: %(message)s`:
    /// `2026-12-04 03:10:00,123 INFO: message`, levels `WARNING` and `ERROR` spelt as Python's.
    Classic,
    /// One JSON object per line (`timestamp`, `level`, `message`, the event's fields), for log
    /// shippers.
    Json,
}

/// Archive and purge soft-deleted rows from OpenStack MySQL/MariaDB databases.
///
/// Long options may be shortened to any unambiguous prefix (`--conf`, `--dry`), and an option
/// given twice takes its last value, as the Python tool's argparse does.
///
/// To put archived rows back into their source table: `osarchiver restore --help`.
#[derive(Debug, Parser)]
#[command(
    name = "osarchiver",
    version,
    about,
    after_help = crate::exit::HELP_TEXT,
    infer_long_args = true,
    args_override_self = true
)]
pub struct Args {
    /// Configuration file to read (INI, compatible with the Python osarchiver).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,

    /// Append log lines to this file as well as to stdout.
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    /// Log level.
    #[arg(long, value_enum, default_value = "info", ignore_case = true)]
    pub log_level: LogLevel,

    /// Same as --log-level debug.
    #[arg(long)]
    pub debug: bool,

    /// Log line format: text, classic (the Python osarchiver's) or json (one object per line).
    #[arg(long, value_enum, default_value = "text", ignore_case = true)]
    pub log_format: LogFormat,

    /// Only read: report what a real run would archive and delete, change nothing anywhere.
    #[arg(long)]
    pub dry_run: bool,

    /// Load and validate the configuration, print the resolved plan (passwords masked) and exit.
    #[arg(long)]
    pub check_config: bool,

    /// Write the end-of-run report as JSON to FILE (atomically: temporary file, then rename),
    /// whatever the outcome.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Time budget of the run: seconds, or a number with s, m, h or d (90, 30m, 2h). When spent,
    /// the run stops after the current batch and exits with code 4. Bounds every source's
    /// max_runtime.
    #[arg(long, value_name = "DURATION", value_parser = parse_max_runtime)]
    pub max_runtime: Option<std::time::Duration>,

    /// Exit 0 instead of 3 when the only thing to report is rows left in the source on purpose
    /// (blocked by live rows, conflicts, skipped tables), for cron wrappers that alert on any
    /// non-zero code. Failures, interruptions and locks keep their codes.
    #[arg(long)]
    pub rows_left_ok: bool,

    /// Archive up to N tables at the same time, each on its own sessions: tables that no
    /// directed foreign-key path joins (a parent after its children, siblings at once), and
    /// different sources. Overrides every source's `jobs` key. 1: one table after the other,
    /// as without it.
    #[arg(long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<usize>,
}

/// The most jobs `--jobs` accepts: each job holds a few sessions on the servers.
pub const MAX_JOBS: usize = 64;

// A String error on purpose, as `parse_max_runtime`'s.
fn parse_jobs(raw: &str) -> Result<usize, String> {
    match raw.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!("must be a whole number from 1 to {MAX_JOBS}")),
    }
}

// A String error on purpose: clap's `value_parser` shows it after the flag's name and exits 2;
// nothing branches on it (see the error policy in `lib.rs`).
fn parse_max_runtime(raw: &str) -> Result<std::time::Duration, String> {
    match crate::config::value::parse_duration(raw)? {
        Some(d) => Ok(d),
        None => Err("must be more than 0".to_string()),
    }
}

impl Args {
    /// The effective log level: `--debug` wins over `--log-level`.
    pub fn level(&self) -> LogLevel {
        if self.debug {
            LogLevel::Debug
        } else {
            self.log_level
        }
    }
}

/// Whether the command line (`args`, the program name first) is `osarchiver restore ...`: the
/// first argument is the word `restore` (as a subcommand; `--config restore` is a file).
pub fn is_restore<I, S>(args: I) -> bool
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    args.into_iter()
        .nth(1)
        .is_some_and(|a| a.as_ref() == "restore")
}

/// Which of the files a run writes (`--log-file`, `--report`, given as `(flag, path)`) is a
/// file it reads (`inputs`, `(what, path)`: the configuration, restore's `--file`s), or
/// another of them: written, it would destroy that input (a report replaces it, in a dry run
/// too) or mix two outputs. `None` when none is.
pub fn outputs_clash(
    inputs: &[(&str, &std::path::Path)],
    outputs: &[(&str, Option<&std::path::Path>)],
) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let id = |p: &std::path::Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
    // A file not there yet, by its directory's real path and its name: `out.json` and
    // `./out.json` are one file before either is created (helper 139).
    let place = |p: &std::path::Path| -> Option<std::path::PathBuf> {
        if let Ok(real) = std::fs::canonicalize(p) {
            return Some(real);
        }
        let dir = match p.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        Some(std::fs::canonicalize(dir).ok()?.join(p.file_name()?))
    };
    // A device or a FIFO (`/dev/null`, `/dev/stdout`) is written in place, and shared harmlessly.
    let device = |p: &std::path::Path| std::fs::metadata(p).is_ok_and(|m| !m.is_file());
    let input_ids: Vec<(&str, Option<(u64, u64)>)> =
        inputs.iter().map(|(what, p)| (*what, id(p))).collect();
    let given: Vec<(&str, &std::path::Path)> = outputs
        .iter()
        .filter_map(|(flag, path)| path.map(|p| (*flag, p)))
        .filter(|(_, p)| !device(p))
        .collect();
    for (i, (flag, path)) in given.iter().enumerate() {
        let same = id(path);
        if let Some((what, _)) = input_ids
            .iter()
            .find(|(_, input)| same.is_some() && same == *input)
        {
            return Some(format!(
                "{flag} {} is {what}: it would be overwritten; nothing was done",
                path.display()
            ));
        }
        for (other, other_path) in &given[i + 1..] {
            if path == other_path
                || (same.is_some() && same == id(other_path))
                || place(path).is_some_and(|p| Some(p) == place(other_path))
            {
                return Some(format!(
                    "{flag} and {other} name the same file ({}); nothing was done",
                    path.display()
                ));
            }
        }
    }
    None
}

#[cfg(test)]
mod restore_hook_tests {
    use super::is_restore;

    #[test]
    fn only_a_first_argument_restore_is_the_subcommand() {
        assert!(is_restore(["osarchiver", "restore", "--config", "a"]));
        assert!(!is_restore(["osarchiver", "--config", "restore"]));
        assert!(!is_restore(["osarchiver"]));
        assert!(!is_restore([
            "osarchiver",
            "--config",
            "a.ini",
            "--dry-run"
        ]));
    }
}
