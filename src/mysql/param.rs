//! Bound parameters that compare exactly with a column: the placeholder expression and the
//! value to bind for each column type, in one place, used by every statement that names rows
//! by their key (keyset pages, `key IN (...)` of the lock, delete and lookup statements, the
//! child-reference checks).
//!
//! The archiver's sessions read rows raw (`character_set_results = NULL`, see
//! [`super::conn`]): text arrives as the bytes of its column's own character set, and must go
//! back as those bytes. A parameter is sent in the connection's character set (`utf8mb4`), so:
//!
//! - **text in any character set but `utf8mb4`**: `CONVERT(UNHEX(?) USING cs) COLLATE coll`,
//!   the value bound as the hexadecimal of its bytes: the server takes the bytes as the
//!   column's character set without conversion, and compares them in the column's collation
//!   (that of `ORDER BY`); the expression is a constant, so index ranges still apply. (Bound
//!   as they are, bytes that are not valid `utf8mb4` reach the server as `?`: a `latin1` `é`
//!   compared as `'?'`, and a keyset page that never moves on.)
//! - **`DECIMAL(M,D)`**: `CAST(? AS DECIMAL(M,D))`: a string parameter would be compared with
//!   the column as a `DOUBLE`, and keys differing beyond a double's precision would compare
//!   equal.
//! - **`BIT(n)`**: the value is bound as an unsigned integer (the big-endian bytes decoded):
//!   a byte string compares with a `BIT` as a string, not as its number.
//! - **`ENUM`, `SET`**: `ORDER BY` follows the member index (the stored number), `>` with a
//!   string compares labels. Keyset pages therefore also read `col+0` (a hidden order value,
//!   [`ColumnParam::order_expr`]) and bind it, an integer, in the page condition; equality
//!   (`IN`) binds the label (wrapped like any text).
//! - anything else binds as it was read (binary protocol: exact integers, floats, dates).

use mysql_async::Value;

use super::ident::quote_ident;

/// How the values of one column are bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnParam {
    /// For text outside `utf8mb4`: the column's character set and collation.
    encoding: Option<(String, String)>,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Plain,
    Decimal {
        precision: u32,
        scale: u32,
    },
    Bit,
    /// `ENUM`, `SET`: ordered by member index.
    Ordinal,
}

/// A character-set or collation name as the server gives it (`[A-Za-z0-9_]`), else `None`:
/// names are written into statements, so nothing else passes.
fn plain_name(name: &str) -> Option<&str> {
    let ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    ok.then_some(name)
}

impl ColumnParam {
    /// The parameter form of a column of type `column_type` (`information_schema.COLUMNS`'
    /// COLUMN_TYPE: `decimal(30,20) unsigned`, `enum('a','b')`, `bit(8)`) in `charset` and
    /// `collation` (`None` for non-text columns).
    pub fn of(column_type: &str, charset: Option<&str>, collation: Option<&str>) -> ColumnParam {
        let t = column_type.trim_start().to_ascii_lowercase();
        let kind = if t.starts_with("enum(") || t.starts_with("set(") {
            Kind::Ordinal
        } else if t.starts_with("bit") {
            Kind::Bit
        } else if let Some(rest) = t
            .strip_prefix("decimal")
            .or_else(|| t.strip_prefix("numeric"))
        {
            decimal_size(rest)
                .map(|(precision, scale)| Kind::Decimal { precision, scale })
                .unwrap_or(Kind::Plain)
        } else {
            Kind::Plain
        };
        let encoding = match (charset.and_then(plain_name), collation.and_then(plain_name)) {
            (Some(cs), Some(coll)) if !cs.eq_ignore_ascii_case("utf8mb4") => {
                Some((cs.to_ascii_lowercase(), coll.to_ascii_lowercase()))
            }
            _ => None,
        };
        ColumnParam { encoding, kind }
    }

    /// The placeholder for a value of the column compared for equality (or bound into it).
    pub fn placeholder(&self) -> String {
        match (&self.encoding, self.kind) {
            (Some((cs, coll)), _) => {
                format!("CONVERT(UNHEX(?) USING {cs}) COLLATE {coll}")
            }
            (None, Kind::Decimal { precision, scale }) => {
                format!("CAST(? AS DECIMAL({precision},{scale}))")
            }
            _ => "?".to_string(),
        }
    }

