//! Backing off when the database is under pressure: between two delete chunks, at most once a
//! second, the deleter asks [`Throttle::wait`], which pauses while
//!
//! - a listed replica lags more than `max_replication_lag` seconds (`Seconds_Behind_Master`;
//!   NULL, a replica that does not replicate, or one that cannot be reached counts as over),
//! - Galera's `wsrep_local_recv_queue` on the source exceeds `max_wsrep_recv_queue`, or the
//!   share of time the cluster spent paused by flow control since the previous check exceeds
//!   `max_flow_control_paused` (from two readings of `wsrep_flow_control_paused_ns`, as
//!   `wsrep_flow_control_paused` averages since the last `FLUSH STATUS`, which may be days; a
//!   server without the `_ns` counter is judged on `wsrep_flow_control_paused` itself),
//! - `Threads_running` on the source exceeds `max_threads_running`.
//!
//! Each pause and its cause is logged, and its end; the pause rechecks every second and ends by
//! itself. A stop (signal or time budget) ends a pause at once: the deleter then stops, leaving
//! the batches it holds (archived, not deleted) in the source for the next run. A pause longer
//! than `max_pause` (a replica down for good, say) stops the run the same way, as a failure
//! (exit code 1): no dead replica makes a run wait forever.

use std::time::{Duration, Instant};

use mysql_async::prelude::*;

use crate::config::{DbConnection, ThrottleConfig};
use crate::mysql::conn::Connection;
use crate::stop::Stop;

/// How often the checks run, at most.
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// The interval of the first flow-control reading, which has no previous one to compare with.
const FIRST_INTERVAL: Duration = Duration::from_millis(250);

/// The throttle of one source: its thresholds and the sessions it watches with.
pub struct Throttle {
    config: ThrottleConfig,
    source: DbConnection,
    /// A session on the source for the status counters, opened on first use.
    monitor: Option<Connection>,
    replicas: Vec<(String, Option<Connection>)>,
    last_check: Option<Instant>,
    /// The time deletes spent paused so far.
    paused: Duration,
    /// The previous reading of `wsrep_flow_control_paused_ns`, and when it was taken.
    flow_control: Option<(Instant, u64)>,
    stop: Stop,
}

/// How often a long pause is logged again.
const REMIND_EVERY: Duration = Duration::from_secs(60);

/// One reason to pause: its kind (which check, which replica) and what to log.
struct Cause {
    kind: String,
    text: String,
    /// A replica that cannot be reached or does not replicate: a failure, not a load.
    broken: bool,
}

impl Cause {
    fn new(kind: impl Into<String>, text: String) -> Cause {
        Cause {
            kind: kind.into(),
            text,
            broken: false,
        }
    }
}

/// The deleter should stop: a stop was requested during a pause.
#[derive(Debug, PartialEq, Eq)]
pub struct Stopped;

impl Throttle {
    pub fn new(config: &ThrottleConfig, source: &DbConnection, stop: Stop) -> Throttle {
        Throttle {
            replicas: config
                .replicas
                .iter()
                .map(|(h, p)| (format!("{h}:{p}"), None))
                .collect(),
            config: config.clone(),
            source: source.clone(),
            monitor: None,
            last_check: None,
            paused: Duration::ZERO,
            flow_control: None,
            stop,
        }
    }

    /// A throttle that never pauses (tests, the library).
    pub fn off() -> Throttle {
        Throttle::new(
            &ThrottleConfig::default(),
            &DbConnection::default(),
            Stop::new(),
        )
    }

    /// The time deletes have spent paused by this throttle so far.
    pub fn paused(&self) -> Duration {
        self.paused
    }

    /// `delete_loop_delay`'s pause between two chunks: `d`, or less when a stop is requested
    /// meanwhile (a signal, `max_runtime`): a run stops after its current batch, not after its
    /// pause. The next [`Throttle::wait`] then says it stopped.
    pub async fn pause(&self, d: Duration) {
        let _ = self.stop.sleep(d).await;
    }

