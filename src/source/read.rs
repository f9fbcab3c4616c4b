//! Reading a table's eligible rows as keyset pages: `WHERE key > last AND (where) ORDER BY key
//! LIMIT select_limit`, prepared (binary protocol, exact values), one page at a time. The last
//! key is bound as [`crate::mysql::param`] says, so the condition compares in `ORDER BY` order
//! (for `ENUM`/`SET` keys, with hidden order values the page reads after the table's columns
//! and cuts off).

use mysql_async::prelude::*;
use mysql_async::{Conn, Row, Value};

use std::sync::Arc;

use crate::mysql::literal::Charset;
use crate::mysql::param::ColumnParam;

use crate::table::batch::Batch;
use crate::table::range::KeyRange;
use crate::table::sql;
use crate::table::TablePlan;

/// Walks a table's eligible rows page by page. A page can be read again after an error: the
/// position only moves when a page is returned.
pub struct PageReader {
    first_sql: String,
    next_sql: String,
    key_pos: Vec<usize>,
    /// How each key column is bound, in key order.
    key_params: Vec<ColumnParam>,
    /// Per key column, the position of its hidden order value in a page's rows (after the
    /// table's columns), when it has one (see [`sql::page_select`]).
    hidden: Vec<Option<usize>>,
    /// The table's column count: a page's rows are cut back to it.
    width: usize,
    charsets: Arc<[Option<Charset>]>,
    param_order: Vec<usize>,
    limit: u64,
    last_key: Option<Vec<Value>>,
    /// Parameters bound after the page condition's: the upper end of a range
    /// ([`PageReader::within`]).
    tail_params: Vec<Value>,
    done: bool,
}

impl PageReader {
    pub fn new(plan: &TablePlan, where_clause: &str, limit: u64) -> PageReader {
        PageReader::new_with(plan, where_clause, limit, true)
    }

    /// A reader whose pages force the key's index (`FORCE INDEX`, as [`PageReader::new`]) or
    /// leave the choice of index to the server.
    pub fn new_with(
        plan: &TablePlan,
        where_clause: &str,
        limit: u64,
        force_index: bool,
    ) -> PageReader {
        let page = |first| sql::page_select_with(plan, where_clause, first, limit, force_index);
        let key_params = plan.key_params();
        let width = plan.columns.len();
        let mut next_hidden = width;
        let hidden = plan
            .key
            .iter()
            .zip(&key_params)
            .map(|(k, p)| {
                p.order_expr(k).map(|_| {
                    next_hidden += 1;
                    next_hidden - 1
                })
            })
            .collect();
        PageReader {
            first_sql: page(true),
            next_sql: page(false),
            key_pos: plan.key_pos.clone(),
            key_params,
            hidden,
            width,
            charsets: plan.own_charsets().into(),
            param_order: sql::after_key_params(plan.key.len()),
            limit,
            last_key: None,
            tail_params: Vec::new(),
            done: false,
        }
    }

    /// A reader whose pages lock their rows (`FOR UPDATE`) until the reading transaction ends:
    /// the locked way's chunks ([`crate::archiver::locked_copy`]). Under `READ COMMITTED`, a
    /// page locks its eligible rows and no gaps.
    pub fn locking(plan: &TablePlan, where_clause: &str, limit: u64) -> PageReader {
        let mut reader = PageReader::new(plan, where_clause, limit);
        reader.first_sql.push_str(" FOR UPDATE");
        reader.next_sql.push_str(" FOR UPDATE");
        reader
    }

    /// A reader whose pages are copied into an archive table by the server, their rows locked
    /// (`FOR UPDATE`) until the transaction ends, and return the copied rows
    /// ([`sql::copy_page`]): with `rows`, the pages [`PageReader::new`] reads, else pages of the
    /// table's key alone, as it reads them with `plan.key_only()`. The archive's columns
    /// returned must be defined as the source's.
    pub fn copying(
        plan: &TablePlan,
        where_clause: &str,
        limit: u64,
        archive: (&str, &str),
        mode: &str,
        rows: bool,
    ) -> PageReader {
        let mut reader = if rows {
            PageReader::new(plan, where_clause, limit)
        } else {
            PageReader::new(&plan.key_only(), where_clause, limit)
        };
        let page = |first| {
            sql::copy_page(
                plan,
                (archive.0, archive.1),
                where_clause,
                first,
                limit,
                mode,
                rows,
            )
        };
        reader.first_sql = page(true);
        reader.next_sql = page(false);
        reader
    }

