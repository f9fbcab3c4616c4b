//! Restoring from the tool's own files (`--file`): each SQL or CSV file, plain, compressed
//! (`.gz`, `.zst`) or packed (`.tar`, `.tar.gz`, `.tar.bz2`, `.tar.xz`, `.zip`), is loaded into
//! a staging table, a `TEMPORARY` table of a session of its own on the source server (created
//! `LIKE` the source table: visible to no other session, gone when that session ends). The
//! walk then reads the staging tables as it reads archive tables, with the same rules: parents
//! first, never overwrite, conflicts reported.
//!
//! - [`open`]: the file's content, whatever its packing or compression, streamed.
//! - [`sql`]: the statements of a SQL file, checked and pointed at the staging table.
//! - [`csv`]: the records of a CSV file, as rows of literals.
//! - [`stage`]: creating the staging tables and loading the files into them.

pub mod csv;
pub mod open;
pub mod sql;
pub mod stage;

use std::path::Path;

/// What the staging table of `db.table` is called (in `db`, as a temporary table): `table`
/// and this suffix, see [`stage_name`].
pub const STAGE_SUFFIX: &str = "__osarchiver_restore";

/// The staging table of `table`: `<table>__osarchiver_restore`; where that would pass the
/// server's 64 characters for a table name (a table of 45 characters or more), the table's
/// name cut, `_`, a hash of the whole name (FNV-1a's low 32 bits, 8 hex digits) and the
/// suffix.
pub fn stage_name(table: &str) -> String {
    const MAX: usize = 64;
    let full = format!("{table}{STAGE_SUFFIX}");
    if full.chars().count() <= MAX {
        return full;
    }
    let hash = crate::lock::fnv1a(table.as_bytes()) & 0xffff_ffff;
    let keep = MAX - STAGE_SUFFIX.len() - 9;
    let cut: String = table.chars().take(keep).collect();
    format!("{cut}_{hash:08x}{STAGE_SUFFIX}")
}

/// A file's format, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Sql,
    Csv,
}

/// The source table and format of a file the tool wrote: `<db>.<table>[.N].(sql|csv)` and the
/// packing or compression suffix, `%2F`, `%25`, `%00` and `%2E` decoded. `None` when the name is not
/// one of them.
/// The SQL file written with a CSV file (`db.t[.N].csv...` beside `db.t[.N].sql...`, in
/// any packing), if it is there: its header says which columns the rows were written with.
pub fn sql_sibling(csv: &Path) -> Option<std::path::PathBuf> {
    const PACKINGS: [&str; 8] = [
        ".tar.gz", ".tar.bz2", ".tar.xz", ".tar", ".zip", ".gz", ".zst", "",
    ];
    let mut name = csv.file_name()?.to_str()?;
    for ext in PACKINGS {
        if let Some(n) = name.strip_suffix(ext).filter(|_| !ext.is_empty()) {
            name = n;
            break;
        }
    }
    let stem = name.strip_suffix(".csv")?;
    let dir = csv.parent()?;
    PACKINGS
        .iter()
        .map(|ext| dir.join(format!("{stem}.sql{ext}")))
        .find(|p| p.is_file())
}

pub fn table_of(path: &Path) -> Option<(String, String, Format)> {
    let mut name = path.file_name()?.to_str()?;
    for ext in [
        ".tar.gz", ".tar.bz2", ".tar.xz", ".tar", ".zip", ".gz", ".zst",
    ] {
        if let Some(n) = name.strip_suffix(ext) {
            name = n;
            break;
        }
    }
    let (stem, format) = if let Some(s) = name.strip_suffix(".sql") {
        (s, Format::Sql)
    } else if let Some(s) = name.strip_suffix(".csv") {
        (s, Format::Csv)
    } else {
        return None;
    };
    // A number added when the name was taken: `.1`, `.2`, ...
    let stem = match stem.rsplit_once('.') {
        Some((s, n))
            if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && s.contains('.') =>
        {
            s
        }
        _ => stem,
    };
    let (db, table) = stem.split_once('.')?;
    if db.is_empty() || table.is_empty() {
        return None;
    }
    Some((decode(db), decode(table), format))
}

fn decode(s: &str) -> String {
    s.replace("%2F", "/")
        .replace("%00", "\0")
        .replace("%2E", ".")
        .replace("%25", "%")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A staging table's name fits the server's 64 characters, whatever the table's; two long
    /// names that share their first 35 characters stage apart.
    #[test]
    fn a_long_table_stages_under_a_name_that_fits() {
        assert_eq!(stage_name("instances"), "instances__osarchiver_restore");
        let t44 = "a".repeat(44);
        assert_eq!(stage_name(&t44), format!("{t44}{STAGE_SUFFIX}"));
        let (a, b) = ("é".repeat(45), format!("{}x", "é".repeat(63)));
        for t in [&a, &b] {
            let s = stage_name(t);
            assert_eq!(s.chars().count(), 64, "{s}");
            assert!(
                s.starts_with(&"é".repeat(35)) && s.ends_with(STAGE_SUFFIX),
                "{s}"
            );
        }
        assert_ne!(stage_name(&a), stage_name(&b));
        assert_eq!(stage_name(&a), stage_name(&a.clone()));
    }

    #[test]
    fn names_give_the_table_and_format() {
        let t = |n: &str| table_of(Path::new(n));
        assert_eq!(
            t("/x/nova.instances.sql"),
            Some(("nova".into(), "instances".into(), Format::Sql))
        );
        assert_eq!(
            t("nova.instances.2.csv.zst"),
            Some(("nova".into(), "instances".into(), Format::Csv))
        );
        assert_eq!(
            t("nova.a%2Fb.sql.tar.gz"),
            Some(("nova".into(), "a/b".into(), Format::Sql))
        );
        assert_eq!(
            t("nova.7.sql"),
            Some(("nova".into(), "7".into(), Format::Sql))
        );
        assert_eq!(
            t("h.t%2E1.csv.tar"),
            Some(("h".into(), "t.1".into(), Format::Csv))
        );
        assert_eq!(
            t("h%2Ex.t.1.csv.tar"),
            Some(("h.x".into(), "t".into(), Format::Csv))
        );
        assert_eq!(t("nova.instances.txt"), None);
        assert_eq!(t("instances.sql"), None);
    }
}
