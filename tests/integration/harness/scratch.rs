//! [`ScratchDb`]: a database of one test, named with [`super::unique_name`], dropped with its
//! archive database (`<name>_archive`) when the test ends, passed or failed.

use super::names::unique_name;
use super::server::Server;

/// A database created for one test on `server`.
pub struct ScratchDb<'s> {
    pub name: String,
    server: &'s Server,
    /// Other databases to drop at the end (archive databases with another suffix, ...).
    also_drop: Vec<String>,
}

/// `` `db`.`table` ``, a backtick in a name doubled.
pub fn q(db: &str, table: &str) -> String {
    format!("`{}`.`{}`", db.replace('`', "``"), table.replace('`', "``"))
}

impl<'s> ScratchDb<'s> {
    /// Creates the database (utf8mb4).
    pub fn create(server: &'s Server, prefix: &str) -> ScratchDb<'s> {
        ScratchDb::create_with(
            server,
            prefix,
            "CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci",
        )
    }

    /// Creates the database with `options` (`CHARACTER SET ...`) after `CREATE DATABASE name`.
    pub fn create_with(server: &'s Server, prefix: &str, options: &str) -> ScratchDb<'s> {
        let name = unique_name(prefix);
        server.sql(&format!("CREATE DATABASE `{name}` {options}"));
        ScratchDb {
            also_drop: vec![format!("{name}_archive")],
            name,
            server,
        }
    }

    /// `` `db`.`table` ``.
    pub fn q(&self, table: &str) -> String {
        q(&self.name, table)
    }

    /// The default same-server archive database, `<name>_archive`.
    pub fn archive(&self) -> String {
        format!("{}_archive", self.name)
    }

    /// `` `db_archive`.`table` ``.
    pub fn qa(&self, table: &str) -> String {
        q(&self.archive(), table)
    }

    /// Drops `db` too at the end.
    pub fn also_drop(&mut self, db: impl Into<String>) {
        self.also_drop.push(db.into());
    }

    /// Runs `sql` with `USE` this database first.
    pub fn sql(&self, sql: &str) -> String {
        self.server.sql(&format!("USE `{}`;\n{sql}", self.name))
    }

    /// [`Self::sql`], returning the error text instead of panicking.
    pub fn try_sql(&self, sql: &str) -> Result<String, String> {
        self.server.try_sql(&format!("USE `{}`;\n{sql}", self.name))
    }

    /// Whether database `db` exists on the server.
    pub fn exists(&self, db: &str) -> bool {
        self.server
            .sql(&format!(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '{db}'"
            ))
            .trim()
            == "1"
    }
}

impl Drop for ScratchDb<'_> {
    fn drop(&mut self) {
        let mut sql = String::from("SET SESSION foreign_key_checks = 0;");
        for db in std::iter::once(&self.name).chain(&self.also_drop) {
            sql.push_str(&format!("DROP DATABASE IF EXISTS `{db}`;"));
        }
        if let Err(e) = self.server.try_sql(&sql) {
            eprintln!("harness: cannot drop {}: {e}", self.name);
        }
    }
}
