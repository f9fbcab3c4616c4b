//! Every configuration key, defined once: the sections that read it, its type, its default and
//! one line of documentation. To add a key, add it here, read it in [`super::resolve`] (or, for
//! an `opt_*` key, in the remote store), and list it in the README's table and in
//! `archiver_sample.ini`; the tests check that those three agree.

use super::keys::{Default, KeyDef, Kind, Scopes};

/// The default selection predicate, as the original's sample writes it.
pub const DEFAULT_WHERE: &str = "${deleted_column} <= SUBDATE('{now}', INTERVAL ${retention})";

const fn key(
    name: &'static str,
    scopes: Scopes,
    kind: Kind,
    default: Default,
    doc: &'static str,
) -> KeyDef {
    KeyDef {
        name,
        aliases: &[],
        scopes,
        kind,
        default,
        doc,
    }
}

const fn alias(def: KeyDef, aliases: &'static [&'static str]) -> KeyDef {
    KeyDef { aliases, ..def }
}

use Default::*;

/// `ssl_mode`'s values, as the MySQL client spells them.
const SSL_MODES: &[&str] = super::model::SslMode::NAMES;
use Kind::*;

const A: Scopes = Scopes::ARCHIVER;
const SRC: Scopes = Scopes::SRC;
const DB: Scopes = Scopes::DST_DB;
const FILE: Scopes = Scopes::DST_FILE;
const CONN: Scopes = Scopes::CONN;
const SWIFT: Scopes = Scopes::SWIFT;
const S3: Scopes = Scopes::S3;
const REMOTE: Scopes = Scopes::REMOTE;
const SRC_DB: Scopes = Scopes::SRC.union(Scopes::DST_DB);