    /// Returns at once when no check is due or nothing is over its threshold; otherwise pauses
    /// until everything is back under, or until a stop is requested (`Err(Stopped)`).
    pub async fn wait(&mut self) -> Result<(), Stopped> {
        if !self.config.is_active() {
            return Ok(());
        }
        if self.stop.is_requested() {
            return Err(Stopped);
        }
        if self.last_check.is_some_and(|t| t.elapsed() < CHECK_EVERY) {
            return Ok(());
        }
        let started = Instant::now();
        // What the last log line named, and when it was written.
        let mut logged: Option<(Vec<String>, Instant)> = None;
        loop {
            self.last_check = Some(Instant::now());
            let causes = self.causes_within(started).await;
            if causes.is_empty() {
                if logged.is_some() {
                    self.paused += started.elapsed();
                    tracing::info!(
                        "throttle: resuming deletes after a pause of {:.1}s",
                        started.elapsed().as_secs_f64()
                    );
                }
                return Ok(());
            }
            // A line when the pause starts or its causes change, and a reminder now and then;
            // not one a second as a lag counts up.
            let kinds: Vec<String> = causes.iter().map(|c| c.kind.clone()).collect();
            let broken: Vec<&str> = causes
                .iter()
                .filter(|c| c.broken)
                .map(|c| c.text.as_str())
                .collect();
            let text = causes
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            match &logged {
                Some((k, at)) if *k == kinds && at.elapsed() < REMIND_EVERY => {}
                Some((k, _)) if *k == kinds => {
                    tracing::warn!(
                        "throttle: deletes paused for {:.0}s: {text}",
                        started.elapsed().as_secs_f64()
                    );
                    logged = Some((kinds, Instant::now()));
                }
                _ => {
                    tracing::warn!("throttle: pausing deletes: {text}");
                    logged = Some((kinds, Instant::now()));
                }
            }
            if let Some(limit) = self.config.max_pause.filter(|l| started.elapsed() >= *l) {
                self.paused += started.elapsed();
                let message = format!(
                    "throttle: deletes paused for {:.0}s, more than max_pause ({:.0}s): {text}",
                    started.elapsed().as_secs_f64(),
                    limit.as_secs_f64()
                );
                tracing::error!(
                    "{message}; the run stops, and the rows of the batches already archived stay in the source"
                );
                self.stop.fail(message);
                self.stop.request(crate::stop::StopReason::Throttled);
                return Err(Stopped);
            }
            if !self.stop.sleep(CHECK_EVERY).await {
                self.paused += started.elapsed();
                tracing::warn!(
                    "throttle: stop requested during a pause ({}): the rows of the batches already archived stay in the source",
                    self.stop.reason().map(|r| r.describe()).unwrap_or("stop")
                );
                // A replica down is a failure, whatever stopped the wait for it (a time budget
                // shorter than max_pause would otherwise hide it behind exit code 4 on every run).
                if !broken.is_empty() {
                    self.stop.fail(format!(
                        "throttle: deletes paused for {:.0}s until the run stopped: {}",
                        started.elapsed().as_secs_f64(),
                        broken.join("; ")
                    ));
                }
                return Err(Stopped);
            }
        }
    }

    /// [`Throttle::causes`], within what is left of `max_pause` since `started` (at least a
    /// check's interval): a replica that takes its connection's timeouts to answer must not
    /// hold the pause past it. Checks cut short drop their sessions (a reply may be half read)
    /// and count as a broken replica.
    async fn causes_within(&mut self, started: Instant) -> Vec<Cause> {
        let Some(limit) = self.config.max_pause else {
            return self.causes().await;
        };
        let left = limit.saturating_sub(started.elapsed()).max(CHECK_EVERY);
        match tokio::time::timeout(left, self.causes()).await {
            Ok(causes) => causes,
            Err(_) => {
                self.monitor = None;
                for replica in &mut self.replicas {
                    replica.1 = None;
                }
                vec![Cause {
                    broken: true,
                    ..Cause::new(
                        "checks",
                        format!(
                            "the throttle's checks did not answer within {:.0}s (a replica or the source not answering)",
                            left.as_secs_f64()
                        ),
                    )
                }]
            }
        }
    }

