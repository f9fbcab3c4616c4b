//! The Swift remote store against a real Swift on loopback (see `harness/swift.rs`), with
//! TempAuth: the container created, each table's files uploaded as `<date>/<file>` without a
//! prefix (no leading slash) and downloaded back identical, a static large object when a
//! file is above the segment size (and its segments deleted when Swift refuses its manifest),
//! and a wrong password failing clearly without retries.

use crate::file::support::{count, file_names, simple_table};
use crate::harness::swift::{swift, Swift, KEY, USER};
use crate::harness::{server as test_server, ScratchDb};
use crate::harness::{unique_name, Osarchiver};
use crate::remote::support::{
    config, never_replaces, run_to_store, split_object, with_store, Store, StoreRun,
};

/// A `[remote_store:...]` section for the test Swift; `extra` may set `upload_attempts` (3 by
/// default) and adds its other keys.
fn store(swift: &Swift, container: &str, key: &str, extra: &str) -> String {
    let attempts = if extra.contains("upload_attempts") {
        ""
    } else {
        "upload_attempts = 3\n"
    };
    format!(
        "backend = swift\ncontainer = {container}\n{attempts}upload_backoff = 0.1\n\
         opt_auth_version = 1\nopt_os_auth_url = {}\nopt_user = {USER}\nopt_key = {key}\n{extra}",
        swift.auth_url()
    )
}

#[test]
fn swift_uploads_each_table_files_into_a_new_container_and_they_download_identical() {
    let Some(swift) = swift() else { return };
    let db = ScratchDb::create(test_server(), "osa_sw_up");
    simple_table(&db.q("t"), 20);
    simple_table(&db.q("u"), 2);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let c = unique_name("osa_sw");
    let out = cmd
        .config_text(config(
            &db.name,
            &dir,
            "csv, sql",
            "zip",
            &store(swift, &c, KEY, ""),
        ))
        .run();
    out.assert_success();
    let local = file_names(&dir);
    assert_eq!(local.len(), 4, "{local:?}\n{out}");
    let names = swift.list(&c);
    let mut uploaded: Vec<String> = names
        .iter()
        .map(|n| {
            let (date, file) = split_object(n, None);
            let encoded = format!("{}/{file}", date.replace(':', "%3A"));
            let bytes = swift.get(&c, &encoded).expect("the object downloads");
            assert_eq!(bytes, std::fs::read(dir.join(file)).unwrap(), "{n}");
            file.to_string()
        })
        .collect();
    uploaded.sort();
    assert_eq!(uploaded, local, "{out}");
    assert_eq!(count(&db.q("t")), 0);
}

#[test]
fn swift_files_above_the_segment_size_become_static_large_objects() {
    let Some(swift) = swift() else { return };
    let extra = "file_name_prefix = p\nopt_segment_size = 1K";
    let StoreRun {
        out,
        db,
        dir,
        container: c,
    } = run_to_store("osa_sw_slo", 60, "sql", "tar", |c| {
        store(swift, c, KEY, extra)
    });
    out.assert_success();
    let file = format!("{}.t.sql.tar", db.name);
    let local = std::fs::read(dir.join(&file)).unwrap();
    assert!(local.len() > 3 * 1024, "{} bytes only", local.len());
    let names = swift.list(&c);
    assert_eq!(names.len(), 1, "{names:?}");
    let (date, f) = split_object(&names[0], Some("p"));
    assert_eq!(f, file);
    let encoded = format!("p/{}/{file}", date.replace(':', "%3A"));
    assert_eq!(swift.get(&c, &encoded).unwrap(), local);
    let headers = swift.head(&c, &encoded);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "x-static-large-object" && v.eq_ignore_ascii_case("true")),
        "{headers:?}"
    );
    let segments = swift.list(&format!("{c}_segments"));
    assert_eq!(segments.len(), local.len().div_ceil(1024), "{segments:?}");
}

