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
use super::param::hex;
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
}

impl Insert {
    /// Sends the statement.
    pub async fn run(&self, conn: &mut mysql_async::Conn) -> mysql_async::Result<()> {
        match self {
            Insert::Text(s) => conn.query_drop(s.as_str()).await,
            Insert::Bound(s, params) => conn.exec_drop(s.as_str(), params.clone()).await,
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
        bound()
    } else {
        Insert::Text(statement)
    }
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
            (Some(LiteralKind::Encoded(cs)), Value::Bytes(b)) => {
                if cs.name().is_empty() {
                    statement.push_str("UNHEX(?)");
                } else {
                    statement.push_str(&format!("CONVERT(UNHEX(?) USING {})", cs.name()));
                }
                params.push(Value::Bytes(hex(b)));
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
                "INSERT INTO `d`.`t` (`id`, `b`, `t`) VALUES (?,?,CONVERT(UNHEX(?) USING latin1))"
                    .into(),
                vec![
                    Value::Int(1),
                    Value::Bytes(vec![0, 255]),
                    Value::Bytes(b"E9".to_vec())
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
}
