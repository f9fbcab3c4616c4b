//! Remote stores: a file destination's finished files uploaded to object storage.
//!
//! - [`s3`]: Amazon S3 and S3-compatible stores (Ceph RGW, MinIO...), with aws-sdk-s3.
//! - [`swift`]: OpenStack Swift, authenticated by [`keystone`] (Keystone v3 or TempAuth v1).
//! - [`tls`]: the HTTP agent of the Swift store: trusted roots, client certificate, timeouts.
//!
//! The `opt_*` keys are resolved and typed by [`crate::config::remote`]; the stores read
//! the typed settings.
//!
//! Uploads are blocking calls: they run in the file destination's background job (after
//! packing), so a table's upload overlaps with archiving the next table; at most
//! [`MAX_TABLE_UPLOADS`](super::limits::MAX_TABLE_UPLOADS) tables upload at once ([`slots`],
//! held in the run's [`Limits`](super::limits::Limits)). [`Remote::upload`]
//! retries with a doubling backoff; an upload that fails for good is an error of its table.
//! Objects are named `<file_name_prefix>/<date>/<file name>` ([`object_name`]).

pub mod keystone;
pub mod names;
pub mod s3;
pub mod slots;
pub mod swift;
pub mod tls;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{RemoteBackend, RemoteStore as StoreConfig};

/// What a store confirmed about an uploaded object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadReceipt {
    /// Where the object is, for the log (`s3://bucket/key`, `swift://container/object`).
    pub location: String,
    /// Its size, as the store reports it.
    pub size: u64,
    /// Its ETag, as the store reports it (checked against the file's).
    pub etag: String,
}

/// Why a remote store failed: its section is wrong (found when it is opened), or an upload
/// failed for good (after its retries).
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    /// An option of the `[remote_store:NAME]` section is wrong or missing.
    #[error("[remote_store:{store}] {message}")]
    Option { store: String, message: String },
    /// The S3 client runs on the tokio runtime, which the caller must be in.
    #[error("internal error: the S3 store needs the tokio runtime")]
    NoRuntime,
    /// An upload failed for good: permanently, or at its last attempt.
    #[error(
        "remote store {store}: cannot upload {} as {object} ({attempts} attempt{}): {source}",
        path.display(),
        if *attempts == 1 { "" } else { "s" }
    )]
    Upload {
        store: String,
        path: PathBuf,
        object: String,
        attempts: u32,
        #[source]
        source: UploadError,
    },
    /// A dry run found that a real run could not upload to the store.
    #[error("remote store {store}: a real run could not upload: {source}")]
    Access {
        store: String,
        #[source]
        source: UploadError,
    },
}

/// Why an upload attempt failed; `permanent` ones (bad credentials...) are not retried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UploadError {
    pub message: String,
    pub permanent: bool,
    /// The store refused the write because it holds an object of that name now (a
    /// conditional write, `If-None-Match: *`, that another writer beat): the file goes up
    /// under the next free name.
    pub taken: bool,
}

impl UploadError {
    /// A failure worth retrying (network, server errors...).
    pub fn transient(message: impl Into<String>) -> Self {
        UploadError {
            message: message.into(),
            permanent: false,
            taken: false,
        }
    }

    /// A failure that retrying cannot fix.
    pub fn permanent(message: impl Into<String>) -> Self {
        UploadError {
            message: message.into(),
            permanent: true,
            taken: false,
        }
    }

    /// The store holds another object under the name now: not retried under it.
    pub fn taken(message: impl Into<String>) -> Self {
        UploadError {
            message: message.into(),
            permanent: true,
            taken: true,
        }
    }
}

/// An object store that takes files.
pub trait RemoteStore: Send + Sync {
    /// Uploads the file at `path` as `object` and checks what the store received.
    fn upload(&self, path: &Path, object: &str) -> Result<UploadReceipt, UploadError>;

    /// Whether the store holds `object` already (`HEAD`). A store that refuses to say (no
    /// right to read objects) answers false: the run's own names are still kept apart.
    fn exists(&self, object: &str) -> Result<bool, UploadError>;

    /// For a dry run: whether a real run could upload (credentials accepted, container or
    /// bucket reachable), without writing anything.
    fn check_access(&self) -> Result<(), UploadError> {
        Ok(())
    }
}

/// The most numbers [`Remote::free_name`] tries past a name that is taken.
const MAX_NUMBER: u32 = 100;

/// A `[remote_store:NAME]` section, ready to upload (connections are made at the first upload).
pub struct Remote {
    pub cfg: StoreConfig,
    store: Box<dyn RemoteStore>,
}

