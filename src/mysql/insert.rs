//! One row's `INSERT`, sent the way that fits in the server's `max_allowed_packet`.
//!
//! Rows go to a server as multi-row `INSERT`s of literals ([`super::literal`]), sized to half
//! of `max_allowed_packet`. A single row can still outgrow the packet as a literal: binary data
//! is written `X'..'`, two characters per byte, so a 12 MB `LONGBLOB` value is a 24 MB
//! statement, which the driver refuses to send under a 16 MB `max_allowed_packet` (and it used
//! to be retried as if the connection had dropped, then fail the table on every run). Such a row
//! goes as a prepared `INSERT` with its values bound instead (the binary protocol carries bytes
//! as they are; the driver sends a value larger than the packet in parts). Text in a character
//! set other than UTF-8 is bound as its bytes in hexadecimal (`CONVERT(UNHEX(?) USING cs)`), as
//! the literal has it: bound as it is, the server would take it as `utf8mb4`.

use mysql_async::prelude::*;
use mysql_async::Value;

use super::literal::{push_tuple, LiteralKind};
use crate::table::sql;

/// Room kept in a packet for the protocol around a statement.
const PACKET_OVERHEAD: usize = 1024;

/// An `INSERT` ready to send.
#[derive(Debug, Clone, PartialEq)]
pub enum Insert {
    /// Literal values, in the text protocol.
    Text(String),
    /// One row, its values bound (a prepared statement).
    Bound(String, Vec<Value>),
    /// One row with a value the server cannot take in any form (larger than its
    /// `max_allowed_packet`, which also bounds a bound value): why.
    TooLarge(String),
}

impl Insert {
    /// Sends the statement.
    pub async fn run(&self, conn: &mut mysql_async::Conn) -> mysql_async::Result<()> {
        match self {
            Insert::Text(s) => conn.query_drop(s.as_str()).await,
            Insert::Bound(s, params) => conn.exec_drop(s.as_str(), params.clone()).await,
            Insert::TooLarge(why) => Err(mysql_async::Error::Other(why.clone().into())),
        }
    }
}

/// Whether a statement of `len` bytes fits in a packet of `max_packet` bytes.
pub fn fits(len: usize, max_packet: usize) -> bool {
    len.saturating_add(PACKET_OVERHEAD) <= max_packet
}

/// `statement`, an `INSERT` of literals holding `rows` rows, as it can be sent: as it is when it
/// fits in `max_packet`; a single row that does not goes bound ([`one_row`]).
pub fn sendable(
    statement: String,
    rows: usize,
    max_packet: usize,
    bound: impl FnOnce() -> Insert,
) -> Insert {
    if rows == 1 && !fits(statement.len(), max_packet) {
        match bound() {
            Insert::Bound(statement, params) => match too_large(&params, max_packet) {
                None => Insert::Bound(statement, params),
                Some(size) => Insert::TooLarge(format!(
                    "a value of {size} bytes is larger than the server's max_allowed_packet \
                     ({max_packet} bytes), which bounds every value it takes: raise it on that \
                     server (SET GLOBAL max_allowed_packet = 1073741824, and in its configuration \
                     files) and run again"
                )),
            },
            insert => insert,
        }
    } else {
        Insert::Text(statement)
    }
}

/// The size of the first bound value that cannot fit in `max_packet`, if any: one as large as
/// the packet itself (the room kept around a statement is not the value's: on a server with
/// the smallest packet, 1,024 bytes, every value was said to be too large, "a value of 1
/// bytes").
fn too_large(params: &[Value], max_packet: usize) -> Option<usize> {
    params.iter().find_map(|v| match v {
        Value::Bytes(b) if b.len() >= max_packet => Some(b.len()),
        _ => None,
    })
}

