//! One run at a time per configuration and source: a lock file (`flock`, on this host) and a
//! named database lock (`GET_LOCK`, on the source server, so two hosts running the same job
//! exclude each other too). Both are named from a hash of the configuration file's absolute
//! path and the source's name. A dry run takes neither: it changes nothing, so it must not keep
//! a real run from starting.
//!
//! The lock file holds the pid, host and start time of its owner, for the message a second run
//! prints; it is never removed (removing it would let two runs lock different files of the same
//! name), only its `flock` matters, and the kernel releases that when the process dies.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::os::unix::io::AsRawFd;
use std::path::{Path, PathBuf};

use mysql_async::prelude::*;

use crate::config::DbConnection;
use crate::mysql::conn::Connection;

/// FNV-1a, 64 bits: a hash that is the same on every host and every build.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The identity of a configuration and source: 16 hex digits.
///
/// A configuration that is not a regular file (`--config /dev/stdin`, `<(...)`: a new pipe
/// each run) has no path that names it twice: such runs of a source share one identity, so
/// that two of them at once still exclude each other.
pub fn job_hash(config_path: &Path, source: &str) -> String {
    let special = std::fs::metadata(config_path).is_ok_and(|m| !m.is_file());
    let abs = if special {
        std::path::PathBuf::from("(a configuration that is not a regular file)")
    } else {
        std::fs::canonicalize(config_path).unwrap_or_else(|_| config_path.to_path_buf())
    };
    let mut bytes = abs.as_os_str().as_encoded_bytes().to_vec();
    bytes.push(0);
    bytes.extend_from_slice(source.as_bytes());
    format!("{:016x}", fnv1a(&bytes))
}

/// The lock file's name in its directory.
pub fn file_name(hash: &str) -> String {
    format!("osarchiver-{hash}.lock")
}

/// The database lock's name: `osarchiver:<hash>:<source>`, cut to the 64 characters
/// `GET_LOCK` accepts.
pub fn db_lock_name(hash: &str, source: &str) -> String {
    format!("osarchiver:{hash}:{source}")
        .chars()
        .take(64)
        .collect()
}

/// The named lock a real run holds on the source server while it archives `db`.`table`
/// ([`crate::archiver`]'s table runs): two sources of one run (`--jobs`), or two runs of other
/// configurations, that name one table on one server archive it one after the other, as a
/// sequential run would; at once, each took the rows the other was archiving for conflicts.
pub fn table_lock_name(db: &str, table: &str) -> String {
    let mut bytes = db.as_bytes().to_vec();
    bytes.push(0);
    bytes.extend_from_slice(table.as_bytes());
    format!("osarchiver-table:{:016x}", fnv1a(&bytes))
}

/// Where lock files go by default: `/run/osarchiver` for root, else `$XDG_RUNTIME_DIR`, else
/// the temporary directory.
pub fn default_dir() -> PathBuf {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        return PathBuf::from("/run/osarchiver");
    }
    match std::env::var_os("XDG_RUNTIME_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => std::env::temp_dir(),
    }
}

/// This host's name.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates when it fits.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if rc != 0 {
        return "unknown-host".to_string();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// Why a lock was not taken: [`LockError::Held`] by another run (the source is skipped, not a
