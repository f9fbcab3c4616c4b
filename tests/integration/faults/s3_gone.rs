//! The S3 endpoint goes away in the middle of a run (a moto server of the test's own, killed
//! while the table is being archived): the upload at the end of the table fails for good, the
//! local file stays and holds every row deleted from the source, the run exits 1; a re-run
//! with a store that answers finishes the job. A bucket that `opt_create_bucket` made and that
//! the store loses mid-run (emptied, as a restarted moto is) is made again by the next upload
//! attempt. Skipped, and said so, without `moto_server`.

use std::time::Duration;

use crate::harness::moto::{moto, Moto};
use crate::harness::services::{free_ports, service_dir, spawn, wait_port, which};
use crate::harness::{server, unique_name, Osarchiver};

use super::{assert_nothing_lost, Counts, Fixture};

fn s3_store(ini: crate::harness::Ini, endpoint: &str, bucket: &str) -> crate::harness::Ini {
    let r = "remote_store:r";
    ini.set("dst:files", "remote_store", "r")
        .set(r, "backend", "s3")
        .set(r, "bucket", bucket)
        .set(r, "upload_attempts", 2)
        .set(r, "upload_backoff", 0.1)
        .set(r, "opt_endpoint_url", endpoint)
        .set(r, "opt_region", "us-east-1")
        .set(r, "opt_aws_access_key_id", "testing")
        .set(r, "opt_aws_secret_access_key", "testing")
        .set(r, "opt_create_bucket", "true")
}

/// A moto server of a test's own (to kill or to empty), on a free loopback port; killed when
/// dropped.
struct OwnMoto {
    port: u16,
    pid: u32,
}

impl OwnMoto {
    /// `None`, saying that `test` is skipped, without `moto_server`.
    fn start(test: &str, name: &str) -> Option<OwnMoto> {
        let Some(program) = which("moto_server") else {
            eprintln!("SKIPPED {test}: moto_server is not installed");
            return None;
        };
        let dir = service_dir(name);
        let port = free_ports(1)[0];
        let pid = spawn(
            &program,
            &["-H", "127.0.0.1", "-p", &port.to_string()],
            &[],
            &dir,
            "moto",
        )
        .unwrap();
        wait_port(port, Duration::from_secs(60), &dir.join("moto.log")).unwrap();
        Some(OwnMoto { port, pid })
    }

    fn kill(&self) {
        // SAFETY: kill(2) on the process group the harness started for this moto.
        unsafe {
            libc::kill(-(self.pid as i32), libc::SIGKILL);
        }
    }
}

impl Drop for OwnMoto {
    fn drop(&mut self) {
        self.kill();
    }
}

#[test]
fn the_s3_endpoint_going_away_mid_run_keeps_the_file_and_loses_nothing() {
    // A moto of this test's own, to kill.
    let Some(own) = OwnMoto::start("the_s3_endpoint_going_away", "moto-gone") else {
        return;
    };
    let port = own.port;

    let s = server();
    let f = Fixture::new(s, "fk_s3");
    let files = tempfile::tempdir().unwrap();
    let bucket = unique_name("osa-gone").replace('_', "-").to_lowercase();
    let ini = s3_store(
        f.ini_with_files(files.path()),
        &format!("http://127.0.0.1:{port}"),
        &bucket,
    );
    let mut run = Osarchiver::new().config_text(ini.text()).spawn();
    assert!(
        run.wait_for_log("creating", Duration::from_secs(60)),
        "the run did not start"
    );
    std::thread::sleep(Duration::from_millis(300));
    own.kill();
    let out = run.wait();
    out.assert_code(1).assert_no_panic();
    out.output_contains("cannot upload");
    let mut counts = Counts {
        faults: 1,
        ..Counts::default()
    };
    assert_eq!(
        f.left(),
        0,
        "every batch was archived, the upload only failed: {out}"
    );
    assert_nothing_lost(&f, Some(files.path()), &mut counts);

    // A re-run with a store that answers: nothing left to do, and it says so with exit 0.
    if let Some(m) = moto() {
        let again = tempfile::tempdir().unwrap();
        let out = Osarchiver::new()
            .config_text(s3_store(f.ini_with_files(again.path()), &m.endpoint(), &bucket).text())
            .run();
        out.assert_success();
        assert_eq!(f.left(), 0);
    }
    counts.print("s3 gone");
}

/// Empties the moto server on `port` (`POST /moto-api/reset`): its buckets are gone, as after
/// a store restarted empty.
fn reset_moto(port: u16) {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    c.write_all(
        b"POST /moto-api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\
          Connection: close\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "moto reset: {answer}");
}

/// The bucket vanishes between two tables' uploads: the second table's first attempt fails
/// with NoSuchBucket, the next creates the bucket again and uploads.
#[test]
fn a_bucket_gone_mid_run_is_created_again() {
    // A moto of this test's own, to empty.
    let Some(own) = OwnMoto::start("a_bucket_gone_mid_run_is_created_again", "moto-again") else {
        return;
    };
    let port = own.port;

    let s = server();
    let f = Fixture::new(s, "s3_again");
    // A small table archived (and uploaded) before `t`.
    f.db.sql(
        "CREATE TABLE a (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO a VALUES (1, UTC_TIMESTAMP() - INTERVAL 30 DAY);",
    );
    let files = tempfile::tempdir().unwrap();
    let bucket = unique_name("osa-again").replace('_', "-").to_lowercase();
    let ini = s3_store(
        f.ini_with_files(files.path()),
        &format!("http://127.0.0.1:{port}"),
        &bucket,
    )
    .src("delete_loop_delay", 0.03);
    let mut run = Osarchiver::new().config_text(ini.text()).spawn();
    let first = format!("{}.a.sql.gz", f.db.name);
    assert!(
        run.wait_for_log(&first, Duration::from_secs(60))
            && run.wait_for_log("uploaded", Duration::from_secs(60)),
        "table a was not uploaded"
    );
    assert!(
        run.is_running(),
        "the run ended before the store was emptied"
    );
    reset_moto(port);
    let out = run.wait();
    let objects = Moto { port }.list(&bucket);
    own.kill();
    out.assert_success();
    out.output_contains("NoSuchBucket");
    assert!(
        objects
            .iter()
            .any(|o| o.ends_with(&format!("{}.t.sql.gz", f.db.name))),
        "t's file is in the bucket created again: {objects:?}"
    );
    assert_eq!(f.left(), 0);
}
