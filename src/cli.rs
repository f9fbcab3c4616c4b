//! The command line, as the Python osarchiver spells it, plus `--check-config` and `--version`.

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

/// Archive and purge soft-deleted rows from OpenStack MySQL/MariaDB databases.
#[derive(Debug, Parser)]
#[command(
    name = "osarchiver",
    version,
    about,
    after_help = crate::exit::HELP_TEXT
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

    /// Only read: report what a real run would archive and delete, change nothing anywhere.
    #[arg(long)]
    pub dry_run: bool,

    /// Load and validate the configuration, print the resolved plan (passwords masked) and exit.
    #[arg(long)]
    pub check_config: bool,
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
