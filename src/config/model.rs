//! The resolved, typed configuration: what a run will do, with every default filled in.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::RunClock;

/// A password: kept out of every log line and `--check-config` output.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }

    /// The clear text, for the connection only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

/// Where a MySQL/MariaDB server is and who we are on it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DbConnection {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<Secret>,
    /// A unix socket; when set it is used instead of host and port.
    pub socket: Option<PathBuf>,
    /// Boxed: most connections have none, and it would make every holder large.
    pub tls: Box<Tls>,
    pub timeouts: Timeouts,
}

/// `ssl_mode`, as the MySQL client spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    /// No TLS.
    #[default]
    Disabled,
    /// TLS when the server offers it, its certificate not checked; plain otherwise.
    Preferred,
    /// TLS or no connection; the certificate is not checked.
    Required,
    /// TLS, the server's certificate signed by `ssl_ca`; its name is not checked.
    VerifyCa,
    /// As `VerifyCa`, and the certificate names the host connected to.
    VerifyIdentity,
}

impl SslMode {
    pub const NAMES: &'static [&'static str] = &[
        "disabled",
        "preferred",
        "required",
        "verify_ca",
        "verify_identity",
    ];

    pub fn parse(s: &str) -> Option<SslMode> {
        Some(
            match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "disabled" => SslMode::Disabled,
                "preferred" => SslMode::Preferred,
                "required" => SslMode::Required,
                "verify_ca" => SslMode::VerifyCa,
                "verify_identity" => SslMode::VerifyIdentity,
                _ => return None,
            },
        )
    }

    pub fn name(self) -> &'static str {
        match self {
            SslMode::Disabled => "disabled",
            SslMode::Preferred => "preferred",
            SslMode::Required => "required",
            SslMode::VerifyCa => "verify_ca",
            SslMode::VerifyIdentity => "verify_identity",
        }
    }
}

/// TLS to a database server.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tls {
    pub mode: SslMode,
    /// PEM file of the certificate authorities that sign the server's certificate.
    pub ca: Option<PathBuf>,
    /// PEM files of the client's certificate (chain) and private key; both or neither.
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// Client-side bounds on a database session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening a connection and setting its session up.
    pub connect: Duration,
    /// Waiting for the server's answer to one statement (or one attempt of an operation).
    pub read: Duration,
    /// Sending one statement; added to `read` for the attempt's single deadline.
    pub write: Duration,
}

impl Timeouts {
    /// The built-in defaults (the `connect_timeout`, `read_timeout`, `write_timeout` keys').
    pub const DEFAULT: Timeouts = Timeouts {
        connect: Duration::from_secs(30),
        read: Duration::from_secs(600),
        write: Duration::from_secs(60),
    };

    /// The longest one attempt of an operation may take.
    pub fn operation(&self) -> Duration {
        self.read.saturating_add(self.write)
    }
}

impl std::default::Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts::DEFAULT
    }
}

/// Which databases or tables: all (`*`) or a list of names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    Names(Vec<String>),
}

/// Retry policy for transient database errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retry {
    pub max_retries: u64,
    pub delay: Duration,
}

/// A `[src:NAME]` section with `backend=db`.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub name: String,
    pub conn: DbConnection,
    pub databases: Selection,
    pub tables: Selection,
    /// Anchored regexes (`^(?:re)$`), already validated.
    pub excluded_databases: Vec<String>,
    pub excluded_tables: Vec<String>,
    /// `N UNIT`, when set.
    pub retention: Option<String>,
    pub deleted_column: String,
    /// The selection predicate, interpolated, with `{now}` replaced.
    pub where_clause: String,
    /// `where` is the built-in default (`deleted_column` compared with a date).
    pub where_is_default: bool,
    pub archive_data: bool,
    pub delete_data: bool,
    pub select_limit: u64,
    pub delete_limit: u64,
    pub delete_loop_delay: Duration,
    /// Without a terminal, how often a long table logs its progress (zero: never).
    pub progress_interval: Duration,
    pub retry: Retry,
    pub foreign_key_check: bool,
    /// The time budget of the run while this source is archived, from the run's start.
    pub max_runtime: Option<Duration>,
    /// How many tables of this source may be archived at the same time (`jobs`; `--jobs`
    /// overrides it): 1 is one table after the other.
    pub jobs: usize,
    /// Where the lock file goes; `None`: the default ([`crate::lock::default_dir`]).
    pub lock_dir: Option<PathBuf>,
    pub throttle: ThrottleConfig,
}

