//! Schema introspection: databases, tables with their columns and row-identifying key, foreign
//! keys, `SHOW CREATE TABLE` and database character sets.
//!
//! Everything is read from `information_schema` with bound parameters, each query bounded to
//! one schema (and table) so that the server opens no other database's tables; only `SHOW
//! CREATE TABLE`, which takes no parameters, builds its statement, from quoted identifiers.

use std::collections::HashMap;

use mysql_async::prelude::Queryable;
use mysql_async::Conn;

use super::ident;

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: String,
    /// The full type, as in `CREATE TABLE`: `varchar(36)`, `int(10) unsigned`, `enum('a','b')`.
    pub column_type: String,
    /// The bare type name: `varchar`, `int`, `enum`.
    pub data_type: String,
    pub nullable: bool,
    /// A generated column (`VIRTUAL`, `STORED`/`PERSISTENT`): it cannot be inserted into.
    pub generated: bool,
    /// An `INVISIBLE` column: `SELECT *` leaves it out, so name the columns.
    pub invisible: bool,
    /// The `ROW START` or `ROW END` column of a system-versioned table, declared explicitly
    /// (also [`ColumnInfo::generated`]). Implicit ones are not listed at all.
    pub system_time: bool,
    /// A generated column's expression (`GENERATION_EXPRESSION`), as the server writes it.
    pub expression: Option<String>,
    /// The character set and collation of a text column (`CHAR`, `VARCHAR`, `TEXT`, `ENUM`,
    /// `SET`): `information_schema.COLUMNS`' CHARACTER_SET_NAME and COLLATION_NAME; `None` for
    /// other types (and where they were not read).
    pub charset: Option<String>,
    pub collation: Option<String>,
}

impl ColumnInfo {
    /// A column from `information_schema.COLUMNS`' COLUMN_NAME, COLUMN_TYPE, DATA_TYPE,
    /// IS_NULLABLE, EXTRA and GENERATION_EXPRESSION.
    fn from_columns_row(
        name: String,
        column_type: String,
        data_type: String,
        nullable: &str,
        extra: &str,
        expression: Option<&str>,
    ) -> ColumnInfo {
        let generated = extra_says_generated(extra);
        ColumnInfo {
            name,
            column_type,
            data_type,
            nullable: nullable.eq_ignore_ascii_case("YES"),
            generated,
            invisible: extra_has(extra, "INVISIBLE"),
            system_time: generated && expression.is_some_and(is_system_time_expression),
            expression: expression.filter(|_| generated).map(String::from),
            charset: None,
            collation: None,
        }
    }
}

/// The key that identifies a row of a table, for deleting exactly the rows that were archived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChoice {
    /// The primary key's columns, in key order.
    Primary(Vec<String>),
    /// No primary key: the first unique key whose columns are all `NOT NULL`, in the server's
    /// key order (that of `SHOW INDEX`, the one InnoDB uses to pick a clustered index).
    Unique { name: String, cols: Vec<String> },
    /// Neither.
    None,
}

impl KeyChoice {
    /// The key's columns (empty for [`KeyChoice::None`]).
    pub fn columns(&self) -> &[String] {
        match self {
            KeyChoice::Primary(cols) | KeyChoice::Unique { cols, .. } => cols,
            KeyChoice::None => &[],
        }
    }
}

/// What `information_schema.TABLES.TABLE_TYPE` says a table is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TableKind {
    /// `BASE TABLE`.
    Base,
    /// `SYSTEM VERSIONED` (MariaDB): a base table that keeps the history of its rows. Reads
    /// and deletes see its current rows only; a DELETE moves a row into the history.
    SystemVersioned,
    /// Anything else (`VIEW`, `SEQUENCE`, ...): never archived, the table type as reported.
    Other(String),
}

impl TableKind {
    pub fn parse(table_type: &str) -> TableKind {
        match table_type.to_ascii_uppercase().as_str() {
            "BASE TABLE" => TableKind::Base,
            "SYSTEM VERSIONED" => TableKind::SystemVersioned,
            _ => TableKind::Other(table_type.to_owned()),
        }
    }
}

/// A table of a database, of any kind ([`TableInfo::kind`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    pub name: String,
    pub kind: TableKind,
    /// In ordinal order.
    pub columns: Vec<ColumnInfo>,
    pub key: KeyChoice,
    /// The storage engine (`None` for a view).
    pub engine: Option<String>,
    /// `AVG_ROW_LENGTH`: the engine's estimate of a row's bytes (0 when it has none).
    pub avg_row_length: u64,
}

impl TableInfo {
    pub fn column(&self, name: &str) -> Option<&ColumnInfo> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// A referential action (`ON DELETE` / `ON UPDATE`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FkRule {
    Restrict,
    Cascade,
    SetNull,
    NoAction,
    SetDefault,
    /// Anything a server may report that is not known here.
    Other(String),
}

impl FkRule {
    /// The rule as SQL writes it: `CASCADE`, `SET NULL`, ...
    pub fn sql(&self) -> &str {
        match self {
            FkRule::Restrict => "RESTRICT",
            FkRule::Cascade => "CASCADE",
            FkRule::SetNull => "SET NULL",
            FkRule::NoAction => "NO ACTION",
            FkRule::SetDefault => "SET DEFAULT",
            FkRule::Other(s) => s,
        }
    }

    pub fn parse(s: &str) -> FkRule {
        match s.to_ascii_uppercase().as_str() {
            "RESTRICT" => FkRule::Restrict,
            "CASCADE" => FkRule::Cascade,
            "SET NULL" => FkRule::SetNull,
            "NO ACTION" => FkRule::NoAction,
            "SET DEFAULT" => FkRule::SetDefault,
            _ => FkRule::Other(s.to_owned()),
        }
    }
}

/// A foreign key constraint: `db.table(columns)` references
/// `referenced_db.referenced_table(referenced_columns)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    /// The database of the child table (the one holding the constraint).
    pub db: String,
    pub table: String,
    /// In constraint order; `referenced_columns[i]` matches `columns[i]`.
    pub columns: Vec<String>,
    pub referenced_db: String,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    pub on_delete: FkRule,
    pub on_update: FkRule,
}

/// The `information_schema` queries, each bounded to one schema (its `?` parameters: the schema,
/// then the table where there is one). A test checks with `EXPLAIN` that the server scans no
/// more than one database for any of them.
/// The tables of a schema, of every type (base tables, system-versioned ones, views, ...).
pub const TABLES_SQL: &str =
    "SELECT TABLE_NAME, TABLE_TYPE, ENGINE, AVG_ROW_LENGTH FROM information_schema.TABLES \
    WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME";
