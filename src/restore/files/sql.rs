//! The statements of a SQL file the tool wrote, for the staging table: the session lines it
//! starts with (`SET NAMES`, `time_zone`, `sql_mode`, `foreign_key_checks`,
//! `check_constraint_checks`) as they are, and its INSERTs into the table, pointed at the
//! staging table. Anything else is refused: the file is not run as a script. Literals never
//! hold a raw newline, so a line that ends with `;` ends a statement (see
//! [`crate::destination::file::sql`]); a last statement cut by a crash is left out, as the
//! `mariadb` client leaves it.

use std::io::{self, BufRead};

use crate::mysql::ident::qualified;

/// The session lines a file may hold, by their beginning.
const SESSION_LINES: &[&str] = &[
    "SET NAMES ",
    "SET time_zone = ",
    "SET sql_mode = ",
    "SET foreign_key_checks = ",
    "/*M!100201 SET check_constraint_checks = 0 */;",
];

/// Session lines a file may hold that the restore leaves out: it runs the file's statements in
/// a session of its own, with transactions of its own.
const SKIPPED_LINES: &[&str] = &["SET autocommit = 1;"];

/// Reads the statements of a SQL file of `db.table` and hands each, pointed at `stage` (the
/// staging table's name in `db`), to `f`; returns how many INSERTs there were.
pub fn statements(
    r: &mut dyn BufRead,
    db: &str,
    table: &str,
    stage: &str,
    f: &mut dyn FnMut(String) -> io::Result<()>,
) -> io::Result<u64> {
    let head = format!("INSERT INTO {} (", qualified(db, table));
    let staged = format!("INSERT INTO {} (", qualified(db, stage));
    let bad = |n: u64, what: &str| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "line {n}: {what}: not a statement the tool writes into a SQL file of {}",
                qualified(db, table)
            ),
        )
    };
    let mut statement = String::new();
    // The lines of a statement's head so far, when the table's name holds a newline (its
    // `INSERT INTO` then spans lines).
    let mut head_lines = String::new();
    let mut line = Vec::new();
    let mut n = 0u64;
    let mut inserts = 0;
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        n += 1;
        let text = std::str::from_utf8(&line).map_err(|_| bad(n, "not UTF-8"))?;
        let text = text.trim_end_matches(['\n', '\r']);
        if statement.is_empty() {
            if head_lines.is_empty() && (text.is_empty() || text.starts_with("--")) {
                continue;
            }
            let so_far = if head_lines.is_empty() {
                text.to_string()
            } else {
                format!("{head_lines}\n{text}")
            };
            if let Some(rest) = so_far.strip_prefix(&head) {
                head_lines.clear();
                statement.push_str(&staged);
                statement.push_str(rest);
            } else if head.starts_with(&format!("{so_far}\n")) {
                head_lines = so_far;
                continue;
            } else if SKIPPED_LINES.contains(&text) && head_lines.is_empty() {
                continue;
            } else if SESSION_LINES.iter().any(|s| text.starts_with(s))
                && text.ends_with(';')
                && head_lines.is_empty()
            {
                f(text.to_string())?;
                continue;
            } else {
                let shown: String = so_far.chars().take(60).collect();
                return Err(bad(n, &shown));
            }
        } else {
            statement.push('\n');
            statement.push_str(text);
        }
        if text.ends_with(';') {
            inserts += 1;
            f(std::mem::take(&mut statement))?;
        }
    }
    if !statement.is_empty() {
        tracing::warn!(
            "restore: a SQL file of {} ends in a statement cut short at line {n} (a run killed while it wrote it): that statement is left out (its rows never left the source: a batch is deleted once its files are synced)",
            qualified(db, table)
        );
    }
    Ok(inserts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> io::Result<Vec<String>> {
        let mut out = Vec::new();
        statements(
            &mut text.as_bytes(),
            "nova",
            "instances",
            "instances__s",
            &mut |s| {
                out.push(s);
                Ok(())
            },
        )?;
        Ok(out)
    }

    #[test]
    fn a_table_named_with_a_newline_has_its_inserts_read() {
        let file = "SET NAMES utf8mb4;\n\
            INSERT INTO `p`.`x\ny` (`id`) VALUES\n(1),\n(2);\n\
            INSERT INTO `p`.`x\ny` (`id`) VALUES\n(3);\n";
        let mut out = Vec::new();
        let n = statements(&mut file.as_bytes(), "p", "x\ny", "stage", &mut |s| {
            out.push(s);
            Ok(())
        })
        .expect("valid");
        assert_eq!(n, 2);
        assert_eq!(out[1], "INSERT INTO `p`.`stage` (`id`) VALUES\n(1),\n(2);");
        assert_eq!(out[2], "INSERT INTO `p`.`stage` (`id`) VALUES\n(3);");
        // Another table whose name begins alike is still refused.
        let other = "INSERT INTO `p`.`x\nz` (`id`) VALUES\n(1);\n";
        let e = statements(&mut other.as_bytes(), "p", "x\ny", "stage", &mut |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
    }

    #[test]
    fn inserts_go_to_the_staging_table_and_a_cut_last_one_is_left_out() {
        let file = "-- osarchiver 0.1.0: rows archived from `nova`.`instances`\n\
            SET autocommit = 1;\nSET NAMES utf8mb4;\nSET time_zone = '+00:00';\n\
            /*M!100201 SET check_constraint_checks = 0 */;\n\n\
            INSERT INTO `nova`.`instances` (`id`,`name`) VALUES\n(1,'a;'),\n(2,'b')\n\
            ON DUPLICATE KEY UPDATE `id`=VALUES(`id`),`name`=VALUES(`name`);\n\
            INSERT INTO `nova`.`instances` (`id`,`name`) VALUES\n(3,'c'),\n";
        let s = run(file).expect("valid");
        assert_eq!(s.len(), 4);
        assert_eq!(
            s[3],
            "INSERT INTO `nova`.`instances__s` (`id`,`name`) VALUES\n(1,'a;'),\n(2,'b')\n\
             ON DUPLICATE KEY UPDATE `id`=VALUES(`id`),`name`=VALUES(`name`);"
        );
    }

    #[test]
    fn other_statements_and_other_tables_are_refused() {
        assert!(run("DROP TABLE x;\n").is_err());
        assert!(run("INSERT INTO `nova`.`other` (`id`) VALUES\n(1);\n").is_err());
        assert!(run("SET GLOBAL read_only = 1;\n").is_err());
    }
}
