//! The chunks of one table's locked walk that vouch for each other's definition check.
//!
//! Every chunk checks, inside its transaction and before its `DELETE`, that the source table
//! and its archive tables are still defined as when the walk began, with no new trigger
//! ([`crate::table::definition::check_chunk`]): about 0.7 ms of server time per chunk, most
//! of it `information_schema.TRIGGERS`, which the server answers through a temporary table on
//! disk. A chunk's statements hold the metadata lock of every table they touched until its
//! `COMMIT`, and every statement that could change what the check reads (`ALTER`, `RENAME`,
//! `CREATE` or `DROP TRIGGER`, `CREATE OR REPLACE`) needs that lock exclusively: while one of
//! the walk's transactions holds it, no definition changes.
//!
//! A chunk's transaction takes those locks as it begins, before it waits for its turn to read
//! the walk's next page (a copy of no row into each archive table, `FOR UPDATE`, in the same
//! round trip as `START TRANSACTION`), at the instant `since`. It needs no check of its own
//! when another chunk of the walk, checked (or itself vouched for), ran a statement that was
//! sent after `since` and succeeded: that chunk held its locks when the statement ran, which
//! was after this chunk took its own, so that the two held them together at that moment and no
//! definition could change from the other chunk's check to this chunk's end. A session
//! that dies (killed, its server restarted) loses its locks at once, but no statement of it
//! succeeds after that: it vouches for nothing it did not hold. The other way round, a
//! statement sent before `since` proves nothing (the other chunk may have ended, and an
//! `ALTER` run, before this one's locks were taken).
//!
//! The foreign keys onto the table are not covered: a table created with a key onto the source
//! takes no lock on it ([`crate::table::definition::check_references`] still runs per chunk).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// How long a chunk waits for a chunk under way to vouch for it before it checks for itself:
/// the other chunk's next statement (its foreign-key check or its `COMMIT`) usually succeeds
/// within a millisecond or two; a check costs about one.
const WAIT: Duration = Duration::from_millis(4);

/// The walk's chunks that passed their check (or were vouched for), and the latest statement
/// one of them sent and saw succeed.
#[derive(Default)]
pub(super) struct Cover {
    state: Mutex<State>,
    changed: Notify,
    checked: AtomicU64,
    vouched: AtomicU64,
}

#[derive(Default)]
struct State {
    /// The latest instant at which a checked chunk sent a statement that then succeeded.
    latest: Option<Instant>,
    /// Checked chunks whose transaction is not over: each may still vouch for a chunk.
    open: usize,
}

