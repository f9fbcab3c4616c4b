//! `ENUM` and `SET` columns whose labels do not name their values one to one.
//!
//! The server stores an `ENUM` value as its member's index and a `SET` value as a bit mask;
//! osarchiver reads, writes, compares and deletes by label. That is exact only when every
//! value has a label of its own:
//!
//! - an `ENUM` with a member `''` reads the same as the invalid value (index 0) that a
//!   non-strict `sql_mode` stores for anything not a member; a `SET` with a member `''` reads
//!   the same with and without it;
//! - two members equal under the column's collation (`'a'` and `'A'` under a `_ci` one, which
//!   only a non-strict `sql_mode` lets a `CREATE TABLE` declare) read differently but compare
//!   equal, so a `DELETE` by key would name both rows, and a label written back picks the
//!   first.
//!
//! Such a table is left out (reported, exit code 3) rather than archived wrongly. A member `''`
//! matters only when the table holds a value it is confused with (looked for when the table is
//! planned); equality under the collation is the server's own: one `SELECT` per column counts
//! the distinct members.

use mysql_async::prelude::Queryable;
use mysql_async::Conn;

use super::schema::ColumnInfo;

/// The members of an `ENUM` or `SET` column from its `COLUMN_TYPE` (`enum('a','it''s')`):
/// quotes doubled and backslashes escaped as the server writes them. `None` for another type,
/// or a text this does not read.
pub fn members(column_type: &str) -> Option<Vec<String>> {
    let lower = column_type.to_ascii_lowercase();
    let open = if lower.starts_with("enum(") {
        5
    } else if lower.starts_with("set(") {
        4
    } else {
        return None;
    };
    let chars: Vec<char> = column_type[open..].chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        if chars.get(i) != Some(&'\'') {
            return None;
        }
        i += 1;
        let mut member = String::new();
        loop {
            match chars.get(i)? {
                '\'' if chars.get(i + 1) == Some(&'\'') => {
                    member.push('\'');
                    i += 2;
                }
                '\'' => {
                    i += 1;
                    break;
                }
                '\\' => {
                    member.push(*chars.get(i + 1)?);
                    i += 2;
                }
                c => {
                    member.push(*c);
                    i += 1;
                }
            }
        }
        out.push(member);
        match chars.get(i)? {
            ',' => i += 1,
            ')' if i + 1 == chars.len() => return Some(out),
            _ => return None,
        }
    }
}

/// Why the labels of `column` (of `db`.`table`) do not name its values one to one; `None`
/// when they do, or when it is not an `ENUM` or a `SET`. A member `''` is a problem only for
/// the values it is confused with: the table is read for them (a scan, for such columns only).
pub async fn ambiguous(
    conn: &mut Conn,
    db: &str,
    table: &str,
    column: &ColumnInfo,
) -> mysql_async::Result<Option<String>> {
    let kind = column.data_type.to_ascii_lowercase();
    if kind != "enum" && kind != "set" {
        return Ok(None);
    }
    let name = super::ident::quote_ident(&column.name);
    let Some(members) = members(&column.column_type) else {
        return Ok(Some(format!(
            "column {name}: its {} members cannot be read from {}",
            kind.to_ascii_uppercase(),
            column.column_type
        )));
    };
    if let Some(empty) = members.iter().position(String::is_empty) {
        // In a numeric context an ENUM is its index, a SET its bit mask.
        let probe = if kind == "enum" {
            format!("{name} = 0")
        } else {
            format!("{name} & {} <> 0", 1u64 << empty.min(63))
        };
        let sql = format!(
            "SELECT 1 FROM {} WHERE {probe} LIMIT 1",
            super::ident::qualified(db, table)
        );
        let found: Option<u8> = conn.query_first(sql).await?;
        if found.is_some() {
            return Ok(Some(format!(
                "column {name} is {} and holds {}, so its values cannot be archived exactly",
                column.column_type,
                if kind == "enum" {
                    "the invalid value (index 0), which reads the same as its member ''"
                } else {
                    "sets with its member '', which read the same as the sets without it"
                }
            )));
        }
    }
    if members.len() < 2 {
        return Ok(None);
    }
    // Charset and collation names are words the server gave; anything else is not compared.
    let word = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let (Some(charset), Some(collation)) = (column.charset.as_deref(), column.collation.as_deref())
    else {
        return Ok(None);
    };
    if !word(charset) || !word(collation) {
        return Ok(Some(format!(
            "column {name}: its collation {collation} cannot be checked"
        )));
    }
    // Binary members are equal only when they are (the server refuses such a definition).
    if charset.eq_ignore_ascii_case("binary") {
        return Ok(None);
    }
    // Quoted: `binary` is a keyword, and a name left bare failed the statement, and with it
    // every table of the database (helper 126).
    let one = format!("SELECT CONVERT(? USING `{charset}`) COLLATE `{collation}` AS m");
    let sql = format!(
        "SELECT COUNT(DISTINCT m) FROM ({}) AS members",
        vec![one; members.len()].join(" UNION ALL ")
    );
    let distinct: Option<u64> = conn.exec_first(sql, members.clone()).await?;
    if distinct.is_some_and(|d| d < members.len() as u64) {
        return Ok(Some(format!(
            "column {name} is {}: some of its members are equal under {collation}, so its values cannot be archived exactly",
            column.column_type
        )));
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_read_as_the_server_writes_them() {
        assert_eq!(
            members("enum('a','it''s','b\\\\c','')"),
            Some(vec![
                "a".into(),
                "it's".into(),
                "b\\c".into(),
                String::new()
            ])
        );
        assert_eq!(members("set('x')"), Some(vec!["x".into()]));
        assert_eq!(members("SET('x,')"), Some(vec!["x,".into()]));
        assert_eq!(
            members("enum('é','😀')"),
            Some(vec!["é".into(), "😀".into()])
        );
        assert_eq!(members("int(11)"), None);
        assert_eq!(members("enum('a'"), None);
        assert_eq!(members("enum('a')x"), None);
        assert_eq!(members("enum(a)"), None);
    }
}