/// failure), or any other variant: the lock could not be tried at all (a failure).
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another run holds it: who (the lock file's owner or the database session).
    #[error("{0}")]
    Held(String),
    #[error("cannot create lock directory {}: {source}", dir.display())]
    CreateDir {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open lock file {}: {source}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot lock {}: {source}", path.display())]
    Flock {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database lock's own session could not connect (or reconnect).
    #[error(transparent)]
    Connect(#[from] crate::mysql::conn::ConnectError),
    #[error("cannot take the database lock {name}: {source}")]
    Take {
        name: String,
        #[source]
        source: mysql_async::Error,
    },
}

/// A held lock file; released when dropped (or when the process dies).
#[derive(Debug)]
pub struct FileLock {
    _file: File,
    pub path: PathBuf,
}

/// What a dry run checks instead of taking the lock file: that [`lock_file`] could create
/// `dir` and the lock file of `hash` in it. The directory, or its nearest existing parent when it does not
/// exist yet, must be a directory this process may write to (`access(2)`, which also says
/// when the file system is read-only).
pub fn check_dir(dir: &Path, hash: &str) -> Result<(), LockError> {
    use std::os::unix::ffi::OsStrExt as _;
    let mut at = dir;
    loop {
        match std::fs::metadata(at) {
            Ok(m) if m.is_dir() => {
                let c = std::ffi::CString::new(at.as_os_str().as_bytes())
                    .map_err(std::io::Error::other);
                // SAFETY: a NUL-terminated path that lives through the call.
                let writable = c.as_ref().is_ok_and(|c| unsafe {
                    libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0
                });
                // Nothing can be created under /proc, whatever access(2) says for root.
                let pseudo = writable && crate::pseudo_fs::refuses_new_entries(at);
                if writable && !pseudo {
                    return Ok(());
                }
                let source = match c {
                    Err(e) => e,
                    Ok(_) if pseudo => std::io::Error::other(format!(
                        "{} is a kernel pseudo file system: nothing can be created there",
                        at.display()
                    )),
                    Ok(_) => std::io::Error::last_os_error(),
                };
                return Err(if at == dir {
                    LockError::Open {
                        path: dir.join(file_name(hash)),
                        source,
                    }
                } else {
                    LockError::CreateDir {
                        dir: dir.to_path_buf(),
                        source,
                    }
                });
            }
            Ok(_) => {
                return Err(LockError::CreateDir {
                    dir: dir.to_path_buf(),
                    source: std::io::Error::other(format!("{} is not a directory", at.display())),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match at.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => at = parent,
                _ => return Ok(()),
            },
            Err(source) => {
                return Err(LockError::CreateDir {
                    dir: dir.to_path_buf(),
                    source,
                })
            }
        }
    }
}

/// Takes the lock file `dir/osarchiver-<hash>.lock` without waiting, and writes our pid, host
/// and start into it.
pub fn lock_file(dir: &Path, hash: &str, started: &str) -> Result<FileLock, LockError> {
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(dir)
            .map_err(|source| LockError::CreateDir {
                dir: dir.to_path_buf(),
                source,
            })?;
    }
    let path = dir.join(file_name(hash));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .open(&path)
        .map_err(|source| LockError::Open {
            path: path.clone(),
            source,
        })?;
    // SAFETY: the descriptor is open for the duration of the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc != 0 {
        let err = std::io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
            let mut owner = String::new();
            let _ = file.read_to_string(&mut owner);
            let owner = owner.trim();
            return Err(LockError::Held(format!(
                "lock file {} is held by another run ({})",
                path.display(),
                if owner.is_empty() {
                    "owner unknown"
                } else {
                    owner
                }
            )));
        }
        return Err(LockError::Flock { path, source: err });
    }
    let me = format!(
        "pid {} on host {}, started {started}\n",
        std::process::id(),
        hostname()
    );
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.write_all(me.as_bytes());
    let _ = file.sync_data();
    Ok(FileLock { _file: file, path })
}

/// A named database lock held by a session of its own (an idle one, so that the reconnects of
/// the working sessions do not drop it). [`DbLock::ensure`] checks it between tables and takes
/// it again after a lost connection.
pub struct DbLock {
    db: Connection,
    pub name: String,
}

impl DbLock {
    /// Connects (a transient failure tried again as `retry` says) and takes `name` without
    /// waiting.
    pub async fn acquire(
        spec: &DbConnection,
        retry: crate::config::Retry,
        name: &str,
    ) -> Result<DbLock, LockError> {
        let mut db = Connection::connect_retrying(spec, retry).await?;
        match take(&mut db, name).await {
            Ok(()) => Ok(DbLock {
                db,
                name: name.to_string(),
            }),
            Err(e) => {
                let _ = db.disconnect().await;
                Err(e)
            }
        }
    }

    /// Whether we still hold the lock; after a lost session, reconnects and takes it again.
    /// `Err(Held)` when another run took it meanwhile.
    pub async fn ensure(&mut self) -> Result<(), LockError> {
        let name = self.name.clone();
        let mine: Result<Option<Option<i64>>, _> = self
            .db
            .run("check the database lock", |c| {
                Box::pin(c.exec_first("SELECT IS_USED_LOCK(?) = CONNECTION_ID()", (name,)))
            })
            .await;
        if let Ok(Some(Some(1))) = mine {
            return Ok(());
        }
        tracing::warn!(
            "database lock {}: the locking session was lost; taking the lock again",
            self.name
        );
        self.db.reconnect().await?;
        take(&mut self.db, &self.name).await
    }

    /// Releases the lock and closes its session.
    pub async fn release(mut self) {
        let name = self.name.clone();
        let _ = self
            .db
            .run("release the database lock", |c| {
                Box::pin(c.exec_drop("DO RELEASE_LOCK(?)", (name,)))
            })
            .await;
        let _ = self.db.disconnect().await;
    }
}

async fn take(db: &mut Connection, name: &str) -> Result<(), LockError> {
    let owned = name.to_string();
    let got: Option<Option<i64>> = db
        .run("take the database lock", |c| {
            Box::pin(c.exec_first("SELECT GET_LOCK(?, 0)", (owned,)))
        })
        .await
        .map_err(|source| LockError::Take {
            name: name.to_string(),
            source,
        })?;
    if let Some(Some(1)) = got {
        return Ok(());
    }
    let owned = name.to_string();
    let holder: Option<(Option<u64>, Option<String>, Option<String>)> = db
        .run("find the database lock's holder", |c| {
            Box::pin(c.exec_first(
                "SELECT l.id, p.HOST, p.USER FROM (SELECT IS_USED_LOCK(?) AS id) l \
                 LEFT JOIN information_schema.PROCESSLIST p ON p.ID = l.id",
                (owned,),
            ))
        })
        .await
        .unwrap_or(None);
    let who = match holder {
        Some((Some(id), host, user)) => format!(
            "connection {id}{}{}",
            user.map(|u| format!(" of {u}")).unwrap_or_default(),
            host.map(|h| format!(" from {h}")).unwrap_or_default()
        ),
        _ => "another session".to_string(),
    };
    Err(LockError::Held(format!(
        "database lock '{name}' is held by {who} (another osarchiver run of this configuration and source)"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_stable_and_bounded() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        let a = job_hash(Path::new("/nonexistent/a.ini"), "nova");
        assert_eq!(a, job_hash(Path::new("/nonexistent/a.ini"), "nova"));
        assert_ne!(a, job_hash(Path::new("/nonexistent/a.ini"), "cinder"));
        assert_eq!(a.len(), 16);
        assert!(db_lock_name(&a, &"x".repeat(100)).chars().count() <= 64);
    }

    /// `--config /dev/stdin` is a new pipe each run: runs from configurations that are not
    /// regular files share one identity per source (each had a lock of its own, and two ran
    /// at once); a regular file keeps its own.
    #[test]
    fn configurations_that_are_not_files_share_a_lock() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.ini");
        std::fs::write(&file, "").unwrap();
        let (null, zero) = (Path::new("/dev/null"), Path::new("/dev/zero"));
        assert_eq!(job_hash(null, "nova"), job_hash(zero, "nova"));
        assert_ne!(job_hash(null, "nova"), job_hash(null, "cinder"));
        assert_ne!(job_hash(null, "nova"), job_hash(&file, "nova"));
    }

    #[test]
    fn a_second_lock_file_says_who_holds_it() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_file(dir.path(), "abc", "now").expect("first lock");
        match lock_file(dir.path(), "abc", "later") {
            Err(LockError::Held(m)) => {
                assert!(m.contains(&format!("pid {}", std::process::id())), "{m}")
            }
            other => panic!("expected Held, got {other:?}"),
        }
        drop(held);
        lock_file(dir.path(), "abc", "again").expect("free again");
    }
}
