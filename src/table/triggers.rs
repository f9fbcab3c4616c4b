//! What a source table's `DELETE` triggers do, checked as they run.
//!
//! A trigger present when the walk begins runs for every row deleted, and may delete or
//! rewrite rows anywhere: rows of other tables, which no destination holds, or the archive's
//! own copies. Nothing tells what it will do before it runs, so every transaction that deletes
//! from such a table counts what the session did ([`Guard`]), before its first delete and
//! before its commit, from the session's status counters:
//!
//! - the rows deleted and updated (`Handler_delete`, `Handler_update`): every row deleted or
//!   updated through a table handler, a trigger's statements and the procedures they call
//!   included. An `INSERT` (an audit trigger's) is not counted; nor are the rows InnoDB
//!   deletes or changes for a foreign key's `CASCADE` or `SET NULL` (checked apart). The
//!   table's own rows count twice when it is partitioned (the partition and the table);
//! - the `DELETE` and `UPDATE` statements run (`Com_delete`, `Com_update` and their
//!   multi-table and `REPLACE` kin): a `DELETE` that empties a table without transactions
//!   (MEMORY, MyISAM, Aria...) at once counts no row, only its statement.
//!
//! More rows than the transaction's own deletes, or more such statements than its own, is a
//! trigger that changed (or may have changed) rows the run did not archive: the transaction
//! rolls back, with what the trigger did in tables with transactions, and the table fails (the
//! error a changed definition gives, never retried). A user without the TRIGGER privilege on
//! the table may not see its triggers (MariaDB 10.11 shows them without their statements):
//! its deletes are counted all the same. A table without
//! such a trigger costs nothing; each read costs about a quarter of a millisecond of the
//! server's time.

use mysql_async::prelude::Queryable;
use mysql_async::{Conn, ServerError};

use super::definition::TABLE_DEF_CHANGED;
use super::TablePlan;
use crate::mysql::ident::qualified;

/// The statement that reads the session's counts: rows deleted and updated, `DELETE`,
/// `UPDATE` and `REPLACE` statements run, and prepared statements prepared again. `SHOW
/// STATUS`, which MySQL answers as MariaDB does (MySQL 8 has no
/// `information_schema.SESSION_STATUS`).
const COUNTS_SQL: &str = "SHOW SESSION STATUS WHERE Variable_name IN ('Handler_delete', \
    'Handler_update', 'Com_delete', 'Com_delete_multi', 'Com_update', 'Com_update_multi', \
    'Com_replace', 'Com_replace_select', 'Com_stmt_reprepare')";

/// The `DELETE` triggers of the plan's table when its walk began, as its definition holds
/// them ([`super::definition::read_source`]): `name timing` each. Empty without a definition
/// (dry runs, restores).
pub fn delete_triggers(plan: &TablePlan) -> Vec<&str> {
    trigger_lines(plan).map(|(named, _)| named).collect()
}

/// The plan's `DELETE` triggers (`name timing`) whose statement runs a `DELETE`, an `UPDATE`
/// or a `REPLACE` (an `INSERT ... ON DUPLICATE KEY UPDATE` too: the real run refuses the row it
/// updates once two deleted rows meet on its key, helper 140), or calls a procedure: what a
/// dry run foresees the real run refusing. The words are looked for outside quotes and
/// comments; a statement behind an `IF` that never holds is foreseen all the same.
pub fn changing_triggers(plan: &TablePlan) -> Vec<&str> {
    trigger_lines(plan)
        .filter(|(_, statement)| changes_rows(statement))
        .map(|(named, _)| named)
        .collect()
}

/// The plan's `DELETE` triggers (`name timing`) whose statement raises an error (`SIGNAL`,
/// `RESIGNAL`): what a dry run foresees failing the real run's table, as it cannot tell which
/// rows the error is for. One behind an `IF` that never holds is foreseen all the same.
pub fn refusing_triggers(plan: &TablePlan) -> Vec<(&str, Option<String>)> {
    trigger_lines(plan)
        .filter(|(_, statement)| raises_errors(statement))
        .map(|(named, statement)| (named, guard_condition(statement)))
        .collect()
}

