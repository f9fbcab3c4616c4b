//! [`TablePlan`]: a table that will be archived, as the source's reader and deleter and every
//! destination see it: its columns and their types and character sets, the key that names its
//! rows exactly, and the foreign keys of other tables that reference it.

use crate::mysql::literal::Charset;
use crate::mysql::param::ColumnParam;
use crate::mysql::schema::{ForeignKey, KeyChoice, TableInfo};

/// Why a table has no key that names its rows exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoKey {
    /// Neither a primary key nor a unique key whose columns are all NOT NULL.
    None,
    /// The key uses a generated column, which is not read (nor archived).
    Generated,
}

/// A table that will be archived: its columns, the key that names its rows exactly, and the
/// foreign keys of other tables that reference it.
#[derive(Debug, Clone, PartialEq)]
pub struct TablePlan {
    pub db: String,
    pub table: String,
    /// The stored (not generated) columns, in ordinal order: what is read and archived.
    pub columns: Vec<String>,
    /// `column_type` of each of `columns` (e.g. `varchar(36)`).
    pub column_types: Vec<String>,
    /// The character set and collation of each of `columns` (`None` for non-text columns).
    pub column_charsets: Vec<Option<(String, String)>>,
    /// The key columns, in key order.
    pub key: Vec<String>,
    /// Position of each key column in `columns`.
    pub key_pos: Vec<usize>,
    /// The index behind the key, for FORCE INDEX: `PRIMARY` or a unique key's name.
    pub index: String,
    /// Foreign keys (of any table) that reference this table.
    pub referenced_by: Vec<ForeignKey>,
    /// Whether the table is part of a foreign-key cycle.
    pub in_cycle: bool,
    /// Whether `referenced_by` is every foreign key onto the table, rules included (read from
    /// InnoDB's dictionary), not only those of the databases this user can see.
    pub references_known: bool,
    /// Whether the table's engine commits and rolls back (InnoDB): the locked way's transaction
    /// undoes a chunk's delete only then, and a locking read locks rows only then.
    pub transactional: bool,
    /// The engine that cannot delete the table's rows (`ARCHIVE`, `S3`: every `DELETE` fails),
    /// if it is one.
    pub undeletable: Option<String>,
    /// Whether the engine enforces the key's uniqueness (not `MRG_MyISAM`, whose tables may
    /// each hold a row of the same key, nor an engine over another server's table): else two
    /// rows may share a key, and only the client's way, which reads every row, tells them
    /// apart.
    pub key_enforced: bool,
    /// The table's definition when its walk began ([`super::definition`]): every delete checks
    /// it in its transaction. `None`: not checked (dry runs, restores, tests).
    pub definition: Option<String>,
    /// Whether the user may not see the table's triggers or their statements (no TRIGGER
    /// privilege on it): its deletes are counted as those of a table with a `DELETE` trigger
    /// are ([`super::triggers`]).
    pub triggers_unseen: bool,
    /// The engine's estimate of a row's bytes (`AVG_ROW_LENGTH`, 0 when unknown): a table of
    /// large rows is read in pages of fewer rows than `select_limit` ([`TablePlan::page_rows`]).
    pub row_bytes: u64,
}

/// About how many bytes of rows a page holds at most, when the table's rows are large: a page of
/// `select_limit` rows of 4 MB values would hold gigabytes ([`TablePlan::page_rows`]).
pub const PAGE_BYTES: u64 = 8 << 20;

impl TablePlan {
    /// The plan of `db`.`info` with its stored columns and its key (the primary key, else a
    /// NOT NULL unique key), referenced by no foreign key yet.
    pub fn of(db: &str, info: &TableInfo) -> Result<TablePlan, NoKey> {
        let (index, key) = match &info.key {
            KeyChoice::Primary(cols) => ("PRIMARY".to_string(), cols.clone()),
            KeyChoice::Unique { name, cols } => (name.clone(), cols.clone()),
            KeyChoice::None => return Err(NoKey::None),
        };
        let stored: Vec<_> = info.columns.iter().filter(|c| !c.generated).collect();
        let columns: Vec<String> = stored.iter().map(|c| c.name.clone()).collect();
        let key_pos: Vec<usize> = key
            .iter()
            .map(|k| columns.iter().position(|c| c == k))
            .collect::<Option<_>>()
            .ok_or(NoKey::Generated)?;
        Ok(TablePlan {
            db: db.to_string(),
            table: info.name.clone(),
            column_types: stored.iter().map(|c| c.column_type.clone()).collect(),
            column_charsets: stored
                .iter()
                .map(|c| c.charset.clone().zip(c.collation.clone()))
                .collect(),
            columns,
            key,
            key_pos,
            index,
            referenced_by: Vec::new(),
            in_cycle: false,
            references_known: false,
            transactional: info
                .engine
                .as_deref()
                .is_none_or(crate::mysql::ddl::is_durable_engine),
            undeletable: info
                .engine
                .clone()
                .filter(|e| crate::mysql::ddl::cannot_delete(e)),
            key_enforced: info
                .engine
                .as_deref()
                .is_none_or(crate::mysql::ddl::enforces_keys),
            definition: None,
            triggers_unseen: false,
            row_bytes: info.avg_row_length,
        })
    }

