//! The records of a CSV file the tool wrote (RFC 4180; `NULL` bare, every other value quoted;
//! binary columns and text outside UTF-8 as hexadecimal: see
//! [`crate::destination::file::csv`]), turned into rows of SQL literals for the staging table:
//! text quoted and escaped by [`crate::mysql::literal`], binary data as `X'..'`, text in
//! another character set as its own bytes after its introducer (`_sjis X'815F'`).

use std::io::{self, BufRead, Read};

use mysql_async::Value;

use crate::mysql::literal::{push_literal, Charset, LiteralKind};
use crate::mysql::schema::ColumnInfo;

/// A field: `None` for NULL.
pub type Field = Option<Vec<u8>>;

fn invalid(what: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what)
}

/// The end of a file whose last record is cut short: said, and left out.
fn cut() -> io::Result<Option<Vec<Field>>> {
    tracing::warn!(
        "restore: a CSV file ends in a record cut short (a run killed while it wrote it): that record is left out (its rows never left the source: a batch is deleted once its files are synced)"
    );
    Ok(None)
}

/// Reads the next record; `None` at the end of the file, and for a last record cut short (no
/// CRLF after it, or an unclosed quote), which a crash leaves.
pub fn next_record(r: &mut dyn BufRead) -> io::Result<Option<Vec<Field>>> {
    let mut fields = Vec::new();
    let mut bytes = r.bytes();
    loop {
        let Some(first) = bytes.next().transpose()? else {
            // After a field's comma, the record is cut.
            return if fields.is_empty() { Ok(None) } else { cut() };
        };
        let (field, end) = if first == b'"' {
            let mut v = Vec::new();
            let end = loop {
                match bytes.next().transpose()? {
                    None => return cut(),
                    Some(b'"') => match bytes.next().transpose()? {
                        Some(b'"') => v.push(b'"'),
                        other => break other,
                    },
                    Some(b) => v.push(b),
                }
            };
            (Some(v), end)
        } else {
            let mut v = vec![first];
            let end = loop {
                match bytes.next().transpose()? {
                    Some(b) if b != b',' && b != b'\r' => v.push(b),
                    other => break other,
                }
            };
            if v == b"NULL" {
                (None, end)
            } else if v.first() == Some(&b',') || v.first() == Some(&b'\r') {
                return Err(invalid(
                    "an empty unquoted field (the tool quotes every value but NULL)".into(),
                ));
            } else {
                let shown = String::from_utf8_lossy(&v[..v.len().min(40)]).into_owned();
                return Err(invalid(format!(
                    "an unquoted value `{shown}` (the tool quotes every value but NULL, the \
                     header's names too: this is no file of the tool's; a CSV file of the \
                     Python osarchiver quotes nothing, and cannot tell NULL from the text \
                     'NULL' nor from an empty text, so it is not restored: load it yourself)"
                )));
            }
        };
        fields.push(field);
        match end {
            Some(b',') => continue,
            Some(b'\r') => match bytes.next().transpose()? {
                Some(b'\n') => return Ok(Some(fields)),
                None => return cut(),
                Some(_) => return Err(invalid("a CR not followed by LF after a field".into())),
            },
            None => return cut(),
            Some(b) => {
                return Err(invalid(format!(
                    "byte 0x{b:02X} after a closing quote (expected , or CRLF)"
                )))
            }
        }
    }
}

/// How a column's CSV field becomes a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Hexadecimal of binary data.
    Binary,
    /// Hexadecimal of text in another character set.
    Encoded(Charset),
    /// UTF-8 text (numbers, dates and times too: the server converts them exactly).
    Text,
}

impl FieldKind {
    pub fn of(column: &ColumnInfo) -> FieldKind {
        if crate::mysql::literal::is_binary_type(&column.data_type) {
            return FieldKind::Binary;
        }
        match column.charset.as_deref().and_then(Charset::needs_own_bytes) {
            Some(cs) => FieldKind::Encoded(cs),
            None => FieldKind::Text,
        }
    }
}