/// Whether a trigger's statement raises an error: a `RESIGNAL`, or a `SIGNAL` of any class
/// but `01` (a warning, which refuses nothing: `SIGNAL SQLSTATE '01000'`, or a condition
/// declared `FOR SQLSTATE '01000'`).
fn raises_errors(statement: &str) -> bool {
    let words = words(statement);
    if words.iter().any(|w| w == "RESIGNAL") {
        return true;
    }
    let signals = words.iter().filter(|w| *w == "SIGNAL").count();
    if signals == 0 {
        return false;
    }
    let state = r#"SQLSTATE\s+(?:VALUE\s+)?['"]01[0-9A-Z]{3}['"]"#;
    let declared = regex::Regex::new(&format!(
        r"(?i)\bDECLARE\s+`?(\w+)`?\s+CONDITION\s+FOR\s+{state}"
    ))
    .expect("a valid regex");
    let warnings: Vec<String> = declared
        .captures_iter(statement)
        .map(|c| c[1].to_ascii_uppercase())
        .collect();
    let signal = regex::Regex::new(&format!(r"(?i)\bSIGNAL\s+(?:{state}|`?(\w+)`?)"))
        .expect("a valid regex");
    let warned = signal
        .captures_iter(statement)
        .filter(|c| match c.get(1) {
            None => true,
            Some(name) => warnings.contains(&name.as_str().to_ascii_uppercase()),
        })
        .count();
    warned < signals
}

/// Whether a trigger created under `sql_mode` `trigger` reads and compares an expression as a
/// session under `session` does: the same modes among those that change it (quotes, `||`,
/// backslashes, `NOT`, empty strings, `CHAR` padding, dates, division by zero, the
/// compatibility modes).
pub fn modes_read_alike(trigger: &str, session: &str) -> bool {
    const READING: &[&str] = &[
        "ANSI_QUOTES",
        "PIPES_AS_CONCAT",
        "NO_BACKSLASH_ESCAPES",
        "HIGH_NOT_PRECEDENCE",
        "EMPTY_STRING_IS_NULL",
        "PAD_CHAR_TO_FULL_LENGTH",
        "REAL_AS_FLOAT",
        "IGNORE_SPACE",
        "TIME_ROUND_FRACTIONAL",
        "ERROR_FOR_DIVISION_BY_ZERO",
        "STRICT_TRANS_TABLES",
        "STRICT_ALL_TABLES",
        "NO_ZERO_DATE",
        "NO_ZERO_IN_DATE",
        "ALLOW_INVALID_DATES",
        "ORACLE",
        "ANSI",
        "MSSQL",
        "DB2",
        "POSTGRESQL",
        "MAXDB",
        "MYSQL323",
        "MYSQL40",
        "SIMULTANEOUS_ASSIGNMENT",
    ];
    let set = |modes: &str| -> Vec<String> {
        let mut v: Vec<String> = modes
            .split(',')
            .map(|m| m.trim().to_ascii_uppercase())
            .filter(|m| READING.contains(&m.as_str()))
            .collect();
        v.sort();
        v
    };
    set(trigger) == set(session)
}

