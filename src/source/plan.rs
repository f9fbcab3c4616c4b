//! Choosing what to archive on a source: the databases, then each database's tables (with the
//! reason for every table left out), their key, and their order over foreign keys.

// fancy-regex: Python's `re` syntax, look-around and backreferences included (plain patterns
// run on the regex crate underneath).
use fancy_regex::Regex;

use crate::config::{Selection, Source};
use crate::mysql::schema::{ForeignKey, TableInfo, TableKind};
use crate::table::{NoKey, TablePlan};

use super::order::{children_first, Edge};

/// Databases never archived, whatever `databases = *` finds.
pub const SYSTEM_DATABASES: &[&str] = &["mysql", "information_schema", "performance_schema", "sys"];

/// A table left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub table: String,
    pub reason: String,
    /// A skip the operator should hear about (no usable key, a listed table missing).
    pub warn: bool,
}

/// The plan of one database.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DatabasePlan {
    pub tables: Vec<TablePlan>,
    pub skipped: Vec<Skipped>,
    pub cycles: Vec<Vec<String>>,
}

/// What each exclusion pattern (`excluded_databases` or `excluded_tables`) matched, in the
/// order the patterns were written: the operator sees what a pattern took away, and a pattern
/// that matched nothing (a typo) is warned about.
#[derive(Debug, Clone, Default)]
pub struct Exclusions {
    /// The pattern as written (not anchored) and the names it matched.
    pub matches: Vec<(String, Vec<String>)>,
    compiled: Vec<Regex>,
}

impl Exclusions {
    /// For the anchored patterns of a resolved source.
    pub fn new(anchored: &[String]) -> Exclusions {
        Exclusions {
            matches: anchored
                .iter()
                .map(|p| (as_written(p).to_string(), Vec::new()))
                .collect(),
            compiled: compile(anchored),
        }
    }

    /// Records `name` (shown as `shown`) under every pattern that matches it.
    pub fn record(&mut self, name: &str, shown: &str) {
        for (re, (_, names)) in self.compiled.iter().zip(self.matches.iter_mut()) {
            if matches(re, name) {
                names.push(shown.to_string());
            }
        }
    }
}

pub use crate::config::value::as_written;

/// Whether exclusion pattern `re` matches `name`; a pattern that cannot tell (its backtracking
/// limit reached) excludes: leaving a table out is the safe side.
fn matches(re: &Regex, name: &str) -> bool {
    re.is_match(name).unwrap_or(true)
}

fn compile(patterns: &[String]) -> Vec<Regex> {
    // Validated when the configuration was loaded.
    patterns.iter().filter_map(|p| Regex::new(p).ok()).collect()
}

/// The databases to archive among those the server has, in the server's order, and the ones
/// left out with their reason.
pub fn choose_databases(
    source: &Source,
    existing: &[String],
    also_excluded: &[String],
) -> (Vec<String>, Vec<Skipped>) {
    let excluded = compile(&source.excluded_databases);
    let mut chosen = Vec::new();
    let mut skipped = Vec::new();
    let candidates: Vec<String> = match &source.databases {
        Selection::All => existing.to_vec(),
        Selection::Names(names) => names.clone(),
    };
    for db in candidates {
        let reason = if SYSTEM_DATABASES.contains(&db.as_str()) {
            Some(("system database".to_string(), false))
        } else if let Some(re) = excluded.iter().find(|re| matches(re, &db)) {
            // Listed by name and excluded too: the operator's two keys disagree, a warning
            // (as for tables), not a run that archives nothing and says all went well.
            let reason = format!("excluded by excluded_databases {}", as_written(re.as_str()));
            Some(match &source.databases {
                Selection::Names(_) if existing.contains(&db) => {
                    (format!("listed in databases but {reason}"), true)
                }
                _ => (reason, false),
            })
        } else if also_excluded.contains(&db) {
            Some(("an archive database of this run".to_string(), false))
        } else if !existing.contains(&db) {
            Some(("listed in databases but does not exist".to_string(), true))
        } else {
            None
        };
        match reason {
            Some((reason, warn)) => skipped.push(Skipped {
                table: db,
                reason,
                warn,
            }),
            None if !chosen.contains(&db) => chosen.push(db),
            None => {}
        }
    }
    (chosen, skipped)
}

