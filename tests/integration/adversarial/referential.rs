//! Referential actions: a DELETE must never make the server remove (`ON DELETE CASCADE`) or
//! change (`SET NULL`) a row that was not archived, whichever database holds the child table,
//! whatever the key the foreign key points at, and even while other sessions add children.
//! Such parents stay and are reported as blocked, as RESTRICT ones are.

use std::collections::BTreeSet;

use crate::harness::digest::{digest, Before as Snapshot};
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb, Server};
use crate::pipeline::{run, OLD, RECENT};

/// One table of a case: where it is, the rows the run must move (an SQL filter) and whether
/// the run chooses it (its rows are then archived).
struct Expect<'a> {
    db: &'a str,
    table: &'a str,
    moved: &'a str,
    archive: Option<String>,
}

/// The digests of a table's rows before the run: those that must stay, those that must move.
struct Before {
    keep: (u64, String),
    moved: (u64, String),
}

fn before(s: &Server, tables: &[Expect]) -> Vec<Before> {
    tables
        .iter()
        .map(|t| Before {
            keep: digest(s, t.db, t.table, &format!("NOT COALESCE(({}), 0)", t.moved)),
            moved: digest(s, t.db, t.table, &format!("COALESCE(({}), 0)", t.moved)),
        })
        .collect()
}

/// Every table holds exactly its kept rows, unchanged; every moved row is in the archive,
/// identical.
fn assert_after(s: &Server, tables: &[Expect], before: &[Before]) {
    for (t, b) in tables.iter().zip(before) {
        assert_eq!(
            digest(s, t.db, t.table, "1"),
            b.keep,
            "{}.{}: the rows left are not exactly the rows that had to stay, unchanged",
            t.db,
            t.table
        );
        // Nothing to move: the archive table may never have been made.
        let made = |archive: &String| {
            t.moved != "0"
                || s.sql(&format!(
                    "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{archive}' AND TABLE_NAME = '{}'",
                    t.table
                ))
                .trim()
                    == "1"
        };
        if let Some(archive) = t.archive.as_ref().filter(|a| made(a)) {
            assert_eq!(
                digest(s, archive, t.table, &format!("COALESCE(({}), 0)", t.moved)),
                b.moved,
                "{archive}.{}: the moved rows are not in the archive, identical",
                t.table
            );
        }
    }
}

fn expect<'a>(db: &'a ScratchDb, table: &'a str, moved: &'a str) -> Expect<'a> {
    Expect {
        db: &db.name,
        table,
        moved,
        archive: Some(db.archive()),
    }
}

/// A table the run does not choose: nothing of it may change.
fn untouched<'a>(db: &'a str, table: &'a str) -> Expect<'a> {
    Expect {
        db,
        table,
        moved: "0",
        archive: None,
    }
}

const RULES: &[&str] = &["CASCADE", "SET NULL", "RESTRICT", "NO ACTION"];

/// A parent whose live child (same database, child chosen too) points at it with each rule
/// stays; a parent whose child was eligible goes after it; the report names the constraint.
#[test]
fn a_live_child_blocks_its_parent_whatever_the_rule() {
    let s = server();
    for rule in RULES {
        let db = ScratchDb::create(s, "rule");
        db.sql(&format!(
            "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_c_p FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE {rule});
             INSERT INTO p VALUES (1, {OLD}), (2, {OLD}), (3, {OLD}), (4, NULL);
             INSERT INTO c VALUES (1, 1, NULL), (2, 2, {OLD}), (4, 4, {RECENT}), (5, 1, {RECENT});"
        ));
        let tables = [expect(&db, "p", "id IN (2, 3)"), expect(&db, "c", "id = 2")];
        let b = before(s, &tables);
        let out = run(&Ini::new(s, &[&db.name])
            .src("select_limit", 2)
            .src("delete_limit", 2));
        out.assert_code(3);
        assert_after(s, &tables, &b);
        // The archive holds every parent that left, not the blocked one, which stays.
        assert_eq!(
            digest(s, &db.archive(), "p", "1").0,
            2,
            "ON DELETE {rule}: eligible parents archived"
        );
        let p = out.table_row(&db.name, "p");
        assert_eq!(
            (p.num("deleted"), p.num("blocked")),
            (2, 1),
            "ON DELETE {rule}"
        );
        out.output_contains("row (id=1) kept: rows still reference it (constraint fk_c_p)");
    }
}

/// The child table has no `deleted_at`, so the run never chooses it: its rows block parents
/// all the same.
#[test]
fn a_child_table_that_is_never_chosen_blocks() {
    let s = server();
    for rule in ["CASCADE", "SET NULL"] {
        let db = ScratchDb::create(s, "nochoice");
        db.sql(&format!(
            "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             CREATE TABLE tags (id INT PRIMARY KEY, p_id INT NULL, tag VARCHAR(10),
               CONSTRAINT fk_tag FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE {rule});
             INSERT INTO p SELECT seq, {OLD} FROM seq_1_to_9;
             INSERT INTO tags VALUES (1, 3, 'a'), (2, 3, 'b'), (3, 7, 'c');"
        ));
        let tables = [
            expect(&db, "p", "id NOT IN (3, 7)"),
            untouched(&db.name, "tags"),
        ];
        let b = before(s, &tables);
        let out = run(&Ini::new(s, &[&db.name])
            .src("select_limit", 4)
            .src("delete_limit", 2));
        out.assert_code(3);
        assert_after(s, &tables, &b);
        out.output_contains("table ")
            .output_contains("(constraint fk_tag)");
        assert_eq!(out.table_row(&db.name, "p").num("blocked"), 2, "{rule}");
    }
}