#[test]
fn swift_wrong_password_is_a_clear_error_the_file_stays_and_the_run_fails() {
    let Some(swift) = swift() else { return };
    let StoreRun {
        out,
        db,
        dir,
        container: c,
    } = run_to_store("osa_sw_pw", 2, "csv", "gz", |c| {
        store(swift, c, "wrong", "")
    });
    assert_ne!(out.code, Some(0), "{out}");
    out.assert_no_panic()
        .output_contains("refused user \"test:tester\"")
        .output_contains("check opt_user and opt_key")
        .output_contains("(1 attempt)");
    assert_eq!(file_names(&dir), vec![format!("{}.t.csv.gz", db.name)]);
    assert!(swift.list(&c).is_empty());
}

/// A large object whose manifest Swift refuses (the test proxy takes 40 segments at most) fails
/// the upload: the segments already stored are deleted, not left behind in `<container>_segments`
/// by the failed attempt; the local file stays and the run fails.
#[test]
fn swift_segments_of_a_refused_large_object_are_deleted() {
    let Some(swift) = swift() else { return };
    // One attempt: each uploads over 40 segments, and this Swift is slow to store them.
    let extra = "opt_segment_size = 1K\nupload_attempts = 1";
    let StoreRun {
        out,
        db,
        dir,
        container: c,
    } = run_to_store("osa_sw_seg", 800, "sql", "tar", |c| {
        store(swift, c, KEY, extra)
    });
    assert_eq!(out.code, Some(1), "{out}");
    let file = format!("{}.t.sql.tar", db.name);
    let local = std::fs::metadata(dir.join(&file)).unwrap().len();
    assert!(
        local > 40 * 1024,
        "{local} bytes: not enough segments to be refused"
    );
    out.assert_no_panic()
        .output_contains("PUT manifest")
        .output_contains("(1 attempt)")
        .output_contains("the file stays in");
    assert_eq!(out.lines_containing("upload failed (").len(), 1, "{out}");
    assert_eq!(file_names(&dir), vec![file]);
    assert!(swift.list(&c).is_empty());
    assert_eq!(swift.list(&format!("{c}_segments")), Vec::<String>::new());
}

/// A dry run authenticates and looks at the container (nothing written): a key the store
/// refuses fails the dry run as it would fail the real run (exit 1), and no file is made.
#[test]
fn swift_wrong_password_fails_the_dry_run_too() {
    let Some(swift) = swift() else { return };
    let db = ScratchDb::create(test_server(), "osa_sw_dry");
    simple_table(&db.q("t"), 2);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let container = unique_name("osa_ct");
    let text = config(
        &db.name,
        &dir,
        "csv",
        "gz",
        &store(swift, &container, "wrong", ""),
    );
    let out = cmd.config_text(text).arg("--dry-run").run();
    out.assert_code(1)
        .output_contains("a real run could not upload")
        .output_contains("refused user \"test:tester\"");
    assert!(!dir.exists(), "the dry run made the directory");
    assert_eq!(count(&db.q("t")), 2);
    // With the right key, the dry run says the store accepts it, and creates nothing.
    let cmd = Osarchiver::new();
    let text = config(
        &db.name,
        &dir,
        "csv",
        "gz",
        &store(swift, &container, KEY, ""),
    );
    let out = cmd.config_text(text).arg("--dry-run").run();
    out.assert_success()
        .output_contains("remote store r accepts the credentials");
    assert!(swift.list(&container).is_empty());
}

/// Conditional writes on Swift (the object's `PUT`, a static large object's manifest): see
/// [`never_replaces`]; the segments of the refused and repeated uploads are deleted. Both kinds
/// of upload used to replace the other writer's object.
#[test]
fn swift_an_object_put_under_the_name_meanwhile_is_never_replaced() {
    use osarchiver::config::RemoteBackend;
    let Some(swift) = swift() else { return };
    let container = unique_name("osa_sw_taken");
    let options = [
        ("auth_version", "1".to_string()),
        ("os_auth_url", swift.auth_url()),
        ("user", USER.into()),
        ("key", KEY.into()),
        ("segment_size", "8K".into()),
    ];
    with_store(RemoteBackend::Swift, &container, &options, |remote| {
        never_replaces(
            remote,
            Store {
                put: &|key, bytes| swift.put(&container, key, bytes),
                get: &|key| swift.get(&container, key),
                list: &|| swift.list(&container),
            },
        )
    });
    // The segments of the one large object stored, and no others.
    assert_eq!(swift.list(&format!("{container}_segments")).len(), 3);
}