/// When to pause between delete chunks (see [`crate::throttle`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThrottleConfig {
    /// Replicas to watch, `host:port`, reached with the source's credentials.
    pub replicas: Vec<(String, u16)>,
    /// Seconds of lag (`Seconds_Behind_Master`) above which deletes pause.
    pub max_replication_lag: u64,
    /// `Threads_running` on the source above which deletes pause.
    pub max_threads_running: Option<u64>,
    /// Galera: `wsrep_local_recv_queue` above which deletes pause.
    pub max_wsrep_recv_queue: Option<u64>,
    /// Galera: the share of time (0 to 1) flow control paused replication since the previous
    /// check, above which deletes pause.
    pub max_flow_control_paused: Option<f64>,
    /// The longest a pause may last: then the run stops, as a failure (`None`: no limit).
    pub max_pause: Option<Duration>,
}

impl ThrottleConfig {
    /// Whether any check is configured.
    pub fn is_active(&self) -> bool {
        !self.replicas.is_empty()
            || self.max_threads_running.is_some()
            || self.max_wsrep_recv_queue.is_some()
            || self.max_flow_control_paused.is_some()
    }
}

/// A `[dst:NAME]` section.
#[derive(Debug, Clone, PartialEq)]
pub enum Destination {
    Db(DbDestination),
    File(FileDestination),
}

impl Destination {
    pub fn name(&self) -> &str {
        match self {
            Destination::Db(d) => &d.name,
            Destination::File(f) => &f.name,
        }
    }
}

/// `backend=db`: an archive database.
#[derive(Debug, Clone, PartialEq)]
pub struct DbDestination {
    pub name: String,
    pub conn: DbConnection,
    /// With `{date}` replaced; `None` when not set (the same-server rule may then apply `_archive`).
    pub db_suffix: Option<String>,
    pub table_suffix: Option<String>,
    pub bulk_insert: u64,
    /// On the source's own server, copy rows with `INSERT ... SELECT` inside the server
    /// ([`crate::archiver::server_copy`]) rather than through osarchiver.
    pub server_side_copy: bool,
    pub retry: Retry,
}

/// A file format written by a file destination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    Csv,
    Sql,
}

impl FileFormat {
    pub fn parse(s: &str) -> Option<FileFormat> {
        match s.to_lowercase().as_str() {
            "csv" => Some(FileFormat::Csv),
            "sql" => Some(FileFormat::Sql),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Sql => "sql",
        }
    }
}

/// How finished files are packed: the original's `shutil.make_archive` formats, and streaming
/// compressors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    Tar,
    Gztar,
    Bztar,
    Xztar,
    Zip,
    Gz,
    Zst,
}

impl ArchiveFormat {
    pub const ALL: &'static [(&'static str, ArchiveFormat)] = &[
        ("tar", ArchiveFormat::Tar),
        ("gztar", ArchiveFormat::Gztar),
        ("bztar", ArchiveFormat::Bztar),
        ("xztar", ArchiveFormat::Xztar),
        ("zip", ArchiveFormat::Zip),
        ("gz", ArchiveFormat::Gz),
        ("zst", ArchiveFormat::Zst),
    ];

    pub fn parse(s: &str) -> Option<ArchiveFormat> {
        let s = s.to_lowercase();
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, f)| *f)
    }

    /// The compression levels this format takes and the one it uses when `compression_level`
    /// is unset; `None` for `tar`, which does not compress.
    ///
    /// `gztar` defaults to libdeflate's fastest level: on OpenStack rows it compresses twice
    /// as fast as level 6 for about 12% more bytes, which matters more inside a maintenance
    /// window than in the archive's store. The others keep their library's usual default.
    pub fn levels(self) -> Option<Levels> {
        let (min, max, default) = match self {
            ArchiveFormat::Tar => return None,
            ArchiveFormat::Gztar => (1, 12, 1),
            ArchiveFormat::Bztar => (1, 9, 6),
            ArchiveFormat::Xztar | ArchiveFormat::Gz => (0, 9, 6),
            ArchiveFormat::Zip => (1, 9, 6),
            ArchiveFormat::Zst => (1, 19, 3),
        };
        Some(Levels { min, max, default })
    }

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, f)| *f == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }
}