/// The child lives in another database that the run does not archive, with CASCADE and SET
/// NULL (RESTRICT was caught by the server's 1451 before; these are silent).
#[test]
fn a_child_in_another_database_blocks_with_every_rule() {
    let s = server();
    let db = ScratchDb::create(s, "xdb_parent");
    let other = ScratchDb::create(s, "xdb_child");
    db.sql(&format!(
        "CREATE TABLE instances (id INT PRIMARY KEY, uuid CHAR(36) NOT NULL UNIQUE,
           deleted_at DATETIME NULL);
         INSERT INTO instances SELECT seq, CONCAT('uuid-', seq), {OLD} FROM seq_1_to_12;"
    ));
    other.sql(&format!(
        "CREATE TABLE ports (id INT PRIMARY KEY, device_id CHAR(36) NULL,
           CONSTRAINT fk_port_instance FOREIGN KEY (device_id) REFERENCES {} (uuid)
             ON DELETE CASCADE);
         CREATE TABLE attachments (id INT PRIMARY KEY, instance_id INT NULL,
           deleted_at DATETIME NULL,
           CONSTRAINT fk_attach_instance FOREIGN KEY (instance_id) REFERENCES {} (id)
             ON DELETE SET NULL);
         INSERT INTO ports VALUES (1, 'uuid-2'), (2, 'uuid-11'), (3, NULL);
         INSERT INTO attachments VALUES (1, 5, NULL), (2, 11, {OLD});",
        db.q("instances"),
        db.q("instances")
    ));
    let tables = [
        expect(&db, "instances", "id NOT IN (2, 5, 11)"),
        untouched(&other.name, "ports"),
        untouched(&other.name, "attachments"),
    ];
    let b = before(s, &tables);
    let out = run(&Ini::new(s, &[&db.name])
        .src("select_limit", 5)
        .src("delete_limit", 3));
    out.assert_code(3);
    assert_after(s, &tables, &b);
    let row = out.table_row(&db.name, "instances");
    assert_eq!((row.num("deleted"), row.num("blocked")), (9, 3));
    out.output_contains("row (id=2) kept: rows still reference it (constraint fk_port_instance)")
        .output_contains("row (id=5) kept: rows still reference it (constraint fk_attach_instance)")
        .output_contains(
            "row (id=11) kept: rows still reference it (constraints fk_attach_instance, fk_port_instance)",
        );
}

/// Foreign keys onto a composite primary key, onto a UNIQUE key, and onto a non-unique index
/// prefix (a value two parents share: the live child keeps the eligible one).
#[test]
fn composite_unique_and_non_unique_targets() {
    let s = server();
    let db = ScratchDb::create(s, "targets");
    db.sql(&format!(
        "CREATE TABLE comp (a INT, b VARCHAR(5), deleted_at DATETIME NULL, PRIMARY KEY (a, b));
         CREATE TABLE comp_child (id INT PRIMARY KEY, a INT, b VARCHAR(5),
           CONSTRAINT fk_comp FOREIGN KEY (a, b) REFERENCES comp (a, b) ON DELETE CASCADE);
         INSERT INTO comp VALUES (1, 'x', {OLD}), (1, 'y', {OLD}), (2, 'x', {OLD});
         INSERT INTO comp_child VALUES (1, 1, 'y'), (2, 2, NULL);

         CREATE TABLE uniq (id INT PRIMARY KEY, code VARCHAR(8) NOT NULL,
           deleted_at DATETIME NULL, UNIQUE KEY uk_code (code));
         CREATE TABLE uniq_child (id INT PRIMARY KEY, code VARCHAR(8),
           CONSTRAINT fk_uniq FOREIGN KEY (code) REFERENCES uniq (code) ON DELETE SET NULL);
         INSERT INTO uniq VALUES (1, 'one', {OLD}), (2, 'two', {OLD}), (3, 'three', {OLD});
         INSERT INTO uniq_child VALUES (1, 'two');

         CREATE TABLE grp (id INT PRIMARY KEY, g INT NOT NULL, deleted_at DATETIME NULL,
           KEY k_g (g, id));
         CREATE TABLE grp_child (id INT PRIMARY KEY, g INT,
           CONSTRAINT fk_grp FOREIGN KEY (g) REFERENCES grp (g) ON DELETE CASCADE);
         INSERT INTO grp VALUES (1, 5, {OLD}), (2, 5, NULL), (3, 6, {OLD}), (4, 7, {OLD});
         INSERT INTO grp_child VALUES (1, 5), (2, 7);"
    ));
    let tables = [
        expect(&db, "comp", "(a, b) IN ((1, 'x'), (2, 'x'))"),
        untouched(&db.name, "comp_child"),
        expect(&db, "uniq", "id IN (1, 3)"),
        untouched(&db.name, "uniq_child"),
        expect(&db, "grp", "id = 3"),
        untouched(&db.name, "grp_child"),
    ];
    let b = before(s, &tables);
    let out = run(&Ini::new(s, &[&db.name]).src("delete_limit", 2));
    out.assert_code(3);
    assert_after(s, &tables, &b);
    out.output_contains("row (a=1, b='y') kept")
        .output_contains("row (id=2) kept: rows still reference it (constraint fk_uniq)")
        .output_contains("row (id=1) kept: rows still reference it (constraint fk_grp)")
        .output_contains("row (id=4) kept: rows still reference it (constraint fk_grp)");
}

