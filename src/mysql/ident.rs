//! SQL identifiers: quoting database, table and column names with backticks.
//!
//! Every name that reaches a statement goes through [`quote_ident`] (or [`push_ident`] on hot
//! paths), so names holding backticks, dots, spaces or keywords are safe. Values never go through
//! here: they are bound as parameters or rendered by [`super::literal`].

/// `name` as a backtick-quoted identifier, inner backticks doubled: ``a`b`` becomes `` `a``b` ``.
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_ident(&mut out, name);
    out
}

/// Appends `name` quoted as by [`quote_ident`] to `out`, without allocating a temporary.
pub fn push_ident(out: &mut String, name: &str) {
    out.push('`');
    let mut rest = name;
    while let Some(i) = rest.find('`') {
        out.push_str(&rest[..=i]);
        out.push('`');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out.push('`');
}

/// `` `db`.`table` ``, both parts quoted.
pub fn qualified(db: &str, table: &str) -> String {
    let mut out = String::with_capacity(db.len() + table.len() + 5);
    push_qualified(&mut out, db, table);
    out
}

/// Appends `` `db`.`table` `` to `out`.
pub fn push_qualified(out: &mut String, db: &str, table: &str) {
    push_ident(out, db);
    out.push('.');
    push_ident(out, table);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_wrapped_in_backticks() {
        assert_eq!(quote_ident("instances"), "`instances`");
        assert_eq!(quote_ident(""), "``");
    }

    #[test]
    fn inner_backticks_are_doubled() {
        assert_eq!(quote_ident("a`b"), "`a``b`");
        assert_eq!(quote_ident("`"), "````");
        assert_eq!(quote_ident("``x``"), "`````x`````");
    }

    #[test]
    fn other_characters_are_kept_verbatim() {
        assert_eq!(quote_ident("my.table"), "`my.table`");
        assert_eq!(quote_ident("sp ace'\"\\"), "`sp ace'\"\\`");
        assert_eq!(quote_ident("ünïcødé_🦀"), "`ünïcødé_🦀`");
    }

    #[test]
    fn qualified_quotes_both_parts() {
        assert_eq!(qualified("nova", "instances"), "`nova`.`instances`");
        assert_eq!(qualified("d`b", "t.t"), "`d``b`.`t.t`");
    }

    #[test]
    fn push_variants_append() {
        let mut s = String::from("SELECT * FROM ");
        push_qualified(&mut s, "a", "b`");
        assert_eq!(s, "SELECT * FROM `a`.`b```");
    }
}