    /// The rows of a page: `select_limit`, or fewer when the table's rows are large, so that a
    /// page holds about [`PAGE_BYTES`] (at least one row). Every page of the table's walk, and
    /// every count of its pages, uses this.
    pub fn page_rows(&self, select_limit: u64) -> u64 {
        match PAGE_BYTES.checked_div(self.row_bytes) {
            Some(fit) => select_limit.min(fit.max(1)),
            None => select_limit,
        }
    }

    /// The plan of the table's key columns alone (columns, key and key positions restricted
    /// to them): what reads and locks keys only, for the server-side copy.
    pub fn key_only(&self) -> TablePlan {
        TablePlan {
            db: self.db.clone(),
            table: self.table.clone(),
            columns: self.key.clone(),
            column_types: self
                .key_pos
                .iter()
                .map(|&p| self.column_types[p].clone())
                .collect(),
            column_charsets: self
                .key_pos
                .iter()
                .map(|&p| self.column_charsets.get(p).cloned().flatten())
                .collect(),
            key: self.key.clone(),
            key_pos: (0..self.key.len()).collect(),
            index: self.index.clone(),
            referenced_by: self.referenced_by.clone(),
            in_cycle: self.in_cycle,
            references_known: self.references_known,
            transactional: self.transactional,
            undeletable: self.undeletable.clone(),
            key_enforced: self.key_enforced,
            definition: self.definition.clone(),
            triggers_unseen: self.triggers_unseen,
            row_bytes: self.row_bytes,
        }
    }

    /// Whether one of the foreign keys referencing the table is declared on the table itself.
    pub fn references_itself(&self) -> bool {
        self.referenced_by
            .iter()
            .any(|f| f.db == self.db && f.table == self.table)
    }

    /// How values of column `i` (an index into `columns`) are bound.
    pub fn param(&self, i: usize) -> ColumnParam {
        let cs = self.column_charsets.get(i).and_then(Option::as_ref);
        ColumnParam::of(
            self.column_types.get(i).map_or("", String::as_str),
            cs.map(|(c, _)| c.as_str()),
            cs.map(|(_, c)| c.as_str()),
        )
    }

    /// How the key's values are bound, in key order.
    pub fn key_params(&self) -> Vec<ColumnParam> {
        self.key_pos.iter().map(|&p| self.param(p)).collect()
    }

    /// The character set of each column whose text is not UTF-8 (`None` for the others):
    /// what the archive files write as the column's own bytes.
    pub fn own_charsets(&self) -> Vec<Option<Charset>> {
        (0..self.columns.len())
            .map(|i| {
                let (cs, _) = self.column_charsets.get(i)?.as_ref()?;
                Charset::needs_own_bytes(cs)
            })
            .collect()
    }
}

#[cfg(test)]
impl TablePlan {
    /// A plan of `nova`.`instances` keyed by its first column, with `columns` of `types` (no
    /// character sets, nothing referencing it), for unit tests.
    pub(crate) fn example(columns: &[&str], types: &[&str]) -> TablePlan {
        TablePlan {
            db: "nova".into(),
            table: "instances".into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            column_types: types.iter().map(|t| t.to_string()).collect(),
            column_charsets: vec![],
            key: vec![columns[0].to_string()],
            key_pos: vec![0],
            index: "PRIMARY".into(),
            referenced_by: vec![],
            in_cycle: false,
            references_known: false,
            transactional: true,
            undeletable: None,
            key_enforced: true,
            definition: None,
            triggers_unseen: false,
            row_bytes: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_rows_get_pages_of_fewer_rows() {
        let mut p = TablePlan::example(&["id"], &["int(11)"]);
        // Unknown, or small rows: select_limit.
        assert_eq!(p.page_rows(1000), 1000);
        p.row_bytes = 300;
        assert_eq!(p.page_rows(1000), 1000);
        // 2 MiB rows: 4 a page; rows larger than a page: one.
        p.row_bytes = 2 << 20;
        assert_eq!(p.page_rows(1000), 4);
        assert_eq!(p.page_rows(2), 2, "never more than select_limit");
        p.row_bytes = 64 << 20;
        assert_eq!(p.page_rows(1000), 1);
    }
}