/// A table that references itself with CASCADE: a chain of eligible rows goes whole, in one
/// batch or across pages; a chain that ends in a live row stays whole.
#[test]
fn a_self_referencing_cascade_keeps_chains_that_end_in_a_live_row() {
    let s = server();
    for (select_limit, delete_limit) in [(1000, 500), (2, 2), (3, 1)] {
        let db = ScratchDb::create(s, "selfcascade");
        db.sql(&format!(
            "CREATE TABLE node (id INT PRIMARY KEY, parent_id INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_node FOREIGN KEY (parent_id) REFERENCES node (id)
                 ON DELETE CASCADE);
             INSERT INTO node VALUES (1, NULL, {OLD}), (2, 1, NULL),
               (3, NULL, {OLD}), (4, 3, {OLD}), (5, 4, {OLD}),
               (6, NULL, {OLD}), (7, 6, {OLD}), (8, 7, {RECENT}),
               (20, NULL, {OLD}), (19, 20, {OLD}), (18, 19, {OLD}), (17, 18, NULL),
               (30, NULL, {OLD});
             UPDATE node SET parent_id = 30 WHERE id = 30;"
        ));
        let tables = [expect(&db, "node", "id IN (3, 4, 5, 30)")];
        let b = before(s, &tables);
        let out = run(&Ini::new(s, &[&db.name])
            .src("select_limit", select_limit)
            .src("delete_limit", delete_limit));
        out.assert_code(3);
        assert_after(s, &tables, &b);
        let row = out.table_row(&db.name, "node");
        assert_eq!(
            (row.num("deleted"), row.num("blocked")),
            (4, 6),
            "select_limit {select_limit}, delete_limit {delete_limit}"
        );
    }
}

/// grandparent <- parent <- grandchild, all CASCADE, all chosen: a live grandchild keeps its
/// parent, which keeps the grandparent. The same with a middle table the run never chooses.
#[test]
fn a_three_level_cascade_chain_with_a_live_grandchild() {
    let s = server();
    for middle_chosen in [true, false] {
        let db = ScratchDb::create(s, "chain3");
        let middle_deleted = if middle_chosen {
            ", deleted_at DATETIME NULL"
        } else {
            ""
        };
        let mid = |v: &str| {
            if middle_chosen {
                format!(", {v}")
            } else {
                String::new()
            }
        };
        db.sql(&format!(
            "CREATE TABLE a (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             CREATE TABLE b (id INT PRIMARY KEY, a_id INT NOT NULL{middle_deleted},
               CONSTRAINT fk_b_a FOREIGN KEY (a_id) REFERENCES a (id) ON DELETE CASCADE);
             CREATE TABLE c (id INT PRIMARY KEY, b_id INT NOT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_c_b FOREIGN KEY (b_id) REFERENCES b (id) ON DELETE CASCADE);
             INSERT INTO a VALUES (1, {OLD}), (2, {OLD}), (3, {OLD});
             INSERT INTO b VALUES (1, 1{}), (2, 2{}), (3, 3{});
             INSERT INTO c VALUES (1, 1, NULL), (2, 2, {OLD});",
            mid(OLD),
            mid(OLD),
            mid("NULL"),
        ));
        let (a_moved, b_moved) = if middle_chosen {
            ("id = 2", "id = 2")
        } else {
            ("0", "0")
        };
        let mut tables = vec![expect(&db, "a", a_moved), expect(&db, "c", "id = 2")];
        tables.push(if middle_chosen {
            expect(&db, "b", b_moved)
        } else {
            untouched(&db.name, "b")
        });
        let b = before(s, &tables);
        let out = run(&Ini::new(s, &[&db.name]).src("delete_limit", 1));
        out.assert_code(3);
        assert_after(s, &tables, &b);
    }
}

/// With `foreign_key_check = false` no referential action runs: the parent goes, the live
/// child keeps its (now dangling) reference, untouched, and the log names the constraint.
#[test]
fn without_foreign_key_checks_nothing_cascades_and_the_log_says_what_dangles() {
    let s = server();
    let db = ScratchDb::create(s, "nofk");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL,
           CONSTRAINT fk_dangle FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE);
         INSERT INTO p VALUES (1, {OLD}), (2, {OLD});
         INSERT INTO c VALUES (1, 1);"
    ));
    let tables = [expect(&db, "p", "1"), untouched(&db.name, "c")];
    let b = before(s, &tables);
    let out = run(&Ini::new(s, &[&db.name]).src("foreign_key_check", "false"));
    out.assert_success();
    assert_after(s, &tables, &b);
    out.output_contains("foreign_key_check = false")
        .output_contains(&format!("fk_dangle (`{}`.`c` ON DELETE CASCADE)", db.name));
}

