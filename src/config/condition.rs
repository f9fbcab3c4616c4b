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
    let masked = mask_literals(condition);
    if regex::Regex::new(r"(?i)\bNEXT\s+VALUE\s+FOR\b")
        .expect("a valid regex")
        .is_match(&masked)
    {
        return Err(
            "takes the next value of a sequence (NEXT VALUE FOR): a row must be selected alike when it is read, copied and deleted, and a sequence moves on at each evaluation"
                .into(),
        );
    }
    let lexed = lex(condition)?;
    let words = lexed
        .calls
        .iter()
        .map(|&(start, end)| &condition[start..end])
        .chain(lexed.quoted_calls.iter().map(String::as_str));
    for word in words {
        if RANDOM.iter().any(|r| r.eq_ignore_ascii_case(word)) {
            return Err(format!(
                "calls {word}(): a row must be selected alike when it is read, copied and deleted, and a random condition keeps archived copies of rows that stay"
            ));
        }
    }
    // Outside quotes (a backticked name holding `:=` is refused too, and says why).
    if masked.contains(":=") {
        return Err(
            "assigns a user variable (:=): a row must be selected alike when it is read, copied and deleted, and an assignment changes the condition from one evaluation to the next"
                .into(),
        );
    }
    Ok(())
}

/// `condition` with every call of `SYSDATE()` made a call of `NOW()` (same argument): the
/// clock of the statement, which `SET STATEMENT timestamp = ...` sets back, where `SYSDATE()`
/// reads the machine's clock at each call. For the count after the walk, which must see the
/// rows as they were when the walk started. A condition that does not pass [`check`] is
/// returned as it is.
pub fn on_statement_clock(condition: &str) -> String {
    let Ok(Lexed { calls, .. }) = lex(condition) else {
        return condition.to_string();
    };
    let mut out = String::with_capacity(condition.len());
    let mut last = 0;
    for (start, end) in calls {
        if condition[start..end].eq_ignore_ascii_case("SYSDATE") {
            out.push_str(&condition[last..start]);
            out.push_str("NOW");
            last = end;
        }
    }
    out.push_str(&condition[last..]);
    out
}

/// Whether `condition` qualifies a column (`t.deleted_at`, `` `t`.`c` ``): it then names a
/// table, which must be in scope under that name.
pub fn names_a_table(condition: &str) -> bool {
    lex(condition).is_ok_and(|l| l.qualifies)
}

/// Whether `condition` holds a subquery (`SELECT` outside quotes): it reads other tables.
pub fn has_subquery(condition: &str) -> bool {
    lex(condition).is_ok_and(|l| l.selects)
}

/// Whether `condition` compares the column `column` of table `table` with a date (`SUBDATE(...)`,
/// `NOW()`, `'{now}'`, `TIMESTAMP '...'`, either way round, in `BETWEEN` too, as the default
/// `where` and the sample's do): for a column of numbers (nova's `deleted`: 0 for a live row,
/// the row's id once deleted) the server compares the number with the date's leading digits,
/// and live rows match. Read from the text: a part of the condition between `AND`s and `OR`s
/// that names the column (bare, or qualified by `table`; another table's column of that name,
/// in a subquery, is not it), a comparison and a date. Quoted text is not read as SQL.
pub fn compares_with_a_date(condition: &str, table: &str, column: &str) -> bool {
    let masked = mask_literals(condition);
    let (t, c) = (regex::escape(table), regex::escape(column));
    let patterns = [
        // The column, bare or qualified by its table, not a longer name's start.
        format!(r"(?i)((?:^|[^\w$`.])`?{c}`?|`?{t}`?\s*\.\s*`?{c}`?)(?:$|[^\w$`])"),
        r"(?i)<=>|<=|>=|<>|!=|<|>|=|\bBETWEEN\b|\bIN\b|\bANY\b|\bALL\b".to_string(),
        // A date: a literal that starts as one, a typed literal, or a function that makes one.
        r#"(?i)'D'|\b(?:SUBDATE|DATE_SUB|ADDDATE|DATE_ADD|NOW|CURDATE|SYSDATE|UTC_TIMESTAMP|UTC_DATE|STR_TO_DATE|TIMESTAMP|DATE|DATETIME|FROM_UNIXTIME|CAST|CONVERT|LAST_DAY|MAKEDATE|TIMESTAMPADD|CURRENT_TIMESTAMP|CURRENT_DATE|LOCALTIME|LOCALTIMESTAMP)\b"#.to_string(),
    ];
    let Ok(res) = patterns
        .iter()
        .map(|p| regex::Regex::new(p))
        .collect::<Result<Vec<_>, _>>()
    else {
        return false;
    };
    let Ok(between) = regex::Regex::new(r"(?is)\bBETWEEN\b(.*?)\bAND\b") else {
        return false;
    };
    let Ok(junction) = regex::Regex::new(r"(?i)\bAND\b|\bOR\b|\bXOR\b|&&|\|\|") else {
        return false;
    };
    // `BETWEEN a AND b` is one comparison.
    let joined = between.replace_all(&masked, "BETWEEN ${1} BETWEEN_AND");
    let parts: Vec<&str> = junction.split(&joined).collect();
    parts
        .iter()
        .any(|part| res.iter().all(|re| re.is_match(part)))
}

