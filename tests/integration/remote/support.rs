//! Shared by the remote store tests (`remote/*.rs`): a run's configuration with one file
//! destination that uploads to `[remote_store:r]`, a run of it over a table of its own
//! ([`run_to_store`]), and the local files it left; a store called directly ([`with_store`]),
//! and the conditional writes every store must make ([`never_replaces`]).

use std::path::{Path, PathBuf};

use crate::file::support::{simple_table, src_section};
use crate::harness::{server as test_server, unique_name, Osarchiver, Output, ScratchDb};

/// Archiver `a`: source `s` (database `db`), file destination `f` in `directory`
/// (`formats`, `archive_format`) with `remote_store = r`, whose section is `store` (keys, one
/// a line).
pub fn config(
    db: &str,
    directory: &Path,
    formats: &str,
    archive_format: &str,
    store: &str,
) -> String {
    format!(
        "[archiver:a]\nsrc = s\ndst = f\n\n{}\
         [dst:f]\nbackend = file\ndirectory = {}\nformats = {formats}\narchive_format = {archive_format}\nremote_store = r\n\n\
         [remote_store:r]\n{store}\n",
        src_section("s", db, "delete_data = true"),
        directory.display()
    )
}

/// A finished [`run_to_store`]: its output (which keeps the run's directory), its database,
/// the directory of its files and the container (or bucket) name it was given.
pub struct StoreRun {
    pub out: Output,
    pub db: ScratchDb<'static>,
    pub dir: PathBuf,
    pub container: String,
}

/// Runs over a new database (`<tag>_...`) with `rows` eligible rows in `t`, writing `formats`
/// packed as `archive`, uploaded to the store section `store(container)` for a new container
/// name.
pub fn run_to_store(
    tag: &str,
    rows: u32,
    formats: &str,
    archive: &str,
    store: impl FnOnce(&str) -> String,
) -> StoreRun {
    run_to_store_with(tag, rows, formats, archive, store, |c| c)
}

/// [`run_to_store`], the command changed by `with` first (environment variables...).
pub fn run_to_store_with(
    tag: &str,
    rows: u32,
    formats: &str,
    archive: &str,
    store: impl FnOnce(&str) -> String,
    with: impl FnOnce(Osarchiver) -> Osarchiver,
) -> StoreRun {
    let db = ScratchDb::create(test_server(), tag);
    simple_table(&db.q("t"), rows);
    let cmd = with(Osarchiver::new());
    let dir = cmd.dir().join("out");
    let container = unique_name("osa_ct");
    let text = config(&db.name, &dir, formats, archive, &store(&container));
    StoreRun {
        out: cmd.config_text(text).run(),
        db,
        dir,
        container,
    }
}

/// The object name's date part: `<prefix>/<date>/<file>` split, checking the shape.
pub fn split_object<'a>(key: &'a str, prefix: Option<&str>) -> (&'a str, &'a str) {
    assert!(!key.starts_with('/'), "leading slash in {key:?}");
    let rest = match prefix {
        Some(p) => key
            .strip_prefix(&format!("{p}/"))
            .unwrap_or_else(|| panic!("{key:?} does not start with {p}/")),
        None => key,
    };
    let (date, file) = rest
        .split_once('/')
        .unwrap_or_else(|| panic!("{key:?}: no <date>/<file>"));
    assert!(
        date.len() >= 10 && date.starts_with("20") && !file.contains('/'),
        "{key:?}: expected <date>/<file>"
    );
    (date, file)
}

#[test]
fn check_config_shows_remote_stores_with_their_secrets_masked() {
    let cmd = crate::harness::Osarchiver::new();
    let dir = cmd.dir().join("out");
    let text = format!(
        "[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nhost = 127.0.0.1\ndatabases = x\nretention = 1 DAY\n\n\
         [dst:f]\nbackend = file\ndirectory = {}\nremote_store = sw, s3\n\n\
         [remote_store:sw]\ncontainer = c\nopt_auth_version = 1\nopt_os_auth_url = http://h/auth/v1.0\n\
         opt_user = a:u\nopt_key = KEY-VALUE\nopt_os_password = PW-VALUE\n\n\
         [remote_store:s3]\nbackend = s3\nbucket = b\ndelete_after_upload = yes\nupload_attempts = 2\n\
         opt_aws_access_key_id = ID-VALUE\nopt_aws_secret_access_key = SECRET-VALUE\nopt_aws_session_token = TOKEN-VALUE\n",
        dir.display()
    );
    let out = cmd.config_text(text).arg("--check-config").run();
    out.assert_success()
        .output_contains("remote store sw (Swift) container: c")
        .output_contains("remote store s3 (S3) container: b")
        .output_contains("delete_after_upload: true  upload_attempts: 2")
        .output_contains("opt_user = a:u")
        .output_contains("opt_aws_secret_access_key = ********");
    for secret in [
        "KEY-VALUE",
        "PW-VALUE",
        "ID-VALUE",
        "SECRET-VALUE",
        "TOKEN-VALUE",
    ] {
        out.output_lacks(secret);
    }
}