/// The compression levels of an [`ArchiveFormat`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Levels {
    pub min: u32,
    pub max: u32,
    pub default: u32,
}

/// `backend=file`: CSV and/or SQL files in a directory.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDestination {
    pub name: String,
    /// With `{date}` replaced.
    pub directory: PathBuf,
    pub formats: Vec<FileFormat>,
    pub archive_format: ArchiveFormat,
    /// The compression level of `archive_format` (0 for `tar`).
    pub compression_level: u32,
    pub remote_stores: Vec<RemoteStore>,
}

/// The object store behind a remote store section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RemoteBackend {
    Swift,
    S3,
}

/// A `[remote_store:NAME]` section.
#[derive(Debug, Clone, PartialEq)]
pub struct RemoteStore {
    pub name: String,
    pub backend: RemoteBackend,
    /// The container (Swift) or bucket (S3).
    pub container: String,
    pub file_name_prefix: Option<String>,
    /// Remove the local file once its upload is confirmed (default false: keep it).
    pub delete_after_upload: bool,
    /// Attempts per upload (at least 1; default 5).
    pub upload_attempts: u32,
    /// Wait before the second attempt, doubled before each next one (default 1 s).
    pub upload_backoff: std::time::Duration,
    /// Seconds to connect (each connection).
    pub connect_timeout: std::time::Duration,
    /// Seconds a request may wait for an answer, or stall while sending.
    pub read_timeout: std::time::Duration,
    /// The `opt_*` keys as written, without the prefix (for `--check-config`; values may be
    /// secrets and are masked when shown).
    pub options: Vec<(String, String)>,
    /// The `opt_*` keys (and the environment), resolved and typed: what the store reads.
    pub settings: super::remote::StoreSettings,
}

/// An `[archiver:NAME]` section that is enabled: its sources and destinations, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Archiver {
    pub name: String,
    pub sources: Vec<Source>,
    pub destinations: Vec<Destination>,
}

/// The whole plan of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub path: PathBuf,
    pub clock: RunClock,
    /// Enabled archivers, in file order.
    pub archivers: Vec<Archiver>,
    /// Names of the archivers disabled with `enable = false`.
    pub disabled: Vec<String>,
    /// The `(db_suffix, table_suffix)` of the file's other `[dst:NAME]` sections with `backend
    /// = db` (those of disabled archivers, or of none): their archives are archives all the
    /// same ([`Config::archive_suffixes`]).
    pub other_db_suffixes: Vec<(Option<String>, Option<String>)>,
}

impl Config {
    /// The `(db_suffix, table_suffix)` of every archive-database destination of the file, its
    /// archiver enabled or not (`_archive` for the database when it is not set: what a
    /// destination on the source's server uses), with `{date}` as this run writes it. A database or table named by
    /// one of them after another database or table of the server is an archive of this run, or
    /// of an earlier one: never a source, whichever archiver's source lists it (a second
    /// archiver with `databases = *` purged the first one's archive database).
    pub fn archive_suffixes(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        let enabled = self
            .archivers
            .iter()
            .flat_map(|a| &a.destinations)
            .filter_map(|d| match d {
                Destination::Db(d) => Some((d.db_suffix.clone(), d.table_suffix.clone())),
                Destination::File(_) => None,
            });
        for (db, table) in enabled.chain(self.other_db_suffixes.iter().cloned()) {
            let db = db.unwrap_or_default();
            let table = table.unwrap_or_default();
            // Without db_suffix, `_archive` on the source's own server; beside their sources
            // (a table suffix alone) on another server, and where builds before 2026-12-07
            // put them on the same one.
            let pairs = if db.is_empty() && table.is_empty() {
                vec![("_archive".to_string(), String::new())]
            } else if db.is_empty() {
                vec![("_archive".to_string(), table.clone()), (db, table)]
            } else {
                vec![(db, table)]
            };
            for pair in pairs {
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
        out
    }
}