    /// What the next page's condition binds: the last page's key (`None` before the first).
    pub fn position(&self) -> Option<&Vec<Value>> {
        self.last_key.as_ref()
    }

    /// A reader of the eligible rows of one key range only (the rows the server-side copy left
    /// for the client's way, see [`crate::archiver::server_copy`]).
    pub fn within(
        plan: &TablePlan,
        where_clause: &str,
        limit: u64,
        range: &KeyRange,
    ) -> PageReader {
        let bounded = format!("({where_clause}) AND {}", sql::key_range(plan, false));
        let mut reader = PageReader::new(plan, &bounded, limit);
        reader.last_key = range.after.clone();
        reader.tail_params = KeyRange {
            after: None,
            upto: range.upto.clone(),
        }
        .params();
        reader
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
            None if self.tail_params.is_empty() => conn.exec(self.first_sql.as_str(), ()).await?,
            None => {
                conn.exec(self.first_sql.as_str(), self.tail_params.clone())
                    .await?
            }
            Some(last) => {
                let mut params: Vec<Value> =
                    self.param_order.iter().map(|&i| last[i].clone()).collect();
                params.extend(self.tail_params.iter().cloned());
                conn.exec(self.next_sql.as_str(), params).await?
            }
        };
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let all = first.columns();
        let width = self.width.min(all.len());
        let columns: Arc<[mysql_async::Column]> = if width == all.len() {
            all
        } else {
            all[..width].to_vec().into()
        };
        let mut page_keys = Vec::with_capacity(1);
        let last = rows.len() - 1;
        let rows: Vec<Vec<Value>> = rows
            .into_iter()
            .enumerate()
            .map(|(n, row)| {
                let mut values = row.unwrap();
                if n == last {
                    page_keys.push(self.page_key(&values));
                }
                values.truncate(width);
                values
            })
            .collect();
        let next_key = page_keys.pop();
        if next_key.is_some() && next_key == self.last_key {
            // The page condition did not move past the last key: reading on would loop.
            return Err(mysql_async::Error::Other(
                format!(
                    "the keyset page after {:?} ends on the same key: the page condition does not \
                     follow the key's order; stopping this table rather than looping",
                    self.last_key
                )
                .into(),
            ));
        }
        Ok(Some(Batch {
            columns,
            rows,
            charsets: self.charsets.clone(),
            next_key,
        }))
    }

    /// The values the next page's condition binds, from a page's last row (hidden order values
    /// included).
    fn page_key(&self, row: &[Value]) -> Vec<Value> {
        self.key_pos
            .iter()
            .zip(&self.key_params)
            .zip(&self.hidden)
            .map(|((&p, param), hidden)| match hidden {
                Some(h) => row.get(*h).cloned().unwrap_or(Value::NULL),
                None => row.get(p).map_or(Value::NULL, |v| param.bind(v)),
            })
            .collect()
    }

    /// Moves past `batch`, the page [`PageReader::read`] returned.
    pub fn advance(&mut self, batch: &Batch) {
        if (batch.len() as u64) < self.limit {
            self.done = true;
        }
        if let Some(next) = &batch.next_key {
            self.last_key = Some(next.clone());
        }
    }
}

/// Runs `statement` (prepared, binary protocol: exact values), whose rows have the plan's
/// columns and no more, and returns them as a batch (no next key): how the server-side copy
/// reads back the rows it copied, for the file destinations.
pub async fn read_rows(
    conn: &mut Conn,
    plan: &TablePlan,
    statement: &str,
    params: Vec<Value>,
) -> Result<Batch, mysql_async::Error> {
    let rows: Vec<Row> = conn.exec(statement, params).await?;
    let columns: Arc<[mysql_async::Column]> = match rows.first() {
        Some(first) => first.columns(),
        None => Arc::from(Vec::new()),
    };
    Ok(Batch {
        columns,
        rows: rows.into_iter().map(Row::unwrap).collect(),
        charsets: plan.own_charsets().into(),
        next_key: None,
    })
}
