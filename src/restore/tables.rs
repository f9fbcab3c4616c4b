//! The tables a restore touches: each source table's plan (stored columns, the key that names
//! its rows, types and character sets, read from the source schema), the archive table its rows
//! are read back from, checked to have the source's columns, and the foreign keys that
//! reference it (from every database of the source server: what `--with-children` follows).

use std::collections::HashMap;

use crate::mysql::ident::qualified;
use crate::mysql::schema::{self, ForeignKey, TableInfo, TableKind};
use crate::table::TablePlan;

/// A source table and its archive table.
#[derive(Debug, Clone)]
pub struct RestoreTable {
    /// The source table: what rows are inserted into.
    pub source: TablePlan,
    /// The same plan naming the archive table: what rows are read from and removed from.
    pub archive: TablePlan,
}

impl RestoreTable {
    /// `` `db`.`table` `` of the source table.
    pub fn name(&self) -> String {
        format!("{}.{}", self.source.db, self.source.table)
    }

    /// `db.table` of the archive table.
    pub fn archive_name(&self) -> String {
        format!("{}.{}", self.archive.db, self.archive.table)
    }
}

/// Why a table cannot be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableProblem {
    #[error("source table {0} does not exist")]
    NoSource(String),
    #[error("source table {0} is a {1}, not a base table")]
    NotBase(String, String),
    #[error("source table {0} has neither a primary key nor a NOT NULL unique key: its rows cannot be named exactly")]
    NoKey(String),
    #[error("archive table {0} does not exist")]
    NoArchive(String),
    #[error("archive table {archive} differs from the source table {source_table} (archive: [{archive_cols}]; source: [{source_cols}])")]
    Drift {
        archive: String,
        source_table: String,
        archive_cols: String,
        source_cols: String,
    },
}

/// Builds the plan of a source table from its description, with the archive table's name.
/// `archive_columns` are the archive table's columns (`None`: it does not exist).
pub fn plan(
    db: &str,
    info: Option<&TableInfo>,
    table: &str,
    archive_db: &str,
    archive_table: &str,
    archive_columns: Option<&[schema::ColumnInfo]>,
) -> Result<RestoreTable, TableProblem> {
    let name = qualified(db, table);
    let info = info.ok_or_else(|| TableProblem::NoSource(name.clone()))?;
    if let TableKind::Other(kind) = &info.kind {
        return Err(TableProblem::NotBase(name, kind.to_ascii_lowercase()));
    }
    let archive_columns = archive_columns
        .ok_or_else(|| TableProblem::NoArchive(qualified(archive_db, archive_table)))?;
    // The archive table has the source's columns but the period columns of a system-versioned
    // table (see `destination::db`).
    let source_columns: Vec<&schema::ColumnInfo> =
        info.columns.iter().filter(|c| !c.system_time).collect();
    let describe = |cols: &mut dyn Iterator<Item = &schema::ColumnInfo>| {
        cols.map(|c| {
            let mut d = format!("{} {}", c.name, c.column_type);
            if let Some(cs) = &c.charset {
                d.push_str(&format!(" CHARACTER SET {cs}"));
            }
            if !c.nullable {
                d.push_str(" NOT NULL");
            }
            if c.generated {
                d.push_str(&format!(
                    " AS ({})",
                    c.expression.as_deref().unwrap_or_default()
                ));
            }
            d
        })
        .collect::<Vec<_>>()
        .join(", ")
    };
    // The same types, text in the same bytes (the UTF-8 character sets are one family), and
    // no NOT NULL where the archive holds NULLs: else the rows would come back as other
    // characters, or be refused half-way.
    if archive_columns.len() != source_columns.len()
        || archive_columns.iter().zip(&source_columns).any(|(a, s)| {
            a.name != s.name
                || a.column_type != s.column_type
                || !schema::same_modulo_utf8(a.charset.as_deref(), s.charset.as_deref())
                || schema::utf8_narrows(a.charset.as_deref(), s.charset.as_deref())
                || (a.nullable && !s.nullable)
                // A column the archive holds that the source now computes (or the other way
                // round, or computes otherwise): its archived values would be dropped for what
                // the source computes.
                || a.generated != s.generated
                || (a.generated && a.expression != s.expression)
        })
    {
        return Err(TableProblem::Drift {
            archive: qualified(archive_db, archive_table),
            source_table: name,
            archive_cols: describe(&mut archive_columns.iter()),
            source_cols: describe(&mut source_columns.iter().copied()),
        });
    }
    let source = TablePlan::of(db, info).map_err(|_| TableProblem::NoKey(name))?;
    let archive = TablePlan {
        db: archive_db.to_string(),
        table: archive_table.to_string(),
        ..source.clone()
    };
    Ok(RestoreTable { source, archive })
}