#[test]
fn bad_remote_store_values_are_configuration_errors() {
    for (key, value) in [
        ("upload_attempts", "0"),
        ("upload_backoff", "soon"),
        ("delete_after_upload", "maybe"),
    ] {
        let cmd = crate::harness::Osarchiver::new();
        let text = format!(
            "[archiver:a]\nsrc = s\ndst = f\n\n[src:s]\nhost = 127.0.0.1\ndatabases = x\nretention = 1 DAY\n\n\
             [dst:f]\nbackend = file\ndirectory = /tmp/x\nremote_store = r\n\n\
             [remote_store:r]\ncontainer = c\n{key} = {value}\n"
        );
        let out = cmd.config_text(text).arg("--check-config").run();
        assert_ne!(out.code, Some(0), "{out}");
        out.output_contains(&format!("[remote_store:r], key '{key}'"));
    }
}

/// Opens a `[remote_store]` section of `backend` with `options` (keys without `opt_`) on
/// `container`, as a run's blocking jobs use it (in a runtime's context, off its threads),
/// and runs `f` with it.
pub fn with_store<T>(
    backend: osarchiver::config::RemoteBackend,
    container: &str,
    options: &[(&str, String)],
    f: impl FnOnce(&osarchiver::destination::remote::Remote) -> T,
) -> T {
    use std::time::Duration;
    let options: Vec<(String, String)> = options
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    let (settings, _) = osarchiver::config::remote::resolve(backend, &options, &|_| None).unwrap();
    let cfg = osarchiver::config::RemoteStore {
        name: "r".into(),
        backend,
        container: container.to_string(),
        file_name_prefix: None,
        delete_after_upload: false,
        upload_attempts: 2,
        upload_backoff: Duration::from_millis(50),
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(10),
        options,
        settings,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let _in_runtime = rt.enter();
    let remote = osarchiver::destination::remote::Remote::open(&cfg).unwrap();
    f(&remote)
}

/// How a test writes to a store as another writer, and reads it back.
pub struct Store<'a> {
    pub put: &'a dyn Fn(&str, &[u8]),
    pub get: &'a dyn Fn(&str) -> Option<Vec<u8>>,
    pub list: &'a dyn Fn() -> Vec<String>,
}

/// Conditional writes (`If-None-Match: *`), on a store whose files of more than 8 KiB go up in
/// parts: an object another writer put under the name after the run looked (two runs started
/// in the same second into one bucket) is never replaced, single-part or multipart: the store
/// refuses the write (412), and the error says the name is taken (the upload goes on under
/// the next number, see `Remote::upload_new`); the same bytes under the name (an earlier
/// attempt whose answer was lost) count as uploaded.
pub fn never_replaces(remote: &osarchiver::destination::remote::Remote, store: Store<'_>) {
    use osarchiver::destination::remote::RemoteError;
    let dir = tempfile::tempdir().unwrap();
    let (small, big) = (dir.path().join("small"), dir.path().join("big"));
    std::fs::write(&small, b"our small file").unwrap();
    std::fs::write(&big, vec![b'x'; 20_000]).unwrap();
    // The first upload creates the bucket or the container.
    remote.upload(&small, "fresh").unwrap();
    let other = b"another writer's object".to_vec();
    for (path, key) in [(&small, "taken-small"), (&big, "taken-big")] {
        (store.put)(key, &other);
        match remote.upload(path, key) {
            Err(RemoteError::Upload { source, .. }) => {
                assert!(source.taken, "{source}");
                assert!(source.message.contains("412"), "{source}");
            }
            other => panic!("{key}: {other:?}"),
        }
        assert_eq!((store.get)(key), Some(other.clone()), "{key}");
    }
    // Our own bytes under the name: uploaded, not taken (single-part and multipart).
    remote.upload(&small, "fresh").unwrap();
    remote.upload(&big, "fresh-big").unwrap();
    remote.upload(&big, "fresh-big").unwrap();
    assert_eq!((store.get)("fresh-big"), Some(vec![b'x'; 20_000]));
    assert_eq!(
        (store.list)(),
        ["fresh", "fresh-big", "taken-big", "taken-small"]
    );
}
