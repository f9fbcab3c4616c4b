//! Foreign keys whose tables' names InnoDB's dictionary view does not show as they are: a
//! user's table named `#sql...` (stored `@0023sql...`, which decodes like the literal `#sql-`
//! name of an `ALTER TABLE`'s temporary table), and names longer, as InnoDB encodes them (a CJK
//! character takes five), than the 193 characters of `INNODB_SYS_FOREIGN`'s columns. Either way
//! the key was missed, and its `ON DELETE CASCADE` deleted live rows archived nowhere.

use crate::harness::digest::count;
use crate::harness::{server, Ini, Osarchiver, ScratchDb};
use crate::pipeline::OLD;

/// `t` (10 eligible rows) in `db`, with `child` (in `db` too) referencing rows 1 to 5 through
/// `ON DELETE CASCADE`: those rows stay (exit 3), the children are untouched.
fn cascade_children_stay(db: &str, t: &str, child: &str, label: &str) {
    let s = server();
    s.sql(&format!(
        "USE `{db}`;
         CREATE TABLE `{db}`.`{t}` (id INT PRIMARY KEY, deleted_at DATETIME NULL);
         INSERT INTO `{db}`.`{t}` SELECT seq, {OLD} FROM seq_1_to_10;
         CREATE TABLE `{db}`.`{child}` (id INT PRIMARY KEY, t_id INT,
           FOREIGN KEY (t_id) REFERENCES `{db}`.`{t}` (id) ON DELETE CASCADE);
         INSERT INTO `{db}`.`{child}` SELECT seq, seq FROM seq_1_to_5;"
    ));
    let out = Osarchiver::new()
        .config_text(Ini::new(s, &[db]).src("tables", t).text())
        .run();
    assert_eq!(
        count(s, db, child, "t_id IS NOT NULL"),
        5,
        "{label}: the live children are untouched\n{out}"
    );
    assert_eq!(
        count(s, db, t, "1"),
        5,
        "{label}: their parents stay\n{out}"
    );
    out.assert_code(3);
}

#[test]
fn a_users_table_named_like_an_alter_temporary_is_a_child_like_any() {
    let db = ScratchDb::create(server(), "fk_sqlname");
    cascade_children_stay(&db.name, "t", "#sql_kids", "#sql_kids");
}

#[test]
fn names_longer_than_the_dictionary_view_shows_are_read_elsewhere() {
    let mut scratch = ScratchDb::create(server(), "fk_long");
    let db = format!("{}{}", "中".repeat(30), scratch.name);
    scratch.also_drop(db.clone());
    server().sql(&format!("CREATE DATABASE `{db}`"));
    cascade_children_stay(&db, &"文".repeat(40), "c", "CJK names");
}
