//! The S3 remote store against a real S3 API on loopback (moto, see `harness/moto.rs`): each
//! table's files uploaded as `<prefix>/<date>/<file>` and downloaded back byte for byte, a
//! multipart upload, `delete_after_upload`, a dry run that uploads nothing, and an
//! unreachable endpoint that keeps the local file and fails the run.

use crate::file_support::{count, file_names, simple_table};
use crate::harness::moto::{moto, Moto};
use crate::harness::{server as test_server, ScratchDb};
use crate::harness::{unique_name, Osarchiver};
use crate::remote_support::{config, split_object};

fn store(moto: &Moto, bucket: &str, extra: &str) -> String {
    format!(
        "backend = s3\nbucket = {bucket}\nupload_backoff = 0.1\nupload_attempts = 2\n\
         opt_endpoint_url = {}\nopt_region = us-east-1\nopt_aws_access_key_id = testing\n\
         opt_aws_secret_access_key = testing\nopt_create_bucket = true\n{extra}",
        moto.endpoint()
    )
}

fn bucket() -> String {
    unique_name("osa-s3").replace('_', "-").to_lowercase()
}

#[test]
fn s3_uploads_each_table_files_and_they_download_identical() {
    let Some(moto) = moto() else { return };
    let db = ScratchDb::create(test_server(), "osa_s3_up");
    simple_table(&db.q("t"), 30);
    simple_table(&db.q("u"), 5);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let b = bucket();
    let out = cmd
        .config_text(config(
            &db.name,
            &dir,
            "csv, sql",
            "gztar",
            &store(moto, &b, "file_name_prefix = archives/x"),
        ))
        .run();
    out.assert_success();
    let local = file_names(&dir);
    assert_eq!(local.len(), 4, "{local:?}\n{out}");
    let keys = moto.list(&b);
    assert_eq!(keys.len(), 4, "{keys:?}\n{out}");
    let mut uploaded = Vec::new();
    for key in &keys {
        assert!(key.starts_with("archives/"), "{key}");
        let (_, file) = key.rsplit_once('/').unwrap();
        let bytes = moto
            .get(&b, key)
            .unwrap_or_else(|| panic!("{key} does not download\n{out}"));
        assert_eq!(bytes, std::fs::read(dir.join(file)).unwrap(), "{key}");
        uploaded.push(file.to_string());
    }
    uploaded.sort();
    assert_eq!(uploaded, local);
    out.output_contains("uploaded ");
    assert_eq!(count(&db.q("t")), 0);
}

#[test]
fn s3_objects_are_named_prefix_date_file_without_a_leading_slash() {
    let Some(moto) = moto() else { return };
    let db = ScratchDb::create(test_server(), "osa_s3_nm");
    simple_table(&db.q("t"), 3);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let b = bucket();
    cmd.config_text(config(&db.name, &dir, "sql", "zst", &store(moto, &b, "")))
        .run()
        .assert_success();
    let keys = moto.list(&b);
    assert_eq!(keys.len(), 1, "{keys:?}");
    let (_, file) = split_object(&keys[0], None);
    assert_eq!(file, format!("{}.t.sql.zst", db.name));
}

#[test]
fn s3_large_files_go_up_in_parts_and_come_back_identical() {
    let Some(moto) = moto() else { return };
    let db = ScratchDb::create(test_server(), "osa_s3_mp");
    simple_table(&db.q("t"), 400);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let b = bucket();
    let out = cmd
        .config_text(config(
            &db.name,
            &dir,
            "csv",
            "tar",
            &store(moto, &b, "opt_multipart_threshold = 8K\nopt_part_size = 8K"),
        ))
        .run();
    out.assert_success();
    let file = format!("{}.t.csv.tar", db.name);
    let local = std::fs::read(dir.join(&file)).unwrap();
    assert!(local.len() > 3 * 8192, "{} bytes only", local.len());
    let keys = moto.list(&b);
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(moto.get(&b, &keys[0]).unwrap(), local);
    let etag = moto
        .head(&b, &keys[0])
        .into_iter()
        .find(|(k, _)| k == "etag")
        .map(|(_, v)| v)
        .unwrap();
    let parts = local.len().div_ceil(8192);
    assert!(
        etag.trim_matches('"').ends_with(&format!("-{parts}")),
        "{etag}"
    );
}

#[test]
fn s3_delete_after_upload_removes_the_uploaded_local_file() {
    let Some(moto) = moto() else { return };
    let db = ScratchDb::create(test_server(), "osa_s3_del");
    simple_table(&db.q("t"), 3);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let b = bucket();
    let out = cmd
        .config_text(config(
            &db.name,
            &dir,
            "csv",
            "tar",
            &store(moto, &b, "delete_after_upload = true"),
        ))
        .run();
    out.assert_success();
    assert_eq!(file_names(&dir), Vec::<String>::new(), "{out}");
    assert_eq!(moto.list(&b).len(), 1);
}

#[test]
fn s3_dry_run_uploads_nothing_and_says_what_it_would_upload() {
    let Some(moto) = moto() else { return };
    let db = ScratchDb::create(test_server(), "osa_s3_dry");
    simple_table(&db.q("t"), 3);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    let b = bucket();
    let out = cmd
        .config_text(config(&db.name, &dir, "csv", "gz", &store(moto, &b, "")))
        .arg("--dry-run")
        .run();
    out.assert_success();
    out.output_contains(&format!(
        "would upload {}.t.csv.gz to remote store r",
        db.name
    ));
    let (status, _, _) =
        crate::harness::services::http("HEAD", &format!("{}/{b}", moto.endpoint()), &[]);
    assert_eq!(status, 404, "the bucket was created in a dry run\n{out}");
    assert_eq!(count(&db.q("t")), 3);
}

#[test]
fn s3_unreachable_endpoint_keeps_the_local_file_and_fails_the_run() {
    let db = ScratchDb::create(test_server(), "osa_s3_down");
    simple_table(&db.q("t"), 3);
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("out");
    // A port nothing listens on.
    let port = crate::harness::services::free_ports(1)[0];
    let store = format!(
        "backend = s3\nbucket = b\nupload_attempts = 3\nupload_backoff = 0.05\n\
         opt_endpoint_url = http://127.0.0.1:{port}\nopt_region = us-east-1\n\
         opt_aws_access_key_id = x\nopt_aws_secret_access_key = y\n"
    );
    let out = cmd
        .config_text(config(&db.name, &dir, "sql", "tar", &store))
        .run();
    assert_ne!(out.code, Some(0), "{out}");
    out.assert_no_panic();
    let file = format!("{}.t.sql.tar", db.name);
    assert_eq!(file_names(&dir), vec![file.clone()], "{out}");
    out.output_contains("remote store r: cannot upload")
        .output_contains("(3 attempts)")
        .output_contains(&format!("the file stays in {}", dir.join(&file).display()));
    assert_eq!(out.lines_containing("failed (attempt").len(), 2, "{out}");
}
