//! Process exit codes: one meaning each, documented in the README and in `--help`.

use std::process::ExitCode;

/// What a run ended with, as the operator's cron or shell sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Everything eligible was archived (and deleted when asked).
    Success,
    /// A runtime failure: a table, a destination or a connection failed.
    Failure,
    /// The command line or the configuration file is wrong; nothing was done.
    Usage,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Usage => 2,
        }
    }
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> ExitCode {
        ExitCode::from(o.code())
    }
}

/// The exit-code table shown at the end of `--help`.
pub const HELP_TEXT: &str = "\
Exit codes:
  0  success: every eligible row was archived (and deleted when delete_data is on)
  1  runtime failure: a table, destination or connection failed (see the log and summary)
  2  usage or configuration error: nothing was done";