/// While the run deletes parents, another session keeps adding live children (onto a UNIQUE
/// key, as OpenStack's `instance_uuid` columns do, and onto the primary key) with ON DELETE
/// CASCADE. Every child whose INSERT succeeded must still be there at the end, and so must its
/// parent: the check's locks keep a child from appearing under a parent being deleted.
#[test]
fn children_added_during_the_run_are_never_cascaded_away() {
    let s = server();
    let db = ScratchDb::create(s, "race");
    const PARENTS: u32 = 1500;
    db.sql(&format!(
        "CREATE TABLE instances (id INT PRIMARY KEY, uuid CHAR(36) NOT NULL,
           deleted_at DATETIME NULL, UNIQUE KEY uk_uuid (uuid));
         CREATE TABLE child_uuid (id INT PRIMARY KEY, instance_uuid CHAR(36) NOT NULL,
           CONSTRAINT fk_race_uuid FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
             ON DELETE CASCADE);
         CREATE TABLE child_id (id INT PRIMARY KEY, instance_id INT NULL,
           CONSTRAINT fk_race_id FOREIGN KEY (instance_id) REFERENCES instances (id)
             ON DELETE SET NULL);
         INSERT INTO instances SELECT seq, CONCAT('u-', seq), {OLD} FROM seq_1_to_{PARENTS};"
    ));
    let before_parents = Snapshot::take(s, &db.name, &["instances"]);

    // The children, in rounds that follow the run's progress through the parents.
    let child_script = |table: &str, column: &str, value: &dyn Fn(u32) -> String, base: u32| {
        let mut sql = String::from("SET SESSION innodb_lock_wait_timeout = 50;\n");
        for round in 0..6u32 {
            for i in 0..PARENTS / 6 {
                let parent = (i * 6 + round * 7) % PARENTS + 1;
                let id = base + round * PARENTS + i;
                sql.push_str(&format!(
                    "INSERT INTO `{}`.`{table}` (id, {column}) VALUES ({id}, {});\n",
                    db.name,
                    value(parent)
                ));
            }
        }
        sql
    };
    let uuid_sql = child_script("child_uuid", "instance_uuid", &|p| format!("'u-{p}'"), 0);
    let id_sql = child_script("child_id", "instance_id", &|p| p.to_string(), 0);
    let args = s.cli_args();
    let spawn_children = |sql: String| {
        let args = args.clone();
        std::thread::spawn(move || {
            // From a file: a pipe written while the client's stderr fills would deadlock.
            let script = tempfile::NamedTempFile::new().expect("temporary file");
            std::fs::write(script.path(), sql).expect("write the script");
            let out = std::process::Command::new(crate::harness::client::client_program())
                .args(&args)
                .args(["--force", "-N", "--batch"])
                .stdin(std::fs::File::open(script.path()).expect("open the script"))
                .output()
                .expect("mariadb client");
            String::from_utf8_lossy(&out.stderr).to_string()
        })
    };

    let running = Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db.name])
                .src("select_limit", 50)
                .src("delete_limit", 10)
                .src("delete_loop_delay", 0)
                .text(),
        )
        .spawn();
    let uuid_children = spawn_children(uuid_sql.clone());
    let id_children = spawn_children(id_sql.clone());
    let out: Output = running.wait();
    let uuid_errors = uuid_children.join().unwrap();
    let id_errors = id_children.join().unwrap();
    assert!(
        matches!(out.code, Some(0 | 3)),
        "exit code {:?}\n{}",
        out.code,
        out.stdout
    );

    // Which INSERTs failed, by line of the script.
    let failed_lines = |errors: &str| -> BTreeSet<usize> {
        errors
            .lines()
            .filter(|l| l.starts_with("ERROR"))
            .filter_map(|l| {
                // 1452: the parent was gone. 1213/1205: the INSERT met the check's locks and
                // lost (a deadlock, or a lock wait timeout); it did not happen either.
                assert!(
                    ["ERROR 1452", "ERROR 1213", "ERROR 1205"]
                        .iter()
                        .any(|code| l.contains(code)),
                    "a child INSERT failed for another reason: {l}"
                );
                l.split(" at line ")
                    .nth(1)?
                    .split(':')
                    .next()?
                    .trim()
                    .parse()
                    .ok()
            })
            .collect()
    };
    for (table, column, sql, errors) in [
        ("child_uuid", "instance_uuid", &uuid_sql, &uuid_errors),
        ("child_id", "instance_id", &id_sql, &id_errors),
    ] {
        let failed = failed_lines(errors);
        let expected: BTreeSet<String> = sql
            .lines()
            .enumerate()
            .skip(1)
            .filter(|(n, _)| !failed.contains(&(n + 1)))
            .map(|(_, l)| {
                let values = l.split("VALUES (").nth(1).unwrap();
                values
                    .trim_end_matches(");")
                    .replace(['\'', ' '], "")
                    .replace(',', "\t")
            })
            .collect();
        let present: BTreeSet<String> = db
            .sql(&format!("SELECT id, {column} FROM {}", db.q(table)))
            .lines()
            .map(|l| l.replace('\'', ""))
            .collect();
        let lost: Vec<&String> = expected.difference(&present).take(5).collect();
        assert!(
            lost.is_empty(),
            "{table}: children inserted during the run were removed or changed: {lost:?} ({} of {})",
            expected.difference(&present).count(),
            expected.len()
        );
        // Every child still points at a parent that is there.
        let orphans = db.sql(&format!(
            "SELECT COUNT(*) FROM {} c LEFT JOIN {} p ON p.{} = c.{column} \
             WHERE c.{column} IS NOT NULL AND p.id IS NULL",
            db.q(table),
            db.q("instances"),
            if column == "instance_uuid" {
                "uuid"
            } else {
                "id"
            }
        ));
        assert_eq!(
            orphans.trim(),
            "0",
            "{table}: children without their parent"
        );
    }
    // The parents left are unchanged; every parent that left is archived, identical (the
    // archive keeps no copy of those that stay).
    let left = digest(s, &db.name, "instances", "1");
    assert_eq!(
        left,
        digest(
            s,
            before_parents.db(),
            "instances",
            &format!("id IN (SELECT id FROM {})", db.q("instances"))
        ),
        "the parents left are unchanged"
    );
    assert_eq!(
        digest(s, &db.archive(), "instances", "1"),
        before_parents.left("instances", "1", "id"),
        "every parent that left is archived, identical"
    );
    assert!(left.0 < u64::from(PARENTS), "the run deleted nothing");
    // The race itself depends on timing: say how much of it happened.
    eprintln!(
        "children_added_during_the_run: {} of {PARENTS} parents kept by children added during the run",
        left.0
    );
}

