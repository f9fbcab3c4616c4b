//! The S3 remote store against a real S3 API on loopback (moto, see `harness/moto.rs`): each
//! table's files uploaded as `<prefix>/<date>/<file>` and downloaded back byte for byte, a
//! multipart upload, `delete_after_upload`, a dry run that uploads nothing, an unreachable
//! endpoint that keeps the local file and fails the run, credentials from the AWS default chain
//! (the environment, `opt_profile` in a credentials file) or none (which fails at once), keys
//! S3 refuses (which fail at once too),
//! `opt_storage_class` and `opt_checksums`.

use std::path::PathBuf;

use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::types::StorageClass;
use base64::Engine;

use crate::file::support::{count, file_names, simple_table, src_section};
use crate::harness::moto::{moto, moto_with_auth, moto_write_only, Moto};
use crate::harness::{server as test_server, Output, ScratchDb};
use crate::harness::{unique_name, Osarchiver};
use crate::remote::support::{config, never_replaces, split_object, with_store, Store};

/// Store options that make files over 8 KiB go up in parts of 8 KiB.
const PARTS: &str = "opt_multipart_threshold = 8K\nopt_part_size = 8K";

/// A test's database with table `t`, a run of its own and a new bucket name: what each test
/// here starts from.
struct S3Case {
    db: ScratchDb<'static>,
    cmd: Osarchiver,
    dir: PathBuf,
    bucket: String,
    /// Whether the section has the test credentials (see [`S3Case::chain_only`]).
    keys: bool,
}

