//! Unique names for the databases and tables a test creates, so that tests can run in
//! parallel against one server, and again against a long-lived external server.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// The longest name [`unique_name`] returns (MariaDB allows 64; this leaves room for suffixes
/// such as `_archive` or a date).
pub const MAX_LEN: usize = 40;

/// A short per-process salt, so that a reused pid does not reuse the names of an earlier run.
fn salt() -> &'static str {
    static SALT: OnceLock<String> = OnceLock::new();
    SALT.get_or_init(|| {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
            .unwrap_or(0);
        let alphabet = b"0123456789abcdefghijklmnopqrstuvwxyz";
        (0..3)
            .map(|i| alphabet[(nanos / 36u32.pow(i) % 36) as usize] as char)
            .collect()
    })
}

/// A name unique to this test process and call, safe unquoted as a MariaDB database or table
/// name: `t_<prefix>_<pid>_<salt>_<n>`, lower case, at most [`MAX_LEN`] characters (the prefix
/// is cleaned to `[a-z0-9_]` and shortened to fit).
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let tail = format!("_{}_{}_{n}", std::process::id(), salt());
    let room = MAX_LEN.saturating_sub(2 + tail.len());
    let prefix: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(room)
        .collect();
    format!("t_{prefix}{tail}")
}