/// The multi-row `INSERT`s of `rows` (`head` is `INSERT INTO t (cols) VALUES `), with the
/// rows each holds: at most `max_rows` rows and about `budget` bytes each, and never more than
/// fits in `max_packet`: a row that would make a statement outgrow it starts the next one, and
/// a row that outgrows it alone goes bound (`bound(i)`, see [`bound`]).
pub fn split(
    head: &str,
    rows: &[Vec<Value>],
    kinds: &[LiteralKind],
    (max_rows, budget, max_packet): (usize, usize, usize),
    bound: impl Fn(usize) -> Insert,
) -> Vec<(std::ops::Range<usize>, Insert)> {
    let statement = |range: std::ops::Range<usize>, s: String| {
        let i = range.start;
        let insert = sendable(s, range.len(), max_packet, || bound(i));
        (range, insert)
    };
    let mut out = Vec::new();
    let mut start = 0;
    let mut s = String::new();
    for (i, row) in rows.iter().enumerate() {
        let mark = s.len();
        if s.is_empty() {
            s.reserve(budget.min(1 << 20));
            s.push_str(head);
        } else {
            s.push(',');
        }
        push_tuple(&mut s, row, kinds);
        if i > start && !fits(s.len(), max_packet) {
            // This row would not fit beside the others: it starts the next statement.
            let tail = s.split_off(mark);
            out.push(statement(start..i, std::mem::take(&mut s)));
            s.push_str(head);
            s.push_str(&tail[1..]);
            start = i;
        }
        if i + 1 - start >= max_rows || s.len() >= budget {
            out.push(statement(start..i + 1, std::mem::take(&mut s)));
            start = i + 1;
        }
    }
    if !s.is_empty() {
        out.push(statement(start..rows.len(), s));
    }
    out
}

/// The `INSERT INTO db.table (columns)` of one row: literals when the statement fits in
/// `max_packet`, else bound values.
pub fn one_row(
    db: &str,
    table: &str,
    columns: &[String],
    row: &[Value],
    kinds: &[LiteralKind],
    max_packet: usize,
) -> Insert {
    let mut statement = sql::insert_head(db, table, columns);
    push_tuple(&mut statement, row, kinds);
    sendable(statement, 1, max_packet, || {
        bound(db, table, columns, row, kinds)
    })
}