/// The columns of every table of a schema.
pub const COLUMNS_SQL: &str =
    "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, EXTRA, \
    GENERATION_EXPRESSION, CHARACTER_SET_NAME, COLLATION_NAME \
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? \
    ORDER BY TABLE_NAME, ORDINAL_POSITION";
/// The index columns of every table of a schema.
pub const KEYS_SQL: &str = "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, \
    INDEX_TYPE \
    FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ?";
/// The columns of the foreign keys declared in a schema.
pub const FK_COLUMNS_SQL: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, COLUMN_NAME, \
    REFERENCED_TABLE_SCHEMA, REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME \
    FROM information_schema.KEY_COLUMN_USAGE \
    WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL \
    ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION";
/// The ON DELETE and ON UPDATE rules of the foreign keys declared in a schema.
pub const FK_RULES_SQL: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, DELETE_RULE, UPDATE_RULE \
    FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ?";
/// A schema's default character set and collation.
pub const CHARSET_SQL: &str = "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME \
    FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?";
/// The columns of one table.
pub const TABLE_COLUMNS_SQL: &str =
    "SELECT COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, EXTRA, GENERATION_EXPRESSION, \
    CHARACTER_SET_NAME, COLLATION_NAME \
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? \
    ORDER BY ORDINAL_POSITION";
/// Two character sets that store a text as the same bytes, or two collations that compare
/// the same: equal, or the same but for the UTF-8 character set (`utf8mb3`, its old name
/// `utf8`, `utf8mb4`: `utf8mb3_general_ci` and `utf8mb4_general_ci`). A character `utf8mb3`
/// lacks is refused with a warning, never stored otherwise.
pub fn same_modulo_utf8(a: Option<&str>, b: Option<&str>) -> bool {
    a.map(utf8_family) == b.map(utf8_family)
}

/// Whether text of character set `from` may not fit `to` of the same family: `utf8mb4` into
/// `utf8mb3` (no character outside the BMP), either into `ascii`. Anything else is told by
/// [`same_modulo_utf8`].
pub fn utf8_narrows(from: Option<&str>, to: Option<&str>) -> bool {
    fn width(name: &str) -> Option<u8> {
        let lower = name.to_ascii_lowercase();
        let set = lower.split('_').next().unwrap_or("");
        match set {
            "ascii" => Some(1),
            "utf8" | "utf8mb3" => Some(3),
            "utf8mb4" => Some(4),
            _ => None,
        }
    }
    match (from.and_then(width), to.and_then(width)) {
        (Some(a), Some(b)) => b < a,
        _ => false,
    }
}

/// `utf8mb3`, `utf8`, `utf8mb4` and `ascii` (whose bytes are UTF-8's, and whose `_general_ci`
/// and `_bin` compare its characters as theirs do), or a collation of theirs, under one name.
fn utf8_family(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    for prefix in ["utf8mb4", "utf8mb3", "utf8", "ascii"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if rest.is_empty() || rest.starts_with('_') {
                return format!("utf8{rest}");
            }
        }
    }
    lower
}

/// The full definition of each column of one table: type, character set, collation.
pub const COLUMN_DEFINITIONS_SQL: &str =
    "SELECT COLUMN_NAME, COLUMN_TYPE, CHARACTER_SET_NAME, COLLATION_NAME \
    FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? \
    ORDER BY ORDINAL_POSITION";

/// Every foreign key of the server, from InnoDB's own dictionary (MariaDB, MySQL 5.7): no
/// table is opened, whatever the number of databases. Names are in InnoDB's file-name encoding
/// (`db@002dx/t`), decoded by the server; the child table's name is also given as stored (an
/// `ALTER TABLE`'s temporary table is a literal `#sql...` there, a table of the user named so
/// is `@0023sql...`). The view cuts names at [`INNODB_NAME_CHARS`] characters: the last column
/// says a row's names may be cut. Needs the PROCESS privilege.
pub const INNODB_FOREIGN_SQL: &str = "SELECT ID, \
    COALESCE(CONVERT(CONVERT(CAST(SUBSTRING_INDEX(FOR_NAME, '/', 1) AS BINARY) USING filename) USING utf8mb4), ''), \
    COALESCE(CONVERT(CONVERT(CAST(SUBSTRING(FOR_NAME, LOCATE('/', FOR_NAME) + 1) AS BINARY) USING filename) USING utf8mb4), ''), \
    COALESCE(CONVERT(CONVERT(CAST(SUBSTRING_INDEX(REF_NAME, '/', 1) AS BINARY) USING filename) USING utf8mb4), ''), \
    COALESCE(CONVERT(CONVERT(CAST(SUBSTRING(REF_NAME, LOCATE('/', REF_NAME) + 1) AS BINARY) USING filename) USING utf8mb4), ''), \
    TYPE, SUBSTRING(FOR_NAME, LOCATE('/', FOR_NAME) + 1), \
    GREATEST(CHAR_LENGTH(ID), CHAR_LENGTH(FOR_NAME), CHAR_LENGTH(REF_NAME)) >= 193 \
    FROM information_schema.INNODB_SYS_FOREIGN";
/// The width of the names of `INNODB_SYS_FOREIGN` and `INNODB_SYS_FOREIGN_COLS` (`ID`,
/// `FOR_NAME`, `REF_NAME`): longer names, as InnoDB encodes them (`db/table`, a CJK
/// character or a `-` taking five), are cut there.
pub const INNODB_NAME_CHARS: usize = 193;
/// The columns of every foreign key of [`INNODB_FOREIGN_SQL`], in order.
pub const INNODB_FOREIGN_COLS_SQL: &str = "SELECT ID, FOR_COL_NAME, REF_COL_NAME \
    FROM information_schema.INNODB_SYS_FOREIGN_COLS ORDER BY ID, POS";

/// The `DELETE` triggers of the tables of a schema: table, trigger, `BEFORE`/`AFTER`.
pub const DELETE_TRIGGERS_SQL: &str =
    "SELECT EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING FROM information_schema.TRIGGERS \
    WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_MANIPULATION = 'DELETE' \
    ORDER BY EVENT_OBJECT_TABLE, ACTION_TIMING, ACTION_ORDER";
/// The triggers of one table (they live in the table's schema).
pub const TRIGGERS_SQL: &str = "SELECT TRIGGER_NAME, ACTION_TIMING, EVENT_MANIPULATION \
    FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = ? AND EVENT_OBJECT_TABLE = ? \
    ORDER BY TRIGGER_NAME";

