//! Stopping a run early, gracefully: a shared flag set by SIGINT/SIGTERM or by the time budget
//! (`max_runtime`), read by the reader stage between pages, by the table, database and source
//! loops, and by throttling pauses, which wake up at once.

use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

/// Why a run stops early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    Signal,
    OutOfTime,
    /// A throttle pause lasted longer than `max_pause`: a failure, not a budget spent.
    Throttled,
}

impl StopReason {
    pub fn describe(self) -> &'static str {
        match self {
            StopReason::Signal => "interrupted by a signal",
            StopReason::OutOfTime => "out of time (max_runtime)",
            StopReason::Throttled => "deletes paused longer than max_pause (throttle)",
        }
    }
}

#[derive(Debug, Default)]
struct Inner {
    /// 0: running; 1: signal; 2: out of time; 3: throttled.
    reason: AtomicU8,
    notify: Notify,
    /// Sources waiting for their finished tables' packings and uploads (see
    /// [`Stop::draining`]).
    draining: AtomicUsize,
    /// Failures that stopped or ended a wait ([`Stop::fail`]), for the run's report.
    failures: std::sync::Mutex<Vec<String>>,
}

/// Marks a source as waiting for its packings and uploads while it lives.
#[derive(Debug)]
pub struct Draining(Arc<Inner>);

impl Drop for Draining {
    fn drop(&mut self) {
        self.0.draining.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A cloneable handle on the run's stop flag.
#[derive(Debug, Clone, Default)]
pub struct Stop(Arc<Inner>);

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Asks the run to stop at the end of the current batch; the first reason given is kept.
    pub fn request(&self, reason: StopReason) {
        let code = match reason {
            StopReason::Signal => 1,
            StopReason::OutOfTime => 2,
            StopReason::Throttled => 3,
        };
        if self
            .0
            .reason
            .compare_exchange(0, code, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
        {
            self.0.notify.notify_waiters();
        }
    }

    /// Why the run was asked to stop, if it was.
    pub fn reason(&self) -> Option<StopReason> {
        match self.0.reason.load(Ordering::SeqCst) {
            1 => Some(StopReason::Signal),
            2 => Some(StopReason::OutOfTime),
            3 => Some(StopReason::Throttled),
            _ => None,
        }
    }

    /// Records a failure seen while waiting (a replica down during a throttle pause): the
    /// run's report counts it, whatever ended the wait.
    pub fn fail(&self, message: String) {
        self.0
            .failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(message);
    }

    /// The failures recorded with [`Stop::fail`].
    pub fn failures(&self) -> Vec<String> {
        self.0
            .failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn is_requested(&self) -> bool {
        self.reason().is_some()
    }

    /// Says, while the guard lives, that the run is only waiting for the packings and uploads
    /// of tables already archived (their rows are deleted and their files durable): the stop
    /// grace does not cut them short (each upload has its own timeouts and attempts).
    pub fn draining(&self) -> Draining {
        self.0.draining.fetch_add(1, Ordering::SeqCst);
        Draining(Arc::clone(&self.0))
    }

    /// Whether a source is waiting for its packings and uploads ([`Stop::draining`]).
    pub fn is_draining(&self) -> bool {
        self.0.draining.load(Ordering::SeqCst) > 0
    }

    /// Waits until a stop is requested.
    pub async fn requested(&self) {
        loop {
            let notified = self.0.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.is_requested() {
                return;
            }
            notified.await;
        }
    }

    /// Sleeps for `d`, or less when a stop is requested meanwhile; `false` when stopped.
    pub async fn sleep(&self, d: Duration) -> bool {
        let notified = self.0.notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_requested() {
            return false;
        }
        tokio::select! {
            _ = tokio::time::sleep(d) => !self.is_requested(),
            _ = notified => false,
        }
    }
}

/// The run's [`Stop`], for the waits of layers that hold none: the pauses between a failed
/// statement's or connection's attempts ([`retry_pause`]).
static RUN_STOP: std::sync::OnceLock<Stop> = std::sync::OnceLock::new();

/// Makes `stop`'s signal cut [`retry_pause`]s short (once per process: the run's stop).
pub fn watch_retries(stop: &Stop) {
    let _ = RUN_STOP.set(stop.clone());
}

/// The pause before another attempt of a failed step: `d`, or less when a signal asks the run
/// to stop meanwhile (`false`: do not try again). A run waiting on a server that does not
/// answer stopped only when its retries ran out (a minute and more), after the signal.
pub async fn retry_pause(d: Duration) -> bool {
    let Some(stop) = RUN_STOP.get() else {
        tokio::time::sleep(d).await;
        return true;
    };
    let signalled = || stop.reason() == Some(StopReason::Signal);
    let until = tokio::time::Instant::now() + d;
    if signalled() {
        return false;
    }
    if stop.sleep(d).await {
        return true;
    }
    if signalled() {
        return false;
    }
    // Stopped for another reason (out of time): the step's attempts go on as they were.
    tokio::time::sleep_until(until).await;
    !signalled()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draining_lasts_as_long_as_its_guards() {
        let stop = Stop::new();
        assert!(!stop.is_draining());
        let a = stop.clone().draining();
        let b = stop.draining();
        drop(a);
        assert!(stop.is_draining());
        drop(b);
        assert!(!stop.is_draining());
    }

    #[tokio::test]
    async fn a_stop_wakes_a_sleep_and_keeps_its_first_reason() {
        let stop = Stop::new();
        assert!(stop.sleep(Duration::from_millis(1)).await);
        let s2 = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            s2.request(StopReason::OutOfTime);
            s2.request(StopReason::Signal);
        });
        let t0 = std::time::Instant::now();
        assert!(!stop.sleep(Duration::from_secs(10)).await);
        assert!(t0.elapsed() < Duration::from_secs(5));
        assert_eq!(stop.reason(), Some(StopReason::OutOfTime));
    }
}
