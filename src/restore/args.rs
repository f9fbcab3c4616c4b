//! The command line of `osarchiver restore`: which configuration, which rows (a table and an SQL
//! condition), whether to follow their children, and the run's options.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::cli::{LogFormat, LogLevel};

/// A source table named as `DB.TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName {
    pub db: String,
    pub table: String,
}

/// Put archived rows back into their source table, from the archive database the configuration
/// names. A row whose key the source already holds is never overwritten.
#[derive(Debug, Parser)]
#[command(
    name = "osarchiver restore",
    bin_name = "osarchiver restore",
    version,
    about = "Put archived rows back into their source table, from the archive database (or the \
             files) a configuration names, parents before children, never overwriting a row the \
             source holds.",
    infer_long_args = true,
    args_override_self = true,
    after_help = HELP_TEXT
)]
pub struct RestoreArgs {
    /// Configuration file (the one the rows were archived with).
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,

    /// The source table to restore rows of, as DB.TABLE (`nova.instances`).
    #[arg(long, value_name = "DB.TABLE", value_parser = parse_table)]
    pub table: TableName,

    /// Which archived rows: an SQL condition on the archive table (`uuid = '...'`).
    #[arg(long = "where", value_name = "SQL", value_parser = parse_where)]
    pub where_clause: String,

    /// Also restore the archived rows of the tables that reference these rows, recursively,
    /// following the foreign keys of the source schema.
    #[arg(long)]
    pub with_children: bool,

    /// Delete the archived copies of the rows the source now holds identically, once every
    /// insert has committed.
    #[arg(long)]
    pub remove_from_archive: bool,

    /// Restore from these files the tool wrote (SQL or CSV, plain, compressed or packed)
    /// instead of the archive database; repeat it for the children's files, oldest first.
    #[arg(long, value_name = "PATH")]
    pub file: Vec<PathBuf>,

    /// The `{date}` of the run whose archive database to read, when `db_suffix` or
    /// `table_suffix` holds `{date}`: as it appears in the archive's names
    /// (`2026-12-06_02:12:38`).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub date: Option<String>,

    /// Only read: say what would be restored (rows per table, conflicts), change nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Write the end-of-run report as JSON to FILE (atomically), whatever the outcome.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// The archiver to use, when the configuration enables several.
    #[arg(long, value_name = "NAME")]
    pub archiver: Option<String>,

    /// The archiver's source to restore into, when it has several.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// The archiver's archive database (`backend = db` destination), when it has several.
    #[arg(long, value_name = "NAME")]
    pub destination: Option<String>,

    /// Rows per batch: each batch is read from the archive, then inserted into the source in
    /// one transaction.
    #[arg(long, value_name = "N", default_value_t = 500,
          value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub batch_size: u64,

    /// Pause between two batches: seconds, or a number with s, m, h or d.
    #[arg(long, value_name = "DURATION", value_parser = parse_delay)]
    pub batch_delay: Option<Duration>,

    /// Append log lines to this file as well as to stdout.
    #[arg(long, value_name = "FILE")]
    pub log_file: Option<PathBuf>,

    /// Log level.
    #[arg(long, value_enum, default_value = "info", ignore_case = true)]
    pub log_level: LogLevel,

    /// The shape of log lines: text, classic (the Python tool's) or json.
    #[arg(long, value_enum, default_value = "text", ignore_case = true)]
    pub log_format: LogFormat,

    /// Same as --log-level debug.
    #[arg(long)]
    pub debug: bool,
}

impl RestoreArgs {
    /// The effective log level: `--debug` wins over `--log-level`.
    pub fn level(&self) -> LogLevel {
        if self.debug {
            LogLevel::Debug
        } else {
            self.log_level
        }
    }
}

/// The exit codes as `osarchiver restore` uses them.
pub const HELP_TEXT: &str = "\
Exit codes:
  0  success: every selected archived row is in the source, identically
  1  runtime failure (a statement, a connection; a child row whose parent the source lacks)
  2  usage or configuration error: nothing was done
  3  finished, with conflicts: the source holds a different row under the key of an
     archived row; it was left as it is (the log and report give a SELECT comparing them)
  4  interrupted (SIGINT/SIGTERM/SIGHUP): stopped after the current batch; a re-run carries on
  5  another run holds the lock of the source";

// String errors on purpose: clap shows them after the flag's name and exits 2.
/// `DB.TABLE`, split at the first `.`; a database whose name holds a `.` is written in
/// backticks, as SQL writes it (`` `we.ird`.t ``, a backtick inside doubled), and so may the
/// table be.
fn parse_table(raw: &str) -> Result<TableName, String> {
    const SHAPE: &str =
        "must be DB.TABLE, e.g. nova.instances (a name holding a dot in backticks: `my.db`.t)";
    let (db, rest) = match raw.strip_prefix('`') {
        Some(quoted) => backticked(quoted).ok_or_else(|| SHAPE.to_string())?,
        None => match raw.split_once('.') {
            Some((db, rest)) => (db.to_string(), rest),
            None => return Err(SHAPE.to_string()),
        },
    };
    let rest = if raw.starts_with('`') {
        rest.strip_prefix('.').ok_or_else(|| SHAPE.to_string())?
    } else {
        rest
    };
    let table = match rest.strip_prefix('`') {
        Some(quoted) => match backticked(quoted) {
            Some((table, "")) => table,
            _ => return Err(SHAPE.to_string()),
        },
        None => rest.to_string(),
    };
    if db.is_empty() || table.is_empty() {
        return Err(SHAPE.to_string());
    }
    Ok(TableName { db, table })
}