/// The storage engine of one table.
pub const TABLE_ENGINE_SQL: &str = "SELECT TABLE_TYPE, ENGINE FROM information_schema.TABLES \
    WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";

/// Every query above, by name, for the test.
pub const SCHEMA_QUERIES: &[(&str, &str)] = &[
    ("TABLES_SQL", TABLES_SQL),
    ("COLUMNS_SQL", COLUMNS_SQL),
    ("KEYS_SQL", KEYS_SQL),
    ("FK_COLUMNS_SQL", FK_COLUMNS_SQL),
    ("FK_RULES_SQL", FK_RULES_SQL),
    ("CHARSET_SQL", CHARSET_SQL),
    ("TABLE_COLUMNS_SQL", TABLE_COLUMNS_SQL),
    ("COLUMN_DEFINITIONS_SQL", COLUMN_DEFINITIONS_SQL),
    ("INNODB_FOREIGN_SQL", INNODB_FOREIGN_SQL),
    ("INNODB_FOREIGN_COLS_SQL", INNODB_FOREIGN_COLS_SQL),
    ("INNODB_FOREIGN_ONTO_SQL", INNODB_FOREIGN_ONTO_SQL),
    ("INNODB_FOREIGN_ONTO_COLS_SQL", INNODB_FOREIGN_ONTO_COLS_SQL),
    ("DELETE_TRIGGERS_SQL", DELETE_TRIGGERS_SQL),
    ("TABLE_ENGINE_SQL", TABLE_ENGINE_SQL),
    ("TRIGGERS_SQL", TRIGGERS_SQL),
];

/// All databases on the server, system ones included, sorted by name.
pub async fn list_databases(conn: &mut Conn) -> mysql_async::Result<Vec<String>> {
    conn.query("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA ORDER BY SCHEMA_NAME")
        .await
}

/// Whether the session's user may read every column of `db`.`table`: `information_schema`
/// lists a user only the columns a privilege lets it see, so a column-level `SELECT` grant
/// (its own, a role's, PUBLIC's) hides the others from the run (which would delete them with
/// the rows, archived nowhere), or hides the `deleted_at` column itself. Asked with `SELECT *
/// ... LIMIT 0`, which the server refuses (1142, 1143) unless every column may be read; with
/// `lock_wait`, waiting at most that many seconds for the table's metadata lock (for a table
/// the run does not archive, which must not hold it up).
pub async fn reads_every_column(
    conn: &mut Conn,
    db: &str,
    table: &str,
    lock_wait: Option<u32>,
) -> mysql_async::Result<bool> {
    let select = format!("SELECT * FROM {} LIMIT 0", ident::qualified(db, table));
    let sql = match lock_wait {
        Some(seconds) => format!("SET STATEMENT lock_wait_timeout = {seconds} FOR {select}"),
        None => select,
    };
    match conn.query_drop(sql).await {
        Ok(()) => Ok(true),
        Err(mysql_async::Error::Server(e)) if e.code == 1142 || e.code == 1143 => Ok(false),
        Err(e) => Err(e),
    }
}

/// The tables of `db` of every kind (base tables, system-versioned ones, views, sequences...:
/// see [`TableInfo::kind`]), sorted by name, each with its columns and its row-identifying key.
pub async fn list_tables(conn: &mut Conn, db: &str) -> mysql_async::Result<Vec<TableInfo>> {
    let names: Vec<(String, String, Option<String>, Option<u64>)> =
        conn.exec(TABLES_SQL, (db,)).await?;

    let mut columns: HashMap<String, Vec<ColumnInfo>> = HashMap::new();
    type ColumnRow = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<ColumnRow> = conn.exec(COLUMNS_SQL, (db,)).await?;
    for (table, name, column_type, data_type, nullable, extra, expression, charset, collation) in
        rows
    {
        let mut column = ColumnInfo::from_columns_row(
            name,
            column_type,
            data_type,
            &nullable,
            &extra,
            expression.as_deref(),
        );
        column.charset = charset;
        column.collation = collation;
        columns.entry(table).or_default().push(column);
    }

    // No ORDER BY: the server lists a table's keys in its own key order (primary key, then
    // unique keys without NULLs, ...), which is the order the choice follows.
    let mut keys: HashMap<String, Vec<IndexColumn>> = HashMap::new();
    type KeyRow = (String, String, u64, u64, String, Option<String>);
    let rows: Vec<KeyRow> = conn.exec(KEYS_SQL, (db,)).await?;
    for (table, index, non_unique, seq, column, index_type) in rows {
        if non_unique == 0 {
            let hash = index_type.is_some_and(|t| t.eq_ignore_ascii_case("HASH"));
            keys.entry(table).or_default().push(IndexColumn {
                index,
                seq,
                column,
                hash,
            });
        }
    }

    let mut tables = Vec::with_capacity(names.len());
    for (name, table_type, engine, avg_row_length) in names {
        let kind = TableKind::parse(&table_type);
        // A table dropped between the queries has no columns left: skip it. A view whose
        // tables are gone has none either; it stays in the list, to be skipped and logged.
        let cols = match columns.remove(&name) {
            Some(cols) => cols,
            None if matches!(kind, TableKind::Other(_)) => Vec::new(),
            None => {
                tracing::debug!("table {db}.{name} vanished while listing tables");
                continue;
            }
        };
        let key = choose_key(keys.remove(&name).unwrap_or_default(), &cols);
        tables.push(TableInfo {
            name,
            kind,
            columns: cols,
            key,
            engine,
            avg_row_length: avg_row_length.unwrap_or(0),
        });
    }
    Ok(tables)
}

/// One column of a unique index, as `information_schema.STATISTICS` lists it.
#[derive(Debug, Clone)]
struct IndexColumn {
    index: String,
    seq: u64,
    column: String,
    /// The index is a hash (`INDEX_TYPE` `HASH`: a long unique key over a `BLOB` or `TEXT`, or
    /// a `MEMORY` table's): it gives no order, and its values are sorted by a filesort.
    hash: bool,
}

