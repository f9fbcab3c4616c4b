//! A key range `(after, upto]` of a table: what the server-side copy copies and deletes in one
//! step, and what a keyset walk restricted to it reads. Its ends are key values as a page's
//! condition binds them (order values for `ENUM`/`SET` keys, see [`crate::mysql::param`]).

use mysql_async::Value;

use super::sql;
use super::TablePlan;

/// The rows whose key is after `after` (from the first row when `None`) and at most `upto`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRange {
    pub after: Option<Vec<Value>>,
    pub upto: Vec<Value>,
}

impl KeyRange {
    /// The range's condition ([`sql::key_range`]).
    pub fn condition(&self, plan: &TablePlan) -> String {
        sql::key_range(plan, self.after.is_some())
    }

    /// The condition's parameters: the ends' values in the order the condition binds them.
    pub fn params(&self) -> Vec<Value> {
        let order = sql::after_key_params(self.upto.len());
        let mut out = Vec::with_capacity(order.len() * 2);
        if let Some(after) = &self.after {
            out.extend(order.iter().map(|&i| after[i].clone()));
        }
        out.extend(order.iter().map(|&i| self.upto[i].clone()));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_follow_the_condition() {
        let r = KeyRange {
            after: Some(vec![Value::Int(1), Value::Int(2)]),
            upto: vec![Value::Int(3), Value::Int(4)],
        };
        assert_eq!(
            r.params(),
            [1, 1, 2, 3, 3, 4].map(Value::Int).to_vec(),
            "after: a > 1 OR (a = 1 AND b > 2); upto: a < 3 OR (a = 3 AND b <= 4)"
        );
        let first = KeyRange {
            after: None,
            upto: vec![Value::Int(9)],
        };
        assert_eq!(first.params(), vec![Value::Int(9)]);
    }
}