/// Runs the archiver as a user of its own with `grants` (after `GRANT ALL` on the source
/// database `p` and its archive database) over a parent table of 5 eligible rows, the 4th of
/// them referenced with ON DELETE CASCADE from a table `c` in another database; checks that
/// the rows that move (`moved`) are exactly those, and that `c` is untouched.
fn as_user_with(prefix: &str, grants: &str, moved: &str) -> Output {
    let s = server();
    let db = ScratchDb::create(s, &format!("{prefix}_p"));
    let other = ScratchDb::create(s, &format!("{prefix}_c"));
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO p SELECT seq, {OLD} FROM seq_1_to_5;"
    ));
    other.sql(&format!(
        "CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL,
           CONSTRAINT fk_{prefix} FOREIGN KEY (p_id) REFERENCES {} (id) ON DELETE CASCADE);
         INSERT INTO c VALUES (1, 4);",
        db.q("p")
    ));
    let user = crate::harness::unique_name(&format!("osa_{prefix}"));
    s.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw';
         GRANT ALL ON `{}`.* TO '{user}'@'%';
         GRANT ALL ON `{}`.* TO '{user}'@'%';
         {}",
        db.name,
        db.archive(),
        grants
            .replace("{user}", &user)
            .replace("{child_db}", &other.name)
    ));
    let tables = [expect(&db, "p", moved), untouched(&other.name, "c")];
    let b = before(s, &tables);
    let out = run(&Ini::new(s, &[&db.name])
        .src("user", &user)
        .src("password", "pw")
        .dst("user", &user)
        .dst("password", "pw"));
    s.sql(&format!("DROP USER '{user}'@'%'"));
    assert_after(s, &tables, &b);
    out
}

/// A user without the PROCESS privilege cannot read InnoDB's dictionary: with SELECT on every
/// database, the foreign keys are read database by database (said in the log), and a CASCADE
/// child in another database still keeps its parent.
#[test]
fn without_the_process_privilege_foreign_keys_are_read_database_by_database() {
    let out = as_user_with("noproc", "GRANT SELECT ON *.* TO '{user}'@'%';", "id <> 4");
    out.assert_code(3)
        .output_contains("read database by database")
        .output_contains("row (id=4) kept: rows still reference it (constraint fk_noproc)");
}

/// A user that can read neither InnoDB's dictionary (PROCESS) nor every database cannot know
/// the foreign keys declared where it cannot see: nothing is deleted (exit 1, by the dry run
/// too), saying to grant PROCESS. Such a key's ON DELETE CASCADE ran on live rows of another
/// database, with exit 0 (here the user may read the child's database: which databases hide
/// one cannot be told).
#[test]
fn without_process_nor_select_everywhere_nothing_is_deleted() {
    let out = as_user_with(
        "noproc_all",
        "GRANT SELECT ON `{child_db}`.* TO '{user}'@'%';",
        "0",
    );
    out.assert_code(1)
        .output_contains("can read neither InnoDB's foreign-key dictionary")
        .output_contains("GRANT PROCESS ON *.*");
}

/// A user with PROCESS but not SELECT on every database, on a server where some key's name is
/// longer than InnoDB's dictionary view shows (the keys are then read database by database,
/// in the databases it can see): a CASCADE from a database it cannot see keeps the table from
/// being archived (exit 1, naming the key). It was missed: the cascade ran on live rows, exit
/// 0 (helper 125).
#[test]
fn with_names_cut_a_key_from_a_database_the_user_cannot_see_fails_its_table() {
    let s = server();
    let long = ScratchDb::create(s, "cut");
    let t = "文".repeat(40);
    long.sql(&format!(
        "CREATE TABLE `{t}` (id INT PRIMARY KEY);
         CREATE TABLE lc (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES `{t}` (id));"
    ));
    let out = as_user_with("cutproc", "GRANT PROCESS ON *.* TO '{user}'@'%';", "0");
    out.assert_code(1)
        .output_contains(
            "InnoDB's dictionary shows foreign keys onto it that this user cannot read",
        )
        .output_contains("`fk_cutproc`");
}

