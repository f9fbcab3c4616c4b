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
            // Only literals, as the tool writes them: a value that is an expression (a stored
            // function, `NEXTVAL`) would run in the staging session, in a dry run too.
            if let Some(rest) = statement.strip_prefix(&staged) {
                if let Err(why) = literal_insert(rest) {
                    return Err(bad(n, &why));
                }
            }
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

/// Whether `rest`, an `INSERT` after its `INSERT INTO <table> (`, is one the tool writes: a
/// column list of quoted names, `VALUES`, tuples of literals ([`literal_len`]), and the
/// `ON DUPLICATE KEY UPDATE` of each column from its `VALUES`, if any; else what is not.
fn literal_insert(rest: &str) -> Result<(), String> {
    let b = rest.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while *i < b.len() && b[*i].is_ascii_whitespace() {
            *i += 1;
        }
    };
    let name = |i: &mut usize| -> bool {
        if b.get(*i) != Some(&b'`') {
            return false;
        }
        *i += 1;
        while *i < b.len() {
            if b[*i] == b'`' {
                if b.get(*i + 1) == Some(&b'`') {
                    *i += 2;
                    continue;
                }
                *i += 1;
                return true;
            }
            *i += 1;
        }
        false
    };
    let near = |i: usize| -> String {
        let s = String::from_utf8_lossy(&b[i.min(b.len())..]);
        format!(
            "not a literal the tool writes, near {:?}",
            s.chars().take(40).collect::<String>()
        )
    };
    // The column list.
    loop {
        if !name(&mut i) {
            return Err(near(i));
        }
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b')') => {
                i += 1;
                break;
            }
            _ => return Err(near(i)),
        }
    }
    ws(&mut i);
    if !rest[i..].starts_with("VALUES") {
        return Err(near(i));
    }
    i += "VALUES".len();
    // The tuples.
    loop {
        ws(&mut i);
        if b.get(i) != Some(&b'(') {
            return Err(near(i));
        }
        i += 1;
        loop {
            ws(&mut i);
            let Some(n) = literal_len(&b[i..]) else {
                return Err(near(i));
            };
            i += n;
            ws(&mut i);
            match b.get(i) {
                Some(b',') => i += 1,
                Some(b')') => {
                    i += 1;
                    break;
                }
                _ => return Err(near(i)),
            }
        }
        ws(&mut i);
        if b.get(i) == Some(&b',') {
            i += 1;
        } else {
            break;
        }
    }
    // The upsert of the tool's files: each column from its VALUES.
    if rest[i..].starts_with("ON DUPLICATE KEY UPDATE") {
        i += "ON DUPLICATE KEY UPDATE".len();
        loop {
            ws(&mut i);
            let start = i;
            if !name(&mut i) {
                return Err(near(i));
            }
            let column = &rest[start..i];
            let from = format!("=VALUES({column})");
            if !rest[i..].starts_with(&from) {
                return Err(near(i));
            }
            i += from.len();
            if b.get(i) == Some(&b',') {
                i += 1;
            } else {
                break;
            }
        }
        ws(&mut i);
    }
    if b.get(i) != Some(&b';') || !rest[i + 1..].trim().is_empty() {
        return Err(near(i));
    }
    Ok(())
}

/// The length of the literal `b` begins with, as [`crate::mysql::literal`] writes them:
/// `NULL`, a number, a quoted string (backslash escapes, `''`), `X'..'`, or one of the last
/// two after a character set's introducer (`_latin1 X'..'`); `None` when it begins with
/// anything else.
fn literal_len(b: &[u8]) -> Option<usize> {
    if b.starts_with(b"NULL") {
        return Some(4);
    }
    let quoted = |b: &[u8]| -> Option<usize> {
        if b.first() != Some(&b'\'') {
            return None;
        }
        let mut i = 1;
        while i < b.len() {
            match b[i] {
                b'\\' => i += 2,
                b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
                b'\'' => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    let hex = |b: &[u8]| -> Option<usize> {
        if !(b.starts_with(b"X'") || b.starts_with(b"x'")) {
            return None;
        }
        let digits = b[2..].iter().take_while(|c| c.is_ascii_hexdigit()).count();
        (b.get(2 + digits) == Some(&b'\'')).then_some(3 + digits)
    };
    match b.first()? {
        b'\'' => quoted(b),
        b'X' | b'x' => hex(b),
        b'_' => {
            let name = 1 + b[1..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                .count();
            if name == 1 || b.get(name) != Some(&b' ') {
                return None;
            }
            let rest = &b[name + 1..];
            Some(name + 1 + quoted(rest).or_else(|| hex(rest))?)
        }
        // One number token, no more: `1-2` is an expression, and in `1-- ` the server reads a
        // comment that may hide the rest of the line (helper 131).
        _ => crate::mysql::literal::number_token_len(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_literals_the_tool_writes_pass() {
        let ok = [
            "`id`,`v`) VALUES\n(1,'a''b\\'c'),\n(-2.5e-3,NULL);",
            "`id`,`b`) VALUES\n(18446744073709551615,X'00FF'),(0,_latin1 X'E9'),(1,_binary 'x');",
            "`a``b`) VALUES\n('2020-02-31 00:00:00')\nON DUPLICATE KEY UPDATE `a``b`=VALUES(`a``b`);",
        ];
        for s in ok {
            assert_eq!(literal_insert(s), Ok(()), "{s}");
        }
        let refused = [
            "`id`) VALUES\n(NEXTVAL(s1));",
            "`id`) VALUES\n(1+evil());",
            "`id`) VALUES\n(1),(2); DROP TABLE t;",
            "`id`) VALUES\n(@x:=1);",
            "`id`) VALUES\n(1)\nON DUPLICATE KEY UPDATE `id`=`id`+1;",
            "`id`) SELECT 1;",
            "`id`) VALUES\n('open);",
            "`id`) VALUES\n(_utf8mb4 CONCAT('a'));",
            "`id`,`v`) VALUES\n(1-2,NULL);",
            "`id`,`v`) VALUES\n(1-- ,'\n,evil(),NULL) -- '),(3,NULL);",
            "`id`,`v`) VALUES\n(1e,NULL);",
            "`id`,`v`) VALUES\n(1e+-2,NULL);",
            "`id`,`v`) VALUES\n(1.2.3,NULL);",
            "`id`,`v`) VALUES\n(1#,NULL);",
        ];
        for s in refused {
            assert!(literal_insert(s).is_err(), "{s}");
        }
    }

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
