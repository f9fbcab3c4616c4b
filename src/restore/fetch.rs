//! Reading archived rows back, a page at a time (keyset pages on the key, at most
//! `--batch-size` rows each, the server choosing the index): the rows of the table asked for,
//! by the operator's condition, and the rows of a child table that reference given parent
//! rows, by the values of the foreign key's columns.

use std::collections::HashSet;

use mysql_async::Value;

use crate::mysql::ident::quote_ident;
use crate::mysql::literal::{push_literal, LiteralKind};
use crate::mysql::schema::ForeignKey;
use crate::source::read::PageReader;
use crate::table::batch::{key_id, Batch};

use super::tables::RestoreTable;

/// The pages of `t`'s archive table whose rows match `condition`.
pub fn pages(t: &RestoreTable, condition: &str, batch_size: u64) -> PageReader {
    PageReader::new_with(&t.archive, condition, batch_size, false)
}

/// The condition that selects the rows of `fk`'s child table referencing the rows of `parent`
/// (a batch of `parent_table`), values as literals: `` `c` IN (1,2) `` or `` (`a`,`b`) IN
/// ((1,'x'),...) ``. Rows with a NULL in the referenced columns reference nothing and are left
/// out; `None` when no row is left, or when a referenced column is not among the parent's
/// stored columns.
pub fn child_condition(
    fk: &ForeignKey,
    parent_table: &RestoreTable,
    parent: &Batch,
) -> Option<String> {
    let pos: Option<Vec<usize>> = fk
        .referenced_columns
        .iter()
        .map(|c| parent_table.source.columns.iter().position(|x| x == c))
        .collect();
    let pos = pos?;
    if pos.is_empty() || pos.len() != fk.columns.len() {
        return None;
    }
    let kinds = parent.literal_kinds();
    let mut seen = HashSet::new();
    let mut tuples = Vec::new();
    for row in &parent.rows {
        let values: Vec<&Value> = pos.iter().map(|&p| &row[p]).collect();
        if values.iter().any(|v| matches!(v, Value::NULL)) {
            continue;
        }
        if !seen.insert(key_id(values.iter().copied())) {
            continue;
        }
        let mut s = String::new();
        if pos.len() > 1 {
            s.push('(');
        }
        for (n, (&p, v)) in pos.iter().zip(&values).enumerate() {
            if n > 0 {
                s.push(',');
            }
            push_literal(
                &mut s,
                v,
                kinds.get(p).copied().unwrap_or(LiteralKind::Untyped),
            );
        }
        if pos.len() > 1 {
            s.push(')');
        }
        tuples.push(s);
    }
    if tuples.is_empty() {
        return None;
    }
    let cols: Vec<String> = fk.columns.iter().map(|c| quote_ident(c)).collect();
    let head = if cols.len() == 1 {
        cols[0].clone()
    } else {
        format!("({})", cols.join(", "))
    };
    Some(format!("{head} IN ({})", tuples.join(",")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mysql::schema::FkRule;
    use crate::table::TablePlan;

    fn table() -> RestoreTable {
        let p = TablePlan {
            column_charsets: vec![None, Some(("utf8mb3".into(), "utf8mb3_general_ci".into()))],
            ..TablePlan::example(&["id", "uuid"], &["int(11)", "varchar(36)"])
        };
        RestoreTable {
            source: p.clone(),
            archive: p,
        }
    }

    fn fk(cols: &[&str], refs: &[&str]) -> ForeignKey {
        ForeignKey {
            name: "fk".into(),
            db: "nova".into(),
            table: "instance_metadata".into(),
            columns: cols.iter().map(|s| s.to_string()).collect(),
            referenced_db: "nova".into(),
            referenced_table: "instances".into(),
            referenced_columns: refs.iter().map(|s| s.to_string()).collect(),
            on_delete: FkRule::Restrict,
            on_update: FkRule::Restrict,
        }
    }

    #[test]
    fn conditions_list_each_value_once_and_skip_nulls() {
        let batch = Batch {
            rows: vec![
                vec![Value::Int(1), Value::Bytes(b"a'b".to_vec())],
                vec![Value::Int(2), Value::NULL],
                vec![Value::Int(3), Value::Bytes(b"a'b".to_vec())],
            ],
            ..Default::default()
        };
        let t = table();
        assert_eq!(
            child_condition(&fk(&["instance_uuid"], &["uuid"]), &t, &batch).as_deref(),
            Some("`instance_uuid` IN ('a\\'b')")
        );
        assert_eq!(
            child_condition(&fk(&["a", "b"], &["id", "uuid"]), &t, &batch).as_deref(),
            Some("(`a`, `b`) IN ((1,'a\\'b'),(3,'a\\'b'))")
        );
        assert_eq!(child_condition(&fk(&["x"], &["nope"]), &t, &batch), None);
    }
}
