//! The object names a run has taken in each store: no two files of one run go up under one
//! name (two file destinations in different directories sharing a store and a
//! `file_name_prefix`, two sources with databases of the same name), where the second upload
//! would silently replace the first, whose rows would then be nowhere once their source rows
//! are deleted and the local file removed (`delete_after_upload`).
//!
//! A name already taken is numbered as the file destination numbers its local files: the
//! table's number after `<db>.<table>` (`nova.instances.csv.tar.gz`, then
//! `nova.instances.1.csv.tar.gz`, ...). [`super::Remote::free_name`] also skips a name the
//! store holds already (an earlier run in the same second, another process).

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

/// `(store, object)` pairs taken so far in this process.
static TAKEN: LazyLock<Mutex<HashSet<(String, String)>>> =
    LazyLock::new(|| Mutex::new(HashSet::new()));

/// Takes `object` in `store` (an identity of the bucket or container, see
/// [`super::Remote::identity`]): false when the run has taken it already.
pub fn claim(store: &str, object: &str) -> bool {
    TAKEN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert((store.to_string(), object.to_string()))
}

/// The file name `file` (`<db>.<table>[.N].<format>[.<archive suffix>]`, whose database and
/// table names hold no `.`: the file destination writes theirs `%2E`) with the number `n`
/// (`n` > 0) in place of its own, or after `<db>.<table>` when it has none. A name of
/// another shape gets `.n` at its end.
pub fn renumbered(file: &str, n: u32) -> String {
    let parts: Vec<&str> = file.split('.').collect();
    if parts.len() < 3 {
        return format!("{file}.{n}");
    }
    let numbered = parts[2].bytes().all(|b| b.is_ascii_digit()) && parts.len() > 3;
    let rest = if numbered { &parts[3..] } else { &parts[2..] };
    format!("{}.{}.{n}.{}", parts[0], parts[1], rest.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_goes_after_the_table_or_replaces_the_files_own() {
        assert_eq!(
            renumbered("nova.instances.csv.tar.gz", 1),
            "nova.instances.1.csv.tar.gz"
        );
        assert_eq!(
            renumbered("nova.instances.3.sql.gz", 4),
            "nova.instances.4.sql.gz"
        );
        assert_eq!(renumbered("nova.instances.zip", 2), "nova.instances.2.zip");
        // A table named with digits only is no number (its format follows it).
        assert_eq!(renumbered("db.2021.csv", 1), "db.2021.1.csv");
        assert_eq!(renumbered("odd", 2), "odd.2");
        assert_eq!(renumbered("a.b", 2), "a.b.2");
    }

    #[test]
    fn a_name_is_taken_once_per_store() {
        assert!(claim("s3 b", "d/x.csv"));
        assert!(!claim("s3 b", "d/x.csv"));
        assert!(claim("s3 other", "d/x.csv"));
    }
}
