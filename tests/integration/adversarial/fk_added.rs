//! A foreign key onto a source table added during its walk, from a table of another database:
//! `ON DELETE CASCADE` or `SET NULL` would let the server delete, or null a column of, live
//! rows no destination holds. The foreign keys onto the table are read again in every delete's
//! transaction, after its `DELETE` and before its `COMMIT`: a key the plan did not know rolls
//! the chunk back, with what the server did for it, and fails the table (exit 1). The same for
//! a table renamed into the source table's place during the run (what online schema-change
//! tools do), with another table's cascade onto it.

use crate::harness::digest::count;
use crate::harness::{server, Ini, ScratchDb};
use crate::pipeline::OLD;

use super::completeness::{slow_walk_under_way, until_it_lands, Landed};

/// A database named after `name` with a 40-row `t` (`v1`..`v40`, all eligible) and `extra`
/// run after it, and another, empty, database.
fn t_and_another_database(name: &str, extra: &str) -> (ScratchDb<'static>, ScratchDb<'static>) {
    let s = server();
    let db = ScratchDb::create(s, name);
    let other = ScratchDb::create(s, &format!("{name}_o"));
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20), deleted_at DATETIME NULL);
         INSERT INTO t SELECT seq, CONCAT('v', seq), {OLD} FROM seq_1_to_40;
         {extra}"
    ));
    (db, other)
}

/// Runs over a 40-row `t` (with `extra` run after it is made), with a table `c` of another
/// database holding live rows that reference rows 31 to 40 of `t` with no foreign key yet; once
/// deletes have begun, `c` gets a foreign key onto `t` with `rule` (with `foreign_key_checks`
/// off when `unchecked`: the `ALTER` is then done in place, without waiting for the run's
/// transactions). The referenced rows still in `t` when the key is there must stay, with their
/// children. Returns what went wrong.
fn a_foreign_key_added_mid_walk(
    rule: &str,
    unchecked: bool,
    extra: &str,
    edit: impl Fn(Ini, &std::path::Path) -> Ini,
) -> Option<String> {
    let name = format!("{rule} unchecked={unchecked} {extra}");
    until_it_lands(&name, |pace| {
        let s = server();
        let (db, other) = t_and_another_database("fk_added", extra);
        other.sql(
            "CREATE TABLE c (id INT PRIMARY KEY, t_id INT, KEY (t_id));
             INSERT INTO c SELECT seq, seq FROM seq_31_to_40;",
        );
        let (running, _) = slow_walk_under_way(&db, pace, &edit);
        // A checked ALTER refuses children whose parent is gone: it came too late.
        let added = other.try_sql(&format!(
            "SET foreign_key_checks = {};
             ALTER TABLE c ADD CONSTRAINT fk_new FOREIGN KEY (t_id) REFERENCES {} (id)
               ON DELETE {rule};",
            if unchecked { 0 } else { 1 },
            db.q("t")
        ));
        // Deleting one of these now would cascade: none may go.
        let referenced = count(s, &db.name, "t", "id > 30");
        let out = running.wait();
        if added.is_err() || referenced == 0 {
            return Landed::Late;
        }
        let children = count(s, &other.name, "c", "t_id IS NOT NULL");
        let kept = count(s, &db.name, "t", "id > 30");
        let left = count(s, &db.name, "t", "1");
        // (Files only: the rows that left are in the files, which other tests read back.)
        let archived = if db.exists(&db.archive()) {
            count(s, &db.archive(), "t", "1")
        } else {
            40 - left
        };
        let said = format!("{}{}", out.stdout, out.stderr).contains("the foreign keys onto");
        Landed::Checked(
            (children != 10
                || kept != referenced
                || left + archived < 40
                || out.code != Some(1)
                || !said)
                .then(|| {
                    format!(
                        "{name}: {children} of 10 children left, {kept} of the {referenced} \
                         referenced rows left in t, {left} rows left, {archived} archived, \
                         exit {:?}\n{out}",
                        out.code
                    )
                }),
        )
    })
}