/// The row's `INSERT` with its values bound.
pub fn bound(
    db: &str,
    table: &str,
    columns: &[String],
    row: &[Value],
    kinds: &[LiteralKind],
) -> Insert {
    let mut statement = sql::insert_head(db, table, columns);
    statement.push('(');
    let mut params = Vec::with_capacity(row.len());
    for (i, value) in row.iter().enumerate() {
        if i > 0 {
            statement.push(',');
        }
        match (kinds.get(i), value) {
            (Some(LiteralKind::Encoded(_)), Value::Bytes(_)) => {
                // Binary, the column takes the bytes as they are (as from `_latin1 X'..'`);
                // bound as a string they would be taken as `utf8mb4` and converted (1366), and
                // `CONVERT(CAST(? AS BINARY) USING cs)` is folded back into that (1300).
                statement.push_str("CAST(? AS BINARY)");
                params.push(value.clone());
            }
            _ => {
                statement.push('?');
                params.push(value.clone());
            }
        }
    }
    statement.push(')');
    Insert::Bound(statement, params)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mysql::literal::Charset;

    fn cols() -> Vec<String> {
        vec!["id".into(), "b".into(), "t".into()]
    }

    #[test]
    fn a_row_that_fits_goes_as_literals_else_bound() {
        let kinds = [
            LiteralKind::Number,
            LiteralKind::Binary,
            LiteralKind::Encoded(Charset::needs_own_bytes("latin1").unwrap()),
        ];
        let row = vec![
            Value::Int(1),
            Value::Bytes(vec![0, 255]),
            Value::Bytes(vec![0xe9]),
        ];
        let small = one_row("d", "t", &cols(), &row, &kinds, 1 << 20);
        assert_eq!(
            small,
            Insert::Text(
                "INSERT INTO `d`.`t` (`id`, `b`, `t`) VALUES (1,X'00FF',_latin1 X'E9')".into()
            )
        );
        // 60 bytes of literal against a 1 KiB packet less its overhead: bound.
        let big = one_row("d", "t", &cols(), &row, &kinds, 1024 + 40);
        assert_eq!(
            big,
            Insert::Bound(
                "INSERT INTO `d`.`t` (`id`, `b`, `t`) VALUES (?,?,CAST(? AS BINARY))".into(),
                vec![
                    Value::Int(1),
                    Value::Bytes(vec![0, 255]),
                    Value::Bytes(vec![0xe9])
                ]
            )
        );
        // Several rows are split by the caller, never bound.
        assert!(matches!(
            sendable("x".repeat(5000), 2, 1024, || unreachable!()),
            Insert::Text(_)
        ));
        assert!(fits(0, 1024) && !fits(1, 1024));
    }

    /// Two rows that each fit in the packet, but not together, go in two statements; a row
    /// that does not fit alone goes bound; small rows share a statement.
    #[test]
    fn rows_are_split_so_that_every_statement_fits() {
        let kinds = [LiteralKind::Number, LiteralKind::Binary];
        let row = |id: i64, n: usize| vec![Value::Int(id), Value::Bytes(vec![0xab; n])];
        let rows = vec![
            row(1, 1),
            row(2, 1),
            row(3, 900),
            row(4, 900),
            row(5, 2000),
            row(6, 1),
        ];
        let head = "INSERT INTO t (a,b) VALUES ";
        let max_packet = 1024 + 2000;
        let out = split(head, &rows, &kinds, (100, 1 << 20, max_packet), |i| {
            Insert::Bound(format!("bound {i}"), vec![])
        });
        let ranges: Vec<_> = out.iter().map(|(r, _)| r.clone()).collect();
        assert_eq!(ranges, [0..3, 3..4, 4..5, 5..6]);
        for (r, insert) in &out {
            match insert {
                Insert::Text(t) => {
                    assert!(fits(t.len(), max_packet), "{r:?}");
                    assert!(t.starts_with(head) && !t.contains(",,") && !t.ends_with(','));
                    assert_eq!(t.matches("),(").count() + 1, r.len(), "{t}");
                }
                Insert::Bound(b, _) => assert_eq!((b.as_str(), r.clone()), ("bound 4", 4..5)),
                Insert::TooLarge(why) => panic!("{r:?}: {why}"),
            }
        }
    }

    #[test]
    fn a_bound_value_over_the_packet_is_refused_before_it_is_sent() {
        let kinds = [LiteralKind::Number, LiteralKind::Binary];
        let rows = vec![vec![Value::Int(1), Value::Bytes(vec![0xab; 5000])]];
        let out = split(
            "INSERT INTO t (a,b) VALUES ",
            &rows,
            &kinds,
            (100, 1 << 20, 1024 + 2000),
            |i| Insert::Bound(format!("bound {i}"), rows[i].clone()),
        );
        match &out[..] {
            [(_, Insert::TooLarge(why))] => {
                assert!(why.contains("a value of 5000 bytes"), "{why}");
                assert!(why.contains("max_allowed_packet (3024 bytes)"), "{why}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// On a server with the smallest packet (1,024 bytes), a small value goes bound: it was
    /// refused as "a value of 1 bytes" larger than the packet.
    #[test]
    fn a_small_value_goes_bound_under_the_smallest_packet() {
        let kinds = [LiteralKind::Number, LiteralKind::Text];
        let rows = vec![vec![Value::Int(1), Value::Bytes(b"x".to_vec())]];
        let out = split(
            "INSERT INTO t (a,b) VALUES ",
            &rows,
            &kinds,
            (100, 1 << 20, 1024),
            |i| Insert::Bound(format!("bound {i}"), rows[i].clone()),
        );
        assert!(matches!(&out[..], [(_, Insert::Bound(..))]), "{out:?}");
    }
}