/// The environment variables that give the AWS default chain credentials or a profile.
const CHAIN_VARS: &[&str] = &[
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_ROLE_ARN",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

impl S3Case {
    /// Database `<tag>_...` with `rows` eligible rows in `t`.
    fn new(tag: &str, rows: u32) -> S3Case {
        let db = ScratchDb::create(test_server(), tag);
        simple_table(&db.q("t"), rows);
        let cmd = Osarchiver::new();
        let dir = cmd.dir().join("out");
        S3Case {
            db,
            cmd,
            dir,
            bucket: unique_name("osa-s3").replace('_', "-").to_lowercase(),
            keys: true,
        }
    }

    /// No credentials in the section, and an AWS default chain that finds none: none of
    /// [`CHAIN_VARS`], empty shared credentials and config files, no instance metadata. The
    /// test adds what the chain should find.
    fn chain_only(mut self) -> S3Case {
        let empty = self.cmd.dir().join("empty");
        std::fs::write(&empty, "").unwrap();
        self.keys = false;
        self.with(|mut c| {
            for var in CHAIN_VARS {
                c = c.env_remove(var);
            }
            c.env("AWS_SHARED_CREDENTIALS_FILE", &empty)
                .env("AWS_CONFIG_FILE", &empty)
                .env("AWS_EC2_METADATA_DISABLED", "true")
        })
    }

    /// Adds arguments or environment to the run.
    fn with(mut self, f: impl FnOnce(Osarchiver) -> Osarchiver) -> S3Case {
        self.cmd = f(self.cmd);
        self
    }

    /// A shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`) with the profiles `text`.
    fn credentials_file(self, text: &str) -> S3Case {
        let file = self.cmd.dir().join("credentials");
        std::fs::write(&file, text).unwrap();
        self.with(|c| c.env("AWS_SHARED_CREDENTIALS_FILE", &file))
    }

    /// Runs with files `formats` packed as `archive_format`, uploaded to the bucket on `moto`
    /// with the test credentials (unless [`S3Case::chain_only`]) and the store keys `extra`.
    fn run(self, moto: &Moto, formats: &str, archive_format: &str, extra: &str) -> S3Run {
        let keys = if self.keys {
            "opt_aws_access_key_id = testing\nopt_aws_secret_access_key = testing\n"
        } else {
            ""
        };
        let store = format!(
            "backend = s3\nbucket = {}\nupload_backoff = 0.1\nupload_attempts = 2\n\
             opt_endpoint_url = {}\nopt_region = us-east-1\n{keys}\
             opt_create_bucket = true\n{extra}",
            self.bucket,
            moto.endpoint()
        );
        self.run_store(formats, archive_format, &store)
    }

    /// Runs with files `formats` packed as `archive_format`, uploaded to the store section
    /// `store`.
    fn run_store(self, formats: &str, archive_format: &str, store: &str) -> S3Run {
        let text = config(&self.db.name, &self.dir, formats, archive_format, store);
        S3Run {
            out: self.cmd.config_text(text).run(),
            db: self.db,
            dir: self.dir,
            bucket: self.bucket,
        }
    }
}

/// What an [`S3Case`] run did.
struct S3Run {
    db: ScratchDb<'static>,
    /// The file destination's directory.
    dir: PathBuf,
    bucket: String,
    out: Output,
}

impl S3Run {
    /// The name of table `t`'s local file with extension `ext` (`csv.tar`...).
    fn file(&self, ext: &str) -> String {
        format!("{}.t.{ext}", self.db.name)
    }

    /// The key of the bucket's only object, after checking that it downloads identical to the
    /// local file of `t` with extension `ext`.
    fn only_object(&self, moto: &Moto, ext: &str) -> String {
        let out = &self.out;
        let keys = moto.list(&self.bucket);
        assert_eq!(keys.len(), 1, "{keys:?}\n{out}");
        let local = std::fs::read(self.dir.join(self.file(ext))).unwrap();
        let stored = moto.get(&self.bucket, &keys[0]);
        assert!(
            stored.as_ref() == Some(&local),
            "{} differs\n{out}",
            keys[0]
        );
        keys[0].clone()
    }

    /// The HeadObject of the bucket's only object, after checking that the run succeeded, that
    /// the object downloads identical to the local file of `t` with extension `ext`, and that
    /// it went up in parts if `multipart` (its ETag ends with `-<parts>`), else in one piece.
    fn uploaded(&self, moto: &Moto, ext: &str, multipart: bool) -> HeadObjectOutput {
        self.out.assert_success();
        let key = self.only_object(moto, ext);
        let head = moto.head(&self.bucket, &key);
        let etag = head.e_tag().unwrap_or("");
        assert_eq!(etag.contains('-'), multipart, "ETag {etag}\n{}", self.out);
        head
    }
}

#[test]
fn s3_uploads_each_table_files_and_they_download_identical() {
    let Some(moto) = moto() else { return };
    let case = S3Case::new("osa_s3_up", 30);
    simple_table(&case.db.q("u"), 5);
    let run = case.run(moto, "csv, sql", "gztar", "file_name_prefix = archives/x");
    let (out, b, dir) = (&run.out, &run.bucket, &run.dir);
    out.assert_success();
    let local = file_names(dir);
    assert_eq!(local.len(), 4, "{local:?}\n{out}");
    let keys = moto.list(b);
    assert_eq!(keys.len(), 4, "{keys:?}\n{out}");
    let mut uploaded = Vec::new();
    for key in &keys {
        assert!(key.starts_with("archives/"), "{key}");
        let (_, file) = key.rsplit_once('/').unwrap();
        let bytes = moto
            .get(b, key)
            .unwrap_or_else(|| panic!("{key} does not download\n{out}"));
        assert_eq!(bytes, std::fs::read(dir.join(file)).unwrap(), "{key}");
        uploaded.push(file.to_string());
    }
    uploaded.sort();
    assert_eq!(uploaded, local);
    out.output_contains("uploaded ");
    assert_eq!(count(&run.db.q("t")), 0);
}

#[test]
fn s3_objects_are_named_prefix_date_file_without_a_leading_slash() {
    let Some(moto) = moto() else { return };
    let run = S3Case::new("osa_s3_nm", 3).run(moto, "sql", "zst", "");
    run.out.assert_success();
    let key = run.only_object(moto, "sql.zst");
    let (_, file) = split_object(&key, None);
    assert_eq!(file, run.file("sql.zst"));
}

#[test]
fn s3_large_files_go_up_in_parts_and_come_back_identical() {
    let Some(moto) = moto() else { return };
    let run = S3Case::new("osa_s3_mp", 400).run(moto, "csv", "tar", PARTS);
    let head = run.uploaded(moto, "csv.tar", true);
    let size = std::fs::metadata(run.dir.join(run.file("csv.tar")))
        .unwrap()
        .len();
    assert!(size > 3 * 8192, "{size} bytes only");
    let etag = head.e_tag().unwrap_or("").trim_matches('"');
    let parts = size.div_ceil(8192);
    assert!(etag.ends_with(&format!("-{parts}")), "{etag}");
}

#[test]
fn s3_delete_after_upload_removes_the_uploaded_local_file() {
    let Some(moto) = moto() else { return };
    let run = S3Case::new("osa_s3_del", 3).run(moto, "csv", "tar", "delete_after_upload = true");
    run.out.assert_success();
    assert_eq!(file_names(&run.dir), Vec::<String>::new(), "{}", run.out);
    assert_eq!(moto.list(&run.bucket).len(), 1);
}

#[test]
fn s3_dry_run_uploads_nothing_and_says_what_it_would_upload() {
    let Some(moto) = moto() else { return };
    let run = S3Case::new("osa_s3_dry", 3)
        .with(|c| c.arg("--dry-run"))
        .run(moto, "csv", "gz", "");
    let out = &run.out;
    out.assert_success();
    out.output_contains(&format!(
        "would upload {} to remote store r",
        run.file("csv.gz")
    ));
    let url = format!("{}/{}", moto.endpoint(), run.bucket);
    let (status, _, _) = crate::harness::services::http("HEAD", &url, &[]);
    assert_eq!(status, 404, "the bucket was created in a dry run\n{out}");
    assert_eq!(count(&run.db.q("t")), 3);
}

#[test]
fn s3_unreachable_endpoint_keeps_the_local_file_and_fails_the_run() {
    // A port nothing listens on.
    let port = crate::harness::services::free_ports(1)[0];
    let store = format!(
        "backend = s3\nbucket = b\nupload_attempts = 3\nupload_backoff = 0.05\n\
         opt_endpoint_url = http://127.0.0.1:{port}\nopt_region = us-east-1\n\
         opt_aws_access_key_id = x\nopt_aws_secret_access_key = y\n"
    );
    let run = S3Case::new("osa_s3_down", 3).run_store("sql", "tar", &store);
    let out = &run.out;
    assert_ne!(out.code, Some(0), "{out}");
    out.assert_no_panic();
    let file = run.file("sql.tar");
    assert_eq!(file_names(&run.dir), vec![file.clone()], "{out}");
    out.output_contains("remote store r: cannot upload")
        .output_contains("(3 attempts)")
        .output_contains(&format!(
            "the file stays in {}",
            run.dir.join(&file).display()
        ));
    assert_eq!(out.lines_containing("failed (attempt").len(), 2, "{out}");
    // The cause in a few words, not the SDK's debug form of it (over 600 characters).
    out.output_contains("the request could not be sent");
    assert!(!out.to_string().contains("DispatchFailure"), "{out}");
}

#[test]
fn s3_credentials_from_the_environment_upload() {
    let Some(moto) = moto() else { return };
    let run = S3Case::new("osa_s3_env", 3)
        .chain_only()
        .with(|c| {
            c.env("AWS_ACCESS_KEY_ID", "testing")
                .env("AWS_SECRET_ACCESS_KEY", "testing")
        })
        .run(moto, "csv", "tar", "");
    run.uploaded(moto, "csv.tar", false);
}

#[test]
fn s3_credentials_from_the_opt_profile_of_a_credentials_file_upload() {
    let Some(moto) = moto() else { return };
    // Only the named profile: no [default] the chain could fall back on.
    let run = S3Case::new("osa_s3_prof", 3)
        .chain_only()
        .credentials_file(
            "[osa-test]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
        )
        .run(moto, "csv", "tar", "opt_profile = osa-test");
    run.uploaded(moto, "csv.tar", false);
}

#[test]
fn s3_without_credentials_the_run_fails_at_once_and_keeps_the_local_file() {
    let Some(moto) = moto() else { return };
    // Nothing anywhere, then a profile that the credentials file does not have.
    for (tag, extra, why) in [
        ("osa_s3_nocred", "", "no credentials found in chain"),
        (
            "osa_s3_noprof",
            "opt_profile = missing",
            "profile `missing` was not defined",
        ),
    ] {
        let run = S3Case::new(tag, 3)
            .chain_only()
            .credentials_file("[other]\naws_access_key_id = a\naws_secret_access_key = b\n")
            .run(moto, "sql", "tar", extra);
        let out = &run.out;
        out.assert_code(1).assert_no_panic();
        assert_eq!(file_names(&run.dir), vec![run.file("sql.tar")], "{out}");
        assert_eq!(moto.list(&run.bucket), Vec::<String>::new(), "{out}");
        out.output_contains("remote store r: cannot upload")
            .output_contains("(1 attempt): no AWS credentials: set opt_aws_access_key_id")
            .output_contains(why)
            .output_contains("the file stays in");
        assert_eq!(out.lines_containing("failed (attempt").len(), 0, "{out}");
    }
}

/// Keys S3 refuses (a moto that checks them and knows none) fail the upload at once, not after
/// every retry, naming the options to check; the local file stays.
#[test]
fn s3_refused_credentials_fail_at_once_and_keep_the_local_file() {
    let Some(moto) = moto_with_auth() else { return };
    let run = S3Case::new("osa_s3_refused", 3).run(moto, "sql", "tar", "");
    let out = &run.out;
    out.assert_code(1).assert_no_panic();
    assert_eq!(file_names(&run.dir), vec![run.file("sql.tar")], "{out}");
    out.output_contains("(1 attempt)")
        .output_contains("S3 refused the credentials or the access (InvalidAccessKeyId)")
        .output_contains("check opt_aws_access_key_id and opt_aws_secret_access_key")
        .output_contains("the file stays in")
        .output_contains("HTTP 403: InvalidAccessKeyId");
    assert_eq!(out.lines_containing("failed (attempt").len(), 0, "{out}");
    // Status, code and message: not the raw response (headers, XML body) on one line.
    for line in out.lines_containing("InvalidAccessKeyId") {
        assert!(line.len() < 1000, "{} bytes: {line}", line.len());
        assert!(!line.contains("<?xml"), "{line}");
    }
}

#[test]
fn s3_storage_class_is_set_on_single_and_multipart_uploads() {
    let Some(moto) = moto() else { return };
    for (tag, rows, parts) in [("osa_s3_sc1", 3, ""), ("osa_s3_scm", 400, PARTS)] {
        let extra = format!("opt_storage_class = STANDARD_IA\n{parts}");
        let run = S3Case::new(tag, rows).run(moto, "csv", "tar", &extra);
        let head = run.uploaded(moto, "csv.tar", !parts.is_empty());
        let class = head.storage_class();
        assert_eq!(class, Some(&StorageClass::StandardIa), "{tag}\n{}", run.out);
    }
}

#[test]
fn s3_checksums_when_supported_stores_a_crc32_and_the_object_round_trips() {
    let Some(moto) = moto() else { return };
    let supported = "opt_checksums = when_supported";
    let crc32 = |data: &[u8]| {
        let mut crc = flate2::Crc::new();
        crc.update(data);
        crc.sum().to_be_bytes()
    };
    let b64 = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    for (tag, rows, extra, stored, multipart) in [
        ("osa_s3_ck1", 3, supported.to_string(), true, false),
        (
            "osa_s3_ck0",
            3,
            "opt_checksums = when_required".into(),
            false,
            false,
        ),
        // A multipart upload names CRC32 on its creation and on each part: S3 keeps the
        // checksum of the parts' checksums (AWS shows `-` and their count after it, moto not).
        (
            "osa_s3_ckm",
            400,
            format!("{supported}\n{PARTS}"),
            true,
            true,
        ),
        ("osa_s3_ckn", 400, PARTS.to_string(), false, true),
    ] {
        let run = S3Case::new(tag, rows).run(moto, "csv", "tar", &extra);
        let head = run.uploaded(moto, "csv.tar", multipart);
        let file = std::fs::read(run.dir.join(run.file("csv.tar"))).unwrap();
        let expected = if multipart {
            let parts: Vec<&[u8]> = file.chunks(8 * 1024).collect();
            let sums: Vec<u8> = parts.iter().flat_map(|p| crc32(p)).collect();
            b64(&crc32(&sums))
        } else {
            b64(&crc32(&file))
        };
        let got = head.checksum_crc32().map(|c| {
            let (sum, count) = c.split_once('-').unwrap_or((c, ""));
            if !count.is_empty() {
                assert_eq!(count, file.len().div_ceil(8 * 1024).to_string(), "{c}");
            }
            sum.to_string()
        });
        assert_eq!(got, stored.then_some(expected), "{extra}\n{}", run.out);
    }
}

/// A dry run asks for the bucket (HeadBucket, nothing written): credentials S3 refuses fail the
/// dry run as they would fail the real run (exit 1), and its plan still shows what the real
/// run would archive and delete before its uploads fail (it used to say no table).
#[test]
fn s3_refused_credentials_fail_the_dry_run_too() {
    let Some(moto) = moto_with_auth() else { return };
    let run = S3Case::new("osa_s3_dryref", 3)
        .with(|c| c.arg("--dry-run"))
        .run(moto, "sql", "tar", "");
    let out = &run.out;
    out.assert_code(1)
        .assert_no_panic()
        .output_contains("a real run could not upload")
        .output_contains("the real run would archive and delete the rows as planned");
    assert!(!out.to_string().contains("(0 tables)"), "{out}");
    assert_eq!(count(&run.db.q("t")), 3);
    assert!(!run.dir.exists(), "the dry run made the directory\n{out}");
}

/// Two file destinations in different directories that share a bucket (and its prefix) name a
/// table's files alike: the second goes up under the next number rather than replacing the
/// first (whose rows were then in no store once `delete_after_upload` had removed its local
/// file, and the run exited 0).
#[test]
fn s3_two_destinations_sharing_a_bucket_never_replace_each_others_objects() {
    let Some(moto) = moto() else { return };
    let case = S3Case::new("osa_s3_two", 6);
    let db = &case.db.name;
    let store = format!(
        "backend = s3\nbucket = {}\nupload_backoff = 0.1\nupload_attempts = 2\n\
         opt_endpoint_url = {}\nopt_region = us-east-1\nopt_aws_access_key_id = testing\n\
         opt_aws_secret_access_key = testing\nopt_create_bucket = true\ndelete_after_upload = true",
        case.bucket,
        moto.endpoint()
    );
    let dst = |name: &str| {
        format!(
            "[dst:{name}]\nbackend = file\ndirectory = {}\nformats = csv\narchive_format = tar\nremote_store = r\n\n",
            case.cmd.dir().join(name).display()
        )
    };
    let text = format!(
        "[archiver:a]\nsrc = sa\ndst = fa\n\n[archiver:b]\nsrc = sb\ndst = fb\n\n{}{}{}{}[remote_store:r]\n{store}\n",
        src_section("sa", db, "delete_data = true\nwhere = deleted_at IS NOT NULL AND id <= 3"),
        src_section("sb", db, "delete_data = true\nwhere = deleted_at IS NOT NULL AND id > 3"),
        dst("fa"),
        dst("fb"),
    );
    let out = case.cmd.config_text(text).run();
    out.assert_success()
        .output_contains("goes up under the next free number");
    let keys = moto.list(&case.bucket);
    let mut files: Vec<String> = keys
        .iter()
        .map(|k| k.rsplit_once('/').unwrap().1.to_string())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [format!("{db}.t.1.csv.tar"), format!("{db}.t.csv.tar")],
        "{out}"
    );
    let objects: Vec<Vec<u8>> = keys
        .iter()
        .map(|k| moto.get(&case.bucket, k).unwrap())
        .collect();
    for i in 1..=6 {
        let row = format!("row {i}:");
        let holding = objects
            .iter()
            .filter(|o| o.windows(row.len()).any(|w| w == row.as_bytes()))
            .count();
        assert_eq!(holding, 1, "{row}\n{out}");
    }
    assert_eq!(count(&case.db.q("t")), 0);
}