/// A proxy on loopback in front of the test Swift's port `upstream`: it forwards everything,
/// but the answer to the first manifest PUT (`multipart-manifest=put`), which Swift carries
/// out, is never passed on: the connection is closed instead. Returns its port.
fn losing_the_first_manifest_answer(upstream: u16) -> u16 {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let lost = Arc::new(AtomicBool::new(false));
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                continue;
            };
            // Set on this connection once its manifest PUT went through.
            let dropping = Arc::new(AtomicBool::new(false));
            let (mut c_in, mut s_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (lost_up, dropping_up) = (lost.clone(), dropping.clone());
            std::thread::spawn(move || {
                let mut buf = vec![0; 64 << 10];
                while let Ok(n) = c_in.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let chunk = &buf[..n];
                    if chunk.windows(22).any(|w| w == b"multipart-manifest=put")
                        && !lost_up.swap(true, Ordering::SeqCst)
                    {
                        dropping_up.store(true, Ordering::SeqCst);
                    }
                    if s_out.write_all(chunk).is_err() {
                        break;
                    }
                }
                let _ = s_out.shutdown(Shutdown::Write);
            });
            let (mut s_in, mut c_out) = (server, client);
            std::thread::spawn(move || {
                let mut buf = vec![0; 64 << 10];
                while let Ok(n) = s_in.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    if dropping.load(Ordering::SeqCst) {
                        // Swift answered the manifest: the client never hears it.
                        break;
                    }
                    if c_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
                let _ = c_out.shutdown(Shutdown::Both);
                let _ = s_in.shutdown(Shutdown::Both);
            });
        }
    });
    port
}

/// The answer to a large object's manifest PUT is lost, while Swift stored the manifest: its
/// segments were deleted as leftovers of a failed upload, the retry's manifest was refused
/// (412) and the object counted as uploaded by its ETag (made by the segments' ETags, not by
/// their being there), the local file removed (`delete_after_upload`) and the rows deleted,
/// exit 0: the object could no longer be read (409). The segments are now kept until a look
/// shows the manifest is not there; here it is, and the upload is done.
#[test]
fn swift_a_manifest_whose_answer_is_lost_keeps_its_segments() {
    let Some(swift) = swift() else { return };
    let (token, storage_url) = swift.login();
    let port = losing_the_first_manifest_answer(swift.proxy_port);
    let through = storage_url.replace(&format!(":{}/", swift.proxy_port), &format!(":{port}/"));
    assert_ne!(through, storage_url);
    let StoreRun {
        out,
        db,
        dir,
        container: c,
    } = run_to_store("osa_sw_lost", 60, "sql", "tar", |c| {
        format!(
            "backend = swift\ncontainer = {c}\nupload_attempts = 3\nupload_backoff = 0.1\n\
             delete_after_upload = true\nopt_os_auth_token = {token}\n\
             opt_os_storage_url = {through}\nopt_segment_size = 1K\n"
        )
    });
    out.assert_success()
        .output_contains("the manifest's PUT got no answer");
    assert_eq!(count(&db.q("t")), 0);
    assert!(file_names(&dir).is_empty(), "the local file is removed");
    let names = swift.list(&c);
    assert_eq!(names.len(), 1, "{names:?}");
    let encoded = names[0].replace(':', "%3A");
    let bytes = swift.get(&c, &encoded).expect("the object downloads");
    assert!(bytes.len() > 3 * 1024, "{} bytes", bytes.len());
    assert!(
        bytes.starts_with(format!("{}.t.sql", db.name).as_bytes()),
        "a tar of the SQL file"
    );
    assert_eq!(
        swift.list(&format!("{c}_segments")).len(),
        bytes.len().div_ceil(1024)
    );
}