fn unhex(hex: &[u8]) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).ok()?, 16).ok())
        .collect()
}

/// Appends a record as a literal tuple, `(v1,v2,...)`, and returns its values (as the server
/// will hold them: bytes, for the warning check).
pub fn push_record(
    out: &mut String,
    record: &[Field],
    kinds: &[FieldKind],
) -> io::Result<Vec<Value>> {
    if record.len() != kinds.len() {
        return Err(invalid(format!(
            "a record of {} fields, the header has {}",
            record.len(),
            kinds.len()
        )));
    }
    let mut values = Vec::with_capacity(record.len());
    out.push('(');
    for (i, (field, kind)) in record.iter().zip(kinds).enumerate() {
        if i > 0 {
            out.push(',');
        }
        let value = match field {
            None => Value::NULL,
            Some(raw) => match kind {
                FieldKind::Text => Value::Bytes(raw.clone()),
                _ => Value::Bytes(
                    unhex(raw)
                        .ok_or_else(|| invalid(format!("field {} is not hexadecimal", i + 1)))?,
                ),
            },
        };
        let literal = match kind {
            FieldKind::Binary => LiteralKind::Binary,
            FieldKind::Encoded(cs) => LiteralKind::Encoded(*cs),
            // Text the server holds that is not UTF-8 (an encoded surrogate in utf8mb4, which
            // MariaDB accepts) goes as its bytes (a hexadecimal literal).
            FieldKind::Text => LiteralKind::Text,
        };
        push_literal(out, &value, literal);
        values.push(value);
    }
    out.push(')');
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_null_empty_quotes_and_newlines_apart() {
        let text = b"\"id\",\"na\"\"me\"\r\n\"1\",NULL\r\n\"2\",\"\"\r\n\"3\",\"a\"\"b\r\nc\\\"\r\n\"4\",\"cut";
        let mut r: &[u8] = text;
        let h = next_record(&mut r).unwrap().unwrap();
        assert_eq!(h, vec![Some(b"id".to_vec()), Some(b"na\"me".to_vec())]);
        assert_eq!(
            next_record(&mut r).unwrap().unwrap(),
            vec![Some(b"1".to_vec()), None]
        );
        assert_eq!(
            next_record(&mut r).unwrap().unwrap(),
            vec![Some(b"2".to_vec()), Some(vec![])]
        );
        assert_eq!(
            next_record(&mut r).unwrap().unwrap(),
            vec![Some(b"3".to_vec()), Some(b"a\"b\r\nc\\".to_vec())]
        );
        assert_eq!(
            next_record(&mut r).unwrap(),
            None,
            "a cut last record is left out"
        );
    }

    #[test]
    fn fields_become_literals_by_kind() {
        let mut s = String::new();
        let kinds = [FieldKind::Text, FieldKind::Binary, FieldKind::Text];
        let rec = vec![Some(b"it's".to_vec()), Some(b"00FF".to_vec()), None];
        push_record(&mut s, &rec, &kinds).unwrap();
        assert_eq!(s, "('it\\'s',X'00FF',NULL)");
        assert!(push_record(&mut s, &[Some(b"0".to_vec())], &[FieldKind::Binary]).is_err());
    }

    #[test]
    fn a_file_that_quotes_nothing_is_refused() {
        // What the Python osarchiver writes for a row whose `status` is the text 'NULL'.
        let mut r: &[u8] = b"id,status\r\nvol-s1,NULL\r\n";
        let e = next_record(&mut r).unwrap_err().to_string();
        assert!(e.contains("an unquoted value `id`"), "{e}");
        assert!(e.contains("Python osarchiver"), "{e}");
        let mut r: &[u8] = b"\"id\"\r\n7\r\n";
        next_record(&mut r).unwrap();
        let e = next_record(&mut r).unwrap_err().to_string();
        assert!(e.contains("an unquoted value `7`"), "{e}");
    }
}
