//! A server whose global `sql_mode` is as hostile as it gets (`ORACLE`, `ANSI_QUOTES`,
//! `NO_BACKSLASH_ESCAPES`, `PAD_CHAR_TO_FULL_LENGTH`, `EMPTY_STRING_IS_NULL`, `NO_ZERO_DATE`,
//! `STRICT_ALL_TABLES`): every session the archiver opens, and every file it writes, must still
//! read and write the rows as they are. On a dedicated server, since the mode is global.

use crate::harness::{dedicated_server, server, ENV_VAR};

use super::everywhere::{hex_rows_on, Case};

#[test]
fn a_hostile_global_sql_mode_changes_nothing() {
    if !server().is_private() {
        eprintln!(
            "SKIPPED a_hostile_global_sql_mode_changes_nothing: {ENV_VAR} names an external server"
        );
        return;
    }
    let s = dedicated_server();
    let case = Case::on(&s, "adv_mode");
    case.src.sql(
        "SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';
         CREATE TABLE m (id INT AUTO_INCREMENT PRIMARY KEY, c CHAR(5), v VARCHAR(20) NOT NULL,
           t TEXT, d DATE, e ENUM('a', 'b'), deleted_at DATETIME NULL);
         INSERT INTO m VALUES
           (0, 'a', '', 'back\\\\slash \"dq\" ''sq''', '0000-00-00', 'a',
            UTC_TIMESTAMP() - INTERVAL 10 DAY),
           (1, '', '', '', '2020-01-00', NULL, UTC_TIMESTAMP() - INTERVAL 10 DAY),
           (2, 'keep', 'x', NULL, NULL, 'b', NULL);",
    );
    s.sql(
        "SET GLOBAL sql_mode = 'ORACLE,ANSI_QUOTES,NO_BACKSLASH_ESCAPES,PAD_CHAR_TO_FULL_LENGTH,\
         EMPTY_STRING_IS_NULL,NO_ZERO_DATE,NO_ZERO_IN_DATE,STRICT_ALL_TABLES'",
    );
    // The fixture holds what the test is about, read under the hostile mode.
    assert_eq!(
        case.src
            .sql("SELECT COUNT(*) FROM m WHERE LENGTH(v) = 0")
            .trim(),
        "2"
    );
    case.restore_targets("m");
    let eligible = "deleted_at IS NOT NULL";
    let before = hex_rows_on(&s, &case.src.name, "m", eligible);
    let rest = hex_rows_on(&s, &case.src.name, "m", &format!("NOT ({eligible})"));
    assert!(before.iter().any(|r| r.starts_with("0|")), "{before:?}");
    let out = case.run(|ini| ini);
    out.assert_success();
    case.assert_moved(&out, "m", eligible, &before, &rest, &[]);
}