impl Remote {
    /// Checks the section's options; connects to nothing. Must be called within the tokio
    /// runtime (the S3 client runs on it).
    pub fn open(cfg: &StoreConfig) -> Result<Remote, RemoteError> {
        let store: Box<dyn RemoteStore> = match cfg.backend {
            RemoteBackend::S3 => Box::new(s3::S3Store::new(cfg)?),
            RemoteBackend::Swift => Box::new(swift::SwiftStore::new(cfg)?),
        };
        Ok(Remote {
            cfg: cfg.clone(),
            store,
        })
    }

    pub fn name(&self) -> &str {
        &self.cfg.name
    }

    /// A short description for the log: `swift container c` or `s3 bucket b`.
    pub fn describe(&self) -> String {
        match self.cfg.backend {
            RemoteBackend::S3 => format!("s3 bucket {}", self.cfg.container),
            RemoteBackend::Swift => format!("swift container {}", self.cfg.container),
        }
    }

    /// Uploads with retries: up to `upload_attempts` attempts, waiting `upload_backoff`, then
    /// twice as long before each next one. Blocking.
    /// For a dry run: checks that a real run could upload (see [`RemoteStore::check_access`]).
    /// Blocking (the S3 store blocks on the runtime): call it off the runtime's threads.
    pub fn check_access(&self) -> Result<(), RemoteError> {
        self.store
            .check_access()
            .map_err(|source| RemoteError::Access {
                store: self.cfg.name.clone(),
                source,
            })
    }

    pub fn upload(&self, path: &Path, object: &str) -> Result<UploadReceipt, RemoteError> {
        self.attempts(path, object, "upload", || self.store.upload(path, object))
    }

