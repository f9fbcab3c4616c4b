//! The options each kind of section understands, so that a typo (`delete_dat`) is reported
//! instead of silently ignored.

/// What a section is, from its name's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    Archiver,
    Source,
    Destination,
    RemoteStore,
}

impl SectionKind {
    /// The kind of a section named `archiver:x`, `src:x`, `dst:x` or `remote_store:x`.
    pub fn of(section: &str) -> Option<(SectionKind, &str)> {
        let (prefix, name) = section.split_once(':')?;
        let kind = match prefix {
            "archiver" => SectionKind::Archiver,
            "src" => SectionKind::Source,
            "dst" => SectionKind::Destination,
            "remote_store" => SectionKind::RemoteStore,
            _ => return None,
        };
        Some((kind, name))
    }

    /// The options this kind of section reads.
    pub fn known_keys(self) -> &'static [&'static str] {
        match self {
            SectionKind::Archiver => ARCHIVER,
            SectionKind::Source => SOURCE,
            SectionKind::Destination => DESTINATION,
            SectionKind::RemoteStore => REMOTE_STORE,
        }
    }
}

const ARCHIVER: &[&str] = &["src", "dst", "enable"];

/// Connection options shared by the db source and the db destination.
pub const CONNECTION: &[&str] = &["backend", "host", "port", "user", "password", "socket"];

const SOURCE: &[&str] = &[
    "backend",
    "host",
    "port",
    "user",
    "password",
    "socket",
    "databases",
    "tables",
    "excluded_databases",
    "excluded_tables",
    "retention",
    "deleted_column",
    "where",
    "archive_data",
    "delete_data",
    "select_limit",
    "delete_limit",
    "bulk_insert",
    "delete_loop_delay",
    "progress_interval",
    "max_retries",
    "retry_time_limit",
    "foreign_key_check",
    "max_runtime",
    "lock_dir",
    "replicas",
    "max_replication_lag",
    "max_threads_running",
    "max_wsrep_recv_queue",
    "max_flow_control_paused",
];

const DESTINATION: &[&str] = &[
    "backend",
    "host",
    "port",
    "user",
    "password",
    "socket",
    "db_suffix",
    "table_suffix",
    "bulk_insert",
    "max_retries",
    "retry_time_limit",
    "select_limit",
    "delete_limit",
    "directory",
    "formats",
    "archive_format",
    "remote_store",
];

const REMOTE_STORE: &[&str] = &[
    "backend",
    "container",
    "bucket",
    "file_name_prefix",
    "delete_after_upload",
    "upload_attempts",
    "upload_backoff",
];

/// Whether `key` is an option of `kind`; remote stores also take any `opt_*` key.
pub fn is_known(kind: SectionKind, key: &str) -> bool {
    kind.known_keys().contains(&key)
        || (kind == SectionKind::RemoteStore && key.starts_with("opt_"))
}

/// Whether `key` in DEFAULT is an option of some kind of section.
pub fn is_known_anywhere(key: &str) -> bool {
    [
        SectionKind::Archiver,
        SectionKind::Source,
        SectionKind::Destination,
        SectionKind::RemoteStore,
    ]
    .into_iter()
    .any(|k| is_known(k, key))
}