/// The name at the start of `s` (after an opening backtick) up to its closing backtick
/// (a doubled one stands for one), and what follows it.
fn backticked(s: &str) -> Option<(String, &str)> {
    let mut name = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '`' {
            name.push(c);
            continue;
        }
        if s[i + 1..].starts_with('`') {
            name.push('`');
            chars.next();
            continue;
        }
        return Some((name, &s[i + 1..]));
    }
    None
}

/// A run's `{date}` exactly as the run wrote it (`%F_%T`): every field zero-padded, a real
/// date and time (no second 60).
fn parse_date(raw: &str) -> Result<String, String> {
    const SHAPE: &[u8] = b"dddd-dd-dd_dd:dd:dd";
    let shaped = raw.len() == SHAPE.len()
        && raw.bytes().zip(SHAPE).all(|(c, &s)| match s {
            b'd' => c.is_ascii_digit(),
            s => c == s,
        });
    match chrono::NaiveDateTime::parse_from_str(raw, "%F_%T") {
        // chrono reads second 60 as a leap second: no run starts then.
        Ok(_) if shaped && &raw[17..] < "60" => Ok(raw.to_string()),
        _ => Err("must be a run's {date}, YYYY-MM-DD_HH:MM:SS (2026-12-06_02:12:38)".to_string()),
    }
}

fn parse_where(raw: &str) -> Result<String, String> {
    if raw.trim().is_empty() {
        return Err("must not be empty (use 1 to restore every archived row)".to_string());
    }
    crate::config::condition::check(raw)?;
    Ok(raw.to_string())
}

fn parse_delay(raw: &str) -> Result<Duration, String> {
    Ok(crate::config::value::parse_duration(raw)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_db_dot_table_with_backticks_for_names_holding_a_dot() {
        let t = |raw: &str| parse_table(raw).map(|t| (t.db, t.table));
        let ok = |db: &str, table: &str| Ok((db.to_string(), table.to_string()));
        assert_eq!(t("nova.instances"), ok("nova", "instances"));
        assert_eq!(t("db.t.1"), ok("db", "t.1"));
        assert_eq!(t("`we.ird`.t"), ok("we.ird", "t"));
        assert_eq!(t("`we.ird`.`t.1`"), ok("we.ird", "t.1"));
        assert_eq!(t("`a``b`.`c``d`"), ok("a`b", "c`d"));
        assert_eq!(t("db.`t`"), ok("db", "t"));
        for bad in [
            "nova",
            ".t",
            "db.",
            "`db`",
            "`db`t",
            "`db.t",
            "`db`.`t",
            "`db`.`t`x",
            "``.t",
        ] {
            assert!(t(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_date_must_be_written_as_a_run_writes_it() {
        assert_eq!(
            parse_date("2026-12-06_03:29:36").unwrap(),
            "2026-12-06_03:29:36"
        );
        for bad in [
            "2026-12-06_ 3:29:36",
            " 2026-12-06_03:29:3",
            "2026-12- 6_03:29:36",
            "2026-12-06_03:29: 6",
            "2026-12-06_23:59:60",
            "2026-12-06 03:29:36",
            "2026-12-06_3:29:36",
            "2026-02-30_00:00:00",
            "2026-13-01_00:00:00",
            "+2026-12-06_03:29:36",
            "2026-12-06_03:29:36 ",
            "2026-12-06_03:29:36.5",
            "",
        ] {
            assert!(parse_date(bad).is_err(), "{bad:?}");
        }
    }

    fn parse(args: &[&str]) -> Result<RestoreArgs, clap::Error> {
        RestoreArgs::try_parse_from(
            std::iter::once("osarchiver restore").chain(args.iter().copied()),
        )
    }

    #[test]
    fn a_full_command_line() {
        let a = parse(&[
            "--config",
            "a.ini",
            "--table",
            "nova.instances",
            "--where",
            "uuid = 'x'",
            "--with-children",
            "--dry-run",
            "--batch-size",
            "10",
        ])
        .expect("valid");
        assert_eq!(
            a.table,
            TableName {
                db: "nova".into(),
                table: "instances".into()
            }
        );
        assert_eq!(a.where_clause, "uuid = 'x'");
        assert!(a.with_children && a.dry_run && !a.remove_from_archive);
        assert_eq!(a.batch_size, 10);
    }

    #[test]
    fn prefixes_and_repeats_are_accepted_and_bad_values_refused() {
        let a = parse(&[
            "--conf", "a.ini", "--tab", "n.t", "--where", "1", "--where", "id = 2",
        ])
        .expect("valid");
        assert_eq!(a.where_clause, "id = 2");
        assert!(parse(&["--config", "a", "--table", "nodot", "--where", "1"]).is_err());
        assert!(parse(&["--config", "a", "--table", "n.t", "--where", " "]).is_err());
        assert!(parse(&["--config", "a", "--table", "n.t", "--where", "1) OR (1"]).is_err());
        assert!(parse(&[
            "--config",
            "a",
            "--table",
            "n.t",
            "--where",
            "1; DROP TABLE x"
        ])
        .is_err());
        assert!(parse(&["--config", "a", "--table", "n.t"]).is_err());
        assert!(parse(&[
            "--config",
            "a",
            "--table",
            "n.t",
            "--where",
            "1",
            "--batch-size",
            "0"
        ])
        .is_err());
    }
}