/// Names InnoDB's dictionary stores encoded (`x@002dy/t@0040r`): a child table in a database
/// whose name has `-`, `.` and `é`, itself named with such characters, onto a
/// parent with such names; and a child value that only the collation calls equal to the
/// parent's (`'ABC'` references `'abc'` under a case-insensitive collation).
#[test]
fn encoded_names_and_collation_equal_references() {
    let s = server();
    let mut db = ScratchDb::create(s, "enc-p.é");
    let other = format!("{}-c.é", crate::harness::unique_name("enc"));
    db.also_drop(other.clone());
    s.sql(&format!(
        "CREATE DATABASE {} CHARACTER SET utf8mb4",
        crate::harness::q(&other, "").trim_end_matches(".``")
    ));
    db.sql(&format!(
        "CREATE TABLE `pa@r.é` (id INT PRIMARY KEY, code VARCHAR(8) NOT NULL,
           deleted_at DATETIME NULL, UNIQUE KEY uk (code))
           CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
         INSERT INTO `pa@r.é` VALUES (1, 'abc', {OLD}), (2, 'def', {OLD}), (3, 'ghi', {OLD});"
    ));
    s.sql(&format!(
        "CREATE TABLE {} (id INT PRIMARY KEY, code VARCHAR(8) NULL,
           CONSTRAINT `fk-é``x` FOREIGN KEY (code) REFERENCES {} (code) ON DELETE CASCADE)
           CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;
         INSERT INTO {} VALUES (1, 'ABC');",
        crate::harness::q(&other, "ch/ild"),
        db.q("pa@r.é"),
        crate::harness::q(&other, "ch/ild"),
    ));
    let tables = [
        expect(&db, "pa@r.é", "id <> 1"),
        untouched(&other, "ch/ild"),
    ];
    let b = before(s, &tables);
    let out = run(&Ini::new(s, &[&db.name]).src("select_limit", 2));
    out.assert_code(3)
        .output_contains("row (id=1) kept: rows still reference it (constraint fk-é`x)");
    assert_after(s, &tables, &b);
}

/// A DELETE trigger on a source table runs for every row deleted, and nothing can tell what
/// it changes: the log names it for each table it is on.
#[test]
fn delete_triggers_are_named_in_the_log() {
    let s = server();
    let db = ScratchDb::create(s, "trig");
    db.sql(&format!(
        "CREATE TABLE t (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE audit (id INT);
         INSERT INTO t VALUES (1, {OLD});
         CREATE TRIGGER t_audit AFTER DELETE ON t FOR EACH ROW INSERT INTO audit VALUES (OLD.id);"
    ));
    let out = run(&Ini::new(s, &[&db.name]).src("tables", "t"));
    out.assert_success().output_contains(&format!(
        "table {}.t: trigger t_audit runs AFTER DELETE for every row deleted",
        db.name
    ));
}

/// A `BEFORE DELETE` trigger runs before the foreign-key check, and a row the server then
/// keeps has run it all the same. In a table that references itself (`RESTRICT`), the rows of
/// one delete go children first, and rows the server would refuse whatever the order (a row
/// that references itself, a cycle) are blocked without a delete: the trigger runs once for
/// each row deleted, and for no other row. Chains run both ways in key order; deletes of 1, 2
/// and 500 rows. The dry run predicts the rows kept (a cycle of rows, a row referencing
/// itself) and the exit code.
#[test]
fn a_before_delete_trigger_runs_once_per_row_deleted_in_a_self_referencing_table() {
    let s = server();
    for delete_limit in [500, 2, 1] {
        let db = ScratchDb::create(s, "selftrg");
        db.sql(&format!(
            "CREATE TABLE node (id INT PRIMARY KEY, parent INT NULL, deleted_at DATETIME NULL,
               CONSTRAINT fk_selftrg FOREIGN KEY (parent) REFERENCES node (id));
             CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, id INT);
             SET foreign_key_checks = 0;
             INSERT INTO node VALUES
               (1, NULL, {OLD}), (2, 1, {OLD}), (3, 2, {OLD}),
               (13, NULL, {OLD}), (12, 13, {OLD}), (11, 12, {OLD}),
               (5, 6, {OLD}), (6, 5, {OLD}), (9, 5, {OLD}),
               (10, 10, {OLD}), (14, 10, {OLD}),
               (7, 8, {OLD}), (8, NULL, NULL), (20, NULL, {OLD}), (21, 20, NULL),
               (31, 33, {OLD}), (32, 31, {OLD}), (33, 34, {OLD}), (34, 32, {OLD}), (35, 34, {OLD});
             SET foreign_key_checks = 1;
             CREATE TRIGGER node_bd BEFORE DELETE ON node FOR EACH ROW
               INSERT INTO audit (id) VALUES (OLD.id);"
        ));
        let moved = "id IN (1, 2, 3, 11, 12, 13, 9, 14, 7, 35)";
        let tables = [expect(&db, "node", moved)];
        let b = before(s, &tables);
        let ini = Ini::new(s, &[&db.name])
            .src("tables", "node")
            .src("select_limit", 1000)
            .src("delete_limit", delete_limit);
        // The dry run predicts it: the cycle and the row referencing itself stay.
        let dry = Osarchiver::new()
            .config_text(ini.text())
            .arg("--dry-run")
            .run();
        dry.assert_code(3);
        let predicted = dry.table_row(&db.name, "node");
        assert_eq!(
            (predicted.num("would delete"), predicted.num("would block")),
            (10, 8),
            "the dry run's prediction"
        );
        let out = run(&ini);
        out.assert_code(3);
        assert_after(s, &tables, &b);
        let row = out.table_row(&db.name, "node");
        assert_eq!(
            (row.num("deleted"), row.num("blocked")),
            (10, 8),
            "delete_limit {delete_limit}"
        );
        let audit = s.sql(&format!(
            "SELECT COUNT(*), COUNT(DISTINCT id), SUM(id IN (1, 2, 3, 11, 12, 13, 9, 14, 7, 35)) FROM {}",
            db.q("audit")
        ));
        assert_eq!(
            audit.trim(),
            "10\t10\t10",
            "delete_limit {delete_limit}: the trigger ran once for each row deleted, and only for them"
        );
    }
}

