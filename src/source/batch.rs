//! A batch: one keyset page of rows read from the source, with the result set's column metadata
//! (it tells binary data from text). Memory is bounded by `select_limit` rows.

use std::sync::Arc;

use mysql_async::{Column, Value};

/// Rows of one page, each row's values in the order of the table plan's `columns`.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub columns: Arc<[Column]>,
    pub rows: Vec<Vec<Value>>,
}

impl Batch {
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

    /// A short human form of row `i`'s key, for logs: `id=5` or `a=1, b='x'`.
    pub fn describe_key(&self, i: usize, key: &[String], key_pos: &[usize]) -> String {
        key.iter()
            .zip(self.key(i, key_pos))
            .map(|(k, v)| format!("{k}={}", v.as_sql(false)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