    /// What is over its threshold now.
    async fn causes(&mut self) -> Vec<Cause> {
        let mut causes = Vec::new();
        let c = self.config.clone();
        if c.max_threads_running.is_some()
            || c.max_wsrep_recv_queue.is_some()
            || c.max_flow_control_paused.is_some()
        {
            match self.status().await {
                Ok(status) => {
                    tracing::debug!("throttle: source status {status:?}");
                    let get = |name: &str| status_value(&status, name);
                    if let (Some(max), Some(v)) = (c.max_threads_running, get("Threads_running")) {
                        if v > max as f64 {
                            causes.push(Cause::new(
                                "threads",
                                format!(
                                "Threads_running on the source is {v} (max_threads_running = {max})"
                            ),
                            ));
                        }
                    }
                    if let (Some(max), Some(v)) =
                        (c.max_wsrep_recv_queue, get("wsrep_local_recv_queue"))
                    {
                        if v > max as f64 {
                            causes.push(Cause::new("recv_queue", format!(
                                "Galera wsrep_local_recv_queue is {v} (max_wsrep_recv_queue = {max})"
                            )));
                        }
                    }
                    let paused = match get("wsrep_flow_control_paused_ns") {
                        Some(ns) if c.max_flow_control_paused.is_some() => self
                            .flow_control_share(ns as u64)
                            .await
                            .map(|v| (v, "since the previous check")),
                        Some(_) => None,
                        None => get("wsrep_flow_control_paused").map(|v| (v, "since FLUSH STATUS")),
                    };
                    if let (Some(max), Some((v, over))) = (c.max_flow_control_paused, paused) {
                        if v > max {
                            causes.push(Cause::new("flow_control", format!(
                                "Galera flow control paused replication {:.0}% of the time {over} (max_flow_control_paused = {max})",
                                v * 100.0
                            )));
                        }
                    }
                }
                Err(e) => {
                    // The deletes will meet the same trouble and retry; no pause for this.
                    tracing::warn!("throttle: cannot read the source's status: {e}");
                    self.monitor = None;
                }
            }
        }
        for i in 0..self.replicas.len() {
            if let Some((cause, broken)) = self.replica_lag(i).await {
                causes.push(Cause {
                    broken,
                    ..Cause::new(format!("replica {i}"), cause)
                });
            }
        }
        causes
    }

    /// The share of time flow control paused replication since the previous reading of
    /// `wsrep_flow_control_paused_ns` (`ns`, just read). The first time there is no previous
    /// reading: a second one is taken [`FIRST_INTERVAL`] later, so that even the first chunk is
    /// judged on the present.
    async fn flow_control_share(&mut self, ns: u64) -> Option<f64> {
        let now = Instant::now();
        let previous = self.flow_control.replace((now, ns));
        if let Some((then, before)) = previous {
            return paused_share(before, ns, now.duration_since(then));
        }
        if !self.stop.sleep(FIRST_INTERVAL).await {
            return None;
        }
        let status = self.status().await.ok()?;
        let later = status_value(&status, "wsrep_flow_control_paused_ns")? as u64;
        let later_at = Instant::now();
        self.flow_control = Some((later_at, later));
        paused_share(ns, later, later_at.duration_since(now))
    }

    async fn status(&mut self) -> Result<Vec<(String, String)>, MonitorError> {
        if self.monitor.is_none() {
            self.monitor = Some(Connection::connect(&self.source).await?);
        }
        let db = self.monitor.as_mut().expect("just set");
        db.run("read the server's status", |c| {
            Box::pin(c.query(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_running', \
                 'wsrep_local_recv_queue', 'wsrep_flow_control_paused', \
                 'wsrep_flow_control_paused_ns')",
            ))
        })
        .await
        .map_err(MonitorError::from)
    }

    /// A dry run's look at the replicas, once: what a real run's deletes would meet now.
    /// Returns the replicas that cannot be reached, do not replicate or whose replication is
    /// stopped (a real run would pause until `max_pause`, then fail), and those that lag.
    pub async fn foresee(&mut self) -> (Vec<String>, Vec<String>) {
        let (mut broken, mut lagging) = (Vec::new(), Vec::new());
        for i in 0..self.replicas.len() {
            match self.replica_lag(i).await {
                Some((cause, true)) => broken.push(cause),
                Some((cause, false)) => lagging.push(cause),
                None => {}
            }
        }
        (broken, lagging)
    }

    /// The longest pause before the run gives up, if any.
    pub fn max_pause(&self) -> Option<Duration> {
        self.config.max_pause
    }

