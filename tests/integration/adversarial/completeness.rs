//! Exit 0 is never a guess: after a table's walk, the eligible rows left must be the ones the
//! run kept on purpose (blocked, conflicts, changed). A row the walk did not read, here one
//! that becomes eligible behind it, fails the table (exit 1) with a message saying so; the
//! next run takes it.

use std::time::{Duration, Instant};

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::{run, OLD};

/// Waits until the run has deleted rows of `t` (fewer than 36 of its 40 left): its walk is past
/// row 1.
pub(super) fn deletes_have_begun(db: &ScratchDb) {
    let t0 = Instant::now();
    while count(server(), &db.name, "t", "1") > 35 {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "the run does not delete"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What one try of a change made during a walk found.
pub(super) enum Landed {
    /// The change landed once the rows it was meant to meet were gone: it proves nothing.
    Late,
    /// What went wrong, if anything.
    Checked(Option<String>),
}

/// Runs `scenario` (a change made during a [`slow_walk_under_way`] at the pace it is given)
/// until its change lands during the walk: at 0.3 s between deletes, then 1 s and 3 s. On a
/// loaded machine a statement can take longer than the walk's deletes (CI saw it), and a
/// change after them would let the walk go through rightly. Returns what went wrong.
pub(super) fn until_it_lands(
    name: &str,
    mut scenario: impl FnMut(&str) -> Landed,
) -> Option<String> {
    for pace in ["0.3", "1", "3"] {
        match scenario(pace) {
            Landed::Checked(wrong) => return wrong,
            Landed::Late => {
                eprintln!("{name}: the change came after the walk at {pace} s between deletes")
            }
        }
    }
    Some(format!("{name}: the change never landed during the walk"))
}

/// Starts the archiver over table `t` of `db`, slowly (pages of 10, chunks of 5, `pace`
/// seconds between deletes), with `edit` applied to its configuration (given a directory for
/// files), and returns it once its deletes have begun, with the configuration it runs.
pub(super) fn slow_walk_under_way(
    db: &ScratchDb,
    pace: &str,
    edit: impl FnOnce(Ini, &std::path::Path) -> Ini,
) -> (crate::harness::Running, Ini) {
    let cmd = Osarchiver::new();
    let dir = cmd.dir().join("files");
    let ini = edit(
        Ini::new(server(), &[&db.name])
            .src("tables", "t")
            .src("select_limit", 10)
            .src("delete_limit", 5)
            .src("delete_loop_delay", pace),
        &dir,
    );
    let running = cmd.config_text(ini.text()).spawn();
    deletes_have_begun(db);
    (running, ini)
}

#[test]
fn a_row_that_becomes_eligible_behind_the_walk_fails_the_table() {
    let s = server();
    let db = ScratchDb::create(s, "behind");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, IF(seq = 1, NULL, {OLD}) FROM seq_1_to_40;"
    ));
    let ini = Ini::new(s, &[&db.name])
        .src("select_limit", 10)
        .src("delete_limit", 5)
        .src("delete_loop_delay", "0.3");
    let running = Osarchiver::new().config_text(ini.text()).spawn();
    // Once deletes have begun, the walk is past row 1: mark it deleted long ago.
    deletes_have_begun(&db);
    db.sql(&format!("UPDATE t SET deleted_at = {OLD} WHERE id = 1"));
    let out = running.wait();
    out.assert_code(1).output_contains(
        "1 eligible rows are left in the source that this run neither read nor kept on purpose",
    );
    assert_eq!(digest(s, &db.name, "t", "1").0, 1);
    // The next run takes it, and says all is well.
    run(&ini).assert_success();
    assert_eq!(digest(s, &db.name, "t", "1").0, 0);
    assert_eq!(digest(s, &db.archive(), "t", "1").0, 40);
}

/// A `where` written with `NOW()`, as the Python osarchiver's README shows it
/// (`SUBDATE(NOW(), INTERVAL ...)`), moves with the clock: rows deleted a retention ago come
/// of age during a long run, behind the walk as well as ahead of it. They were not eligible
/// when the walk began; the count after the walk runs on the walk's starting clock, so they
/// are the next run's, and the run still says all is well (it used to fail the table, exit 1,
/// on every long run of a busy cloud). A row changed into eligibility behind the walk still
/// fails it (the test above).
#[test]
fn rows_whose_time_comes_during_the_run_are_the_next_runs() {
    time_comes_during_the_run("deleted_at <= SUBDATE(NOW(), INTERVAL 1 DAY)");
}

/// The same with `SYSDATE()`, which reads the machine's clock at each call: the count after
/// the walk calls `NOW()` in its place.
#[test]
fn rows_whose_time_comes_during_the_run_by_sysdate_are_the_next_runs() {
    time_comes_during_the_run("deleted_at <= SUBDATE(SYSDATE(6), INTERVAL 1 DAY)");
}

fn time_comes_during_the_run(condition: &str) {
    let s = server();
    let db = ScratchDb::create(s, "clock");
    // Rows 1-3 become eligible 2 s after their insert: behind the walk by then.
    db.sql(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME(6) NULL);
         INSERT INTO t SELECT seq, NOW(6) - INTERVAL 2 DAY FROM seq_100_to_139;
         INSERT INTO t SELECT seq, NOW(6) - INTERVAL 1 DAY + INTERVAL 2 SECOND FROM seq_1_to_3;",
    );
    let ini = Ini::new(s, &[&db.name])
        .src("where", condition)
        .src("select_limit", 10)
        .src("delete_limit", 10)
        .src("delete_loop_delay", "1");
    let started = Instant::now();
    let out = run(&ini);
    assert!(
        started.elapsed() > Duration::from_secs(3),
        "the run must outlast the rows' coming of age: {:?}",
        started.elapsed()
    );
    out.assert_success();
    assert_eq!(digest(s, &db.name, "t", "id < 100").0, 3, "rows 1-3 stay");
    assert_eq!(digest(s, &db.name, "t", "id >= 100").0, 0);
    // Their time has come: the next run takes them.
    run(&ini).assert_success();
    assert_eq!(digest(s, &db.name, "t", "1").0, 0);
    assert_eq!(digest(s, &db.archive(), "t", "1").0, 43);
}

/// With a `where` that has no retention (`deleted <> 0`: every soft-deleted row, as before an
/// upgrade), the service's own soft-deletes during the run make rows eligible behind the walk.
/// Their `deleted_at` (UTC, as OpenStack writes it) is after the walk's start: they are the
/// next run's, and the run says all is well. A row whose `deleted_at` says it was deleted
/// before the walk began still fails the table (the first test).
#[test]
fn rows_soft_deleted_during_the_run_are_the_next_runs() {
    let s = server();
    let db = ScratchDb::create(s, "softdel");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted INT NOT NULL, deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, IF(seq = 1, 0, seq), IF(seq = 1, NULL, {OLD}) FROM seq_1_to_40;"
    ));
    let ini = Ini::new(s, &[&db.name])
        .src("where", "deleted <> 0")
        .src("select_limit", 10)
        .src("delete_limit", 5)
        .src("delete_loop_delay", "0.3");
    let running = Osarchiver::new().config_text(ini.text()).spawn();
    deletes_have_begun(&db);
    db.sql("UPDATE t SET deleted = id, deleted_at = UTC_TIMESTAMP() WHERE id = 1");
    running.wait().assert_success();
    assert_eq!(digest(s, &db.name, "t", "1").0, 1, "row 1 stays");
    run(&ini).assert_success();
    assert_eq!(digest(s, &db.name, "t", "1").0, 0);
    assert_eq!(digest(s, &db.archive(), "t", "1").0, 40);
}
