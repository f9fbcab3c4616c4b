//! What the session's user may do, read from `SHOW GRANTS` (the user's own grants and those of
//! its enabled roles, nested roles included, and `PUBLIC`'s), for the dry run's preflight: a
//! real run that would fail for want of a privilege makes the dry run fail the same way.
//!
//! `information_schema`'s privilege tables are not enough: they leave out what roles give.
//! The server's rules are followed: global and table-level grants add up, but of the
//! database-level grants of one grantee only the most specific matching pattern counts
//! (`GRANT SELECT ON nova.*` hides `GRANT DELETE ON nov%.*` for `nova`). Where the server's
//! choice cannot be known (two patterns as specific), a privilege is granted on some columns
//! only, or MySQL lists a role without its privileges, the answer is undecided (a warning), not
//! missing.

mod parse;
#[cfg(test)]
mod tests;

use mysql_async::prelude::Queryable;

use parse::{like, mysql_role_grant, parse_line, specificity, Grant, Grantee, Target};

/// A database name pattern that matches, and whether its grant gives the privilege.
type Entry<'a> = (&'a str, bool);

/// Whether the user holds a privilege on a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Granted,
    Missing,
    /// Missing, though a less specific database grant gives it: the message says which.
    Shadowed(String),
    /// The statement may or may not be refused: why.
    Undecided(String),
}

/// The grants of the session's user and of its enabled roles.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    grants: Vec<Grant>,
    /// Roles granted on MySQL, whose privileges `SHOW GRANTS` does not list.
    unlisted_roles: Vec<String>,
    /// `CURRENT_USER()`, for messages.
    pub user: String,
}

impl Grants {
    /// Reads `SHOW GRANTS` and `CURRENT_USER()` on `conn`.
    pub async fn read(conn: &mut mysql_async::Conn) -> mysql_async::Result<Grants> {
        let user: Option<String> = conn.query_first("SELECT CURRENT_USER()").await?;
        let lines: Vec<String> = conn.query("SHOW GRANTS").await?;
        let mut grants = Grants::parse(&lines);
        grants.user = user.unwrap_or_default();
        Ok(grants)
    }

    /// Parses the lines of `SHOW GRANTS`; lines that grant roles, proxies or routines, and
    /// anything not understood, are skipped.
    pub fn parse<S: AsRef<str>>(lines: &[S]) -> Grants {
        Grants {
            grants: lines
                .iter()
                .filter_map(|l| parse_line(l.as_ref()))
                .collect(),
            unlisted_roles: lines
                .iter()
                .filter_map(|l| mysql_role_grant(l.as_ref()))
                .collect(),
            user: String::new(),
        }
    }

    /// Whether a global grant (`ON *.*`) gives `privilege` (upper case), or `ALL`.
    pub fn global(&self, privilege: &str) -> bool {
        self.grants.iter().any(|g| {
            g.on == Target::Global && g.privileges.iter().any(|p| p == privilege || p == "ALL")
        })
    }

    /// Why this user's writes on the server of `conn` would be refused (error 1290): the
    /// server is `read_only` and the user lacks what writes anyway: `READ_ONLY ADMIN` on
    /// MariaDB (from 10.11 `SUPER` no longer gives it), `SUPER` or `CONNECTION_ADMIN` on
    /// MySQL (nothing under `super_read_only`). `None` when writes go through, or when roles
    /// whose privileges `SHOW GRANTS` does not list leave it undecided.
    pub async fn read_only_refusal(
        &self,
        conn: &mut mysql_async::Conn,
    ) -> mysql_async::Result<Option<String>> {
        let read_only: Option<i64> = conn.query_first("SELECT @@global.read_only + 0").await?;
        if read_only.unwrap_or(0) == 0 || !self.unlisted_roles.is_empty() {
            return Ok(None);
        }
        let (major, minor, patch) = conn.server_version();
        // MariaDB's major versions are 10 and later, MySQL's 5, 8 and 9 (see
        // `Connection::is_mariadb`).
        let mariadb = major >= 10;
        let writes = if mariadb {
            self.global("READ_ONLY ADMIN")
                || ((major, minor, patch) < (10, 11, 0) && self.global("SUPER"))
        } else {
            let super_read_only: Option<i64> = conn
                .query_first("SELECT @@global.super_read_only + 0")
                .await
                .unwrap_or(None);
            super_read_only.unwrap_or(0) == 0
                && (self.global("SUPER") || self.global("CONNECTION_ADMIN"))
        };
        if writes {
            return Ok(None);
        }
        Ok(Some(format!(
            "the server is read-only (read_only = ON) and {} lacks {}: every write of the \
             real run would be refused (error 1290)",
            self.user,
            if mariadb {
                "READ_ONLY ADMIN"
            } else {
                "SUPER or CONNECTION_ADMIN"
            }
        )))
    }