/// The primary key, else the first unique key whose columns are all `NOT NULL`.
///
/// The `ROW END` column of a system-versioned table, which the server adds to each of its
/// unique keys, is left out: among the current rows (the only ones reads and deletes see) it
/// holds the same value, so the other columns name a row.
fn choose_key(unique: Vec<IndexColumn>, columns: &[ColumnInfo]) -> KeyChoice {
    let system_time = |col: &str| columns.iter().any(|c| c.name == col && c.system_time);
    // Group by index, keeping the order in which indexes first appear: name, hash, columns.
    type Index = (String, bool, Vec<(u64, String)>);
    let mut indexes: Vec<Index> = Vec::new();
    for ic in unique.into_iter().filter(|ic| !system_time(&ic.column)) {
        match indexes.iter_mut().find(|(name, _, _)| *name == ic.index) {
            Some((_, _, cols)) => cols.push((ic.seq, ic.column)),
            None => indexes.push((ic.index, ic.hash, vec![(ic.seq, ic.column)])),
        }
    }
    // A hash index last: the walk sorts its values by a filesort, which compares no more than
    // `max_sort_length` bytes of each (the session sets it to the most, 8 MiB), and reads the
    // whole table for each page.
    indexes.sort_by_key(|(_, hash, _)| *hash);
    let mut indexes: Vec<(String, Vec<String>)> = indexes
        .into_iter()
        .map(|(name, _, cols)| (name, cols))
        .map(|(name, mut cols)| {
            cols.sort_by_key(|(seq, _)| *seq);
            (name, cols.into_iter().map(|(_, c)| c).collect())
        })
        .collect();
    if let Some(i) = indexes.iter().position(|(name, _)| name == "PRIMARY") {
        return KeyChoice::Primary(indexes.swap_remove(i).1);
    }
    let not_null = |col: &String| columns.iter().any(|c| c.name == *col && !c.nullable);
    indexes
        .into_iter()
        .find(|(_, cols)| !cols.is_empty() && cols.iter().all(not_null))
        .map(|(name, cols)| KeyChoice::Unique { name, cols })
        .unwrap_or(KeyChoice::None)
}

/// Whether an `information_schema.COLUMNS.EXTRA` value names a generated column.
///
/// MariaDB writes `VIRTUAL GENERATED` / `STORED GENERATED` (older versions `VIRTUAL` /
/// `PERSISTENT`), MySQL `VIRTUAL GENERATED` / `STORED GENERATED`; MySQL's `DEFAULT_GENERATED`
/// (an expression default) is not a generated column. MariaDB's `IS_GENERATED = 'ALWAYS'` says
/// the same but MySQL has no such column.
fn extra_says_generated(extra: &str) -> bool {
    ["VIRTUAL", "STORED", "PERSISTENT"]
        .iter()
        .any(|w| extra_has(extra, w))
}

/// Whether a generated column's `GENERATION_EXPRESSION` is MariaDB's `ROW START` or `ROW END`
/// (the period columns of a system-versioned table; no expression can be spelled so).
fn is_system_time_expression(expression: &str) -> bool {
    let words: Vec<&str> = expression.split_ascii_whitespace().collect();
    matches!(words.as_slice(), [row, edge] if row.eq_ignore_ascii_case("ROW")
        && (edge.eq_ignore_ascii_case("START") || edge.eq_ignore_ascii_case("END")))
}

fn extra_has(extra: &str, word: &str) -> bool {
    extra
        .split_ascii_whitespace()
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// The foreign keys declared on the tables of `db` (whatever database they reference, itself
/// included), sorted by table and constraint name.
///
/// Each query names one schema, so the server opens only that database's tables ("Scanned 1
/// database"). Foreign keys declared in *other* databases that reference `db` are not looked
/// up: that needs a scan of every table of every database, which is slow on a large server,
/// and MariaDB 10.11.19 crashed (SIGSEGV in `create_tmp_table_for_schema`) on such a scan
/// while other sessions ran DDL. A row such a key protects is still kept: its DELETE fails
/// with error 1451 and the deleter isolates and reports it (see [`crate::source::delete`]).
/// The two tables are read apart because MariaDB does not bound a join of them to one schema.
pub async fn foreign_keys(conn: &mut Conn, db: &str) -> mysql_async::Result<Vec<ForeignKey>> {
    type Column = (String, String, String, String, String, String);
    let columns: Vec<Column> = conn.exec(FK_COLUMNS_SQL, (db,)).await?;
    let rules: Vec<(String, String, String, String)> = conn.exec(FK_RULES_SQL, (db,)).await?;
    let rules: HashMap<(String, String), (String, String)> = rules
        .into_iter()
        .map(|(t, n, d, u)| ((t, n), (d, u)))
        .collect();
    let mut fks: Vec<ForeignKey> = Vec::new();
    for (table, name, column, rdb, rtable, rcolumn) in columns {
        match fks.last_mut() {
            Some(fk) if fk.table == table && fk.name == name => {
                fk.columns.push(column);
                fk.referenced_columns.push(rcolumn);
            }
            _ => {
                let (on_delete, on_update) = rules
                    .get(&(table.clone(), name.clone()))
                    .map(|(d, u)| (FkRule::parse(d), FkRule::parse(u)))
                    .unwrap_or((FkRule::Restrict, FkRule::Restrict));
                fks.push(ForeignKey {
                    name,
                    db: db.to_string(),
                    table,
                    columns: vec![column],
                    referenced_db: rdb,
                    referenced_table: rtable,
                    referenced_columns: vec![rcolumn],
                    on_delete,
                    on_update,
                })
            }
        }
    }
    Ok(fks)
}

/// Where [`server_foreign_keys`] found the server's foreign keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignKeySource {
    /// InnoDB's dictionary (`INNODB_SYS_FOREIGN`): one read, no table opened.
    InnodbDictionary,
    /// `information_schema`, one database at a time (the dictionary could not be read, most
    /// often for want of the PROCESS privilege): every table of every database is opened.
    PerDatabase,
    /// The same, because the dictionary's view cuts some names ([`INNODB_NAME_CHARS`]): a key
    /// read there could not be matched with its tables.
    NamesCut,
}

/// Every foreign key of the server that is declared in, or references, a table of any
/// database: what a DELETE on a chosen table may set off (`ON DELETE CASCADE`, `SET NULL`,
/// `SET DEFAULT`) or be refused by (`RESTRICT`, `NO ACTION`), whichever database holds it.
///
/// InnoDB's dictionary is read first ([`INNODB_FOREIGN_SQL`]); when it cannot be read (no
/// PROCESS privilege, a server without that table) or its view cuts a name, each of
/// `databases` is read with the bounded per-schema queries of [`foreign_keys`].
pub async fn server_foreign_keys(
    conn: &mut Conn,
    databases: &[String],
) -> mysql_async::Result<(Vec<ForeignKey>, ForeignKeySource)> {
    let how = match innodb_foreign_keys(conn).await {
        Ok(Some(fks)) => return Ok((fks, ForeignKeySource::InnodbDictionary)),
        Ok(None) => ForeignKeySource::NamesCut,
        Err(mysql_async::Error::Server(e)) => {
            tracing::debug!(
                "InnoDB's foreign-key dictionary cannot be read ({} {}): reading each database's foreign keys",
                e.code,
                e.message
            );
            ForeignKeySource::PerDatabase
        }
        Err(e) => return Err(e),
    };
    let mut all = Vec::new();
    for db in databases {
        if ["information_schema", "performance_schema", "sys"].contains(&db.as_str()) {
            continue;
        }
        all.extend(foreign_keys(conn, db).await?);
    }
    Ok((all, how))
}

