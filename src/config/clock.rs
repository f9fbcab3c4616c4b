//! The run's start time, fixed once: `{now}` in `where` (UTC) and `{date}` in paths and suffixes (local).

use chrono::{DateTime, Local, Utc};

/// The instant the run started, rendered the two ways the configuration uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunClock {
    /// `{now}`: UTC, `YYYY-MM-DD HH:MM:SS`, the same value for the whole run.
    pub now: String,
    /// `{date}`: local time, `%F_%T` (as the Python original's `arrow.now().strftime('%F_%T')`).
    pub date: String,
}

impl RunClock {
    /// The clock of a run starting now.
    pub fn start() -> RunClock {
        RunClock::at(Utc::now())
    }

    /// The clock of a run that started at `t`.
    pub fn at(t: DateTime<Utc>) -> RunClock {
        RunClock {
            now: t.format("%Y-%m-%d %H:%M:%S").to_string(),
            date: t.with_timezone(&Local).format("%F_%T").to_string(),
        }
    }
}
