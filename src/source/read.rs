//! Reading a table's eligible rows as keyset pages: `WHERE key > last AND (where) ORDER BY key
//! LIMIT select_limit`, prepared (binary protocol, exact values), one page at a time.

use mysql_async::prelude::*;
use mysql_async::{Conn, Row, Value};

use super::batch::Batch;
use super::plan::TablePlan;
use super::sql;

/// Walks a table's eligible rows page by page. A page can be read again after an error: the
/// position only moves when a page is returned.
pub struct PageReader {
    first_sql: String,
    next_sql: String,
    key_pos: Vec<usize>,
    param_order: Vec<usize>,
    limit: u64,
    last_key: Option<Vec<Value>>,
    done: bool,
}

impl PageReader {
    pub fn new(plan: &TablePlan, where_clause: &str, limit: u64) -> PageReader {
        let page = |first| sql::page_select(plan, where_clause, first, limit);
        PageReader {
            first_sql: page(true),
            next_sql: page(false),
            key_pos: plan.key_pos.clone(),
            param_order: sql::after_key_params(plan.key.len()),
            limit,
            last_key: None,
            done: false,
        }
    }

    /// The statement of the first page, for dry-run logs.
    pub fn first_statement(&self) -> &str {
        &self.first_sql
    }

    /// Reads the page after the last one returned to [`PageReader::advance`], or `None` when
    /// the table has no more eligible rows. Reading does not move the position, so a failed
    /// read can simply be tried again.
    pub async fn read(&self, conn: &mut Conn) -> Result<Option<Batch>, mysql_async::Error> {
        if self.done {
            return Ok(None);
        }
        let rows: Vec<Row> = match &self.last_key {
            None => conn.exec(self.first_sql.as_str(), ()).await?,
            Some(last) => {
                let params: Vec<Value> =
                    self.param_order.iter().map(|&i| last[i].clone()).collect();
                conn.exec(self.next_sql.as_str(), params).await?
            }
        };
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let columns = first.columns();
        let rows: Vec<Vec<Value>> = rows.into_iter().map(Row::unwrap).collect();
        Ok(Some(Batch { columns, rows }))
    }

    /// Moves past `batch`, the page [`PageReader::read`] returned.
    pub fn advance(&mut self, batch: &Batch) {
        if (batch.len() as u64) < self.limit {
            self.done = true;
        }
        if let Some(last) = batch.rows.last() {
            self.last_key = Some(self.key_pos.iter().map(|&p| last[p].clone()).collect());
        }
    }
}