#[test]
fn a_foreign_key_added_during_the_walk_touches_no_unarchived_row() {
    let files = |ini: Ini, dir: &std::path::Path| ini.files("dst, files", dir, "csv");
    let mut failed = Vec::new();
    // The locked way (no foreign key at the start), the ALTER waiting for no transaction.
    failed.extend(a_foreign_key_added_mid_walk(
        "CASCADE",
        true,
        "",
        |ini, _| ini,
    ));
    failed.extend(a_foreign_key_added_mid_walk(
        "SET NULL",
        false,
        "",
        |ini, _| ini,
    ));
    // With files: the locked way writing them as it goes.
    failed.extend(a_foreign_key_added_mid_walk("CASCADE", true, "", files));
    // Every row through osarchiver, checked and deleted by key.
    failed.extend(a_foreign_key_added_mid_walk(
        "CASCADE",
        true,
        "",
        |ini, _| ini.dst("server_side_copy", false),
    ));
    // A cascade onto the table from the start (the three-stage way), and a second one added.
    failed.extend(a_foreign_key_added_mid_walk(
        "CASCADE",
        true,
        "CREATE TABLE k (id INT PRIMARY KEY, t_id INT,
           FOREIGN KEY (t_id) REFERENCES t (id) ON DELETE CASCADE);",
        |ini, _| ini,
    ));
    // A key elsewhere on the server whose name InnoDB's dictionary view cuts: the keys are
    // then read database by database, and every table whose keys the dictionary shows whole
    // is checked all the same. (It turned the check off for every table: another test's key
    // of a long name, on the shared server, once let this cascade empty `c`.)
    let long = "文".repeat(40);
    failed.extend(a_foreign_key_added_mid_walk(
        "CASCADE",
        true,
        &format!(
            "CREATE TABLE `{long}` (id INT PRIMARY KEY);
             CREATE TABLE lc (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES `{long}` (id));"
        ),
        |ini, _| ini,
    ));
    // A table whose `SHOW CREATE TABLE` holds a byte that is not UTF-8 (a binary default),
    // archived to files only: its definition, which every chunk checks, was read as no text,
    // and every check went off without a word (helper 125: the cascade emptied `c`).
    failed.extend(a_foreign_key_added_mid_walk(
        "CASCADE",
        true,
        "ALTER TABLE t ADD b VARBINARY(4) DEFAULT 0xFF;",
        |ini, dir| ini.files("files", dir, "csv"),
    ));
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

/// A table with live children through `ON DELETE CASCADE` renamed into the place of the table
/// being walked: its definition is the same, the foreign key onto it is new.
#[test]
fn a_table_renamed_into_place_with_a_cascade_onto_it_touches_no_unarchived_row() {
    let failed = until_it_lands("renamed into place", |pace| {
        let s = server();
        let (db, other) = t_and_another_database(
            "fk_swap",
            &format!(
                "CREATE TABLE t2 LIKE t;
                 INSERT INTO t2 SELECT seq, CONCAT('w', seq), {OLD} FROM seq_1_to_40;"
            ),
        );
        other.sql(&format!(
            "CREATE TABLE c (id INT PRIMARY KEY, t_id INT,
               FOREIGN KEY (t_id) REFERENCES {} (id) ON DELETE CASCADE);
             INSERT INTO c SELECT seq, seq FROM seq_1_to_40;",
            db.q("t2")
        ));
        let (running, _) = slow_walk_under_way(&db, pace, |ini, _| ini);
        db.sql("RENAME TABLE t TO t_old, t2 TO t;");
        // The walk of the first t was over when the rename came: nothing was renamed under it.
        let at_change = count(s, &db.name, "t_old", "1");
        let out = running.wait();
        if at_change == 0 {
            return Landed::Late;
        }
        // The locked way deletes from the new table and finds the key onto it; the client's
        // way (server_side_copy = false) finds the rows it read changed and deletes none.
        let said = format!("{}{}", out.stdout, out.stderr);
        let said = said.contains("the foreign keys onto") || said.contains("neither read nor kept");
        let children = count(s, &other.name, "c", "1");
        let gone: u64 = 40 - count(s, &db.name, "t", "1");
        // Copies of rows that stay may remain (a later run finds them identical).
        let archived_new = count(s, &db.archive(), "t", "v LIKE 'w%'");
        Landed::Checked(
            (out.code != Some(1) || !said || children != 40 - gone || archived_new < gone).then(
                || {
                    format!(
                        "exit {:?}, {children} children left, {gone} parents of the new t \
                         deleted, {archived_new} of them archived\n{out}",
                        out.code
                    )
                },
            ),
        )
    });
    assert!(failed.is_none(), "{}", failed.unwrap_or_default());
}