    /// Whether `privilege` (upper case: `SELECT`, `DELETE`, `INSERT`, `CREATE`) is held on
    /// `db`.`table` (or on the database itself when `table` is `None`).
    pub fn allows(&self, privilege: &str, db: &str, table: Option<&str>) -> Decision {
        match self.listed(privilege, db, table) {
            Decision::Missing | Decision::Shadowed(_) if !self.unlisted_roles.is_empty() => {
                Decision::Undecided(format!(
                    "it may come from the role(s) {}, whose privileges SHOW GRANTS does not list",
                    self.unlisted_roles.join(", ")
                ))
            }
            d => d,
        }
    }

    /// [`Self::allows`] from the grants listed.
    fn listed(&self, privilege: &str, db: &str, table: Option<&str>) -> Decision {
        let holds = |g: &Grant| g.privileges.iter().any(|p| p == privilege || p == "ALL");
        let on_table = |g: &Grant| match &g.on {
            Target::Table(d, t) => d == db && table.is_some_and(|table| table == t),
            _ => false,
        };
        if self
            .grants
            .iter()
            .any(|g| (g.on == Target::Global || on_table(g)) && holds(g))
        {
            return Decision::Granted;
        }
        let mut other = None;
        for grantee in [Grantee::User, Grantee::Role, Grantee::Public] {
            match self.database_level(grantee, privilege, db) {
                Decision::Granted => return Decision::Granted,
                Decision::Missing => {}
                d => other = other.or(Some(d)),
            }
        }
        if let Some(d) = other {
            return d;
        }
        let partial = self
            .grants
            .iter()
            .any(|g| on_table(g) && g.column_privileges.iter().any(|p| p == privilege));
        if partial {
            return Decision::Undecided(format!("{privilege} is granted on some columns only"));
        }
        Decision::Missing
    }

    /// What the database-level grants of `grantee` give on `db`: those of the most specific
    /// pattern that matches (a role's nested roles merged into it, pattern by pattern).
    fn database_level(&self, grantee: Grantee, privilege: &str, db: &str) -> Decision {
        let mut matching: Vec<Entry> = Vec::new();
        for g in self.grants.iter().filter(|g| g.to == grantee) {
            let Target::Database(pattern) = &g.on else {
                continue;
            };
            if !like(pattern, db) {
                continue;
            }
            let gives = g.privileges.iter().any(|p| p == privilege || p == "ALL");
            match matching.iter_mut().find(|(p, _)| p == pattern) {
                Some(entry) => entry.1 |= gives,
                None => matching.push((pattern, gives)),
            }
        }
        let Some(best) = matching.iter().map(|(p, _)| specificity(p)).max() else {
            return Decision::Missing;
        };
        let (first, hidden): (Vec<Entry>, Vec<Entry>) =
            matching.iter().partition(|(p, _)| specificity(p) == best);
        let shown = |entries: &[Entry], gives: bool| {
            entries
                .iter()
                .filter(|(_, g)| *g == gives)
                .map(|(p, _)| format!("`{p}`.*"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if first.iter().all(|(_, gives)| *gives) {
            Decision::Granted
        } else if first.iter().any(|(_, gives)| *gives) {
            Decision::Undecided(format!(
                "the grants on {} and on {} match `{db}` and are as specific; the server uses one of them",
                shown(&first, true),
                shown(&first, false)
            ))
        } else if hidden.iter().any(|(_, gives)| *gives) {
            Decision::Shadowed(format!(
                "{privilege} on {} does not apply: the more specific grant on {} is the one used for `{db}`",
                shown(&hidden, true),
                shown(&first, false)
            ))
        } else {
            Decision::Missing
        }
    }
}
