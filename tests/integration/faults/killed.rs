//! The osarchiver process SIGKILLed at random moments of a run, several times in a row (each
//! killed run leaves a cut gzip SQL file and a half-done table), then a re-run: nothing is lost
//! or doubled, and the re-run finishes the job.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::harness::{server, Osarchiver};

use super::{assert_nothing_lost, Counts, Fixture, ELIGIBLE};

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    let s = server();
    let f = Fixture::new(s, "fk_kill");
    let files = tempfile::tempdir().unwrap();
    // A slower pace, so that the killed runs leave work for the re-run.
    let ini = f
        .ini_with_files(files.path())
        .src("delete_loop_delay", 0.05);
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    eprintln!("sigkill_at_random_moments: seed {seed}");
    let mut rng = seed;
    let mut next = move || {
        rng = rng
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        rng >> 33
    };
    let mut counts = Counts::default();
    for _ in 0..4 {
        let mut run = Osarchiver::new().config_text(ini.text()).spawn();
        assert!(run.wait_for_log("databases to archive", Duration::from_secs(20)));
        std::thread::sleep(Duration::from_millis(50 + next() % 400));
        let finished = !run.is_running();
        run.signal(libc::SIGKILL);
        let out = run.wait();
        if !finished {
            assert_eq!(out.code, None, "killed by the signal\n{out}");
            counts.faults += 1;
        }
        assert_nothing_lost(&f, Some(files.path()), &mut counts);
    }
    assert!(
        f.left() > 0,
        "the killed runs finished the job: nothing tested"
    );
    let out = Osarchiver::new().config_text(ini.text()).run();
    out.assert_success();
    assert_eq!(f.left(), 0);
    assert_nothing_lost(&f, Some(files.path()), &mut counts);
    assert_eq!(
        crate::harness::digest::count(s, &f.db.archive(), "t", "1"),
        ELIGIBLE
    );
    counts.print("sigkill");
}
