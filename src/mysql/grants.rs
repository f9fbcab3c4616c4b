//! What the session's user may do, read from `SHOW GRANTS` (the user's own grants and those of
//! its enabled roles, nested roles included), for the dry run's preflight: a real run that
//! would fail for want of a privilege makes the dry run fail the same way.
//!
//! `information_schema`'s privilege tables are not enough: they leave out what roles give.
//! The check is conservative in one direction only: a privilege we cannot see (a column-level
//! grant, a form we do not parse) is reported as undecided (a warning), never as missing.

use mysql_async::prelude::Queryable;

/// One `GRANT ... ON ... TO ...` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Grant {
    /// Upper-case privilege names; `ALL` for `ALL PRIVILEGES`.
    privileges: Vec<String>,
    /// Privileges granted on some columns only (`SELECT (a, b)`).
    column_privileges: Vec<String>,
    on: Target,
}

/// What a grant is on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Global,
    /// A database name pattern (`%`, `_` and `\` escapes, as grants take them).
    Database(String),
    Table(String, String),
}

/// Whether the user holds a privilege on a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Granted,
    Missing,
    /// Granted on some columns only: the statement may still be refused.
    Undecided(String),
}

/// The grants of the session's user and of its enabled roles.
#[derive(Debug, Clone, Default)]
pub struct Grants {
    grants: Vec<Grant>,
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
            user: String::new(),
        }
    }

    /// Whether `privilege` (upper case: `SELECT`, `DELETE`, `INSERT`, `CREATE`) is held on
    /// `db`.`table` (or on the database itself when `table` is `None`).
    pub fn allows(&self, privilege: &str, db: &str, table: Option<&str>) -> Decision {
        let applies = |g: &Grant| match &g.on {
            Target::Global => true,
            Target::Database(pattern) => like(pattern, db),
            Target::Table(d, t) => d == db && table.is_some_and(|table| table == t),
        };
        let mut partial = None;
        for g in self.grants.iter().filter(|g| applies(g)) {
            if g.privileges.iter().any(|p| p == privilege || p == "ALL") {
                return Decision::Granted;
            }
            if g.column_privileges.iter().any(|p| p == privilege) {
                partial = Some(format!("{privilege} is granted on some columns only"));
            }
        }
        match partial {
            Some(why) => Decision::Undecided(why),
            None => Decision::Missing,
        }
    }
}

/// `GRANT <privileges> ON <target> TO <grantee> ...`, or `None`.
fn parse_line(line: &str) -> Option<Grant> {
    let rest = line.trim().strip_prefix("GRANT ")?;
    let on_at = find_outside_parens(rest, " ON ")?;
    let (privs, rest) = (&rest[..on_at], &rest[on_at + 4..]);
    let rest = rest.trim_start();
    if rest.starts_with("PROCEDURE ")
        || rest.starts_with("FUNCTION ")
        || rest.starts_with("PACKAGE ")
    {
        return None;
    }
    let (target, _) = split_target(rest)?;
    let mut privileges = Vec::new();
    let mut column_privileges = Vec::new();
    for p in split_outside_parens(privs) {
        let p = p.trim();
        if p.eq_ignore_ascii_case("ALL PRIVILEGES") || p.eq_ignore_ascii_case("ALL") {
            privileges.push("ALL".to_string());
        } else if let Some(paren) = p.find('(') {
            column_privileges.push(p[..paren].trim().to_ascii_uppercase());
        } else if p.eq_ignore_ascii_case("PROXY") {
            return None;
        } else {
            privileges.push(p.to_ascii_uppercase());
        }
    }
    Some(Grant {
        privileges,
        column_privileges,
        on: target,
    })
}

/// The target (`*.*`, `` `db`.* ``, `` `db`.`t` ``, `*`) at the start of `s`, and what follows.
fn split_target(s: &str) -> Option<(Target, &str)> {
    let (first, rest) = ident(s)?;
    let Some(rest) = rest.strip_prefix('.') else {
        // `GRANT ... ON *` (the current database) or a bare name: not ours to judge.
        return None;
    };
    let (second, rest) = ident(rest)?;
    let target = match (first, second) {
        (None, None) => Target::Global,
        (Some(db), None) => Target::Database(db),
        (Some(db), Some(t)) => Target::Table(db, t),
        (None, Some(_)) => return None,
    };
    Some((target, rest))
}

/// A backquoted identifier (`None` for `*`) at the start of `s`, and what follows.
fn ident(s: &str) -> Option<(Option<String>, &str)> {
    if let Some(rest) = s.strip_prefix('*') {
        return Some((None, rest));
    }
    let body = s.strip_prefix('`')?;
    let mut name = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '`' {
            if chars.peek().is_some_and(|&(_, n)| n == '`') {
                chars.next();
                name.push('`');
            } else {
                return Some((Some(name), &body[i + 1..]));
            }
        } else {
            name.push(c);
        }
    }
    None
}

