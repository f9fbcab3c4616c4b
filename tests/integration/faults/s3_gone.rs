//! The S3 endpoint goes away in the middle of a run (a moto server of the test's own, killed
//! while the table is being archived): the upload at the end of the table fails for good, the
//! local file stays and holds every row deleted from the source, the run exits 1; a re-run
//! with a store that answers finishes the job. Skipped, and said so, without `moto_server`.

use std::time::Duration;

use crate::harness::moto::moto;
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

#[test]
fn the_s3_endpoint_going_away_mid_run_keeps_the_file_and_loses_nothing() {
    let Some(program) = which("moto_server") else {
        eprintln!("SKIPPED the_s3_endpoint_going_away: moto_server is not installed");
        return;
    };
    // A moto of this test's own, to kill.
    let dir = service_dir("moto-gone");
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
    // SAFETY: kill(2) on the process group the harness started for this moto.
    unsafe {
        libc::kill(-(pid as i32), libc::SIGKILL);
    }
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