/// A write-only key (`s3:PutObject` alone) may not `HeadObject` what it wrote: the upload is
/// checked by the ETag of the store's answer (the store checked each request's Content-MD5),
/// single and multipart. It failed every attempt with "HeadObject ...: HTTP 403", the objects
/// stored.
#[test]
fn s3_a_write_only_key_uploads_checked_by_the_answers_etag() {
    let Some((moto, key)) = moto_write_only() else {
        return;
    };
    let (id, secret) = key.split_once(' ').expect("id and secret");
    let store = format!(
        "backend = s3\nbucket = write-only\nupload_backoff = 0.1\nupload_attempts = 2\n\
         opt_endpoint_url = {}\nopt_region = us-east-1\n\
         opt_aws_access_key_id = {id}\nopt_aws_secret_access_key = {secret}\n\
         opt_multipart_threshold = 8K\nopt_part_size = 8K",
        moto.endpoint()
    );
    // The dry run cannot see what the key may write (HeadBucket is refused), and says so; it
    // used to fail (exit 1) where the run succeeds.
    let dry = S3Case::new("osa_s3_wo_dry", 3)
        .with(|c| c.arg("--dry-run"))
        .run_store("csv", "gztar", &store);
    dry.out
        .assert_success()
        .output_contains("the key may not read the bucket (a write-only key?)");
    let run = S3Case::new("osa_s3_wo", 300).run_store("csv, sql", "gztar", &store);
    let out = &run.out;
    out.assert_success();
    assert_eq!(out.lines_containing("uploaded ").len(), 2, "{out}");
    assert!(
        out.to_string().contains("-2)"),
        "one multipart upload: {out}"
    );
}

/// Conditional writes on S3 (`PutObject`, `CompleteMultipartUpload`): see
/// [`never_replaces`]. Both kinds of upload used to replace the other writer's object.
#[test]
fn s3_an_object_put_under_the_name_meanwhile_is_never_replaced() {
    use osarchiver::config::RemoteBackend;
    let Some(moto) = moto() else {
        return;
    };
    let bucket = unique_name("osa-s3").replace('_', "-").to_lowercase();
    let options = [
        ("endpoint_url", moto.endpoint()),
        ("region", "us-east-1".into()),
        ("aws_access_key_id", "testing".into()),
        ("aws_secret_access_key", "testing".into()),
        ("create_bucket", "true".into()),
        ("multipart_threshold", "8K".into()),
        ("part_size", "8K".into()),
    ];
    with_store(RemoteBackend::S3, &bucket, &options, |remote| {
        never_replaces(
            remote,
            Store {
                put: &|key, bytes| moto.put(&bucket, key, bytes),
                get: &|key| moto.get(&bucket, key),
                list: &|| moto.list(&bucket),
            },
        )
    });
}