/// The foreign keys in InnoDB's dictionary, sorted by child table and constraint name.
/// Constraints of tables InnoDB keeps for an unfinished `ALTER TABLE` (`#sql-...`) are left
/// out: no statement can reach their rows.
async fn innodb_foreign_keys(conn: &mut Conn) -> mysql_async::Result<Option<Vec<ForeignKey>>> {
    type Fk = (String, String, String, String, String, u32, String, bool);
    let fks: Vec<Fk> = conn.query(INNODB_FOREIGN_SQL).await?;
    if fks.iter().any(|f| f.7) {
        return Ok(None);
    }
    let cols: Vec<(String, String, String)> = conn.query(INNODB_FOREIGN_COLS_SQL).await?;
    let mut columns: HashMap<String, (Vec<String>, Vec<String>)> = HashMap::new();
    for (id, column, referenced) in cols {
        let entry = columns.entry(id).or_default();
        entry.0.push(column);
        entry.1.push(referenced);
    }
    let mut out: Vec<ForeignKey> = fks
        .into_iter()
        .filter(|(_, _, _, _, _, _, stored, _)| !stored.starts_with("#sql"))
        .map(|(id, db, table, rdb, rtable, kind, _, _)| {
            let (cols, rcols) = columns.remove(&id).unwrap_or_default();
            // The ID is `<encoded database>/<constraint name>`.
            let name = id
                .split_once('/')
                .map_or(id.as_str(), |(_, n)| n)
                .to_string();
            ForeignKey {
                name,
                db,
                table,
                columns: cols,
                referenced_db: rdb,
                referenced_table: rtable,
                referenced_columns: rcols,
                on_delete: innodb_rule(kind, 1, 2, 16),
                on_update: innodb_rule(kind, 4, 8, 32),
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.db, &a.table, &a.name).cmp(&(&b.db, &b.table, &b.name)));
    Ok(Some(out))
}

/// The foreign keys onto one table (`?`: its database, then its name), from InnoDB's
/// dictionary, without their columns ([`INNODB_FOREIGN_ONTO_COLS_SQL`] reads those): the
/// table's name encoded as InnoDB stores it, so that no table is opened and no other key is
/// decoded. Needs the PROCESS privilege. Every chunk runs it, and the server fills the whole
/// view for it, one row per key of the server: a join with the columns' view cost 250 us of
/// server CPU with 8 keys on the server and 1 ms with 808, this query alone 115 us and 400 us
/// (and most tables have no key onto them, so that the columns are not read at all).
pub const INNODB_FOREIGN_ONTO_SQL: &str = "SELECT ID, \
    COALESCE(CONVERT(CONVERT(CAST(SUBSTRING_INDEX(FOR_NAME, '/', 1) AS BINARY) USING filename) USING utf8mb4), ''), \
    COALESCE(CONVERT(CONVERT(CAST(SUBSTRING(FOR_NAME, LOCATE('/', FOR_NAME) + 1) AS BINARY) USING filename) USING utf8mb4), ''), \
    TYPE, SUBSTRING(FOR_NAME, LOCATE('/', FOR_NAME) + 1), \
    GREATEST(CHAR_LENGTH(ID), CHAR_LENGTH(FOR_NAME), CHAR_LENGTH(REF_NAME)) >= 193 \
    FROM information_schema.INNODB_SYS_FOREIGN \
    WHERE REF_NAME = LEFT(CONCAT(CAST(CONVERT(? USING filename) AS BINARY), '/', \
    CAST(CONVERT(? USING filename) AS BINARY)), 193)";
/// The columns of the keys of [`INNODB_FOREIGN_ONTO_SQL`], by their IDs (written for one, `(?)`,
/// which the caller widens to as many as it has), with their positions (unsorted: a server-side `ORDER BY` more than doubled the
/// cost; [`innodb_foreign_keys_from`] sorts).
pub const INNODB_FOREIGN_ONTO_COLS_SQL: &str = "SELECT ID, FOR_COL_NAME, REF_COL_NAME, POS \
    FROM information_schema.INNODB_SYS_FOREIGN_COLS WHERE ID IN (?)";

/// The foreign keys onto `db.table` now, from InnoDB's dictionary ([`INNODB_FOREIGN_ONTO_SQL`],
/// then the columns of the keys it found, if any), sorted as [`server_foreign_keys`] sorts
/// them; those of tables InnoDB keeps for an unfinished `ALTER TABLE` left out, as there.
/// Two reads, not one, but the key's columns are read after the keys: a key created between
/// the two reads is one the first did not see (as if it came after the whole check), and a
/// key dropped between them, or created again over other columns, shows no columns or its new
/// ones, which no plan knows (the caller takes the key as new).
pub async fn innodb_foreign_keys_onto(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Vec<ForeignKey>> {
    let keys: Vec<InnodbOntoKey> = conn.exec(INNODB_FOREIGN_ONTO_SQL, (db, table)).await?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    let sql = INNODB_FOREIGN_ONTO_COLS_SQL
        .replace("(?)", &format!("({})", vec!["?"; ids.len()].join(", ")));
    let columns: Vec<InnodbOntoColumn> = conn.exec(sql, ids).await?;
    Ok(innodb_foreign_keys_from(
        innodb_onto_rows(keys, columns),
        db,
        table,
    ))
}

/// A row of [`INNODB_FOREIGN_ONTO_SQL`]: ID, child database, child table, `TYPE`, the child's
/// name as stored, whether a name may be cut.
type InnodbOntoKey = (String, String, String, u32, String, bool);
/// A row of [`INNODB_FOREIGN_ONTO_COLS_SQL`]: ID, column, referenced column, position.
type InnodbOntoColumn = (String, Option<String>, Option<String>, Option<u32>);

/// The rows of the two reads as one row per key and column (a key without a column on one row
/// with none), as a join of the two views would give them.
fn innodb_onto_rows(
    keys: Vec<InnodbOntoKey>,
    columns: Vec<InnodbOntoColumn>,
) -> Vec<InnodbOntoRow> {
    // A key's column, referenced column and position.
    type Column = (Option<String>, Option<String>, Option<u32>);
    let mut by_id: HashMap<String, Vec<Column>> = HashMap::new();
    for (id, column, referenced, pos) in columns {
        by_id.entry(id).or_default().push((column, referenced, pos));
    }
    let mut rows = Vec::new();
    for (id, child_db, child, kind, stored, cut) in keys {
        let columns = by_id
            .get(&id)
            .cloned()
            .unwrap_or_else(|| vec![(None, None, None)]);
        for (column, referenced, pos) in columns {
            rows.push((
                id.clone(),
                child_db.clone(),
                child.clone(),
                kind,
                column,
                referenced,
                stored.clone(),
                cut,
                pos,
            ));
        }
    }
    rows
}

/// A key onto the table and one of its columns ([`innodb_onto_rows`]).
type InnodbOntoRow = (
    String,
    String,
    String,
    u32,
    Option<String>,
    Option<String>,
    String,
    bool,
    Option<u32>,
);

/// The foreign keys onto `db.table` from the rows of [`innodb_onto_rows`] (see
/// [`innodb_foreign_keys_onto`]).
fn innodb_foreign_keys_from(
    mut rows: Vec<InnodbOntoRow>,
    db: &str,
    table: &str,
) -> Vec<ForeignKey> {
    // Each key's columns together and in their order.
    rows.sort_by(|a, b| (&a.0, a.8).cmp(&(&b.0, b.8)));
    let mut out: Vec<ForeignKey> = Vec::new();
    let mut last_id: Option<String> = None;
    for (id, child_db, child, kind, column, referenced, stored, cut, _) in rows {
        // An `ALTER TABLE`'s temporary table (no statement reaches its rows).
        if stored.starts_with("#sql") {
            continue;
        }
        // Names cut by the view: a key no plan can know, which the caller takes as new.
        let (child_db, child) = if cut {
            (
                String::new(),
                format!("(a name longer than the dictionary view shows: {id})"),
            )
        } else {
            (child_db, child)
        };
        if last_id.as_deref() != Some(id.as_str()) {
            out.push(ForeignKey {
                name: id
                    .split_once('/')
                    .map_or(id.as_str(), |(_, n)| n)
                    .to_string(),
                db: child_db,
                table: child,
                columns: Vec::new(),
                referenced_db: db.to_string(),
                referenced_table: table.to_string(),
                referenced_columns: Vec::new(),
                on_delete: innodb_rule(kind, 1, 2, 16),
                on_update: innodb_rule(kind, 4, 8, 32),
            });
            last_id = Some(id);
        }
        if let (Some(fk), Some(column), Some(referenced)) = (out.last_mut(), column, referenced) {
            fk.columns.push(column);
            fk.referenced_columns.push(referenced);
        }
    }
    out.sort_by(|a, b| (&a.db, &a.table, &a.name).cmp(&(&b.db, &b.table, &b.name)));
    out
}

/// A referential action from InnoDB's `TYPE` bits (`DICT_FOREIGN_ON_DELETE_CASCADE` = 1,
/// `_SET_NULL` = 2, `_NO_ACTION` = 16; the `ON UPDATE` ones are 4, 8 and 32); none is
/// RESTRICT.
fn innodb_rule(kind: u32, cascade: u32, set_null: u32, no_action: u32) -> FkRule {
    if kind & cascade != 0 {
        FkRule::Cascade
    } else if kind & set_null != 0 {
        FkRule::SetNull
    } else if kind & no_action != 0 {
        FkRule::NoAction
    } else {
        FkRule::Restrict
    }
}

/// The `DELETE` triggers of `db`'s tables: (table, trigger, `BEFORE` or `AFTER`).
pub async fn delete_triggers(
    conn: &mut Conn,
    db: &str,
) -> mysql_async::Result<Vec<(String, String, String)>> {
    conn.exec(DELETE_TRIGGERS_SQL, (db,)).await
}

/// The table type (`BASE TABLE`, `VIEW`, ...) and storage engine (`None` for a view) of
/// `db.table`, or `None` when it does not exist.
pub async fn table_engine(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Option<(String, Option<String>)>> {
    conn.exec_first(TABLE_ENGINE_SQL, (db, table)).await
}

/// The server's `CREATE TABLE` statement for `db.table`, as the bytes it sends: the sessions
/// read results raw (`character_set_results = NULL`), so a binary string in it (a
/// `VARBINARY` column's `DEFAULT 0xFF`) comes as its bytes, which need not be UTF-8.
pub async fn show_create_table_bytes(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Vec<u8>> {
    let sql = format!("SHOW CREATE TABLE {}", ident::qualified(db, table));
    let row: Option<mysql_async::Row> = conn.query_first(sql).await?;
    // The server answers with a row or an error; no row would be a protocol oddity.
    match row.and_then(|mut r| r.take_opt::<Vec<u8>, _>(1)) {
        Some(Ok(bytes)) => Ok(bytes),
        _ => Err(mysql_async::Error::Other(
            format!(
                "SHOW CREATE TABLE {} returned no text",
                ident::qualified(db, table)
            )
            .into(),
        )),
    }
}

/// The server's `CREATE TABLE` statement for `db.table`, to derive another table from: an
/// error naming the table when it holds bytes that are not UTF-8 (a binary string), which no
/// statement of ours could carry through unchanged. (It used to panic.)
pub async fn show_create_table(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<String> {
    let bytes = show_create_table_bytes(conn, db, table).await?;
    String::from_utf8(bytes).map_err(|e| {
        mysql_async::Error::Other(
            format!(
                "SHOW CREATE TABLE {} holds bytes that are not UTF-8 (a binary string, such as a \
                 VARBINARY column's DEFAULT, near byte {}): its archive table cannot be derived \
                 from it; create the archive table beforehand (CREATE TABLE ... LIKE the source \
                 table)",
                ident::qualified(db, table),
                e.utf8_error().valid_up_to()
            )
            .into(),
        )
    })
}

/// The server's `CREATE TABLE` statement for `db.table`, to read or compare: the bytes that
/// are not UTF-8 written `\xNN` ([`escaped_text`]).
pub async fn show_create_table_escaped(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<String> {
    Ok(escaped_text(
        &show_create_table_bytes(conn, db, table).await?,
    ))
}

/// `bytes` as text: its UTF-8 as it is, each other byte as `\xNN`. Two texts that differ by
/// such a byte stay different (a `DEFAULT 0xFF` changed to `0xFE`); a check that read them as
/// UTF-8 found no text, and went on without checking.
pub fn escaped_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// The default character set and collation of `db`, or `None` when it does not exist.
pub async fn database_charset(
    conn: &mut Conn,
    db: &str,
) -> mysql_async::Result<Option<(String, String)>> {
    conn.exec_first(CHARSET_SQL, (db,)).await
}

/// The columns of `db.table` in ordinal order, or `None` when the table does not exist: what
/// the archive-table drift check compares.
pub async fn table_columns(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Option<Vec<ColumnInfo>>> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = conn.exec(TABLE_COLUMNS_SQL, (db, table)).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    Ok(Some(
        rows.into_iter()
            .map(
                |(
                    name,
                    column_type,
                    data_type,
                    nullable,
                    extra,
                    expression,
                    charset,
                    collation,
                )| {
                    ColumnInfo {
                        charset,
                        collation,
                        ..ColumnInfo::from_columns_row(
                            name,
                            column_type,
                            data_type,
                            &nullable,
                            &extra,
                            expression.as_deref(),
                        )
                    }
                },
            )
            .collect(),
    ))
}

/// A column's name, full type, character set and collation (`None` for non-text types).
pub type ColumnDefinition = (String, String, Option<String>, Option<String>);

/// The definition of each column of `db.table`, in ordinal order (none for a missing table).
pub async fn column_definitions(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Vec<ColumnDefinition>> {
    conn.exec(COLUMN_DEFINITIONS_SQL, (db, table)).await
}

/// The triggers of `db.table`: `name (BEFORE INSERT)`, ...
pub async fn table_triggers(
    conn: &mut Conn,
    db: &str,
    table: &str,
) -> mysql_async::Result<Vec<String>> {
    let rows: Vec<(String, String, String)> = conn.exec(TRIGGERS_SQL, (db, table)).await?;
    Ok(rows
        .into_iter()
        .map(|(name, timing, event)| format!("{name} ({timing} {event})"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_text_keeps_utf8_and_tells_other_bytes_apart() {
        assert_eq!(escaped_text("DEFAULT 'é😀'".as_bytes()), "DEFAULT 'é😀'");
        assert_eq!(escaped_text(b"DEFAULT '\xff'"), "DEFAULT '\\xFF'");
        assert_ne!(escaped_text(b"'\xff'"), escaped_text(b"'\xfe'"));
        // A cut UTF-8 sequence is bytes too, and what follows it text again.
        assert_eq!(escaped_text(b"a\xe2\x82b"), "a\\xE2\\x82b");
    }

    #[test]
    fn the_keys_and_their_columns_read_apart_make_one_row_per_column() {
        let key = |id: &str, child: &str| {
            (
                id.to_string(),
                "d".to_string(),
                child.to_string(),
                1,
                child.to_string(),
                false,
            )
        };
        let column = |id: &str, c: &str, r: &str, pos: u32| {
            (
                id.to_string(),
                Some(c.to_string()),
                Some(r.to_string()),
                Some(pos),
            )
        };
        let rows = innodb_onto_rows(
            vec![key("d/k1", "c1"), key("d/k2", "c2")],
            vec![
                column("d/k1", "y", "b", 1),
                column("d/k9", "z", "z", 0),
                column("d/k1", "x", "a", 0),
            ],
        );
        let keys = innodb_foreign_keys_from(rows, "d", "p");
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert_eq!(
            (keys[0].name.as_str(), keys[0].table.as_str()),
            ("k1", "c1")
        );
        assert_eq!(keys[0].columns, ["x", "y"]);
        assert_eq!(keys[0].referenced_columns, ["a", "b"]);
        // A key whose columns the second read did not find (dropped between the reads): a key
        // without columns, which no plan knows.
        assert_eq!(keys[1].name, "k2");
        assert!(keys[1].columns.is_empty());
    }

    #[test]
    fn the_dictionary_rows_are_put_in_order() {
        let row = |id: &str, child: &str, kind: u32, column: &str, referenced: &str, pos: u32| {
            (
                id.to_string(),
                "d".to_string(),
                child.to_string(),
                kind,
                Some(column.to_string()),
                Some(referenced.to_string()),
                child.to_string(),
                false,
                Some(pos),
            )
        };
        // As the server may return them: keys interleaved, columns out of order.
        let rows = vec![
            row("d/k2", "c2", 1, "y", "b", 1),
            row("d/k1", "c1", 2, "q", "b", 1),
            row("d/k2", "c2", 1, "x", "a", 0),
            row("d/k1", "c1", 2, "p", "a", 0),
            row("d/k3", "#sql-alter", 1, "x", "a", 0),
        ];
        let keys = innodb_foreign_keys_from(rows, "d", "p");
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert_eq!(
            (keys[0].name.as_str(), keys[0].table.as_str()),
            ("k1", "c1")
        );
        assert_eq!(keys[0].columns, ["p", "q"]);
        assert_eq!(keys[0].referenced_columns, ["a", "b"]);
        assert_eq!(keys[0].on_delete, FkRule::SetNull);
        assert_eq!(keys[1].columns, ["x", "y"]);
        assert_eq!(keys[1].on_delete, FkRule::Cascade);
        assert_eq!(keys[1].referenced_table, "p");
    }

    fn col(name: &str, nullable: bool) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            column_type: "int(11)".into(),
            data_type: "int".into(),
            nullable,
            generated: false,
            invisible: false,
            system_time: false,
            expression: None,
            charset: None,
            collation: None,
        }
    }

    fn ic(index: &str, seq: u64, column: &str) -> IndexColumn {
        IndexColumn {
            index: index.into(),
            seq,
            column: column.into(),
            hash: false,
        }
    }

    /// A long unique key (a hash, over a `TEXT`) is taken only when no other key names rows.
    #[test]
    fn a_hash_key_comes_after_every_ordered_one() {
        let cols = [col("t", false), col("b", false)];
        let hashed = IndexColumn {
            hash: true,
            ..ic("t", 1, "t")
        };
        let k = choose_key(vec![hashed.clone(), ic("u_b", 1, "b")], &cols);
        assert_eq!(
            k,
            KeyChoice::Unique {
                name: "u_b".into(),
                cols: vec!["b".into()]
            }
        );
        let k = choose_key(vec![hashed], &cols);
        assert_eq!(
            k,
            KeyChoice::Unique {
                name: "t".into(),
                cols: vec!["t".into()]
            }
        );
    }

    #[test]
    fn primary_key_wins_in_key_order() {
        let cols = [col("a", false), col("b", false)];
        let k = choose_key(
            vec![
                ic("uk", 1, "a"),
                ic("PRIMARY", 2, "a"),
                ic("PRIMARY", 1, "b"),
            ],
            &cols,
        );
        assert_eq!(k, KeyChoice::Primary(vec!["b".into(), "a".into()]));
        assert_eq!(k.columns(), ["b", "a"]);
    }

    #[test]
    fn the_utf8_character_sets_and_their_collations_are_one_family() {
        assert!(same_modulo_utf8(Some("utf8mb3"), Some("utf8mb4")));
        assert!(same_modulo_utf8(Some("utf8"), Some("utf8mb4")));
        assert!(same_modulo_utf8(None, None));
        assert!(!same_modulo_utf8(Some("latin1"), Some("utf8mb4")));
        assert!(!same_modulo_utf8(Some("utf8mb4"), None));
        assert!(!same_modulo_utf8(Some("utf16"), Some("utf8mb4")));
        assert!(same_modulo_utf8(
            Some("utf8mb3_general_ci"),
            Some("utf8mb4_general_ci")
        ));
        assert!(same_modulo_utf8(Some("utf8_bin"), Some("utf8mb4_bin")));
        assert!(!same_modulo_utf8(
            Some("utf8mb4_bin"),
            Some("utf8mb4_general_ci")
        ));
        assert!(!same_modulo_utf8(
            Some("utf8mb4_general_ci"),
            Some("utf8mb4_unicode_ci")
        ));
        assert!(!same_modulo_utf8(Some("utf16_bin"), Some("utf8mb4_bin")));
        assert!(same_modulo_utf8(Some("ascii"), Some("utf8mb3")));
        assert!(same_modulo_utf8(
            Some("ascii_general_ci"),
            Some("utf8mb4_general_ci")
        ));
    }

    #[test]
    fn first_unique_key_without_nullable_columns() {
        let cols = [col("a", false), col("b", false), col("c", true)];
        let k = choose_key(
            vec![
                ic("u_null", 1, "c"),
                ic("u_ab", 1, "a"),
                ic("u_ab", 2, "b"),
                ic("u_b", 1, "b"),
            ],
            &cols,
        );
        assert_eq!(
            k,
            KeyChoice::Unique {
                name: "u_ab".into(),
                cols: vec!["a".into(), "b".into()]
            }
        );
    }

    #[test]
    fn utf8_narrowing_is_told() {
        assert!(utf8_narrows(Some("utf8mb4"), Some("utf8mb3")));
        assert!(utf8_narrows(Some("utf8mb4"), Some("utf8")));
        assert!(utf8_narrows(Some("utf8mb3"), Some("ascii")));
        assert!(!utf8_narrows(Some("utf8mb3"), Some("utf8mb4")));
        assert!(!utf8_narrows(Some("utf8"), Some("utf8mb3")));
        assert!(!utf8_narrows(Some("latin1"), Some("utf8mb3")));
        assert!(!utf8_narrows(None, Some("ascii")));
    }

    #[test]
    fn the_row_end_of_a_system_versioned_table_is_left_out_of_its_keys() {
        let mut re = col("re", false);
        re.generated = true;
        re.system_time = true;
        let cols = [col("id", false), col("u", false), re];
        let k = choose_key(
            vec![
                ic("PRIMARY", 1, "id"),
                ic("PRIMARY", 2, "re"),
                ic("u", 1, "u"),
                ic("u", 2, "re"),
            ],
            &cols,
        );
        assert_eq!(k, KeyChoice::Primary(vec!["id".into()]));
        assert!(is_system_time_expression("ROW START"));
        assert!(is_system_time_expression("row  end"));
        assert!(!is_system_time_expression("`a` + 1"));
        assert!(!is_system_time_expression("ROW"));
        assert_eq!(TableKind::parse("BASE TABLE"), TableKind::Base);
        assert_eq!(
            TableKind::parse("SYSTEM VERSIONED"),
            TableKind::SystemVersioned
        );
        assert_eq!(TableKind::parse("VIEW"), TableKind::Other("VIEW".into()));
    }

    #[test]
    fn no_usable_key() {
        let cols = [col("a", true)];
        assert_eq!(choose_key(vec![ic("u", 1, "a")], &cols), KeyChoice::None);
        assert_eq!(choose_key(vec![], &cols), KeyChoice::None);
        assert!(KeyChoice::None.columns().is_empty());
    }

    #[test]
    fn generated_columns_from_extra() {
        for e in [
            "VIRTUAL GENERATED",
            "STORED GENERATED",
            "virtual generated",
            "PERSISTENT",
            "VIRTUAL",
        ] {
            assert!(extra_says_generated(e), "{e}");
        }
        for e in [
            "",
            "auto_increment",
            "DEFAULT_GENERATED",
            "DEFAULT_GENERATED on update CURRENT_TIMESTAMP",
            "on update current_timestamp()",
            "INVISIBLE",
        ] {
            assert!(!extra_says_generated(e), "{e}");
        }
        assert!(extra_has("INVISIBLE", "INVISIBLE"));
        assert!(extra_has("auto_increment INVISIBLE", "INVISIBLE"));
        assert!(!extra_has("", "INVISIBLE"));
    }

    #[test]
    fn innodb_type_bits() {
        assert_eq!(innodb_rule(0, 1, 2, 16), FkRule::Restrict);
        assert_eq!(innodb_rule(1, 1, 2, 16), FkRule::Cascade);
        assert_eq!(innodb_rule(2 | 4, 1, 2, 16), FkRule::SetNull);
        assert_eq!(innodb_rule(2 | 4, 4, 8, 32), FkRule::Cascade);
        assert_eq!(innodb_rule(16 | 32, 1, 2, 16), FkRule::NoAction);
        assert_eq!(innodb_rule(1 | 8, 4, 8, 32), FkRule::SetNull);
    }

    #[test]
    fn fk_rules() {
        assert_eq!(FkRule::parse("CASCADE"), FkRule::Cascade);
        assert_eq!(FkRule::parse("SET NULL"), FkRule::SetNull);
        assert_eq!(FkRule::parse("RESTRICT"), FkRule::Restrict);
        assert_eq!(FkRule::parse("NO ACTION"), FkRule::NoAction);
        assert_eq!(FkRule::parse("set default"), FkRule::SetDefault);
        assert_eq!(FkRule::parse("WHATEVER"), FkRule::Other("WHATEVER".into()));
    }
}