/// The condition under which a trigger's statement raises its error, when the statement is
/// one guard and nothing else: `[BEGIN] IF <condition> THEN SIGNAL ...; END IF[; END]`, the
/// condition on the deleted row's columns only (`OLD.c`, given back as `c`), no `NEW`, no
/// variable, no subquery, no comment. A dry run counts the eligible rows it holds for: none,
/// and the trigger refuses nothing the run deletes (a guard against deleting live rows).
pub fn guard_condition(statement: &str) -> Option<String> {
    // Quoted text masked, so that no keyword is looked for inside it.
    let mut masked = String::with_capacity(statement.len());
    let mut quote: Option<char> = None;
    let mut chars = statement.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == '\\' && q != '`' => {
                masked.push('_');
                if let Some(d) = chars.next() {
                    masked.extend(std::iter::repeat_n('_', d.len_utf8()));
                }
            }
            Some(q) if c == q => {
                if chars.peek() == Some(&q) {
                    chars.next();
                    masked.push_str("__");
                } else {
                    quote = None;
                    masked.push(c);
                }
            }
            Some(_) => masked.extend(std::iter::repeat_n('_', c.len_utf8())),
            None => {
                if matches!(c, '\'' | '"' | '`') {
                    quote = Some(c);
                }
                masked.push(c);
            }
        }
    }
    let upper = masked.to_ascii_uppercase();
    if quote.is_some() || upper.contains("--") || upper.contains('#') || upper.contains("/*") {
        return None;
    }
    // The statement's words and where each begins.
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in upper.char_indices() {
        let part = c.is_ascii_alphanumeric() || c == '_';
        match (part, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                words.push((s, &upper[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, &upper[s..]));
    }
    let names: Vec<&str> = words.iter().map(|(_, w)| *w).collect();
    let (body, rest) = match names.as_slice() {
        ["BEGIN", body @ .., "END"] => (body, 1),
        body => (body, 0),
    };
    let first = rest;
    // IF ... THEN SIGNAL|RESIGNAL ... END IF
    let [ref head @ .., "END", "IF"] = *body else {
        return None;
    };
    if head.first() != Some(&"IF") {
        return None;
    }
    let then = head.iter().position(|w| *w == "THEN")?;
    if !matches!(head.get(then + 1), Some(&"SIGNAL") | Some(&"RESIGNAL")) {
        return None;
    }
    for (i, w) in head.iter().enumerate() {
        let allowed = match *w {
            "IF" => i == 0,
            "THEN" => i == then,
            "SIGNAL" | "RESIGNAL" => i == then + 1,
            "ELSE" | "ELSEIF" | "SELECT" | "NEW" | "CALL" | "CASE" => false,
            _ => true,
        };
        if !allowed {
            return None;
        }
    }
    // The condition's text, between IF and THEN.
    let from = words[first].0 + 2;
    let to = words[first + then].0;
    let condition = &statement[from..to];
    let masked_condition = &upper[from..to];
    if masked_condition.contains(';') || masked_condition.contains('@') {
        return None;
    }
    // What the trigger's own `sql_mode` may read otherwise than the dry run's session: a
    // double-quoted name or string (`ANSI_QUOTES`), `||` (`PIPES_AS_CONCAT`), a backslash in a
    // string (`NO_BACKSLASH_ESCAPES`), `NOT` and `!` (`HIGH_NOT_PRECEDENCE`) but `IS NOT`.
    let not = words[first + 1..first + then]
        .iter()
        .enumerate()
        .any(|(i, (_, w))| *w == "NOT" && (i == 0 || words[first + i].1 != "IS"));
    if condition.contains(['"', '\\', '!']) || masked_condition.contains("||") || not {
        return None;
    }
    // After the SIGNAL, one statement: a `;` only at its end.
    let end_if = words[words.len() - 2 - rest].0;
    let signal = &upper[words[first + then + 1].0..end_if];
    if signal.trim_end().trim_end_matches(';').contains(';') {
        return None;
    }
    // `OLD.` before a column: the column itself. Any other qualified name: not a guard.
    let mut out = String::with_capacity(condition.len());
    let mut last = 0;
    for (i, _) in masked_condition.match_indices('.') {
        let before = masked_condition[..i].trim_end();
        if !before.ends_with("OLD")
            || before[..before.len() - 3]
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return None;
        }
        let old = before.len() - 3;
        out.push_str(&condition[last..old]);
        last = i + 1;
    }
    out.push_str(&condition[last..]);
    let out = out.trim().to_string();
    (!out.is_empty()).then_some(out)
}

/// The plan's `DELETE` triggers (`name timing`) whose statement the user cannot read (the
/// server shows a user without the TRIGGER privilege the trigger, not its statement).
pub fn hidden_triggers(plan: &TablePlan) -> Vec<&str> {
    trigger_lines(plan)
        .filter(|(_, statement)| statement.is_empty())
        .map(|(named, _)| named)
        .collect()
}

/// Each `DELETE` trigger's `name timing` and statement in the plan's definition.
fn trigger_lines(plan: &TablePlan) -> impl Iterator<Item = (&str, &str)> {
    plan.definition
        .as_deref()
        .unwrap_or_default()
        .split("\n-- trigger ")
        .skip(1)
        .filter_map(|line| line.split_once(" DELETE: "))
        .map(|(named, rest)| {
            let statement = rest
                .rsplit_once(crate::table::definition::CREATED)
                .map_or(rest, |(statement, _)| statement);
            (named, statement)
        })
}