/// A foreign key this user cannot see (declared in a database it cannot see, without
/// PROCESS): nothing is deleted, so no `DELETE` trigger runs, and the run fails saying why.
/// The rows were tried one by one (each delete running its trigger) until the server's own
/// check kept them.
#[test]
fn an_unseen_foreign_key_stops_every_delete() {
    let s = server();
    let db = ScratchDb::create(s, "heldtrg");
    let other = ScratchDb::create(s, "heldtrg_c");
    db.sql(&format!(
        "CREATE TABLE node (id INT PRIMARY KEY, parent INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT fk_heldtrg FOREIGN KEY (parent) REFERENCES node (id));
         CREATE TABLE audit (n INT AUTO_INCREMENT PRIMARY KEY, id INT);
         INSERT INTO node VALUES (1, NULL, {OLD}), (2, 1, {OLD}), (3, 2, {OLD}), (4, NULL, {OLD});
         CREATE TRIGGER heldtrg_bd BEFORE DELETE ON node FOR EACH ROW
           INSERT INTO audit (id) VALUES (OLD.id);"
    ));
    other.sql(&format!(
        "CREATE TABLE c (id INT PRIMARY KEY, node_id INT NULL,
           CONSTRAINT fk_heldtrg_c FOREIGN KEY (node_id) REFERENCES {} (id));
         INSERT INTO c VALUES (1, 2);",
        db.q("node")
    ));
    let user = crate::harness::unique_name("osa_heldtrg");
    s.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw';
         GRANT ALL ON `{}`.* TO '{user}'@'%';
         GRANT ALL ON `{}`.* TO '{user}'@'%';",
        db.name,
        db.archive()
    ));
    let out = run(&Ini::new(s, &[&db.name])
        .src("tables", "node")
        .src("user", &user)
        .src("password", "pw")
        .dst("user", &user)
        .dst("password", "pw"));
    s.sql(&format!("DROP USER '{user}'@'%'"));
    out.assert_code(1)
        .output_contains("can read neither InnoDB's foreign-key dictionary");
    let left = s.sql(&format!(
        "SELECT GROUP_CONCAT(id ORDER BY id) FROM {}",
        db.q("node")
    ));
    assert_eq!(left.trim(), "1,2,3,4");
    assert_eq!(
        s.sql(&format!("SELECT COUNT(*) FROM {}", db.q("audit")))
            .trim(),
        "0",
        "no delete ran"
    );
}

/// A user that sees the foreign key (PROCESS) but may not read the child table cannot check
/// it: the table fails (exit 1) and none of its rows is deleted.
#[test]
fn a_child_table_the_user_cannot_read_fails_the_parent_table() {
    let out = as_user_with("noread", "GRANT PROCESS ON *.* TO '{user}'@'%';", "0");
    out.assert_code(1);
    // Refused when the child is read, or before, when another test's key of a long name on
    // the shared server has the keys read database by database (the test above).
    let said = out.output();
    assert!(
        said.contains("command denied")
            || said.contains(
                "InnoDB's dictionary shows foreign keys onto it that this user cannot read"
            ),
        "{out}"
    );
}

/// The dry run predicts the rows that live rows keep (children chosen in the run but not
/// eligible, children in tables the run never chooses, children in another database) and the
/// exit code: the real run that follows blocks exactly as many rows and exits the same way.
#[test]
fn the_dry_run_predicts_the_blocked_rows_and_the_exit_code() {
    let s = server();
    let db = ScratchDb::create(s, "predict");
    let other = ScratchDb::create(s, "predict_x");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT fk_pred_c FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE CASCADE);
         CREATE TABLE tags (id INT PRIMARY KEY, p_id INT NULL,
           CONSTRAINT fk_pred_tag FOREIGN KEY (p_id) REFERENCES p (id) ON DELETE SET NULL);
         CREATE TABLE node (id INT PRIMARY KEY, parent INT NULL, deleted_at DATETIME NULL,
           CONSTRAINT fk_pred_node FOREIGN KEY (parent) REFERENCES node (id));
         INSERT INTO p SELECT seq, {OLD} FROM seq_1_to_10;
         INSERT INTO c VALUES (1, 1, NULL), (2, 2, {OLD}), (3, 3, {RECENT});
         INSERT INTO tags VALUES (1, 4), (2, 4), (3, NULL);
         INSERT INTO node VALUES (1, NULL, {OLD}), (2, 1, NULL), (3, NULL, {OLD}), (4, 3, {OLD});"
    ));
    other.sql(&format!(
        "CREATE TABLE x (id INT PRIMARY KEY, p_id INT NULL,
           CONSTRAINT fk_pred_x FOREIGN KEY (p_id) REFERENCES {} (id) ON DELETE CASCADE);
         INSERT INTO x VALUES (1, 5);",
        db.q("p")
    ));
    let ini = Ini::new(s, &[&db.name]).src("select_limit", 3);
    let dry = Osarchiver::new()
        .config_text(ini.text())
        .arg("--dry-run")
        .run();
    dry.assert_code(3);
    let p = dry.table_row(&db.name, "p");
    assert_eq!(
        (
            p.num("eligible"),
            p.num("would delete"),
            p.num("would block")
        ),
        (10, 6, 4),
        "p is kept for c 1 and 3, tags 4, x 5\n{dry}"
    );
    let node = dry.table_row(&db.name, "node");
    assert_eq!((node.num("would delete"), node.num("would block")), (2, 1));

    let real = run(&ini);
    real.assert_code(3);
    for t in ["p", "c", "node"] {
        let (d, r) = (dry.table_row(&db.name, t), real.table_row(&db.name, t));
        assert_eq!(
            (d.num("would delete"), d.num("would block")),
            (r.num("deleted"), r.num("blocked")),
            "{t}: the dry run's prediction differs from the real run"
        );
    }
}