/// The tables of one database to archive, children first.
/// `archive_tables` are tables of this database that are archive tables of this run: never sources.
pub fn plan_database(
    source: &Source,
    db: &str,
    tables: &[TableInfo],
    fks: &[ForeignKey],
    archive_tables: &[String],
) -> DatabasePlan {
    let excluded = compile(&source.excluded_tables);
    let mut plan = DatabasePlan::default();
    let wanted: Vec<&str> = match &source.tables {
        Selection::All => tables.iter().map(|t| t.name.as_str()).collect(),
        Selection::Names(names) => {
            for n in names {
                if !tables.iter().any(|t| &t.name == n) {
                    plan.skipped.push(Skipped {
                        table: n.clone(),
                        reason: "listed in tables but does not exist in this database".into(),
                        warn: true,
                    });
                }
            }
            names.iter().map(String::as_str).collect()
        }
    };
    let mut chosen: Vec<TablePlan> = Vec::new();
    // Tables met with `tables = *` that lack the deleted column (their entries in `skipped`),
    // and whether any table has it: none at all is a misspelt deleted_column more likely than
    // a database with nothing to archive.
    let mut without_column: Vec<usize> = Vec::new();
    let mut any_with_column = false;
    for info in tables {
        if !wanted.contains(&info.name.as_str()) {
            continue;
        }
        let skip = |reason: String, warn: bool| Skipped {
            table: info.name.clone(),
            reason,
            warn,
        };
        if let TableKind::Other(kind) = &info.kind {
            // Met with `tables = *`, said at info level; listed by name, a warning.
            let listed = matches!(source.tables, Selection::Names(_));
            let reason = format!(
                "is a {}, not a base table: only base tables are archived",
                kind.to_ascii_lowercase()
            );
            plan.skipped.push(skip(
                if listed {
                    format!("listed in tables but {reason}")
                } else {
                    reason
                },
                listed,
            ));
            continue;
        }
        if archive_tables.contains(&info.name) {
            plan.skipped
                .push(skip("an archive table of this run".into(), false));
            continue;
        }
        if let Some(re) = excluded.iter().find(|re| matches(re, &info.name)) {
            // Listed by name and excluded too: the operator's two keys disagree, a warning.
            let listed = matches!(source.tables, Selection::Names(_));
            let reason = format!("excluded by excluded_tables {}", as_written(re.as_str()));
            plan.skipped.push(if listed {
                skip(format!("listed in tables but {reason}"), true)
            } else {
                skip(reason, false)
            });
            continue;
        }
        let deleted = info
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&source.deleted_column));
        // The default `where` (and the sample's, and any that does the same) compares the
        // column with a date: a number (nova's `deleted`, 0 for a live row, the row's id once
        // deleted) compares as a tiny date, and every row, live ones included, would be
        // archived and deleted.
        if let Some(c) = deleted.filter(|c| {
            is_number(&c.data_type)
                && (source.where_is_default
                    || crate::config::condition::compares_with_a_date(
                        &source.where_clause,
                        &info.name,
                        &c.name,
                    ))
        }) {
            plan.skipped.push(skip(
                format!(
                    "its {} column is a number ({}), not a date: the {}where ({}) compares it with a date and would select every row, live ones included; set deleted_column to the date column (deleted_at), or write a where that compares a date column",
                    c.name,
                    c.column_type,
                    if source.where_is_default { "default " } else { "" },
                    source.where_clause
                ),
                true,
            ));
            continue;
        }
        if deleted.is_none() {
            // Listed by name, a warning (exit code 3): a misspelt deleted_column would
            // otherwise archive nothing and say all is well.
            let listed = matches!(source.tables, Selection::Names(_));
            let reason = format!("has no {} column", source.deleted_column);
            if !listed {
                without_column.push(plan.skipped.len());
            }
            plan.skipped.push(if listed {
                skip(format!("listed in tables but {reason}"), true)
            } else {
                skip(reason, false)
            });
            continue;
        }
        any_with_column = true;
        let mut table = match TablePlan::of(db, info) {
            Ok(t) => t,
            Err(NoKey::None) => {
                plan.skipped.push(skip(
                    "has neither a primary key nor a NOT NULL unique key: its rows cannot be named exactly".into(),
                    true,
                ));
                continue;
            }
            Err(NoKey::Generated) => {
                plan.skipped
                    .push(skip("its key uses a generated column".into(), true));
                continue;
            }
        };
        table.referenced_by = fks
            .iter()
            .filter(|f| f.referenced_db == db && f.referenced_table == info.name)
            .cloned()
            .collect();
        chosen.push(table);
    }
    // With the default column (`deleted_at`), a database without one is an ordinary thing
    // (nova_api, keystone); with a column the operator named, listed databases that lack it
    // everywhere point at a typo.
    let suspicious = !any_with_column
        && !source
            .deleted_column
            .eq_ignore_ascii_case(DEFAULT_DELETED_COLUMN)
        && matches!(source.databases, Selection::Names(_));
    if suspicious {
        for &i in &without_column {
            let s = &mut plan.skipped[i];
            s.warn = true;
            s.reason = format!(
                "{}, and no table of database {db} has one: is deleted_column right?",
                s.reason
            );
        }
    }
    let names: Vec<String> = chosen.iter().map(|t| t.table.clone()).collect();
    let edges: Vec<Edge> = fks
        .iter()
        .filter(|f| f.db == db && f.referenced_db == db)
        .map(|f| Edge {
            child: f.table.clone(),
            parent: f.referenced_table.clone(),
        })
        .collect();
    let order = children_first(&names, &edges);
    for name in &order.tables {
        if let Some(i) = chosen.iter().position(|t| &t.table == name) {
            let mut t = chosen.swap_remove(i);
            t.in_cycle = order.cycles.iter().any(|c| c.contains(name));
            plan.tables.push(t);
        }
    }
    plan.cycles = order.cycles;
    plan
}

/// `deleted_column`'s default.
const DEFAULT_DELETED_COLUMN: &str = "deleted_at";

/// Whether a column of `information_schema.COLUMNS.DATA_TYPE` `data_type` holds numbers.
fn is_number(data_type: &str) -> bool {
    [
        "tinyint",
        "smallint",
        "mediumint",
        "int",
        "integer",
        "bigint",
        "decimal",
        "numeric",
        "float",
        "double",
        "real",
        "bit",
        "bool",
        "boolean",
    ]
    .iter()
    .any(|t| t.eq_ignore_ascii_case(data_type.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusion_patterns_take_look_around_and_backreferences_as_python_does() {
        let mut e =
            Exclusions::new(&["^(?:(?!keep$).*)$".to_string(), "^(?:(a)\\1x)$".to_string()]);
        for name in ["keep", "drop_me", "aax", "abx"] {
            e.record(name, &format!("db.{name}"));
        }
        assert_eq!(e.matches[0].1, ["db.drop_me", "db.aax", "db.abx"]);
        assert_eq!(e.matches[1].1, ["db.aax"]);
        assert_eq!(e.matches[0].0, "(?!keep$).*");
    }
}