    /// The placeholder in a keyset page condition (`col > P`, `col = P`): it compares in the
    /// order of `ORDER BY col`. For `ENUM` and `SET` it takes the [`ColumnParam::order_expr`]
    /// value.
    pub fn order_placeholder(&self) -> String {
        match self.kind {
            Kind::Ordinal => "?".to_string(),
            _ => self.placeholder(),
        }
    }

    /// The hidden value a page also reads for this key column, when the column's own value does
    /// not compare in `ORDER BY` order: `col+0` for `ENUM` and `SET`.
    pub fn order_expr(&self, column: &str) -> Option<String> {
        match self.kind {
            Kind::Ordinal => Some(format!("{}+0", quote_ident(column))),
            _ => None,
        }
    }

    /// The value to bind for `value`, a value of the column as read.
    pub fn bind(&self, value: &Value) -> Value {
        match (self.kind, value) {
            (_, Value::Bytes(b)) if self.encoding.is_some() => Value::Bytes(hex(b)),
            (Kind::Bit, Value::Bytes(b)) if b.len() <= 8 => {
                Value::UInt(b.iter().fold(0u64, |n, &byte| (n << 8) | u64::from(byte)))
            }
            _ => value.clone(),
        }
    }
}

/// Upper-case hexadecimal of `bytes`, for `UNHEX(?)`.
fn hex(bytes: &[u8]) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(HEX[usize::from(b >> 4)]);
        out.push(HEX[usize::from(b & 0x0f)]);
    }
    out
}

/// `(M,D)` or `(M)` after `decimal`; `None` when absent or not numbers.
fn decimal_size(rest: &str) -> Option<(u32, u32)> {
    let inner = rest.trim_start().strip_prefix('(')?;
    let inner = &inner[..inner.find(')')?];
    let mut parts = inner.split(',').map(|p| p.trim().parse::<u32>());
    let precision = parts.next()?.ok()?;
    let scale = match parts.next() {
        Some(s) => s.ok()?,
        None => 0,
    };
    if parts.next().is_some() || precision == 0 || precision > 65 || scale > 38 {
        return None;
    }
    Some((precision, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_by_type_and_charset() {
        let p = ColumnParam::of("int(11)", None, None);
        assert_eq!(p.placeholder(), "?");
        assert_eq!(p.order_expr("id"), None);
        let p = ColumnParam::of("varchar(10)", Some("utf8mb4"), Some("utf8mb4_bin"));
        assert_eq!(p.placeholder(), "?");
        let p = ColumnParam::of("varchar(10)", Some("sjis"), Some("sjis_japanese_ci"));
        assert_eq!(
            p.placeholder(),
            "CONVERT(UNHEX(?) USING sjis) COLLATE sjis_japanese_ci"
        );
        assert_eq!(
            p.bind(&Value::Bytes(vec![0x81, 0x5f])),
            Value::Bytes(b"815F".to_vec())
        );
        let p = ColumnParam::of("decimal(30,20) unsigned", None, None);
        assert_eq!(p.placeholder(), "CAST(? AS DECIMAL(30,20))");
        assert_eq!(
            ColumnParam::of("decimal(10)", None, None).placeholder(),
            "CAST(? AS DECIMAL(10,0))"
        );
        let p = ColumnParam::of("enum('a','b')", Some("latin1"), Some("latin1_bin"));
        assert_eq!(p.order_expr("e`"), Some("`e```+0".to_string()));
        assert_eq!(p.order_placeholder(), "?");
        assert_eq!(
            p.placeholder(),
            "CONVERT(UNHEX(?) USING latin1) COLLATE latin1_bin"
        );
        // Names that are not plain are never written into a statement.
        let p = ColumnParam::of("text", Some("x) OR (1"), Some("y"));
        assert_eq!(p.placeholder(), "?");
    }

    #[test]
    fn bits_bind_as_their_number() {
        let p = ColumnParam::of("bit(12)", None, None);
        assert_eq!(p.bind(&Value::Bytes(vec![0x0f, 0xff])), Value::UInt(4095));
        assert_eq!(p.bind(&Value::Bytes(vec![0xff; 8])), Value::UInt(u64::MAX));
        assert_eq!(p.bind(&Value::Bytes(vec![])), Value::UInt(0));
        assert_eq!(p.bind(&Value::NULL), Value::NULL);
        let plain = ColumnParam::of("varbinary(4)", None, None);
        assert_eq!(plain.bind(&Value::Bytes(vec![1])), Value::Bytes(vec![1]));
    }
}