    /// Uploads `file` (the local file `path`) under the first free name from
    /// [`Remote::free_name`]; a name another writer takes between the look and the upload
    /// (two runs started in the same second into one bucket: the stores refuse the second
    /// write, `If-None-Match: *`) is skipped for the next one. Returns the name and what the
    /// store holds. Blocking.
    pub fn upload_new(
        &self,
        path: &Path,
        date: &str,
        file: &str,
    ) -> Result<(String, UploadReceipt), RemoteError> {
        let mut from = 0;
        loop {
            let (object, n) = self.free_name_from(path, date, file, from)?;
            match self.upload(path, &object) {
                Ok(receipt) => return Ok((object, receipt)),
                Err(RemoteError::Upload { source, .. }) if source.taken && n < MAX_NUMBER => {
                    tracing::warn!(
                        "remote store {}: another writer took {object} during the upload ({source}): {} goes up under the next free number",
                        self.cfg.name,
                        path.display()
                    );
                    from = n + 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Which bucket or container the store writes into, for [`names`]: two sections that name
    /// the same one share their names.
    pub fn identity(&self) -> String {
        format!("{:?} {}", self.cfg.backend, self.cfg.container)
    }

    /// The object name `file` (of the local file `path`) goes up as: `<prefix>/<date>/<file>`
    /// ([`object_name`]), numbered as local files are ([`names::renumbered`]) when this run
    /// has taken that name in this bucket or container already, or the store holds it (an
    /// upload would replace it).
    pub fn free_name(&self, path: &Path, date: &str, file: &str) -> Result<String, RemoteError> {
        self.free_name_from(path, date, file, 0)
            .map(|(name, _)| name)
    }

    /// As [`Remote::free_name`], trying the numbers from `from` (0: the name unnumbered);
    /// returns the name and its number.
    fn free_name_from(
        &self,
        path: &Path,
        date: &str,
        file: &str,
        from: u32,
    ) -> Result<(String, u32), RemoteError> {
        let prefix = self.cfg.file_name_prefix.as_deref();
        let first = object_name(prefix, date, file);
        let mut n = from;
        loop {
            // A store that says it holds every name (a proxy answering any HEAD) must not keep
            // the run numbering for ever.
            if n > MAX_NUMBER {
                return Err(RemoteError::Upload {
                    store: self.cfg.name.clone(),
                    path: path.to_path_buf(),
                    object: first,
                    attempts: 1,
                    source: UploadError::permanent(format!(
                        "{} says it holds this name and the next {MAX_NUMBER} numbered ones already",
                        self.describe()
                    )),
                });
            }
            let object = match n {
                0 => first.clone(),
                n => object_name(prefix, date, &names::renumbered(file, n)),
            };
            let number = n;
            n += 1;
            if !names::claim(&self.identity(), &object) {
                tracing::warn!(
                    "remote store {}: another file of this run went up as {object}: {} goes up under the next free number",
                    self.cfg.name,
                    path.display()
                );
                continue;
            }
            // One look, not retried: a store that cannot answer it gets the name (the run's
            // own names are still kept apart), and the upload meets the store's trouble.
            match self.store.exists(&object) {
                Ok(false) => return Ok((object, number)),
                Ok(true) => {}
                Err(e) => {
                    tracing::warn!(
                        "remote store {}: whether {} holds {object} already is not known ({e}): {} goes up under that name",
                        self.cfg.name,
                        self.describe(),
                        path.display()
                    );
                    return Ok((object, number));
                }
            }
            tracing::warn!(
                "remote store {}: {} holds {object} already (an earlier run, another process): {} goes up under the next free number",
                self.cfg.name,
                self.describe(),
                path.display()
            );
        }
    }

    /// Runs `op` (on `object`, for the local file `path`) up to `upload_attempts` times,
    /// waiting `upload_backoff`, then twice as long before each next attempt. Blocking.
    fn attempts<T>(
        &self,
        path: &Path,
        object: &str,
        what: &str,
        op: impl Fn() -> Result<T, UploadError>,
    ) -> Result<T, RemoteError> {
        let attempts = self.cfg.upload_attempts.max(1);
        let mut wait = self.cfg.upload_backoff;
        for attempt in 1..=attempts {
            match op() {
                Ok(done) => return Ok(done),
                Err(e) if e.permanent || attempt == attempts => {
                    return Err(RemoteError::Upload {
                        store: self.cfg.name.clone(),
                        path: path.to_path_buf(),
                        object: object.to_string(),
                        attempts: attempt,
                        source: e,
                    });
                }
                Err(e) => {
                    tracing::warn!(
                        "remote store {}: {what} {object} ({}) failed (attempt {attempt} of {attempts}), retrying in {:?}: {e}",
                        self.cfg.name,
                        path.display(),
                        wait
                    );
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(Duration::from_secs(300));
                }
            }
        }
        unreachable!("at least one attempt")
    }
}

/// The object name of a file: `<prefix>/<date>/<file>`, or `<date>/<file>` without a prefix.
pub fn object_name(prefix: Option<&str>, date: &str, file: &str) -> String {
    match prefix
        .map(|p| p.trim_matches('/'))
        .filter(|p| !p.is_empty())
    {
        Some(p) => format!("{p}/{date}/{file}"),
        None => format!("{date}/{file}"),
    }
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The MD5 digest of `len` bytes of a file from `offset`.
pub(crate) fn md5_of(path: &Path, offset: u64, len: u64) -> std::io::Result<[u8; 16]> {
    use md5::{Digest, Md5};
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    f.seek(SeekFrom::Start(offset))?;
    let mut r = f.take(len);
    let mut h = Md5::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_names_have_no_leading_slash() {
        assert_eq!(object_name(None, "d", "a.tar"), "d/a.tar");
        assert_eq!(object_name(Some(""), "d", "a.tar"), "d/a.tar");
        assert_eq!(object_name(Some("/p/q/"), "d", "a.tar"), "p/q/d/a.tar");
    }

    #[test]
    fn md5_of_a_range() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("f");
        std::fs::write(&p, b"hello world").unwrap();
        assert_eq!(
            hex(&md5_of(&p, 0, 11).unwrap()),
            "5eb63bbbe01eeed093cb22bb8f5acdc3"
        );
        assert_eq!(
            hex(&md5_of(&p, 6, 100).unwrap()),
            hex(&md5_of(&p, 6, 5).unwrap())
        );
    }

    struct Flaky(std::sync::atomic::AtomicU32, bool);
    impl RemoteStore for Flaky {
        fn upload(&self, _: &Path, object: &str) -> Result<UploadReceipt, UploadError> {
            let n = self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if n < 2 {
                return Err(UploadError {
                    message: format!("failure {n}"),
                    permanent: self.1,
                    taken: false,
                });
            }
            Ok(UploadReceipt {
                location: object.into(),
                size: 0,
                etag: String::new(),
            })
        }

        fn exists(&self, _: &str) -> Result<bool, UploadError> {
            Ok(false)
        }
    }

    /// A store that says it holds every name.
    struct Everything;
    impl RemoteStore for Everything {
        fn upload(&self, _: &Path, _: &str) -> Result<UploadReceipt, UploadError> {
            Err(UploadError::permanent("not here"))
        }

        fn exists(&self, _: &str) -> Result<bool, UploadError> {
            Ok(true)
        }
    }

    /// A store that holds `held` already.
    struct Holding(Vec<String>);
    impl RemoteStore for Holding {
        fn upload(&self, _: &Path, _: &str) -> Result<UploadReceipt, UploadError> {
            Err(UploadError::permanent("not here"))
        }

        fn exists(&self, object: &str) -> Result<bool, UploadError> {
            Ok(self.0.iter().any(|h| h == object))
        }
    }

    fn remote(permanent: bool, attempts: u32) -> Remote {
        Remote {
            cfg: StoreConfig {
                name: "r".into(),
                backend: RemoteBackend::S3,
                container: "c".into(),
                file_name_prefix: None,
                delete_after_upload: false,
                upload_attempts: attempts,
                upload_backoff: Duration::from_millis(1),
                connect_timeout: Duration::from_secs(1),
                read_timeout: Duration::from_secs(1),
                options: vec![],
                settings: crate::config::remote::StoreSettings::S3(Default::default()),
            },
            store: Box::new(Flaky(Default::default(), permanent)),
        }
    }

    #[test]
    fn a_name_the_store_or_the_run_holds_is_numbered_past() {
        let mut r = remote(false, 1);
        r.cfg.container = "names-test".into();
        r.store = Box::new(Holding(vec![
            "d/db.t.csv.tar".into(),
            "d/db.t.1.csv.tar".into(),
        ]));
        let f = Path::new("db.t.csv.tar");
        assert_eq!(
            r.free_name(f, "d", "db.t.csv.tar").unwrap(),
            "d/db.t.2.csv.tar"
        );
        // Taken by this run now: the next file of that name goes further.
        assert_eq!(
            r.free_name(f, "d", "db.t.csv.tar").unwrap(),
            "d/db.t.3.csv.tar"
        );
        // A store that says it holds every name: the numbers end, with an error.
        let mut all = remote(false, 1);
        all.cfg.container = "names-test-all".into();
        all.store = Box::new(Everything);
        let e = all
            .free_name(f, "d", "db.t.csv.tar")
            .unwrap_err()
            .to_string();
        assert!(e.contains("the next 100 numbered ones"), "{e}");
        // Another bucket has its own names.
        r.cfg.container = "names-test-2".into();
        r.store = Box::new(Holding(vec![]));
        assert_eq!(
            r.free_name(f, "d", "db.t.csv.tar").unwrap(),
            "d/db.t.csv.tar"
        );
    }

    /// A store where other writers take `taken` between the run's look and its write: the
    /// look says free, the conditional write is refused.
    struct Racing(Vec<String>);
    impl RemoteStore for Racing {
        fn upload(&self, _: &Path, object: &str) -> Result<UploadReceipt, UploadError> {
            if self.0.iter().any(|t| t == object) {
                return Err(UploadError::taken("412"));
            }
            Ok(UploadReceipt {
                location: object.into(),
                size: 0,
                etag: String::new(),
            })
        }

        fn exists(&self, _: &str) -> Result<bool, UploadError> {
            Ok(false)
        }
    }

    #[test]
    fn a_name_taken_during_the_upload_is_numbered_past() {
        let mut r = remote(false, 3);
        r.cfg.container = "racing-test".into();
        r.store = Box::new(Racing(vec![
            "d/db.t.csv.tar".into(),
            "d/db.t.1.csv.tar".into(),
        ]));
        let f = Path::new("db.t.csv.tar");
        let (name, receipt) = r.upload_new(f, "d", "db.t.csv.tar").unwrap();
        assert_eq!(
            (name.as_str(), receipt.location.as_str()),
            ("d/db.t.2.csv.tar", "d/db.t.2.csv.tar")
        );
        // A store whose every name is taken: the numbers end, with an error.
        let mut all = remote(false, 3);
        all.cfg.container = "racing-test-all".into();
        all.store = Box::new(Racing(
            std::iter::once("d/x".to_string())
                .chain((1..=MAX_NUMBER + 1).map(|n| format!("d/{}", names::renumbered("x", n))))
                .collect(),
        ));
        assert!(all.upload_new(Path::new("x"), "d", "x").is_err());
    }

    #[test]
    fn uploads_are_retried_unless_the_failure_is_permanent() {
        assert!(remote(false, 3).upload(Path::new("f"), "o").is_ok());
        let e = remote(false, 2)
            .upload(Path::new("f"), "o")
            .unwrap_err()
            .to_string();
        assert!(e.contains("(2 attempts): failure 1"), "{e}");
        let e = remote(true, 5)
            .upload(Path::new("f"), "o")
            .unwrap_err()
            .to_string();
        assert!(e.contains("(1 attempt): failure 0"), "{e}");
    }
}