/// The keys, section by section, in the README's order.
#[rustfmt::skip]
pub const KEYS: &[KeyDef] = &[
    // [archiver:NAME]
    key("src", A, List, Required, "the sources ([src:NAME]) to archive"),
    key("dst", A, List, Empty, "the destinations ([dst:NAME]) to write to"),
    key("enable", A, Bool, Value("true"), "a disabled archiver is skipped"),
    // [src:NAME]
    key("backend", SRC, Choice { what: "backend", values: &["db"] }, Value("db"), "the only source backend"),
    key("host", CONN, Line, Value("localhost"), "the server's host"),
    key("port", CONN, Port, Value("3306"), "the server's port"),
    key("socket", CONN, Line, Unset, "a unix socket, used instead of host and port"),
    key("user", CONN, Line, Described("the login name (`$LOGNAME`, `$USER`, else the process's user)"), "the user to connect as"),
    key("password", CONN, Secret, Unset, "the user's password"),
    key("password_file", CONN, Text, Unset, "a file whose first line is the password"),
    key("password_env", CONN, Text, Unset, "an environment variable holding the password"),
    key("option_file", CONN, Text, Unset, "a MySQL option file (`~/.my.cnf`) read for its [client] group"),
    key("ssl_mode", CONN, Choice { what: "ssl mode", values: SSL_MODES }, Described("`verify_ca` with `ssl_ca`, `required` with `ssl_cert` alone, else `disabled`"), "TLS: disabled, preferred, required, verify_ca or verify_identity"),
    key("ssl_ca", CONN, Text, Unset, "PEM file of the CA that signs the server's certificate"),
    key("ssl_cert", CONN, Text, Unset, "PEM file of the client certificate (with ssl_key)"),
    key("ssl_key", CONN, Text, Unset, "PEM file of the client certificate's private key"),
    key("connect_timeout", CONN, Seconds, Value("30"), "seconds to open and set up a connection"),
    key("read_timeout", CONN, Seconds, Value("600"), "seconds to wait for the answer to one statement"),
    key("write_timeout", CONN, Seconds, Value("60"), "seconds to send one statement (added to read_timeout)"),
    key("databases", SRC, Selection, Value("*"), "the databases to archive"),
    key("excluded_databases", SRC, Regexes, Empty, "anchored regexes of databases to skip"),
    key("tables", SRC, Selection, Value("*"), "the tables to archive"),
    key("excluded_tables", SRC, Regexes, Empty, "anchored regexes of tables to skip"),
    key("retention", SRC, Retention, Described("(required by the default `where`)"), "how long soft-deleted rows are kept"),
    key("deleted_column", SRC, Text, Value("deleted_at"), "the soft-delete date column"),
    key("where", SRC, Text, Value(DEFAULT_WHERE), "the rows to archive and delete"),
    key("archive_data", SRC, Bool, Value("true"), "write rows to the destinations before deleting them"),
    key("delete_data", SRC, Bool, Value("false"), "delete the archived rows from the source"),
    key("select_limit", SRC, Positive, Value("1000"), "rows per read"),
    key("delete_limit", SRC, Positive, Value("500"), "rows per DELETE"),
    key("delete_loop_delay", SRC, Seconds, Value("2"), "seconds between two DELETEs"),
    key("progress_interval", SRC, Seconds, Value("10"), "seconds between two progress lines"),
    key("foreign_key_check", SRC, Bool, Value("true"), "keep foreign key checks on while deleting"),
    key("max_retries", SRC_DB, Count, Value("5"), "retries of a transient database error"),
    key("retry_time_limit", SRC_DB, Seconds, Value("2"), "seconds between two retries"),
    key("max_runtime", SRC, Duration, Unset, "time budget while this source is archived"),
    key("jobs", SRC, Positive, Value("1"), "tables of this source archived at the same time (--jobs overrides)"),
    key("lock_dir", SRC, Text, Described("`/run/osarchiver` (root), else `$XDG_RUNTIME_DIR`, else `/tmp`"), "where the lock file goes"),
    key("replicas", SRC, HostPorts, Empty, "replicas whose lag pauses deletes"),
    key("max_replication_lag", SRC, Count, Value("10"), "seconds of replica lag above which deletes pause"),
    key("max_threads_running", SRC, Positive, Unset, "Threads_running above which deletes pause"),
    key("max_wsrep_recv_queue", SRC, Count, Unset, "Galera receive queue above which deletes pause"),
    key("max_flow_control_paused", SRC, Fraction, Unset, "Galera flow control share above which deletes pause"),
    key("max_pause", SRC, Duration, Value("1h"), "longest throttle pause before the run gives up (0: no limit)"),
    // [dst:NAME], backend = db (and the connection keys above)
    key("backend", Scopes::DST, Choice { what: "backend", values: &["db", "file"] }, Value("db"), "`db` or `file`"),
    key("archive_data", Scopes::DST, Bool, Value("true"), "false: the destination is not written (as in the original)"),
    key("db_suffix", DB, Text, Empty, "suffix of the archive database; {date} allowed"),
    key("table_suffix", DB, Text, Empty, "suffix of the archive table; {date} allowed"),
    key("bulk_insert", DB, Positive, Value("1000"), "rows per multi-row INSERT"),
    key("server_side_copy", DB, Bool, Value("true"), "on the source's own server, copy rows inside the server (INSERT ... SELECT)"),
    // [dst:NAME], backend = file
    key("directory", FILE, Text, Required, "where files go; {date} allowed"),
    key("formats", FILE, Formats, Value("csv"), "csv, sql or both"),
    key("archive_format", FILE, ArchiveFormat, Value("tar"), "how finished files are packed or compressed"),
    key("compression_level", FILE, Count, Described("the format's own: gztar 1, gz, zip, bztar and xztar 6, zst 3"), "how hard archive_format compresses: gztar 1-12, gz and xztar 0-9, zip and bztar 1-9, zst 1-19"),
    key("remote_store", FILE, List, Empty, "the remote stores ([remote_store:NAME]) files are uploaded to"),
    // [remote_store:NAME]
    key("backend", REMOTE, Choice { what: "remote store backend", values: &["swift", "s3"] }, Value("swift"), "`swift` or `s3`"),
    key("container", REMOTE, Text, Required, "the Swift container or S3 bucket"),
    key("bucket", REMOTE, Text, Required, "the S3 bucket or Swift container (another name for container)"),
    key("file_name_prefix", REMOTE, Text, Empty, "prefix of the object names"),
    key("delete_after_upload", REMOTE, Bool, Value("false"), "remove the local file once uploaded"),
    key("upload_attempts", REMOTE, Attempts, Value("5"), "attempts per file and store"),
    key("upload_backoff", REMOTE, Backoff, Value("1"), "seconds before the second attempt, doubled after"),
    key("connect_timeout", REMOTE, Timeout, Value("15"), "seconds to connect to the store (and to Keystone)"),
    key("read_timeout", REMOTE, Timeout, Value("300"), "seconds a request may wait for an answer or stall while sending"),
    // Swift: python-swiftclient's options; each unset one is read from its environment variable
    alias(key("opt_os_auth_url", SWIFT, Text, Described("(required) or `OS_AUTH_URL`, `ST_AUTH`"), "Keystone or TempAuth URL (also `opt_auth`, `opt_auth_url`)"), &["opt_auth_url", "opt_auth"]),
    key("opt_auth_version", SWIFT, AuthVersion, Described("`ST_AUTH_VERSION`, else `1` with `opt_auth`, `opt_user` and `opt_key` or a `/auth/v1.0` URL, else `3`"), "3: Keystone v3 (2.0 read as 3); 1: TempAuth"),
    key("opt_os_auth_type", SWIFT, Choice { what: "auth type", values: &["password", "v3password", "token", "v3token", "applicationcredential", "v3applicationcredential", "v1password", "v2password"] }, Described("`OS_AUTH_TYPE`, else from the credentials given"), "Keystone method: v3password, v3token or v3applicationcredential (swiftclient's v1password is TempAuth, v2password v3password)"),
    key("opt_os_username", SWIFT, Text, Described("`OS_USERNAME`"), "the Keystone user"),
    key("opt_os_user_id", SWIFT, Text, Described("`OS_USER_ID`"), "the Keystone user's id, instead of its name"),
    key("opt_os_password", SWIFT, Secret, Described("`OS_PASSWORD`"), "the Keystone user's password"),
    alias(key("opt_os_project_name", SWIFT, Text, Described("`OS_PROJECT_NAME`, `OS_TENANT_NAME`"), "the project the token is scoped to (also `opt_os_tenant_name`)"), &["opt_os_tenant_name"]),
    alias(key("opt_os_project_id", SWIFT, Text, Described("`OS_PROJECT_ID`, `OS_TENANT_ID`"), "the project's id, instead of its name (also `opt_os_tenant_id`)"), &["opt_os_tenant_id"]),
    key("opt_os_user_domain_name", SWIFT, Text, Described("`OS_USER_DOMAIN_NAME`, else `Default`"), "the user's domain"),
    key("opt_os_user_domain_id", SWIFT, Text, Described("`OS_USER_DOMAIN_ID`"), "the user's domain id, instead of its name"),
    key("opt_os_project_domain_name", SWIFT, Text, Described("`OS_PROJECT_DOMAIN_NAME`, else `Default`"), "the project's domain"),
    key("opt_os_project_domain_id", SWIFT, Text, Described("`OS_PROJECT_DOMAIN_ID`"), "the project's domain id, instead of its name"),
    key("opt_os_application_credential_id", SWIFT, Secret, Described("`OS_APPLICATION_CREDENTIAL_ID`"), "application credential id"),
    key("opt_os_application_credential_name", SWIFT, Secret, Described("`OS_APPLICATION_CREDENTIAL_NAME`"), "application credential name (with the user)"),
    key("opt_os_application_credential_secret", SWIFT, Secret, Described("`OS_APPLICATION_CREDENTIAL_SECRET`"), "application credential secret"),
    key("opt_os_auth_token", SWIFT, Secret, Described("`OS_AUTH_TOKEN`"), "a token: with a storage URL used as is, else exchanged (v3token)"),
    key("opt_os_storage_url", SWIFT, Text, Described("`OS_STORAGE_URL`, else the catalog's"), "the Swift account URL"),
    key("opt_os_region_name", SWIFT, Text, Described("`OS_REGION_NAME`, else any"), "the region of the object-store endpoint"),
    alias(key("opt_os_interface", SWIFT, Choice { what: "endpoint type", values: &["public", "internal", "admin", "publicurl", "internalurl", "adminurl"] }, Described("`OS_ENDPOINT_TYPE`, `OS_INTERFACE`, else `public`"), "the endpoint's interface (also `opt_os_endpoint_type`)"), &["opt_os_endpoint_type"]),
    key("opt_os_service_type", SWIFT, Text, Described("`OS_SERVICE_TYPE`, else `object-store`"), "the catalog's service type"),
    key("opt_os_cacert", SWIFT, Text, Described("`OS_CACERT`"), "PEM file of CAs trusted besides the system's and the built-in ones"),
    key("opt_os_cert", SWIFT, Text, Described("`OS_CERT`"), "PEM file of the client certificate (and its key)"),
    key("opt_os_key", SWIFT, Secret, Described("`OS_KEY`"), "PEM file of the client certificate's key"),
    key("opt_insecure", SWIFT, Bool, Described("`SWIFTCLIENT_INSECURE`, else `false`"), "do not verify TLS certificates"),
    key("opt_user", SWIFT, Text, Described("`ST_USER`"), "TempAuth's user (account:user)"),
    key("opt_key", SWIFT, Secret, Described("`ST_KEY`"), "TempAuth's key"),
    key("opt_retries", SWIFT, Count, Described("`upload_attempts` - 1"), "swiftclient's retries: upload_attempts is this plus one"),
    key("opt_timeout", SWIFT, Timeout, Described("`read_timeout`"), "swiftclient's name for read_timeout"),
    key("opt_segment_size", SWIFT, NonZeroSize, Value("1G"), "files above this size go up in segments"),
    key("opt_segment_container", SWIFT, Text, Described("`<container>_segments`"), "where the segments go"),
    // S3
    key("opt_endpoint_url", S3, Text, Described("AWS"), "the URL of an S3-compatible store"),
    key("opt_region", S3, Text, Described("the AWS chain, else `us-east-1`"), "the region"),
    key("opt_force_path_style", S3, Bool, Described("`true` with an endpoint, else `false`"), "path-style addressing"),
    key("opt_aws_access_key_id", S3, Secret, Described("the AWS chain"), "the access key id"),
    key("opt_aws_secret_access_key", S3, Secret, Described("the AWS chain"), "the secret access key"),
    key("opt_aws_session_token", S3, Secret, Described("the AWS chain"), "the session token"),
    key("opt_profile", S3, Text, Described(""), "the ~/.aws profile to use"),
    key("opt_multipart_threshold", S3, Size, Value("64M"), "files above this size go up in parts"),
    key("opt_part_size", S3, NonZeroSize, Value("16M"), "the part size"),
    key("opt_checksums", S3, Choice { what: "checksums", values: &["when_required", "when_supported"] }, Value("when_required"), "the SDK's request checksums"),
    key("opt_storage_class", S3, Text, Described("the bucket's"), "the objects' storage class"),
    key("opt_create_bucket", S3, Bool, Value("false"), "create the bucket when missing"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::keys::find;

    #[test]
    fn built_in_defaults_are_valid_values() {
        for d in KEYS {
            if let Some(v) = d.default.value() {
                if !v.is_empty() {
                    assert_eq!(d.kind.check(v), Ok(()), "{}", d.name);
                }
            }
        }
    }

    #[test]
    fn a_key_is_defined_once_per_kind_of_section() {
        let scopes = [
            Scopes::ARCHIVER,
            Scopes::SRC,
            Scopes::DST_DB,
            Scopes::DST_FILE,
            Scopes::SWIFT,
            Scopes::S3,
        ];
        for d in KEYS {
            assert_eq!(d.name, d.name.to_lowercase());
            for s in scopes.into_iter().filter(|s| d.scopes.meets(*s)) {
                for n in std::iter::once(&d.name).chain(d.aliases) {
                    let count = KEYS.iter().filter(|o| o.scopes.meets(s) && o.is(n)).count();
                    assert_eq!(count, 1, "{n} in {}", s.describe());
                }
            }
            assert!(!d.doc.is_empty(), "{} has no documentation", d.name);
        }
        assert_eq!(
            find(Scopes::SWIFT, "opt_auth_url").map(|d| d.name),
            Some("opt_os_auth_url")
        );
        assert!(find(Scopes::S3, "opt_os_auth_url").is_none());
    }

    /// The README promises that values of keys that look like secrets are masked.
    #[test]
    fn keys_that_look_like_secrets_are_secrets() {
        for d in KEYS.iter().filter(|d| d.name.starts_with("opt_")) {
            let looks = ["password", "secret", "key", "token", "credential"]
                .iter()
                .any(|s| d.name.contains(s));
            assert_eq!(looks, d.is_secret(), "{}", d.name);
        }
        assert!(find(Scopes::SRC, "password").is_some_and(|d| d.is_secret()));
        assert!(find(Scopes::DST_DB, "password").is_some_and(|d| d.is_secret()));
    }
}
