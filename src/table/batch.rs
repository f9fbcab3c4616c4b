//! A batch: one keyset page of rows read from the source, with the result set's column metadata
//! (it tells binary data from text). Memory is bounded by `select_limit` rows.

use std::sync::Arc;

use mysql_async::{Column, Value};

use crate::mysql::literal::{push_literal, Charset, LiteralKind};
use crate::mysql::param::ColumnParam;

/// Rows of one page, each row's values in the order of the table plan's `columns`.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub columns: Arc<[Column]>,
    pub rows: Vec<Vec<Value>>,
    /// Per column, the character set of text that is not UTF-8 (read as its own bytes), from
    /// the table plan; empty or `None` for the others.
    pub charsets: Arc<[Option<Charset>]>,
    /// What the page condition of the page after this one binds (set by the reader).
    pub next_key: Option<Vec<Value>>,
}

impl Batch {
    /// How each column's values are written as SQL literals (text outside UTF-8 as its own
    /// bytes, see [`Charset`]).
    pub fn literal_kinds(&self) -> Vec<LiteralKind> {
        LiteralKind::of_columns_in(&self.columns, &self.charsets)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The key values of row `i`, in key order.
    pub fn key<'a>(
        &'a self,
        i: usize,
        key_pos: &'a [usize],
    ) -> impl Iterator<Item = &'a Value> + 'a {
        key_pos.iter().map(move |&p| &self.rows[i][p])
    }

    /// Row `i`'s key values as bound in a statement's key placeholders (`params`: the key
    /// columns' [`ColumnParam`]s, in key order).
    pub fn bound_key<'a>(
        &'a self,
        i: usize,
        key_pos: &'a [usize],
        params: &'a [ColumnParam],
    ) -> impl Iterator<Item = Value> + 'a {
        self.key(i, key_pos).zip(params).map(|(v, p)| p.bind(v))
    }

    /// Row `i`'s key as an exact map key (see [`key_id`]).
    pub fn key_id(&self, i: usize, key_pos: &[usize]) -> String {
        key_id(self.key(i, key_pos))
    }

    /// A short human form of row `i`'s key, for logs: `id=5` or `a=1, b='x'`, each value the
    /// SQL literal of its column ([`crate::mysql::literal`]: `b=X'1F'` for a `BIT`, `_latin1
    /// X'E9'` for text in another character set), so that it can be pasted into a query.
    pub fn describe_key(&self, i: usize, key: &[String], key_pos: &[usize]) -> String {
        let kinds = self.literal_kinds();
        key.iter()
            .zip(key_pos)
            .map(|(k, &p)| {
                let mut v = format!("{k}=");
                let kind = kinds.get(p).copied().unwrap_or(LiteralKind::Untyped);
                push_literal(&mut v, &self.rows[i][p], kind);
                v
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Key values as a string that two keys share only when their values are the same: a map key
/// (values hold floats, which have no `Hash`). Not `Value`'s `Debug`, which abbreviates byte
/// strings to their first 8 bytes.
pub fn key_id<'a>(values: impl Iterator<Item = &'a Value>) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for v in values {
        let _ = match v {
            Value::NULL => write!(s, "N;"),
            Value::Bytes(b) => {
                s.push('B');
                for byte in b {
                    let _ = write!(s, "{byte:02x}");
                }
                write!(s, ";")
            }
            Value::Int(i) => write!(s, "I{i};"),
            Value::UInt(u) => write!(s, "U{u};"),
            Value::Float(f) => write!(s, "F{:08x};", f.to_bits()),
            Value::Double(d) => write!(s, "D{:016x};", d.to_bits()),
            Value::Date(y, mo, d, h, mi, sec, us) => {
                write!(s, "T{y}-{mo}-{d}-{h}-{mi}-{sec}-{us};")
            }
            Value::Time(neg, d, h, mi, sec, us) => write!(s, "H{neg}-{d}-{h}-{mi}-{sec}-{us};"),
        };
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_described_as_the_literals_of_their_columns() {
        use mysql_async::consts::ColumnType;
        let columns: Arc<[Column]> = vec![
            Column::new(ColumnType::MYSQL_TYPE_BIT).with_character_set(63),
            Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(8),
            Column::new(ColumnType::MYSQL_TYPE_NEWDECIMAL).with_character_set(63),
            Column::new(ColumnType::MYSQL_TYPE_VAR_STRING).with_character_set(45),
        ]
        .into();
        let batch = Batch {
            columns,
            rows: vec![vec![
                Value::Bytes(vec![0x1f]),
                Value::Bytes(vec![0xe9]),
                Value::Bytes(b"1.500".to_vec()),
                Value::Bytes(b"it's".to_vec()),
            ]],
            charsets: vec![None, Charset::needs_own_bytes("latin1"), None, None].into(),
            next_key: None,
        };
        let key = ["b", "l", "d", "t"].map(String::from);
        assert_eq!(
            batch.describe_key(0, &key, &[0, 1, 2, 3]),
            "b=31, l=_latin1 X'E9', d=1.500, t='it\\'s'"
        );
    }

    #[test]
    fn key_ids_tell_long_and_binary_values_apart() {
        let id = |vals: &[Value]| key_id(vals.iter());
        let a = Value::Bytes(b"instance-00000001".to_vec());
        let b = Value::Bytes(b"instance-00000002".to_vec());
        assert_eq!(format!("{a:?}"), format!("{b:?}"), "Debug abbreviates");
        let one = |v: &Value| key_id(std::iter::once(v));
        assert_ne!(one(&a), one(&b));
        assert_eq!(one(&a), one(&a.clone()));
        assert_ne!(
            id(&[Value::Bytes(vec![0xff])]),
            id(&[Value::Bytes(vec![0xfe])])
        );
        assert_ne!(id(&[Value::NULL]), id(&[Value::Bytes(b"N".to_vec())]));
        assert_ne!(id(&[Value::Int(1)]), id(&[Value::UInt(1)]));
        assert_ne!(
            id(&[Value::Bytes(b"a".to_vec()), Value::Bytes(b"bc".to_vec())]),
            id(&[Value::Bytes(b"ab".to_vec()), Value::Bytes(b"c".to_vec())])
        );
        assert_ne!(
            id(&[Value::Date(2024, 1, 1, 0, 0, 0, 1)]),
            id(&[Value::Date(2024, 1, 1, 0, 0, 0, 2)])
        );
    }
}