/// `condition` with each quoted text replaced by `'D'` when it starts as a date
/// (`'2026-12-07 ...'`, the form of `{now}`), else by `'S'`: what is quoted is not SQL.
fn mask_literals(condition: &str) -> String {
    let mut out = String::with_capacity(condition.len());
    let mut chars = condition.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch != '\'' && ch != '"' {
            out.push(ch);
            continue;
        }
        let mut text = String::new();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        text.push(next);
                    }
                }
                c if c == ch => {
                    if chars.peek() == Some(&ch) {
                        chars.next();
                        text.push(ch);
                    } else {
                        break;
                    }
                }
                c => text.push(c),
            }
        }
        let t = text.trim_start().as_bytes();
        let date = t.len() >= 5 && t[..4].iter().all(u8::is_ascii_digit) && t[4] == b'-';
        out.push_str(if date { "'D'" } else { "'S'" });
    }
    out
}

/// The first function of `condition` whose value depends on the session's time zone (`NOW()`,
/// `CURRENT_TIMESTAMP`, `UNIX_TIMESTAMP(d)`...): osarchiver's sessions are in UTC, where the
/// Python tool's were in the server's zone.
pub fn local_clock(condition: &str) -> Option<String> {
    lex(condition).ok().and_then(|l| l.clock)
}

/// The functions whose value depends on the session's time zone, and whether the name alone
/// (no parentheses) calls it.
const LOCAL_CLOCK: &[(&str, bool)] = &[
    ("NOW", false),
    ("CURDATE", false),
    ("CURTIME", false),
    ("SYSDATE", false),
    ("UNIX_TIMESTAMP", false),
    ("FROM_UNIXTIME", false),
    ("CURRENT_TIMESTAMP", true),
    ("CURRENT_DATE", true),
    ("CURRENT_TIME", true),
    ("LOCALTIME", true),
    ("LOCALTIMESTAMP", true),
];

/// What [`lex`] finds in a condition.
struct Lexed {
    /// It holds the word `SELECT`.
    selects: bool,
    /// The byte ranges of the names of the functions it calls (a word outside quotes, not
    /// after a `.`, followed by `(`).
    calls: Vec<(usize, usize)>,
    /// The names of the functions it calls by a backticked name (unquoted).
    quoted_calls: Vec<String>,
    /// A name (a word or a backticked name) is followed by a `.`.
    qualifies: bool,
    /// The first function it calls whose value depends on the session's time zone.
    clock: Option<String>,
}

