//! Process exit codes: one meaning each, documented in the README and in `--help`.
//!
//! When several apply, the most serious wins: usage error (2), then failure (1), then another
//! run holding the lock (5), then interrupted or out of time (4), then rows left on purpose (3).

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
    /// Finished, but rows were left in the source on purpose: blocked by live children, kept
    /// because a destination holds a different row with their key, or tables skipped (no usable
    /// key).
    RowsLeft,
    /// [`Outcome::RowsLeft`], accepted as a success by `--rows-left-ok`: exit code 0, but the
    /// report still says `rows_left`.
    RowsLeftAccepted,
    /// Stopped early by SIGINT/SIGTERM or because the time budget (`max_runtime`) was spent.
    Interrupted,
    /// Another run holds the lock of a source (lock file or database lock): that source was
    /// not touched.
    Locked,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::Usage => 2,
            Outcome::RowsLeft => 3,
            Outcome::RowsLeftAccepted => 0,
            Outcome::Interrupted => 4,
            Outcome::Locked => 5,
        }
    }

    /// A word for logs and reports.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Usage => "usage",
            Outcome::RowsLeft | Outcome::RowsLeftAccepted => "rows_left",
            Outcome::Interrupted => "interrupted",
            Outcome::Locked => "locked",
        }
    }

    /// How serious an outcome is: the run's outcome is the most serious of what happened.
    fn rank(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::RowsLeft | Outcome::RowsLeftAccepted => 1,
            Outcome::Interrupted => 2,
            Outcome::Locked => 3,
            Outcome::Failure => 4,
            Outcome::Usage => 5,
        }
    }

    /// The outcome as `--rows-left-ok` sees it: rows left on purpose become exit code 0.
    pub fn accepting_rows_left(self, accept: bool) -> Outcome {
        match self {
            Outcome::RowsLeft if accept => Outcome::RowsLeftAccepted,
            other => other,
        }
    }

    /// The more serious of `self` and `other`.
    pub fn worst(self, other: Outcome) -> Outcome {
        if other.rank() > self.rank() {
            other
        } else {
            self
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
  2  usage or configuration error: nothing was done
  3  finished, with rows left on purpose: blocked by live child rows, conflicting with a
     different archived row, or in tables skipped for want of a usable key
  4  interrupted (SIGINT/SIGTERM/SIGHUP) or out of time (max_runtime): stopped after the current
     batch; a re-run carries on
  5  another run holds the lock of a source (lock file or database lock); that source was
     left alone
When several apply, the most serious wins: 2, then 1, 5, 4, 3.
--rows-left-ok turns 3 into 0 (for cron wrappers that alert on any non-zero code).";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_serious_outcome_wins() {
        use Outcome::*;
        assert_eq!(RowsLeft.worst(Failure), Failure);
        assert_eq!(Failure.worst(RowsLeft), Failure);
        assert_eq!(Success.worst(RowsLeft), RowsLeft);
        assert_eq!(RowsLeft.worst(Interrupted), Interrupted);
        assert_eq!(Interrupted.worst(Locked), Locked);
        assert_eq!(Locked.worst(Failure), Failure);
        let codes: Vec<u8> = [Success, Failure, Usage, RowsLeft, Interrupted, Locked]
            .iter()
            .map(|o| o.code())
            .collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5]);
        assert_eq!(RowsLeft.accepting_rows_left(true).code(), 0);
        assert_eq!(RowsLeft.accepting_rows_left(true).name(), "rows_left");
        assert_eq!(RowsLeft.accepting_rows_left(false).code(), 3);
        assert_eq!(Failure.accepting_rows_left(true).code(), 1);
        assert_eq!(Interrupted.accepting_rows_left(true).code(), 4);
    }
}