    /// The cause of a pause for replica `i`, if any, and whether the replica is broken (cannot
    /// be reached, does not replicate, replication stopped) rather than lagging.
    async fn replica_lag(&mut self, i: usize) -> Option<(String, bool)> {
        let max = self.config.max_replication_lag;
        let (host, port) = self.config.replicas[i].clone();
        let name = self.replicas[i].0.clone();
        if self.replicas[i].1.is_none() {
            let spec = DbConnection {
                host,
                port,
                socket: None,
                ..self.source.clone()
            };
            match Connection::connect(&spec).await {
                Ok(db) => self.replicas[i].1 = Some(db),
                Err(e) => return Some((format!("replica {name} cannot be reached ({e})"), true)),
            }
        }
        let db = self.replicas[i].1.as_mut().expect("just set");
        let lag = match db
            .run("read the replica's status", |c| Box::pin(seconds_behind(c)))
            .await
        {
            Ok(lag) => lag,
            Err(e) => {
                self.replicas[i].1 = None;
                return Some((
                    format!("replica {name}: cannot read its status ({e})"),
                    true,
                ));
            }
        };
        match lag {
            Lag::NotAReplica => Some((
                format!("replica {name} does not replicate (SHOW SLAVE STATUS is empty)"),
                true,
            )),
            Lag::Unknown => Some((
                format!(
                    "replica {name}: Seconds_Behind_Master is NULL (replication stopped or broken)"
                ),
                true,
            )),
            Lag::Seconds(s) if s > max => Some((
                format!("replica {name} lags {s}s (max_replication_lag = {max}s)"),
                false,
            )),
            Lag::Seconds(_) => None,
        }
    }
}

/// Why the server's status could not be read by the throttle's own session.
#[derive(Debug, thiserror::Error)]
enum MonitorError {
    #[error(transparent)]
    Connect(#[from] crate::mysql::conn::ConnectError),
    #[error(transparent)]
    Query(#[from] mysql_async::Error),
}

/// A numeric `SHOW GLOBAL STATUS` value by name.
fn status_value(status: &[(String, String)], name: &str) -> Option<f64> {
    status
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.trim().parse::<f64>().ok())
}

/// The share of `elapsed` spent paused, from two readings of a cumulative pause counter in
/// nanoseconds; `None` when it cannot be told (no time passed, or the counter went back, as
/// `FLUSH STATUS` does).
fn paused_share(before_ns: u64, now_ns: u64, elapsed: Duration) -> Option<f64> {
    let paused = now_ns.checked_sub(before_ns)?;
    let elapsed = elapsed.as_nanos();
    if elapsed == 0 {
        return None;
    }
    Some((paused as f64 / elapsed as f64).min(1.0))
}

enum Lag {
    NotAReplica,
    Unknown,
    Seconds(u64),
}

/// `SHOW REPLICA STATUS` (MySQL 8.0.22+, MariaDB 10.5+), else `SHOW SLAVE STATUS`.
async fn seconds_behind(conn: &mut mysql_async::Conn) -> Result<Lag, mysql_async::Error> {
    let rows: Vec<mysql_async::Row> = match conn.query("SHOW REPLICA STATUS").await {
        Ok(rows) => rows,
        Err(_) => conn.query("SHOW SLAVE STATUS").await?,
    };
    let Some(row) = rows.first() else {
        return Ok(Lag::NotAReplica);
    };
    let columns = row.columns();
    let Some(idx) = columns.iter().position(|c| {
        let n = c.name_str();
        n == "Seconds_Behind_Master" || n == "Seconds_Behind_Source"
    }) else {
        return Ok(Lag::Unknown);
    };
    Ok(match row.as_ref(idx) {
        Some(mysql_async::Value::Int(v)) => Lag::Seconds((*v).max(0) as u64),
        Some(mysql_async::Value::UInt(v)) => Lag::Seconds(*v),
        Some(mysql_async::Value::Bytes(b)) => match String::from_utf8_lossy(b).trim().parse() {
            Ok(v) => Lag::Seconds(v),
            Err(_) => Lag::Unknown,
        },
        _ => Lag::Unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_share_is_the_paused_part_of_the_interval() {
        let second = Duration::from_secs(1);
        assert_eq!(paused_share(0, 0, second), Some(0.0));
        assert_eq!(paused_share(1_000, 250_001_000, second), Some(0.25));
        assert_eq!(paused_share(5, 2_000_000_005, 2 * second), Some(1.0));
        // Clock granularity may make the counter run ahead of the wall clock: capped at 1.
        assert_eq!(paused_share(0, 3_000_000_000, second), Some(1.0));
    }

    #[test]
    fn paused_share_is_unknown_without_a_usable_interval() {
        assert_eq!(paused_share(10, 20, Duration::ZERO), None);
        // FLUSH STATUS reset the counter between the readings.
        assert_eq!(paused_share(1_000_000, 10, Duration::from_secs(1)), None);
    }
}