/// With the keys read database by database (a key elsewhere of a name InnoDB's dictionary view
/// cuts), a key onto the table dropped after the run read the server's keys and before its
/// database began left every chunk of the table unchecked: a `CASCADE` added during its walk
/// then emptied a live table, exit 0 (helper 127). A dropped key is harmless: the chunks are
/// checked all the same, and the new key fails the table.
#[test]
fn a_key_dropped_before_its_tables_database_begins_leaves_the_chunks_checked() {
    let s = server();
    let long = ScratchDb::create(s, "fkd_long");
    let name = "文".repeat(40);
    long.sql(&format!(
        "CREATE TABLE `{name}` (id INT PRIMARY KEY);
         CREATE TABLE lc (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES `{name}` (id));"
    ));
    let first = ScratchDb::create(s, "fkd_a0");
    first.sql(&format!(
        "CREATE TABLE t0 (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO t0 SELECT seq, {OLD} FROM seq_1_to_30;"
    ));
    let (db, other) = t_and_another_database(
        "fkd_a",
        "CREATE TABLE c (id INT PRIMARY KEY, t_id INT,
           CONSTRAINT fk1 FOREIGN KEY (t_id) REFERENCES t (id) ON DELETE CASCADE);",
    );
    other.sql(
        "CREATE TABLE c2 (id INT PRIMARY KEY, t_id INT, KEY (t_id));
         INSERT INTO c2 SELECT seq, seq FROM seq_31_to_40;",
    );
    let ini = Ini::new(s, &[&first.name, &db.name])
        .src("select_limit", 5)
        .src("delete_limit", 5)
        .src("delete_loop_delay", "0.3");
    let running = crate::harness::Osarchiver::new()
        .config_text(ini.text())
        .spawn();
    let wait_until = |what: &str, done: &dyn Fn() -> bool| {
        let t0 = std::time::Instant::now();
        while !done() {
            assert!(t0.elapsed().as_secs() < 60, "{what}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    wait_until("the first database's deletes begin", &|| {
        count(s, &first.name, "t0", "1") < 30
    });
    db.sql("ALTER TABLE c DROP FOREIGN KEY fk1");
    wait_until("the table's deletes begin", &|| {
        count(s, &db.name, "t", "1") < 40
    });
    other.sql(&format!(
        "SET foreign_key_checks = 0;
         ALTER TABLE c2 ADD CONSTRAINT fk_new FOREIGN KEY (t_id) REFERENCES {} (id)
           ON DELETE CASCADE;",
        db.q("t")
    ));
    let out = running.wait();
    assert_eq!(
        count(s, &other.name, "c2", "t_id IS NOT NULL"),
        10,
        "live children cascaded away\n{out}"
    );
    let kept = count(s, &db.name, "t", "id > 30");
    assert!(kept > 0, "the walk ended before the key came: {out}");
    out.assert_code(1).output_contains("the foreign keys onto");
}