/// Archive tables made beforehand with the source's foreign keys, as the Python osarchiver
/// made them (from `SHOW CREATE TABLE`), `CASCADE` and `SET NULL` between archived rows: the
/// child's copy goes in before its parent's, and when a blocked parent's copy is taken back,
/// no archived child is deleted or changed with it. The archive's foreign keys used to act:
/// the copy of child 10 (deleted from the source) was cascade-deleted from the archive, or its
/// `p_id` set to NULL, and in the client's way its copy was refused (1452, exit 1).
#[test]
fn the_archives_own_foreign_keys_never_act_on_archived_rows() {
    let s = server();
    for (way, rule) in [
        ("true", "CASCADE"),
        ("true", "SET NULL"),
        ("false", "CASCADE"),
        ("false", "SET NULL"),
    ] {
        let db = ScratchDb::create(s, "arcfk");
        let schema = |d: &str| {
            format!(
                "CREATE TABLE `{d}`.p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
                 CREATE TABLE `{d}`.c (id INT PRIMARY KEY, p_id INT NULL, deleted_at DATETIME NULL,
                     CONSTRAINT c_fk FOREIGN KEY (p_id) REFERENCES `{d}`.p (id) ON DELETE {rule});"
            )
        };
        s.sql(&format!(
            "{} CREATE DATABASE `{a}`; {}",
            schema(&db.name),
            schema(&db.archive()),
            a = db.archive()
        ));
        db.sql(&format!(
            "INSERT INTO p VALUES (1, {OLD}), (2, {OLD});
             INSERT INTO c VALUES (10, 1, {OLD}), (11, 1, NULL), (20, 2, {OLD});"
        ));
        let ini = Ini::new(s, &[&db.name]).dst("server_side_copy", way);
        run(&ini).assert_code(3);
        let rows = |d: &str, t: &str| {
            s.sql(&format!(
                "SELECT id, IFNULL(p_id, 'null') FROM `{d}`.{t} ORDER BY id"
            ))
        };
        assert_eq!(
            rows(&db.archive(), "c").trim(),
            "10\t1\n20\t2",
            "{way} {rule}: both children archived, as they were"
        );
        assert_eq!(rows(&db.name, "c").trim(), "11\t1", "{way} {rule}");
        assert_eq!(
            s.sql(&format!("SELECT id FROM `{}`.p ORDER BY id", db.archive()))
                .trim(),
            "2",
            "{way} {rule}: the blocked parent's copy is taken back, the other stays"
        );
        assert_eq!(db.sql("SELECT id FROM p").trim(), "1", "{way} {rule}");
    }
}

/// An archive table with a foreign key onto the source's own table (the Python osarchiver
/// copied `SHOW CREATE TABLE`, and a key onto another database kept naming the source): the
/// parent rows its archived rows reference stay, as blocked, and the run says which key of
/// the archive to drop.
#[test]
fn an_archive_key_onto_the_source_is_named_with_the_statement_that_drops_it() {
    let s = server();
    let db = ScratchDb::create(s, "arcout");
    let other = ScratchDb::create(s, "arcout_other");
    db.sql(&format!(
        "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO p VALUES (1, {OLD}), (2, {OLD});"
    ));
    other.sql(&format!(
        "CREATE TABLE c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
             CONSTRAINT c_p FOREIGN KEY (p_id) REFERENCES {} (id));",
        db.q("p")
    ));
    // `other`'s archive, as the Python tool made it: its key still names the source's `p`.
    s.sql(&format!(
        "CREATE DATABASE `{a}`; CREATE TABLE `{a}`.c (id INT PRIMARY KEY, p_id INT, deleted_at DATETIME NULL,
             CONSTRAINT c_p_arch FOREIGN KEY (p_id) REFERENCES {p} (id));
         INSERT INTO `{a}`.c VALUES (10, 1, {OLD});",
        a = other.archive(),
        p = db.q("p")
    ));
    let out = run(&Ini::new(s, &[&db.name, &other.name]));
    out.assert_code(3)
        .output_contains("DROP FOREIGN KEY `c_p_arch`");
    assert_eq!(
        db.sql("SELECT id FROM p").trim(),
        "1",
        "row 1 stays, row 2 goes"
    );
}