impl Cover {
    /// A chunk transaction's part in the cover, for a transaction that holds the metadata lock
    /// of every table its check reads since `since` (an instant taken after its statement that
    /// took them returned); it leaves the cover when dropped, once its transaction is over.
    /// `None`: a transaction not known to hold them (its session was replaced), which checks
    /// for itself and vouches for nobody.
    pub fn chunk(&self, since: Option<Instant>) -> Vouch<'_> {
        Vouch {
            cover: self,
            since,
            joined: AtomicBool::new(false),
        }
    }

    /// The chunks that ran their own check, and those that another chunk vouched for.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.checked.load(Ordering::Relaxed),
            self.vouched.load(Ordering::Relaxed),
        )
    }

    /// Whether a checked chunk ran a statement sent after `since` that succeeded; waits up to
    /// `wait` for one while a checked chunk is under way.
    async fn vouched_since(&self, since: Instant, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            {
                let state = self.lock();
                if state.latest.is_some_and(|t| t > since) {
                    return true;
                }
                if state.open == 0 {
                    return false;
                }
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return false;
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One chunk transaction's part in its walk's [`Cover`].
pub(super) struct Vouch<'c> {
    cover: &'c Cover,
    /// Since when the transaction holds its tables' metadata locks, if it is known to.
    since: Option<Instant>,
    joined: AtomicBool,
}

impl Vouch<'_> {
    /// Runs the chunk's definition check (`check`, which reads the tables as they are now),
    /// unless a chunk under way vouches for it (see the module's documentation). Once passed,
    /// the chunk vouches for others.
    pub async fn check<E>(
        &self,
        check: impl std::future::Future<Output = Result<(), E>>,
    ) -> Result<(), E> {
        self.check_waiting(check, WAIT).await
    }

    async fn check_waiting<E>(
        &self,
        check: impl std::future::Future<Output = Result<(), E>>,
        wait: Duration,
    ) -> Result<(), E> {
        let Some(since) = self.since else {
            check.await?;
            self.cover.checked.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        };
        if self.joined.load(Ordering::Relaxed) {
            // A second check in one chunk's part (its statements run again, on whatever
            // session): it checks for itself, and stays in the cover once.
            check.await?;
            self.cover.checked.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        if self.cover.vouched_since(since, wait).await {
            self.cover.vouched.fetch_add(1, Ordering::Relaxed);
        } else {
            check.await?;
            self.cover.checked.fetch_add(1, Ordering::Relaxed);
        }
        self.cover.lock().open += 1;
        self.joined.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// A statement of the chunk's transaction, sent at `sent` (taken before sending it), has
    /// succeeded: the transaction held its locks after `sent`. Does nothing before the check.
    pub fn succeeded(&self, sent: Instant) {
        if !self.joined.load(Ordering::Relaxed) {
            return;
        }
        {
            let mut state = self.cover.lock();
            if state.latest.is_none_or(|t| t < sent) {
                state.latest = Some(sent);
            }
        }
        self.cover.changed.notify_waiters();
    }
}

impl Drop for Vouch<'_> {
    fn drop(&mut self) {
        if self.joined.load(Ordering::Relaxed) {
            self.cover.lock().open -= 1;
            self.cover.changed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pass() -> Result<(), ()> {
        Ok(())
    }

    #[tokio::test]
    async fn the_first_chunk_checks_for_itself() {
        let cover = Cover::default();
        let a = cover.chunk(Some(Instant::now()));
        a.check(pass()).await.unwrap();
        assert_eq!(cover.counts(), (1, 0));
    }

    #[tokio::test]
    async fn a_statement_sent_after_the_copies_vouches() {
        let cover = Cover::default();
        let a = cover.chunk(Some(Instant::now()));
        a.check(pass()).await.unwrap();
        let b = cover.chunk(Some(Instant::now()));
        let vouch = async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            // Sent after b's check began: b's locks were taken by then.
            a.succeeded(Instant::now());
        };
        let (checked, ()) = tokio::join!(
            b.check_waiting(
                async { Err::<(), _>("b checked for itself") },
                Duration::from_secs(5)
            ),
            vouch
        );
        checked.unwrap();
        assert_eq!(cover.counts(), (1, 1));
    }

    #[tokio::test]
    async fn a_statement_sent_before_the_copies_does_not() {
        let cover = Cover::default();
        let a = cover.chunk(Some(Instant::now()));
        a.check(pass()).await.unwrap();
        a.succeeded(Instant::now());
        let b = cover.chunk(Some(Instant::now()));
        // a is under way but sends nothing more: b waits, then checks for itself.
        let checked = b
            .check_waiting(async { Err::<(), _>("checked") }, Duration::from_millis(20))
            .await;
        assert_eq!(checked, Err("checked"));
        assert_eq!(cover.counts(), (1, 0));
    }

    #[tokio::test]
    async fn with_no_checked_chunk_under_way_nobody_waits() {
        let cover = Cover::default();
        {
            let a = cover.chunk(Some(Instant::now()));
            a.check(pass()).await.unwrap();
            a.succeeded(Instant::now());
        }
        let b = cover.chunk(Some(Instant::now()));
        let started = Instant::now();
        b.check_waiting(pass(), Duration::from_secs(5))
            .await
            .unwrap();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert_eq!(cover.counts(), (2, 0));
    }

    #[tokio::test]
    async fn a_chunk_on_a_new_session_checks_and_vouches_for_nothing() {
        let cover = Cover::default();
        let a = cover.chunk(Some(Instant::now()));
        a.check(pass()).await.unwrap();
        let b = cover.chunk(None);
        a.succeeded(Instant::now());
        assert_eq!(
            b.check(async { Err::<(), _>("checked") }).await,
            Err("checked")
        );
        b.check(pass()).await.unwrap();
        let c = cover.chunk(Some(Instant::now()));
        drop(a);
        // b's statement is later than c's locks, but b vouches for nothing.
        b.succeeded(Instant::now());
        assert_eq!(
            c.check(async { Err::<(), _>("c checked") }).await,
            Err("c checked")
        );
        assert_eq!(cover.counts(), (2, 0));
    }

    #[tokio::test]
    async fn a_chunk_that_fails_its_check_vouches_for_nothing() {
        let cover = Cover::default();
        let a = cover.chunk(Some(Instant::now()));
        assert!(a.check(async { Err::<(), _>(()) }).await.is_err());
        a.succeeded(Instant::now());
        let b = cover.chunk(Some(Instant::now()));
        b.check_waiting(pass(), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(cover.counts(), (1, 0));
    }

    #[tokio::test]
    async fn a_chunk_ended_leaves_its_statements_vouching() {
        // A statement that succeeded after b's locks were taken proves that a's locks and b's
        // overlapped, whenever a's transaction ends.
        let cover = Cover::default();
        let a = cover.chunk(Some(Instant::now()));
        a.check(pass()).await.unwrap();
        let b = cover.chunk(Some(Instant::now()));
        let vouch = async {
            tokio::time::sleep(Duration::from_millis(1)).await;
            a.succeeded(Instant::now());
            drop(a);
        };
        let (checked, ()) = tokio::join!(
            b.check_waiting(async { Err::<(), _>("b checked") }, Duration::from_secs(5)),
            vouch
        );
        checked.unwrap();
        assert_eq!(cover.counts(), (1, 1));
    }
}