/// The function calls and qualified names of `condition`, or what makes it unfit (see the
/// module's doc).
fn lex(condition: &str) -> Result<Lexed, String> {
    let mut found = Vec::new();
    let mut quoted_calls = Vec::new();
    let mut qualifies = false;
    let mut selects = false;
    let mut clock = None;
    let dot_after = |b: &[u8], end: usize| {
        b[end..]
            .iter()
            .find(|c| !c.is_ascii_whitespace())
            .is_some_and(|&c| c == b'.')
    };
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
                if q == b'`' && dot_after(b, i + 1) {
                    qualifies = true;
                }
                // A backticked name followed by `(` calls the server's native function of that
                // name when there is one (`` `rand`() `` is `RAND()`).
                let called = b[i + 1..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(|&c| c == b'(');
                if q == b'`' && called && !dot_before(b, start) {
                    quoted_calls.push(condition[start + 1..i].replace("``", "`"));
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
                && (i == 0 || !is_word(b[i - 1]) && !dot_before(b, i)) =>
            {
                let start = i;
                while b.get(i + 1).is_some_and(|&c| is_word(c)) {
                    i += 1;
                }
                let called = b[i + 1..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(|&c| c == b'(');
                if called {
                    found.push((start, i + 1));
                }
                if dot_after(b, i + 1) {
                    qualifies = true;
                }
                let word = &condition[start..=i];
                selects |= word.eq_ignore_ascii_case("SELECT");
                if clock.is_none()
                    && LOCAL_CLOCK
                        .iter()
                        .any(|&(name, bare)| name.eq_ignore_ascii_case(word) && (called || bare))
                {
                    clock = Some(word.to_ascii_uppercase());
                }
                if depth == 0
                    && ENDS_A_STATEMENT
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(word))
                {
                    let hint = if word.eq_ignore_ascii_case("LIMIT") {
                        " (the Python osarchiver's default, `1=1 LIMIT 0`, selected nothing: to archive nothing, set archive_data and delete_data to false)"
                    } else if ["ORDER", "GROUP", "HAVING"]
                        .iter()
                        .any(|w| w.eq_ignore_ascii_case(word))
                    {
                        " (osarchiver orders and limits the rows itself)"
                    } else {
                        " (osarchiver locks the rows it reads itself)"
                    };
                    return Err(format!(
                        "holds {word}, which ends a statement and not a condition{hint}"
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
    Ok(Lexed {
        calls: found,
        quoted_calls,
        qualifies,
        selects,
        clock,
    })
}

/// Words that, outside parentheses, end the condition and go on with the statement it is put
/// in: row limits and orders, set operations, locking clauses, `INTO` and windows. None can be
/// part of an expression (each is reserved), so a condition that holds one bare is refused.
const ENDS_A_STATEMENT: &[&str] = &[
    "LIMIT",
    "UNION",
    "INTERSECT",
    "EXCEPT",
    "ORDER",
    "GROUP",
    "HAVING",
    "WINDOW",
    "FOR",
    "LOCK",
    "INTO",
    "PROCEDURE",
];

/// Functions whose value changes from one evaluation to the next: a condition calling them
/// selects other rows in each statement that writes it.
const RANDOM: &[&str] = &[
    "RAND",
    "UUID",
    "UUID_SHORT",
    "SYS_GUID",
    // A sequence moves on at each evaluation (helper 139).
    "NEXTVAL",
    "SETVAL",
];

/// Whether the name starting at byte `start` is qualified: a `.` before it, blanks allowed
/// between (`` x . `rand`() `` calls the stored function `x.rand`).
fn dot_before(b: &[u8], start: usize) -> bool {
    b[..start]
        .iter()
        .rev()
        .find(|c| !c.is_ascii_whitespace())
        .is_some_and(|&c| c == b'.')
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn comment() -> String {
    "holds a comment (#, -- or /* */): it would hide, or with /*! */ add to, what osarchiver writes after the condition".into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_column_compared_with_a_date_is_seen_in_every_form() {
        let dated = |w: &str, c: &str| super::compares_with_a_date(w, "instances", c);
        let now = "'2026-12-07 10:00:00'";
        for yes in [
            format!("deleted <= SUBDATE({now}, INTERVAL 12 MONTH)"),
            format!("`deleted` <= subdate({now}, INTERVAL 1 DAY)"),
            "deleted<=DATE_SUB(NOW(), INTERVAL 1 DAY)".to_string(),
            format!("instances.deleted < {now}"),
            format!("`nova`.`instances`.`deleted` < {now}"),
            "deleted_at IS NOT NULL AND deleted <= CURRENT_TIMESTAMP".to_string(),
            "(deleted >= ( NOW() - INTERVAL 1 DAY))".to_string(),
            // Reversed, typed literals, keywords without parentheses, casts.
            format!("{now} >= deleted"),
            format!("SUBDATE({now}, INTERVAL 12 MONTH) >= deleted"),
            format!("deleted <= TIMESTAMP {now}"),
            "deleted <= DATE '2025-01-01'".to_string(),
            "deleted <= UTC_TIMESTAMP - INTERVAL 1 DAY".to_string(),
            format!("deleted <= CAST({now} AS DATETIME)"),
            format!("deleted <= CONVERT({now}, DATETIME)"),
            format!("deleted <= LAST_DAY({now})"),
            format!("deleted <= _utf8mb4{now}"),
            format!("deleted <= N{now}"),
            "deleted <= ' 2026-12-07'".to_string(),
            "(deleted) <= NOW()".to_string(),
            "IFNULL(deleted, 0) <= NOW()".to_string(),
            "deleted + 0 <= NOW()".to_string(),
            "deleted BETWEEN 0 AND NOW()".to_string(),
            "deleted NOT BETWEEN NOW() AND NOW() + INTERVAL 100 YEAR".to_string(),
            "deleted < ANY (SELECT NOW())".to_string(),
        ] {
            assert!(dated(&yes, "deleted"), "{yes}");
        }
        for no in [
            format!("deleted_at <= SUBDATE({now}, INTERVAL 12 MONTH)"),
            format!("deleted != 0 AND deleted_at <= {now}"),
            format!("deleted <> 0 AND deleted_at BETWEEN {now} AND NOW()"),
            "deleted = id".to_string(),
            format!("not_deleted <= {now}"),
            format!("SUBDATE({now}, INTERVAL 1 DAY) >= deleted_at"),
            // Another table's column of that name, and quoted text.
            format!(
                "deleted <> 0 AND id IN (SELECT iid FROM other.purge p WHERE p.deleted <= {now})"
            ),
            "deleted <> 0 AND EXISTS (SELECT 1 FROM purge WHERE purge.deleted < NOW())".to_string(),
            "deleted <> 0 AND name NOT LIKE 'x deleted < NOW()'".to_string(),
            "deleted <> 0 AND name <> 'it''s deleted <= 2024-01-01'".to_string(),
        ] {
            assert!(!dated(&no, "deleted"), "{no}");
        }
        // A name with characters that mean something in a regex.
        assert!(dated("`a.b+` <= NOW()", "a.b+"));
        assert!(!dated("axb <= NOW()", "a.b"));
    }

    use super::{check, has_subquery, local_clock, names_a_table, on_statement_clock};

    #[test]
    fn clocks_of_the_sessions_time_zone_are_told() {
        for (condition, clock) in [
            ("deleted_at < NOW() - INTERVAL 1 DAY", Some("NOW")),
            (
                "deleted_at < current_timestamp - INTERVAL 1 DAY",
                Some("CURRENT_TIMESTAMP"),
            ),
            ("UNIX_TIMESTAMP(deleted_at) < 5", Some("UNIX_TIMESTAMP")),
            ("deleted_at < '{now}' - INTERVAL 1 DAY", None),
            ("deleted_at < UTC_TIMESTAMP() - INTERVAL 1 DAY", None),
            (
                "note = 'NOW()' AND t.now(1) AND `now` = 1 AND now_col = 2",
                None,
            ),
        ] {
            assert_eq!(local_clock(condition).as_deref(), clock, "{condition}");
        }
    }

    #[test]
    fn subqueries_are_told() {
        assert!(has_subquery("id NOT IN (select id FROM keep)"));
        assert!(!has_subquery(
            "note = 'SELECT' AND `select` = 1 AND t.select = 2"
        ));
    }

    #[test]
    fn qualified_names_are_told() {
        for (condition, named) in [
            ("deleted_at < NOW()", false),
            ("t.deleted_at < NOW()", true),
            ("`t`.`deleted_at` < NOW()", true),
            ("`db`.`t`.deleted_at < NOW()", true),
            ("t . deleted_at < NOW()", true),
            (
                "deleted_at < SUBDATE(NOW(), INTERVAL 1.5 DAY) AND note = 'a.b'",
                false,
            ),
            ("`a.b` = 1 AND \"x.y\" = 'z'", false),
        ] {
            assert_eq!(names_a_table(condition), named, "{condition}");
        }
    }

    #[test]
    fn sysdate_calls_are_put_on_the_statements_clock() {
        for (condition, frozen) in [
            (
                "deleted_at < SYSDATE() - INTERVAL 1 DAY",
                "deleted_at < NOW() - INTERVAL 1 DAY",
            ),
            (
                "a < sysdate (6) AND b < SysDate()",
                "a < NOW (6) AND b < NOW()",
            ),
            (
                "note = 'SYSDATE()' AND `sysdate`() = 1 AND t.sysdate = 2 AND mysysdate() = 3 AND sysdate_x() = 4",
                "note = 'SYSDATE()' AND `sysdate`() = 1 AND t.sysdate = 2 AND mysysdate() = 3 AND sysdate_x() = 4",
            ),
            ("sysdate = 1 AND deleted = 1", "sysdate = 1 AND deleted = 1"),
            ("x) OR (SYSDATE()", "x) OR (SYSDATE()"),
        ] {
            assert_eq!(on_statement_clock(condition), frozen, "{condition}");
        }
    }

    #[test]
    fn conditions_that_stay_inside_their_parentheses_pass() {
        for ok in [
            "deleted_at <= SUBDATE(NOW(), INTERVAL 12 MONTH)",
            "deleted_at < '2026-01-01' AND (project_id = 'a;b' OR name = \"x)\")",
            "name = 'it''s (' AND `we``ird)` = 1",
            "note = 'a\\' ) ;'",
            "a - -1 > 0 AND b = '--' AND c = '#' AND d = '/*'",
            "x IN (1, (2), ((3)))",
            "id IN (SELECT id FROM t UNION SELECT id FROM u) AND note = 'LIMIT 1' AND `limit` = 2",
            "id IN (SELECT MAX(id) FROM t GROUP BY p HAVING COUNT(*) > 1 ORDER BY 1) AND `order` = 1",
            "SUBSTRING(name FROM 1 FOR 2) = 'ab' AND `for` = 1 AND t.`lock` = 2 AND note = 'FOR UPDATE'",
            "a--1 = 0",
            "`rand` = 1 OR rand_col = 2 OR t.rand = 3 OR name = 'RAND()' OR myrand(1) = 0",
            "x.`rand`() = 1 OR `my``rand`() = 2 OR id = x . `rand`() OR id = `x` . rand()",
            "operand = 1 AND brand IN (1) AND x.uuid = 'é' AND ébrand(2) = 1",
            "note = 'a:=b' AND @n = 2 AND x = \":=\"",
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
            (
                "deleted_at < NOW() AND NEXTVAL(s) % 2 = 0",
                "calls NEXTVAL()",
            ),
            (
                "deleted_at < NOW() AND NEXT VALUE FOR s > 0",
                "NEXT VALUE FOR",
            ),
            (
                "(@n := COALESCE(@n, 0) + 1) <= 10",
                "assigns a user variable",
            ),
            ("deleted_at IS NOT NULL AND `RAND` () < 0.5", "calls RAND()"),
            ("`uuid_short`() = 1", "calls uuid_short()"),
            ("id = uuid_short ()", "calls uuid_short()"),
            ("1=1 LIMIT 0", "holds LIMIT"),
            ("deleted = 1 union select 1", "holds union"),
            ("(deleted_at < NOW()) ORDER BY id", "holds ORDER"),
            ("deleted_at < NOW() group by id", "holds group"),
            ("deleted_at < NOW() FOR UPDATE", "holds FOR"),
            ("deleted_at < NOW() lock in share mode", "holds lock"),
            ("deleted_at < NOW() INTO @x", "holds INTO"),
            ("deleted = 1 EXCEPT SELECT 1", "holds EXCEPT"),
            ("deleted = 1 intersect SELECT 1", "holds intersect"),
            ("deleted = 1 WINDOW w AS (ORDER BY id)", "holds WINDOW"),
        ] {
            let e = check(bad).expect_err(bad);
            assert!(e.contains(why), "{bad}: {e}");
        }
    }
}
