//! The `where` option: one SQL condition that stays inside the parentheses osarchiver puts
//! around it.
//!
//! Every statement that selects, locks, copies, counts or deletes rows writes the condition as
//! `AND (<where>)`. A condition that closes more parentheses than it opens would escape them
//! (`x) OR (1=1` turns a `DELETE` by key into one of every row), a `;` would start a second
//! statement (run as well, even by a dry run), and a comment would hide what follows it (an
//! executable `/*! ... */` one would even add to it). None of these has a use in a condition,
//! so the option is refused when the condition holds one outside quotes: checked when the
//! configuration is read, before anything connects.

/// What is wrong with `condition`, if anything.
pub fn check(condition: &str) -> Result<(), String> {
    let b = condition.as_bytes();
    let mut depth: i64 = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"' | b'`') => {
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        None => {
                            return Err(format!(
                                "has a {} opened at byte {start} and never closed",
                                match q {
                                    b'`' => "backtick",
                                    b'"' => "double quote",
                                    _ => "quote",
                                }
                            ))
                        }
                        Some(b'\\') if q != b'`' => i += 2,
                        Some(&c) if c == q && b.get(i + 1) == Some(&q) => i += 2,
                        Some(&c) if c == q => break,
                        Some(_) => i += 1,
                    }
                }
            }
            b';' => {
                return Err(
                    "holds a ';': a condition is one expression, and what follows the ';' would run as a statement of its own"
                        .into(),
                )
            }
            b'#' => return Err(comment()),
            b'-' if b.get(i + 1) == Some(&b'-')
                && b.get(i + 2).is_none_or(|c| c.is_ascii_whitespace() || c.is_ascii_control()) =>
            {
                return Err(comment())
            }
            b'/' if b.get(i + 1) == Some(&b'*') => return Err(comment()),
            c if (c.is_ascii_alphabetic() || c == b'_')
                && (i == 0 || !is_word(b[i - 1]) && b[i - 1] != b'.') =>
            {
                let start = i;
                while b.get(i + 1).is_some_and(|&c| is_word(c)) {
                    i += 1;
                }
                let word = &condition[start..=i];
                let called = b[i + 1..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(|&c| c == b'(');
                if called && RANDOM.iter().any(|r| r.eq_ignore_ascii_case(word)) {
                    return Err(format!(
                        "calls {word}(): a row must be selected alike when it is read, copied and deleted, and a random condition keeps archived copies of rows that stay"
                    ));
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!(
                        "closes a parenthesis it did not open (byte {i}): the condition would escape the parentheses it is put in"
                    ));
                }
            }
            _ => {}
        }
        i += 1;
    }
    if depth > 0 {
        return Err(format!(
            "leaves {depth} parenthesis(es) open: the condition would swallow what osarchiver writes after it"
        ));
    }
    Ok(())
}

/// Functions whose value changes from one evaluation to the next: a condition calling them
/// selects other rows in each statement that writes it.
const RANDOM: &[&str] = &["RAND", "UUID", "UUID_SHORT", "SYS_GUID"];

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn comment() -> String {
    "holds a comment (#, -- or /* */): it would hide, or with /*! */ add to, what osarchiver writes after the condition".into()
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn conditions_that_stay_inside_their_parentheses_pass() {
        for ok in [
            "deleted_at <= SUBDATE(NOW(), INTERVAL 12 MONTH)",
            "deleted_at < '2026-01-01' AND (project_id = 'a;b' OR name = \"x)\")",
            "name = 'it''s (' AND `we``ird)` = 1",
            "note = 'a\\' ) ;'",
            "a - -1 > 0 AND b = '--' AND c = '#' AND d = '/*'",
            "x IN (1, (2), ((3)))",
            "a--1 = 0",
            "`rand`() = 1 OR rand_col = 2 OR t.rand = 3 OR name = 'RAND()' OR myrand(1) = 0",
            "operand = 1 AND brand IN (1) AND x.uuid = 'é' AND ébrand(2) = 1",
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn conditions_that_would_escape_or_run_more_are_refused() {
        for (bad, why) in [
            (
                "deleted_at < NOW()); DELETE FROM victim WHERE (1=1",
                "closes",
            ),
            ("deleted_at < NOW(); DELETE FROM victim", "';'"),
            ("deleted_at < NOW()) OR (1=1", "closes a parenthesis"),
            ("deleted_at < NOW() OR (1=1", "open"),
            ("deleted_at < NOW() -- x", "comment"),
            ("deleted_at < NOW() --", "comment"),
            ("deleted_at < NOW() # x", "comment"),
            ("deleted_at < NOW() /*!) OR (1=1 */", "comment"),
            ("deleted_at < 'x", "never closed"),
            ("`a = 1", "never closed"),
            ("a = \"b", "never closed"),
            ("a = 'b\\'", "never closed"),
            (")(", "closes a parenthesis"),
            ("deleted_at IS NOT NULL AND RAND() < 0.5", "calls RAND()"),
            ("id = uuid_short ()", "calls uuid_short()"),
        ] {
            let e = check(bad).expect_err(bad);
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
