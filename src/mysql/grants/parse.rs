//! Reading one line of `SHOW GRANTS` (`GRANT <privileges> ON <target> TO <grantee> ...`), and
//! the server's rules for database name patterns: how a pattern matches ([`like`]) and how
//! specific it is ([`specificity`]), which decides which database-level grant applies.

/// One `GRANT ... ON ... TO ...` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Grant {
    /// Upper-case privilege names; `ALL` for `ALL PRIVILEGES`.
    pub privileges: Vec<String>,
    /// Privileges granted on some columns only (`SELECT (a, b)`).
    pub column_privileges: Vec<String>,
    pub on: Target,
    pub to: Grantee,
}

/// What a grant is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    Global,
    /// A database name pattern (`%`, `_` and `\` escapes, as grants take them).
    Database(String),
    Table(String, String),
}

/// Whom a grant is to. The server looks up database-level grants separately for the user,
/// for its current role (nested roles merged into it) and for `PUBLIC`, and adds the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grantee {
    /// `user@host`: the session's user.
    User,
    /// A bare name: the enabled role or a role nested in it.
    Role,
    /// `PUBLIC` (MariaDB 10.11 and later).
    Public,
}

/// `GRANT <privileges> ON <target> TO <grantee> ...`, or `None`.
pub(super) fn parse_line(line: &str) -> Option<Grant> {
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
    let (target, rest) = split_target(rest)?;
    let to = grantee(rest.trim_start().strip_prefix("TO ")?)?;
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
        to,
    })
}

/// The roles a MySQL `GRANT `r`@`%` TO ...` line grants (a role with a host part, which
/// MariaDB's roles never have), or `None`. MySQL's `SHOW GRANTS` does not list what such roles
/// give.
pub(super) fn mysql_role_grant(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("GRANT ")?;
    if find_outside_parens(rest, " ON ").is_some() {
        return None;
    }
    let to = rest.find(" TO ")?;
    let roles = rest[..to].trim();
    (grantee(roles)? == Grantee::User).then(|| roles.to_string())
}

/// The grantee at the start of `s`: `PUBLIC`, a role (a name) or a user (`name@host`, an `@`
/// outside quotes). `None` when a quote is not closed.
fn grantee(s: &str) -> Option<Grantee> {
    let s = s.trim_start();
    if s == "PUBLIC" || s.starts_with("PUBLIC ") {
        return Some(Grantee::Public);
    }
    let mut quote: Option<char> = None;
    let mut at = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => {
                if chars.peek() == Some(&q) {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None if c == '`' || c == '\'' || c == '"' => quote = Some(c),
            None if c == '@' => at = true,
            None if c.is_whitespace() => break,
            None => {}
        }
    }
    if quote.is_some() {
        return None;
    }
    Some(if at { Grantee::User } else { Grantee::Role })
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
pub(super) fn like(pattern: &str, name: &str) -> bool {
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

/// How specific a database name pattern is, as MariaDB orders its database-level grants
/// (`get_magic_sort` in its `sql_acl_getsort.ic`, MariaDB 10.4 and later): the larger, the
/// more specific; a name without wildcards first, `%` last. For a given grantee the server
/// uses the first grant in this order whose pattern matches, not the sum of all that match.
pub(super) fn specificity(pattern: &str) -> u64 {
    const MAXLEN: u32 = 64; // NAME_CHAR_LEN
    let (mut n, mut m, mut k, mut p) = (0u32, 0u32, 0u32, 0u32);
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                if k == 0 && m == 0 {
                    p = n;
                }
                k += 1;
                while bytes.get(i + 1) == Some(&b'%') {
                    i += 1;
                }
            }
            b'_' => {
                if k == 0 && m == 0 {
                    p = n;
                }
                m += 1;
            }
            c => {
                if c == b'\\' && i + 1 < bytes.len() {
                    i += 1;
                }
                n += 1;
            }
        }
        i += 1;
    }
    let (k, m) = (u64::from(k.min(31)), m.min(31));
    let l = if k > 0 {
        u64::from(MAXLEN.wrapping_sub(n).wrapping_sub(m))
    } else {
        0
    };
    let (m, p, d, d1) = (u64::from(m), u64::from(p), u64::from(MAXLEN) + 1, 32u64);
    let magic = if l > m {
        (((l * 2 + 1) * d + k) * d1 + m) * d + p
    } else {
        (((m * 2) * d + l) * d1 + k) * d + p
    };
    !magic
}