fn find_outside_parens(s: &str, needle: &str) -> Option<usize> {
    let mut depth = 0i32;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 && s[i..].starts_with(needle) => return Some(i),
            _ => {}
        }
    }
    None
}

fn split_outside_parens(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// SQL `LIKE` with `\` escapes, as a database-level grant's name matches (case-sensitive, as
/// database names are on Linux).
fn like(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('%', rest)) => (0..=n.len()).any(|k| go(rest, &n[k..])),
            Some(('_', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some(('\\', rest)) if !rest.is_empty() => {
                n.first() == Some(&rest[0]) && go(&rest[1..], &n[1..])
            }
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOWN: &[&str] = &[
        "GRANT `r_arch` TO `gtest`@`%`",
        "GRANT USAGE ON *.* TO `gtest`@`%` IDENTIFIED BY PASSWORD '*B69027D44F6E5EDC07F1AEAD1477967B16F28227'",
        "GRANT SELECT ON `nova\\_%`.* TO `gtest`@`%`",
        "GRANT `r_inner` TO `r_arch`",
        "GRANT USAGE ON *.* TO `r_arch`",
        "GRANT INSERT, CREATE ON `test`.* TO `r_arch`",
        "GRANT USAGE ON *.* TO `r_inner`",
        "GRANT DELETE ON `test`.`t1` TO `r_inner`",
        "GRANT SELECT (`id`, `name`), UPDATE ON `odd``db`.`t,2` TO `gtest`@`%`",
        "GRANT EXECUTE ON PROCEDURE `test`.`p` TO `gtest`@`%`",
        "GRANT PROXY ON ''@'%' TO 'gtest'@'%' WITH GRANT OPTION",
        "SET DEFAULT ROLE `r_arch` FOR `gtest`@`%`",
    ];

    #[test]
    fn what_show_grants_says_is_read_with_roles() {
        let g = Grants::parse(SHOWN);
        assert_eq!(g.allows("SELECT", "nova_api", Some("x")), Decision::Granted);
        // `nova\_%` is not `novaX...`.
        assert_eq!(g.allows("SELECT", "novaXapi", Some("x")), Decision::Missing);
        assert_eq!(g.allows("DELETE", "nova_api", Some("x")), Decision::Missing);
        assert_eq!(g.allows("DELETE", "test", Some("t1")), Decision::Granted);
        assert_eq!(g.allows("DELETE", "test", Some("t2")), Decision::Missing);
        assert_eq!(g.allows("INSERT", "test", Some("t2")), Decision::Granted);
        assert_eq!(g.allows("CREATE", "test", None), Decision::Granted);
        assert_eq!(g.allows("CREATE", "other", None), Decision::Missing);
        assert_eq!(g.allows("UPDATE", "odd`db", Some("t,2")), Decision::Granted);
        assert!(matches!(
            g.allows("SELECT", "odd`db", Some("t,2")),
            Decision::Undecided(_)
        ));
        assert_eq!(g.allows("EXECUTE", "test", Some("p")), Decision::Missing);
    }

    #[test]
    fn all_privileges_and_global_grants() {
        let g =
            Grants::parse(&["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"]);
        for p in ["SELECT", "DELETE", "INSERT", "CREATE"] {
            assert_eq!(g.allows(p, "any", Some("t")), Decision::Granted);
        }
        let g = Grants::parse(&["GRANT ALL PRIVILEGES ON `nova`.* TO `u`@`%`"]);
        assert_eq!(g.allows("DELETE", "nova", Some("t")), Decision::Granted);
        assert_eq!(g.allows("DELETE", "nova2", Some("t")), Decision::Missing);
    }

    #[test]
    fn like_patterns() {
        assert!(like("nova%", "nova_api"));
        assert!(like("nova_api", "novaXapi"));
        assert!(!like("nova\\_api", "novaXapi"));
        assert!(like("nova\\_api", "nova_api"));
        assert!(like("%", ""));
        assert!(!like("Nova", "nova"));
    }

    #[test]
    fn nonsense_is_skipped_not_a_panic() {
        for line in [
            "",
            "GRANT",
            "GRANT ON",
            "GRANT SELECT ON `x",
            "GRANT SELECT ON `a`.",
            "GRANT ( ON *.*",
        ] {
            let g = Grants::parse(&[line]);
            assert_eq!(
                g.allows("SELECT", "a", Some("b")),
                Decision::Missing,
                "{line}"
            );
        }
    }
}