/// The foreign keys that reference `db.table`, by child table then constraint name, each
/// child table once per constraint.
pub fn children_of<'a>(fks: &'a [ForeignKey], db: &str, table: &str) -> Vec<&'a ForeignKey> {
    fks.iter()
        .filter(|f| f.referenced_db == db && f.referenced_table == table)
        .collect()
}

/// Source tables described per database, read once each.
#[derive(Debug, Default)]
pub struct SchemaCache {
    pub databases: HashMap<String, Vec<TableInfo>>,
}

impl SchemaCache {
    pub fn table(&self, db: &str, table: &str) -> Option<&TableInfo> {
        self.databases
            .get(db)
            .and_then(|tables| tables.iter().find(|t| t.name == table))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mysql::schema::{ColumnInfo, KeyChoice};

    fn col(name: &str, t: &str, generated: bool) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            column_type: t.into(),
            data_type: t.into(),
            nullable: true,
            generated,
            invisible: false,
            system_time: false,
            expression: None,
            charset: None,
            collation: None,
        }
    }

    fn info() -> TableInfo {
        TableInfo {
            name: "t".into(),
            kind: TableKind::Base,
            columns: vec![
                col("id", "int(11)", false),
                col("g", "int(11)", true),
                col("v", "text", false),
            ],
            key: KeyChoice::Primary(vec!["id".into()]),
            engine: Some("InnoDB".into()),
            avg_row_length: 0,
        }
    }

    #[test]
    fn a_plan_names_both_tables_and_leaves_generated_columns_out() {
        let i = info();
        let t = plan("db", Some(&i), "t", "db_archive", "t", Some(&i.columns)).expect("plan");
        assert_eq!(t.source.columns, ["id", "v"]);
        assert_eq!(t.archive.db, "db_archive");
        assert_eq!(t.source.key_pos, [0]);
    }

    #[test]
    fn drift_missing_tables_and_keys_are_refused() {
        let i = info();
        assert!(matches!(
            plan("db", Some(&i), "t", "a", "t", None),
            Err(TableProblem::NoArchive(_))
        ));
        assert!(matches!(
            plan("db", None, "t", "a", "t", Some(&i.columns)),
            Err(TableProblem::NoSource(_))
        ));
        let fewer = &i.columns[..2];
        assert!(matches!(
            plan("db", Some(&i), "t", "a", "t", Some(fewer)),
            Err(TableProblem::Drift { .. })
        ));
        // A stored column the source now computes.
        let mut computed = info();
        computed.columns[2].generated = true;
        computed.columns[2].expression = Some("upper(`id`)".into());
        assert!(matches!(
            plan("db", Some(&computed), "t", "a", "t", Some(&i.columns)),
            Err(TableProblem::Drift { .. })
        ));
        let mut nokey = info();
        nokey.key = KeyChoice::None;
        assert!(matches!(
            plan("db", Some(&nokey), "t", "a", "t", Some(&i.columns)),
            Err(TableProblem::NoKey(_))
        ));
    }
}