/// Whether a trigger's `statement` has a word that deletes or updates rows ([`changing_triggers`]).
fn changes_rows(statement: &str) -> bool {
    let words = words(statement);
    words
        .iter()
        .any(|w| matches!(w.as_str(), "DELETE" | "REPLACE" | "CALL" | "UPDATE"))
}

/// The words of `sql` in upper case, outside quotes (`'`, `"`, `` ` ``) and comments.
fn words(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        let end_word = |word: &mut String, out: &mut Vec<String>| {
            if !word.is_empty() {
                out.push(std::mem::take(word).to_uppercase());
            }
        };
        match c {
            '\'' | '"' | '`' => {
                end_word(&mut word, &mut out);
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        if chars.peek() == Some(&c) {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '#' => {
                end_word(&mut word, &mut out);
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '-' if chars.peek() == Some(&'-') => {
                end_word(&mut word, &mut out);
                for d in chars.by_ref() {
                    if d == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                end_word(&mut word, &mut out);
                chars.next();
                let mut last = ' ';
                for d in chars.by_ref() {
                    if last == '*' && d == '/' {
                        break;
                    }
                    last = d;
                }
            }
            c if c.is_alphanumeric() || c == '_' || c == '$' => word.push(c),
            _ => end_word(&mut word, &mut out),
        }
    }
    if !word.is_empty() {
        out.push(word.to_uppercase());
    }
    out
}

/// What the session has done so far: rows deleted or updated, `DELETE`, `UPDATE` and
/// `REPLACE` statements run, and prepared statements prepared again (a table the statement
/// uses, its triggers' included, changed since it was prepared: the server counts its
/// `DELETE` again when it runs it again, having done nothing the first time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Counts {
    rows: u64,
    statements: u64,
    reprepared: u64,
}

/// What a transaction's own statements did: the rows its `DELETE`s tried (a `DELETE IGNORE`
/// counts the rows a foreign key keeps) and how many `DELETE`s ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ours {
    pub rows: u64,
    pub statements: u64,
}

impl Ours {
    /// One `DELETE` that tried `rows` rows.
    pub fn one(rows: u64) -> Ours {
        Ours {
            rows,
            statements: 1,
        }
    }
}

/// The counts of a transaction that deletes from a table with `DELETE` triggers, taken before
/// its first delete; nothing for a table without one.
pub struct Guard {
    before: Option<Counts>,
}

impl Guard {
    /// Reads the session's counts now when the plan's table has `DELETE` triggers, or may
    /// have some the user cannot see.
    pub async fn start(conn: &mut Conn, plan: &TablePlan) -> mysql_async::Result<Guard> {
        let before = if delete_triggers(plan).is_empty() && !plan.triggers_unseen {
            None
        } else {
            Some(counts(conn).await?)
        };
        Ok(Guard { before })
    }

    /// Checks, before the commit, that the session did no more since [`Guard::start`] than
    /// `ours`, what the transaction's own statements did: else the error the caller rolls
    /// back with.
    pub async fn check(
        &self,
        conn: &mut Conn,
        plan: &TablePlan,
        ours: Ours,
    ) -> mysql_async::Result<()> {
        let Some(before) = self.before else {
            return Ok(());
        };
        let now = counts(conn).await?;
        let done = Counts {
            rows: now.rows.saturating_sub(before.rows),
            statements: now.statements.saturating_sub(before.statements),
            reprepared: now.reprepared.saturating_sub(before.reprepared),
        };
        verdict(plan, done, ours)
    }
}

/// The session's counts now.
async fn counts(conn: &mut Conn) -> mysql_async::Result<Counts> {
    let rows: Vec<(String, String)> = conn.query(COUNTS_SQL).await?;
    Ok(sum(&rows))
}

/// [`Counts`] of the rows of [`COUNTS_SQL`] (name, value).
fn sum(rows: &[(String, String)]) -> Counts {
    let mut counts = Counts::default();
    for (name, value) in rows {
        let value: u64 = value.trim().parse().unwrap_or(0);
        let name = name.to_ascii_lowercase();
        if name == "com_stmt_reprepare" {
            counts.reprepared += value;
        } else if name.starts_with("handler_") {
            counts.rows += value;
        } else {
            counts.statements += value;
        }
    }
    counts
}

/// Whether the plan's table is partitioned: each of its rows deleted counts twice.
fn partitioned(plan: &TablePlan) -> bool {
    plan.definition.as_deref().is_some_and(|d| {
        let table = d.split("\n-- trigger ").next().unwrap_or_default();
        table.ends_with(super::definition::PARTITIONED)
    })
}

/// [`Guard::check`]'s judgement of what was `done`, `ours` of it the transaction's own.
fn verdict(plan: &TablePlan, done: Counts, ours: Ours) -> mysql_async::Result<()> {
    let own_rows = ours.rows * if partitioned(plan) { 2 } else { 1 };
    let what = if done.rows > own_rows {
        format!(
            "deleted or changed {} rows besides the {} rows this chunk deleted",
            done.rows - own_rows,
            ours.rows
        )
    } else if done.statements > ours.statements + done.reprepared {
        format!(
            "ran {} DELETE, UPDATE or REPLACE statements besides this chunk's own (a DELETE \
             that empties a table without transactions counts no row)",
            done.statements - ours.statements - done.reprepared
        )
    } else {
        return Ok(());
    };
    let mut triggers = delete_triggers(plan)
        .iter()
        .map(|t| format!("{t} DELETE"))
        .collect::<Vec<_>>();
    if plan.triggers_unseen {
        triggers.push(if triggers.is_empty() {
            "which this user, without the TRIGGER privilege on it, cannot see".into()
        } else {
            "whose statements this user, without the TRIGGER privilege on it, cannot read".into()
        });
    }
    Err(mysql_async::Error::Server(ServerError {
        code: TABLE_DEF_CHANGED,
        message: format!(
            "the DELETE triggers of {} ({}) {what}: rows no destination holds (of other tables, \
             or the archive's copies). This chunk was rolled back with what the triggers did in \
             tables with transactions (what they did in a table without transactions stays: \
             this chunk's, and in the locked way the one in flight beside it), and no row of the \
             table is deleted; drop or change the triggers, and run again",
            qualified(&plan.db, &plan.table),
            triggers.join(", ")
        ),
        state: "HY000".into(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(definition: Option<&str>) -> TablePlan {
        TablePlan {
            definition: definition.map(str::to_string),
            ..TablePlan::example(&["id"], &["int(11)"])
        }
    }

    /// What a transaction did: `rows` deleted or updated, `statements` run, none prepared again.
    fn done(rows: u64, statements: u64) -> Counts {
        Counts {
            rows,
            statements,
            reprepared: 0,
        }
    }

    #[test]
    fn the_triggers_are_read_from_the_definition() {
        assert!(delete_triggers(&plan(None)).is_empty());
        assert!(delete_triggers(&plan(Some("CREATE TABLE `t` (...)"))).is_empty());
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger audit AFTER DELETE: INSERT INTO a VALUES (1)\
             \n-- trigger gone BEFORE DELETE: DELETE FROM o WHERE id = OLD.id",
        ));
        assert_eq!(delete_triggers(&p), ["audit AFTER", "gone BEFORE"]);
    }

    #[test]
    fn only_rows_or_statements_beyond_the_chunks_own_fail_it() {
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger gone BEFORE DELETE: DELETE FROM o",
        ));
        assert!(verdict(&p, done(0, 0), Ours::one(0)).is_ok());
        assert!(verdict(&p, done(5, 1), Ours::one(5)).is_ok());
        let Err(mysql_async::Error::Server(e)) = verdict(&p, done(7, 1), Ours::one(5)) else {
            panic!("two rows more must fail");
        };
        assert_eq!(e.code, TABLE_DEF_CHANGED);
        let m = &e.message;
        assert!(m.contains("`nova`.`instances` (gone BEFORE DELETE)"), "{m}");
        assert!(m.contains("changed 2 rows besides the 5 rows"), "{m}");
        // A DELETE that emptied a MEMORY table: no row counted, its statement is.
        let Err(mysql_async::Error::Server(e)) = verdict(&p, done(5, 6), Ours::one(5)) else {
            panic!("five statements more must fail");
        };
        assert!(
            e.message.contains("ran 5 DELETE, UPDATE or REPLACE"),
            "{}",
            e.message
        );
        // Two levels of a table that references itself.
        let two = Ours {
            rows: 5,
            statements: 2,
        };
        assert!(verdict(&p, done(5, 2), two).is_ok());
        // Our DELETE prepared again (a table it uses was altered): counted twice, run once.
        let again = Counts {
            rows: 5,
            statements: 2,
            reprepared: 1,
        };
        assert!(verdict(&p, again, Ours::one(5)).is_ok());
    }

    #[test]
    fn the_dry_run_foresees_triggers_that_change_rows() {
        let changing = |statement: &str| changes_rows(statement);
        assert!(changing("DELETE FROM o WHERE id = OLD.id"));
        assert!(changing(
            "BEGIN INSERT INTO a VALUES (1); update q set n = n - 1; END"
        ));
        assert!(changing("REPLACE INTO c VALUES (OLD.id)"));
        assert!(changing("CALL forget(OLD.id)"));
        assert!(!changing("INSERT INTO audit (id) VALUES (OLD.id)"));
        // An upsert updates once two deleted rows meet on its key (helper 140).
        assert!(changing(
            "INSERT INTO c (id, n) VALUES (OLD.id, 1) ON DUPLICATE KEY UPDATE n = n + 1"
        ));
        assert!(!changing(
            "INSERT INTO a (s) VALUES ('DELETE it'), (\"it's\"), (`update`)"
        ));
        assert!(!changing("INSERT INTO a VALUES (1) -- DELETE later\n"));
        assert!(!changing("INSERT INTO a VALUES (1) /* UPDATE */ # REPLACE"));
        assert!(!changing("INSERT INTO deleted_rows VALUES ('a\\'DELETE')"));
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger audit AFTER DELETE: INSERT INTO a VALUES (1)\
             \n-- trigger gone BEFORE DELETE: DELETE FROM o WHERE id = OLD.id",
        ));
        assert_eq!(changing_triggers(&p), ["gone BEFORE"]);
        assert!(refusing_triggers(&p).is_empty());
    }

    #[test]
    fn a_guards_condition_is_read_from_its_statement() {
        let guard = |s: &str| guard_condition(s);
        assert_eq!(
            guard("IF OLD.deleted_at IS NULL THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'live'; END IF").as_deref(),
            Some("deleted_at IS NULL")
        );
        assert_eq!(
            guard("BEGIN\n  if old.`id` = 3 and OLD . v <> 'a.b' then\n    signal sqlstate '45000' set message_text = 'no 3';\n  end if;\nEND").as_deref(),
            Some("`id` = 3 and  v <> 'a.b'")
        );
        for not_a_guard in [
            "IF NEW.id = 3 THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF @x = 3 THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF OLD.id = 3 THEN SIGNAL SQLSTATE '45000'; ELSE SET @a = 1; END IF",
            "IF OLD.id = 3 THEN SIGNAL SQLSTATE '45000'; DELETE FROM o; END IF",
            "IF OLD.id = 3 THEN INSERT INTO a VALUES (1); END IF",
            "IF (SELECT COUNT(*) FROM c WHERE c.p = OLD.id) > 0 THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF o.id = 3 THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF OLD.id = 3 /* x */ THEN SIGNAL SQLSTATE '45000'; END IF",
            "BEGIN INSERT INTO a VALUES (1); IF OLD.id = 3 THEN SIGNAL SQLSTATE '45000'; END IF; END",
            "SIGNAL SQLSTATE '45000'",
            "IF OLD.\"v\" = 'x' THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF OLD.v || 'q' = 'xq' THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF OLD.v = 'a\\'b' THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF NOT OLD.v = 'x' THEN SIGNAL SQLSTATE '45000'; END IF",
            "IF !(OLD.v = 'x') THEN SIGNAL SQLSTATE '45000'; END IF",
        ] {
            assert_eq!(guard(not_a_guard), None, "{not_a_guard}");
        }
        assert!(guard("IF OLD.d IS NOT NULL THEN SIGNAL SQLSTATE '45000'; END IF").is_some());
        assert!(raises_errors("SIGNAL SQLSTATE '45000'"));
        assert!(!raises_errors(
            "IF OLD.v = 'x' THEN SIGNAL SQLSTATE VALUE '01000'; END IF"
        ));
        assert!(raises_errors(
            "BEGIN SIGNAL SQLSTATE '01000'; SIGNAL SQLSTATE '45000'; END"
        ));
        assert!(raises_errors(
            "BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION RESIGNAL; END"
        ));
        assert!(!raises_errors(
            "SIGNAL SQLSTATE \"01000\" SET MESSAGE_TEXT = 'w'"
        ));
        assert!(!raises_errors(
            "BEGIN DECLARE w CONDITION FOR SQLSTATE '01000'; SIGNAL w SET MESSAGE_TEXT = 'w'; END"
        ));
        assert!(raises_errors(
            "BEGIN DECLARE e CONDITION FOR SQLSTATE '45000'; SIGNAL e SET MESSAGE_TEXT = 'e'; END"
        ));
        assert!(modes_read_alike(
            "STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION",
            "NO_AUTO_VALUE_ON_ZERO,STRICT_TRANS_TABLES"
        ));
        assert!(!modes_read_alike(
            "EMPTY_STRING_IS_NULL,STRICT_TRANS_TABLES",
            "STRICT_TRANS_TABLES"
        ));
    }

    #[test]
    fn the_dry_run_foresees_triggers_that_raise_errors() {
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger guard BEFORE DELETE: BEGIN IF OLD.id = 3 THEN \
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no'; END IF; END\
             \n-- trigger again AFTER DELETE: BEGIN DECLARE EXIT HANDLER FOR SQLEXCEPTION \
             resignal; INSERT INTO a VALUES (1); END\
             \n-- trigger said AFTER DELETE: INSERT INTO a (s) VALUES ('SIGNAL') -- SIGNAL\
             \n-- trigger named AFTER DELETE: INSERT INTO `signal` VALUES (1)",
        ));
        assert_eq!(
            refusing_triggers(&p),
            [
                ("guard BEFORE", Some("id = 3".to_string())),
                ("again AFTER", None)
            ]
        );
        assert!(changing_triggers(&p).is_empty());
    }

    #[test]
    fn the_status_rows_are_summed_by_kind() {
        let rows: Vec<(String, String)> = [
            ("Handler_delete", "7"),
            ("Handler_update", "2"),
            ("Com_delete", "3"),
            ("Com_delete_multi", "1"),
            ("Com_replace", "0"),
            ("Com_stmt_reprepare", "1"),
            ("COM_UPDATE", "4"),
        ]
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            sum(&rows),
            Counts {
                rows: 9,
                statements: 8,
                reprepared: 1
            }
        );
    }

    #[test]
    fn a_triggers_creation_time_is_not_its_statement() {
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger audit AFTER DELETE: INSERT INTO a VALUES (1)\
             \n-- created 2026-12-07 01:02:03.45\n-- trigger hidden BEFORE DELETE: \
             \n-- created 2026-12-07 01:02:04.00",
        ));
        assert_eq!(delete_triggers(&p), ["audit AFTER", "hidden BEFORE"]);
        assert_eq!(hidden_triggers(&p), ["hidden BEFORE"]);
        assert!(changing_triggers(&p).is_empty());
    }

    #[test]
    fn a_partitioned_tables_own_rows_count_twice() {
        let p = plan(Some(
            "CREATE TABLE `t` (...)\n-- partitioned\
             \n-- trigger audit AFTER DELETE: INSERT INTO a VALUES (1)",
        ));
        assert!(verdict(&p, done(10, 1), Ours::one(5)).is_ok());
        assert!(verdict(&p, done(11, 1), Ours::one(5)).is_err());
        // Not the words in a trigger's statement.
        let q = plan(Some(
            "CREATE TABLE `t` (...)\n-- trigger x AFTER DELETE: SET @s = '\n-- partitioned'",
        ));
        assert!(verdict(&q, done(10, 1), Ours::one(5)).is_err());
    }
}
