//! DDL rewriting: the `CREATE TABLE` of an archive table, derived from the source table's
//! `SHOW CREATE TABLE` output.
//!
//! The archive table keeps every column, key, generated column, character set and collation of
//! the source, so archived rows read back identical. What goes:
//!
//! - `FOREIGN KEY` constraints: archived rows are copied parent or child in any order and
//!   outlive their relatives; the indexes that served the constraints stay.
//! - `CHECK` constraints, table-level (`CONSTRAINT c CHECK (...)`) and column-level (`CHECK
//!   (...)` in a column's definition, such as MariaDB's `json_valid` on a `JSON` column): a row
//!   stored before its constraint was added, or with `check_constraint_checks = 0`, violates
//!   it and must still be archived as it is. The archive keeps rows, it does not judge them.
//! - System versioning: `WITH SYSTEM VERSIONING`, the columns declared `GENERATED ALWAYS AS ROW
//!   START`/`ROW END` (and their place in keys), `PERIOD FOR SYSTEM_TIME`, column-level
//!   `WITH[OUT] SYSTEM VERSIONING` and `PARTITION BY SYSTEM_TIME`. The archive holds the
//!   current rows that were archived, as plain rows: a history of the archive itself would only
//!   record when osarchiver wrote them. (Application-time periods, `PERIOD FOR p` and `WITHOUT
//!   OVERLAPS`, are ordinary columns and keys: they stay.)
//! - partitioning (`PARTITION BY ...`): the source's ranges and lists refuse the values its
//!   operators later add partitions for in the source only, and the archive table would keep
//!   refusing them (error 1526); the archive has no use for the source's layout. An archive
//!   table created beforehand, partitioned as wanted, is used as it is.
//! - the `AUTO_INCREMENT=N` table option: the source's counter means nothing for the archive
//!   (the ids are copied as they are).
//! - an engine that does not keep committed rows through a crash (`MEMORY`, `BLACKHOLE`,
//!   `MyISAM`, `Aria`, `CSV`, `ARCHIVE`, ...): the archive table is InnoDB instead (see
//!   [`DURABLE_ENGINES`]), without the options InnoDB refuses (`ROW_FORMAT=FIXED`...).
//!
//! The rewrite walks the statement with a small scanner that knows backtick identifiers,
//! quoted strings (with backslash and doubled-quote escapes) and `/* */` comments, so names,
//! comments, defaults and expressions that contain commas, parentheses or the words above are
//! left alone.

use super::ident;

/// A `CREATE TABLE` text that could not be rewritten.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DdlError {
    #[error("not a CREATE TABLE statement: {0}")]
    NotCreateTable(String),
    #[error("malformed CREATE TABLE statement: {0}")]
    Malformed(&'static str),
}

/// The `CREATE TABLE` for an archive table named `new_table` (unqualified; it is quoted here),
/// from `create_sql`, the source table's `SHOW CREATE TABLE` output: foreign keys, checks,
/// system versioning, partitioning and the `AUTO_INCREMENT=N` option removed (see the module
/// documentation),
/// everything else kept.
pub fn archive_create_table(create_sql: &str, new_table: &str) -> Result<String, DdlError> {
    rewrite(create_sql, &ident::quote_ident(new_table), None)
}

/// As [`archive_create_table`], for the table `db`.`new_table`, whose rows are told apart by
/// the index `row_key` (`PRIMARY`, or the unique key chosen when there is no primary key):
/// the table's other unique keys become plain keys (see [`relax_unique`]).
pub fn archive_create_table_in(
    create_sql: &str,
    db: &str,
    new_table: &str,
    row_key: &str,
) -> Result<String, DdlError> {
    rewrite(create_sql, &ident::qualified(db, new_table), Some(row_key))
}

fn rewrite(create_sql: &str, new_name: &str, row_key: Option<&str>) -> Result<String, DdlError> {
    let s = create_sql;
    let b = s.as_bytes();
    let not_create = || {
        let head: String = s.chars().take(40).collect();
        DdlError::NotCreateTable(head)
    };

    // CREATE TABLE <name>
    let mut i = skip_ws(b, 0);
    i = expect_word(b, i, "CREATE").ok_or_else(not_create)?;
    i = skip_ws(b, i);
    i = expect_word(b, i, "TABLE").ok_or_else(not_create)?;
    let name_start = skip_ws(b, i);
    if name_start == i {
        return Err(not_create());
    }
    let name_end = skip_name(b, name_start)?;
    if name_end == name_start {
        return Err(not_create());
    }

    // ( item, item, ... ) tail
    let open = skip_ws(b, name_end);
    if b.get(open) != Some(&b'(') {
        return Err(DdlError::Malformed("no '(' after the table name"));
    }
    let (items, close) = body_items(s, open)?;

    let trailing_ws = {
        let last = items.last().copied().unwrap_or("");
        &last[last.trim_end().len()..]
    };
    let system_time: Vec<String> = items
        .iter()
        .filter_map(|item| system_time_column(item))
        .collect();
    let mut kept: Vec<String> = Vec::with_capacity(items.len());
    for item in &items {
        if is_foreign_key(item)
            || is_check_constraint(item)
            || is_system_time_period(item)
            || system_time_column(item).is_some()
        {
            continue;
        }
        let item = item.trim_end();
        let rewritten = if item.trim_start().starts_with('`') {
            Some(strip_column_clauses(item)?)
        } else {
            drop_key_columns(item, &system_time)?
                .map(|k| row_key.map_or(k.clone(), |keep| relax_unique(&k, keep)))
        };
        kept.extend(rewritten);
    }
    if kept.is_empty() {
        return Err(DdlError::Malformed("no column definitions"));
    }

    let mut tail = String::new();
    push_tail_without_auto_increment(&mut tail, &s[close + 1..])?;
    let versioned_off = tail_without_system_versioning(&tail)?;
    let durable = tail_with_durable_engine(&versioned_off)?;
    // Another engine's table made InnoDB: InnoDB wants its AUTO_INCREMENT column first in an
    // index, where MyISAM and Aria also take it second in a key (a counter per group).
    if durable != versioned_off {
        if let Some(column) = auto_increment_without_key(&kept) {
            kept.push(format!("\n  KEY ({})", ident::quote_ident(&column)));
        }
    }

    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..name_start]);
    out.push_str(new_name);
    out.push_str(&s[name_end..=open]);
    out.push_str(&kept.join(","));
    out.push_str(trailing_ws);
    out.push(')');
    out.push_str(&durable);
    Ok(out)
}

/// The column of `items` declared `AUTO_INCREMENT`, when no key of `items` (but a `FULLTEXT`
/// or `SPATIAL` one) has it first.
fn auto_increment_without_key(items: &[String]) -> Option<String> {
    let column = items.iter().find_map(|item| {
        let name = leading_ident(item)?;
        let words = top_level_words(item).ok()?;
        words
            .iter()
            .any(|&(a, e)| item[a..e].eq_ignore_ascii_case("AUTO_INCREMENT"))
            .then_some(name)
    })?;
    let first_in_a_key = items
        .iter()
        .map(|item| item.trim_start())
        .filter(|item| !item.starts_with('`'))
        .filter(|item| {
            let upper = item.get(..8).unwrap_or(item).to_ascii_uppercase();
            !upper.starts_with("FULLTEXT") && !upper.starts_with("SPATIAL")
        })
        .any(|item| {
            paren_idents(item)
                .and_then(|columns| columns.first().cloned())
                .is_some_and(|first| first.eq_ignore_ascii_case(&column))
        });
    (!first_in_a_key).then_some(column)
}

/// The most columns an InnoDB table has (error 1005, errno 185 beyond).
pub const INNODB_MAX_COLUMNS: usize = 1017;

/// The number of columns of a `CREATE TABLE` statement, when it can be read.
pub fn column_count(create_sql: &str) -> Option<usize> {
    let open = create_sql.find('(')?;
    let (items, _) = body_items(create_sql, open).ok()?;
    Some(
        items
            .iter()
            .filter(|item| item.trim_start().starts_with('`'))
            .count(),
    )
}

/// The items of a `CREATE TABLE` body whose `(` is at `open` (columns, keys, periods,
/// constraints: split on its top-level commas), and the index of its `)`.
fn body_items(s: &str, open: usize) -> Result<(Vec<&str>, usize), DdlError> {
    let close = matching_paren(s.as_bytes(), open)?;
    Ok((split_parts(s, open, close)?, close))
}

/// The text between the parentheses at `open` and `close`, split on its top-level commas.
fn split_parts(s: &str, open: usize, close: usize) -> Result<Vec<&str>, DdlError> {
    let b = s.as_bytes();
    let mut parts: Vec<&str> = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    let mut k = open + 1;
    while k < close {
        match b[k] {
            b'`' | b'\'' | b'"' => {
                k = skip_quoted(b, k)?;
                continue;
            }
            b'/' if b.get(k + 1) == Some(&b'*') => {
                k = skip_comment(b, k)?;
                continue;
            }
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                parts.push(&s[start..k]);
                start = k + 1;
            }
            _ => {}
        }
        k += 1;
    }
    parts.push(&s[start..close]);
    Ok(parts)
}

/// A `UNIQUE KEY` item other than the row key `keep` as a plain `KEY`. The source keeps such a
/// key unique among its current rows; the archive gathers rows from across the years (glance's
/// `(image_id, name)` of an image property removed, added again and removed again), and a
/// unique key there would refuse a row for ever. Kept unique: the row key, a key `WITHOUT
/// OVERLAPS` (only a unique key may say so) and a long unique key `USING HASH` (a plain key on
/// a `BLOB` needs a prefix length).
fn relax_unique(item: &str, keep: &str) -> String {
    let trimmed = item.trim_start();
    let lead = &item[..item.len() - trimmed.len()];
    let Some(rest) = trimmed
        .strip_prefix("UNIQUE KEY ")
        .or_else(|| trimmed.strip_prefix("UNIQUE INDEX "))
    else {
        return item.to_string();
    };
    let Ok(words) = top_level_words(item) else {
        return item.to_string();
    };
    let unrelaxable =
        find_words(item, &words, &["USING", "HASH"]).is_some() || has_without_overlaps(item);
    if unrelaxable || leading_ident(rest).is_none_or(|name| name == keep) {
        return item.to_string();
    }
    format!("{lead}KEY {rest}")
}

/// Whether a `CREATE TABLE` statement declares a key `WITHOUT OVERLAPS` (application-time
/// periods). MariaDB refuses `INSERT ... ON DUPLICATE KEY UPDATE` and `REPLACE` into such a
/// table (error 1235, "doesn't yet support 'WITHOUT OVERLAPS'").
pub fn has_without_overlaps(create_sql: &str) -> bool {
    let Ok(words) = words_outside_quotes(create_sql, usize::MAX) else {
        return false;
    };
    find_words(create_sql, &words, &["WITHOUT", "OVERLAPS"]).is_some()
}

/// The application-time period (its start and end columns) of the unique key `WITHOUT
/// OVERLAPS` of a `CREATE TABLE` statement whose columns, the period's two included, are
/// `key` (in any order; the server lists them so in `information_schema.STATISTICS`): such a
/// key refuses a row whose period overlaps another's with the same other columns, not only
/// an equal key. `None` when no such key covers `key`.
pub fn overlaps_period(create_sql: &str, key: &[String]) -> Option<(String, String)> {
    let b = create_sql.as_bytes();
    let i = expect_word(b, skip_ws(b, 0), "CREATE")?;
    let i = expect_word(b, skip_ws(b, i), "TABLE")?;
    let open = skip_ws(b, skip_name(b, skip_ws(b, i)).ok()?);
    if b.get(open) != Some(&b'(') {
        return None;
    }
    let (items, _) = body_items(create_sql, open).ok()?;
    let periods: Vec<(String, String, String)> =
        items.iter().filter_map(|i| application_period(i)).collect();
    let mut want: Vec<&str> = key.iter().map(String::as_str).collect();
    want.sort_unstable();
    items.iter().find_map(|item| {
        if !has_without_overlaps(item) {
            return None;
        }
        let parts = paren_idents(item)?;
        let (last, rest) = parts.split_last()?;
        let (_, start, end) = periods.iter().find(|(p, ..)| p == last)?;
        let mut cols: Vec<&str> = rest.iter().map(String::as_str).collect();
        cols.extend([start.as_str(), end.as_str()]);
        cols.sort_unstable();
        (cols == want).then(|| (start.clone(), end.clone()))
    })
}

/// `PERIOD FOR name (start, end)` (not `SYSTEM_TIME`): the period's name, start and end.
fn application_period(item: &str) -> Option<(String, String, String)> {
    let b = item.as_bytes();
    let i = expect_word(b, skip_ws(b, 0), "PERIOD")?;
    let i = expect_word(b, skip_ws(b, i), "FOR")?;
    let rest = &item[skip_ws(b, i)..];
    let name = leading_ident(rest)?;
    let cols = paren_idents(rest)?;
    match cols.as_slice() {
        [start, end] => Some((name, start.clone(), end.clone())),
        _ => None,
    }
}

/// The leading identifiers of the parts of `item`'s first parenthesis ([`paren_parts`]): a
/// key's columns, a period's two.
fn paren_idents(item: &str) -> Option<Vec<String>> {
    let parens = paren_parts(item).ok()??;
    parens.parts.iter().map(|p| leading_ident(p)).collect()
}

/// An item's first parenthesis: where it opens and closes, and its parts.
struct Parens<'a> {
    open: usize,
    close: usize,
    parts: Vec<&'a str>,
}

/// `item`'s first parenthesis outside quotes, its parts split on its top-level commas; `None`
/// when it has none.
fn paren_parts(item: &str) -> Result<Option<Parens<'_>>, DdlError> {
    let b = item.as_bytes();
    let mut j = 0;
    let open = loop {
        match b.get(j) {
            None => return Ok(None),
            Some(b'`' | b'\'' | b'"') => j = skip_quoted(b, j)?,
            Some(b'(') => break j,
            Some(_) => j += 1,
        }
    };
    let close = matching_paren(b, open)?;
    let parts = split_parts(item, open, close)?;
    Ok(Some(Parens { open, close, parts }))
}

/// The top-level words of `s` (outside quotes, comments and parentheses), as byte ranges.
fn top_level_words(s: &str) -> Result<Vec<(usize, usize)>, DdlError> {
    words_outside_quotes(s, 0)
}

/// The words of `s` outside quotes and comments, at most `max_depth` parentheses deep.
fn words_outside_quotes(s: &str, max_depth: usize) -> Result<Vec<(usize, usize)>, DdlError> {
    let b = s.as_bytes();
    let mut words = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' | b'\'' | b'"' => {
                i = skip_quoted(b, i)?;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_comment(b, i)?;
                continue;
            }
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            c if is_word_byte(c) => {
                let start = i;
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                if depth <= max_depth {
                    words.push((start, i));
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(words)
}

/// Where the top-level word sequence `seq` (case-insensitive) starts in `s`, with the index of
/// its first word in `words` (as [`top_level_words`] gives them) and the end of its last word.
fn find_words(s: &str, words: &[(usize, usize)], seq: &[&str]) -> Option<(usize, usize)> {
    let n = seq.len();
    (0..words.len().saturating_sub(n - 1)).find_map(|w| {
        let matches = seq
            .iter()
            .enumerate()
            .all(|(k, want)| s[words[w + k].0..words[w + k].1].eq_ignore_ascii_case(want));
        matches.then(|| (w, words[w + n - 1].1))
    })
}

/// The first backtick-quoted identifier of `item` (leading blanks allowed), unquoted.
fn leading_ident(item: &str) -> Option<String> {
    let t = item.trim_start();
    let b = t.as_bytes();
    if b.first() != Some(&b'`') {
        return None;
    }
    let end = skip_quoted(b, 0).ok()?;
    Some(t[1..end - 1].replace("``", "`"))
}

/// The name of a column declared `... AS ROW START` or `... AS ROW END` (the period columns
/// of a system-versioned table), when `item` is one.
fn system_time_column(item: &str) -> Option<String> {
    let name = leading_ident(item)?;
    let words = top_level_words(item).ok()?;
    let is = find_words(item, &words, &["AS", "ROW", "START"]).is_some()
        || find_words(item, &words, &["AS", "ROW", "END"]).is_some();
    is.then_some(name)
}

/// Whether a body item is `PERIOD FOR SYSTEM_TIME (start, end)`.
fn is_system_time_period(item: &str) -> bool {
    let Ok(words) = top_level_words(item) else {
        return false;
    };
    matches!(
        find_words(item, &words, &["PERIOD", "FOR", "SYSTEM_TIME"]),
        Some((0, _))
    )
}

/// Whether a body item is a table-level check: `[CONSTRAINT [name]] CHECK (...)`.
fn is_check_constraint(item: &str) -> bool {
    let b = item.as_bytes();
    let mut i = skip_ws(b, 0);
    if let Some(after) = expect_word(b, i, "CONSTRAINT") {
        i = skip_ws(b, after);
        if expect_word(b, i, "CHECK").is_none() {
            // The constraint's name.
            match skip_name(b, i) {
                Ok(end) if end > i => i = skip_ws(b, end),
                _ => return false,
            }
        }
    }
    match expect_word(b, i, "CHECK") {
        Some(after) => b.get(skip_ws(b, after)) == Some(&b'('),
        None => false,
    }
}

/// A column definition without its `CHECK (...)` clauses and its `WITH SYSTEM VERSIONING` /
/// `WITHOUT SYSTEM VERSIONING` attribute (each with the blanks before it).
fn strip_column_clauses(item: &str) -> Result<String, DdlError> {
    let b = item.as_bytes();
    let words = top_level_words(item)?;
    let mut cut: Vec<(usize, usize)> = Vec::new();
    for (w, &(start, end)) in words.iter().enumerate() {
        let word = &item[start..end];
        if word.eq_ignore_ascii_case("CHECK") {
            let open = skip_ws(b, end);
            if b.get(open) == Some(&b'(') {
                cut.push((start, matching_paren(b, open)? + 1));
            }
        } else if (word.eq_ignore_ascii_case("WITH") || word.eq_ignore_ascii_case("WITHOUT"))
            && words.len() > w + 2
            && item[words[w + 1].0..words[w + 1].1].eq_ignore_ascii_case("SYSTEM")
            && item[words[w + 2].0..words[w + 2].1].eq_ignore_ascii_case("VERSIONING")
        {
            cut.push((start, words[w + 2].1));
        }
    }
    Ok(remove_ranges(item, &cut))
}

/// `s` without the byte ranges `cut` (in order, not overlapping), each with the blanks before it.
fn remove_ranges(s: &str, cut: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for &(start, end) in cut {
        let start = s[..start].trim_end().len().max(copied);
        out.push_str(&s[copied..start]);
        copied = end;
    }
    out.push_str(&s[copied..]);
    out
}

/// At `open`, `(`: the index of the matching `)`.
fn matching_paren(b: &[u8], open: usize) -> Result<usize, DdlError> {
    let mut depth = 0usize;
    let mut j = open;
    while j < b.len() {
        match b[j] {
            b'`' | b'\'' | b'"' => {
                j = skip_quoted(b, j)?;
                continue;
            }
            b'/' if b.get(j + 1) == Some(&b'*') => {
                j = skip_comment(b, j)?;
                continue;
            }
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Ok(j);
                }
            }
            _ => {}
        }
        j += 1;
    }
    Err(DdlError::Malformed("unbalanced parentheses"))
}

/// A key item (`PRIMARY KEY (...)`, `UNIQUE KEY name (...)`, `KEY ...`) without the columns
/// named in `drop` (the period columns of a system-versioned table, which the server adds to
/// its unique keys); `None` when no column is left. Other items are kept as they are.
fn drop_key_columns(item: &str, drop: &[String]) -> Result<Option<String>, DdlError> {
    if drop.is_empty() {
        return Ok(Some(item.to_string()));
    }
    // The column list: the first parenthesis of the item outside quotes.
    let Some(Parens { open, close, parts }) = paren_parts(item)? else {
        return Ok(Some(item.to_string()));
    };
    let kept: Vec<&str> = parts
        .iter()
        .copied()
        .filter(|p| leading_ident(p).is_none_or(|name| !drop.contains(&name)))
        .collect();
    if kept.len() == parts.len() {
        return Ok(Some(item.to_string()));
    }
    if kept.is_empty() {
        return Ok(None);
    }
    Ok(Some(format!(
        "{}{}{}",
        &item[..=open],
        kept.join(","),
        &item[close..]
    )))
}

/// The table options without `WITH SYSTEM VERSIONING` and without the partitioning clause
/// (`PARTITION BY ...`, or MySQL's `/*!50100 PARTITION BY ... */`, which runs to the end of
/// the statement).
fn tail_without_system_versioning(tail: &str) -> Result<String, DdlError> {
    let words = top_level_words(tail)?;
    let mut end = partition_clause(tail)?.unwrap_or(tail.len());
    if let Some((w, _)) = find_words(tail, &words, &["PARTITION", "BY"]) {
        end = end.min(words[w].0);
    }
    let mut cut = Vec::new();
    if let Some((w, e)) = find_words(tail, &words, &["WITH", "SYSTEM", "VERSIONING"]) {
        if e <= end {
            cut.push((words[w].0, e));
        }
    }
    let head = &tail[..end];
    let kept = remove_ranges(head, &cut);
    Ok(if end < tail.len() {
        kept.trim_end().to_string()
    } else {
        kept
    })
}

/// Where a versioned comment holding the partitioning clause (`/*!50100 PARTITION BY`)
/// starts in the table options, if there is one.
fn partition_clause(tail: &str) -> Result<Option<usize>, DdlError> {
    let b = tail.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' | b'\'' | b'"' => {
                i = skip_quoted(b, i)?;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = skip_comment(b, i)?;
                let inner = &tail[i + 2..end - 2];
                let inner = inner.strip_prefix('!').unwrap_or(inner);
                let inner = inner.trim_start_matches(|c: char| c.is_ascii_digit());
                let words = top_level_words(inner)?;
                if matches!(
                    find_words(inner, &words, &["PARTITION", "BY"]),
                    Some((0, _))
                ) {
                    return Ok(Some(i));
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(None)
}

/// Whether a body item is `[CONSTRAINT [name]] FOREIGN KEY ...`.
fn is_foreign_key(item: &str) -> bool {
    let b = item.as_bytes();
    let mut i = skip_ws(b, 0);
    if let Some(after) = expect_word(b, i, "CONSTRAINT") {
        i = skip_ws(b, after);
        if expect_word(b, i, "FOREIGN").is_none() {
            // The constraint's name.
            match skip_name(b, i) {
                Ok(end) if end > i => i = skip_ws(b, end),
                _ => return false,
            }
        }
    }
    match expect_word(b, i, "FOREIGN") {
        Some(after) => expect_word(b, skip_ws(b, after), "KEY").is_some(),
        None => false,
    }
}

/// Appends the table options with every top-level `AUTO_INCREMENT=N` (and the blank before it)
/// removed.
fn push_tail_without_auto_increment(out: &mut String, tail: &str) -> Result<(), DdlError> {
    let b = tail.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'`' | b'\'' | b'"' => {
                i = skip_quoted(b, i)?;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_comment(b, i)?;
                continue;
            }
            c if c.is_ascii_alphabetic() && (i == 0 || !is_word_byte(b[i - 1])) => {
                if let Some(end) = auto_increment_option(b, i) {
                    // Drop the option and the blanks before it.
                    let start = tail[..i].trim_end().len();
                    out.push_str(&tail[copied..start]);
                    copied = end;
                    i = end;
                    continue;
                }
                while i < b.len() && is_word_byte(b[i]) {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push_str(&tail[copied..]);
    Ok(())
}

/// Storage engines whose committed rows survive a crash: an archive table keeps its source's
/// engine when it is one of these, else it is created with InnoDB.
pub const DURABLE_ENGINES: &[&str] = &["InnoDB", "RocksDB", "TokuDB"];

/// Whether `engine` (as `SHOW CREATE TABLE` or `information_schema.TABLES.ENGINE` name it) is
/// one of [`DURABLE_ENGINES`].
pub fn is_durable_engine(engine: &str) -> bool {
    DURABLE_ENGINES
        .iter()
        .any(|e| e.eq_ignore_ascii_case(engine.trim()))
}

/// Whether tables of `engine` refuse every `DELETE`: `ARCHIVE` (1031) and `S3` (read only).
pub fn cannot_delete(engine: &str) -> bool {
    ["ARCHIVE", "S3"]
        .iter()
        .any(|e| e.eq_ignore_ascii_case(engine.trim()))
}

/// Whether tables of `engine` refuse a second row with the key of a row they hold: the engines
/// that store their rows themselves. Not `MRG_MyISAM` (each of its tables holds its own rows,
/// and the key of one row may be in two of them), nor the engines over another server's table
/// (`FEDERATED`, `CONNECT`, `SPIDER`...), whose declared keys bind nothing.
pub fn enforces_keys(engine: &str) -> bool {
    [
        "InnoDB",
        "MyISAM",
        "Aria",
        "MEMORY",
        "HEAP",
        "RocksDB",
        "TokuDB",
        "ARCHIVE",
        "S3",
        "SEQUENCE",
        "BLACKHOLE",
        "CSV",
    ]
    .iter()
    .any(|e| e.eq_ignore_ascii_case(engine.trim()))
}

/// The table options with `ENGINE=X` made `ENGINE=InnoDB` when `X` is not durable (`MEMORY`
/// loses its rows at a restart, `BLACKHOLE` keeps none, `MyISAM`, `Aria`, `CSV`, `ARCHIVE`...
/// neither commit nor roll back a batch, nor flush it to disk), and then without the options
/// InnoDB refuses or reads otherwise (`ROW_FORMAT`, `KEY_BLOCK_SIZE`, `UNION`).
fn tail_with_durable_engine(tail: &str) -> Result<String, DdlError> {
    let b = tail.as_bytes();
    let words = words_outside_quotes(tail, 0)?;
    let Some(pos) = words
        .iter()
        .position(|&(a, e)| tail[a..e].eq_ignore_ascii_case("ENGINE"))
    else {
        return Ok(tail.to_string());
    };
    // ENGINE [=] name
    let mut j = skip_ws(b, words[pos].1);
    if b.get(j) == Some(&b'=') {
        j = skip_ws(b, j + 1);
    }
    let name_end = skip_name(b, j)?;
    let engine = tail[j..name_end].trim_matches('`');
    if engine.is_empty() || is_durable_engine(engine) {
        return Ok(tail.to_string());
    }
    let mut out = String::with_capacity(tail.len());
    out.push_str(&tail[..j]);
    out.push_str("InnoDB");
    let rest = &tail[name_end..];
    // Drop the options InnoDB would refuse or read otherwise, with their values.
    let rb = rest.as_bytes();
    let rest_words = words_outside_quotes(rest, 0)?;
    let mut cut: Vec<(usize, usize)> = Vec::new();
    for &(a, e) in &rest_words {
        let word = &rest[a..e];
        if !["ROW_FORMAT", "KEY_BLOCK_SIZE", "UNION", "INSERT_METHOD"]
            .iter()
            .any(|w| word.eq_ignore_ascii_case(w))
        {
            continue;
        }
        let mut k = skip_ws(rb, e);
        if rb.get(k) == Some(&b'=') {
            k = skip_ws(rb, k + 1);
        }
        let end = if rb.get(k) == Some(&b'(') {
            matching_paren(rb, k)? + 1
        } else {
            skip_name(rb, k)?
        };
        let start = rest[..a].trim_end().len();
        cut.push((start, end));
    }
    out.push_str(&remove_ranges(rest, &cut));
    Ok(out)
}

/// At `i`, `AUTO_INCREMENT [=] digits`: the end of it.
fn auto_increment_option(b: &[u8], i: usize) -> Option<usize> {
    let mut j = expect_word(b, i, "AUTO_INCREMENT")?;
    j = skip_ws(b, j);
    if b.get(j) == Some(&b'=') {
        j = skip_ws(b, j + 1);
    }
    let digits_start = j;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    (j > digits_start && (j == b.len() || !is_word_byte(b[j]))).then_some(j)
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// At `i`, the keyword `word` (case-insensitive) followed by a non-word byte: the end of it.
fn expect_word(b: &[u8], i: usize, word: &str) -> Option<usize> {
    let end = i + word.len();
    let candidate = b.get(i..end)?;
    (candidate.eq_ignore_ascii_case(word.as_bytes()) && (end == b.len() || !is_word_byte(b[end])))
        .then_some(end)
}

/// At `i`, a name: a backtick-quoted identifier, a double-quoted one (`ANSI_QUOTES`) or a bare
/// word; the end of it (`i` when there is none).
fn skip_name(b: &[u8], i: usize) -> Result<usize, DdlError> {
    match b.get(i) {
        Some(b'`') | Some(b'"') => skip_quoted(b, i),
        _ => {
            let mut j = i;
            while j < b.len() && is_word_byte(b[j]) {
                j += 1;
            }
            Ok(j)
        }
    }
}

/// At `i`, an opening quote (`` ` ``, `'` or `"`): the index just after its closing quote.
/// Doubled quotes are escapes; in strings, so is a backslash.
fn skip_quoted(b: &[u8], i: usize) -> Result<usize, DdlError> {
    let q = b[i];
    let mut j = i + 1;
    while j < b.len() {
        let c = b[j];
        if c == b'\\' && q != b'`' {
            j += 2;
            continue;
        }
        if c == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return Ok(j + 1);
        }
        j += 1;
    }
    Err(DdlError::Malformed("unterminated quote"))
}

/// At `i`, `/*`: the index just after the matching `*/`.
fn skip_comment(b: &[u8], i: usize) -> Result<usize, DdlError> {
    let mut j = i + 2;
    while j + 1 < b.len() {
        if b[j] == b'*' && b[j + 1] == b'/' {
            return Ok(j + 2);
        }
        j += 1;
    }
    Err(DdlError::Malformed("unterminated comment"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOVA_INSTANCES: &str = "CREATE TABLE `instances` (
  `created_at` datetime DEFAULT NULL,
  `deleted_at` datetime DEFAULT NULL,
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `uuid` varchar(36) NOT NULL,
  `host` varchar(255) DEFAULT NULL,
  `locked` tinyint(1) DEFAULT NULL,
  `deleted` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uniq_instances0uuid` (`uuid`),
  KEY `instances_host_deleted_idx` (`host`,`deleted`),
  CONSTRAINT `CONSTRAINT_1` CHECK (`locked` in (0,1))
) ENGINE=InnoDB AUTO_INCREMENT=4242 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci";

    const NOVA_INSTANCE_FAULTS: &str = "CREATE TABLE `instance_faults` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `instance_uuid` varchar(36) DEFAULT NULL,
  `message` varchar(255) DEFAULT NULL,
  `details` mediumtext DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `instance_faults_host_idx` (`host`),
  KEY `instance_faults_instance_uuid_deleted_created_at_idx` (`instance_uuid`,`deleted`,`created_at`),
  CONSTRAINT `fk_instance_faults_instance_uuid` FOREIGN KEY (`instance_uuid`) REFERENCES `instances` (`uuid`)
) ENGINE=InnoDB AUTO_INCREMENT=17 DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci";

    #[test]
    fn keeps_everything_but_the_counter_and_checks_when_there_is_no_foreign_key() {
        let out = archive_create_table(NOVA_INSTANCES, "instances_archive").unwrap();
        let want = NOVA_INSTANCES
            .replace("`instances` (", "`instances_archive` (")
            .replace(
                ",\n  CONSTRAINT `CONSTRAINT_1` CHECK (`locked` in (0,1))",
                "",
            )
            .replace(" AUTO_INCREMENT=4242", "");
        assert_eq!(out, want);
        assert!(out.contains("`id` int(11) NOT NULL AUTO_INCREMENT,"));
        assert!(out.ends_with(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci"));
    }

    #[test]
    fn unique_keys_other_than_the_row_key_become_plain_keys() {
        let out = archive_create_table_in(NOVA_INSTANCES, "nova_archive", "instances", "PRIMARY")
            .unwrap();
        assert!(
            out.contains("\n  KEY `uniq_instances0uuid` (`uuid`),"),
            "{out}"
        );
        assert!(out.contains("PRIMARY KEY (`id`),"), "{out}");
        assert!(!out.contains("UNIQUE"), "{out}");
        // Without a primary key, the unique key chosen as the row key stays unique.
        let no_pk = "CREATE TABLE `t` (
  `a` int(11) NOT NULL,
  `b` varchar(10) NOT NULL,
  `c` blob DEFAULT NULL,
  `s` date NOT NULL,
  `e` date NOT NULL,
  PERIOD FOR `p` (`s`, `e`),
  UNIQUE KEY `by_a` (`a`),
  UNIQUE INDEX `by_b` (`b`),
  UNIQUE KEY `by_c` (`c`) USING HASH,
  UNIQUE KEY `by_p` (`a`,`p` WITHOUT OVERLAPS),
  KEY `plain` (`b`)
) ENGINE=InnoDB";
        let out = archive_create_table_in(no_pk, "d", "t", "by_a").unwrap();
        assert!(out.contains("UNIQUE KEY `by_a` (`a`),"), "{out}");
        assert!(out.contains("\n  KEY `by_b` (`b`),"), "{out}");
        assert!(out.contains("UNIQUE KEY `by_c` (`c`) USING HASH,"), "{out}");
        assert!(
            out.contains("UNIQUE KEY `by_p` (`a`,`p` WITHOUT OVERLAPS),"),
            "{out}"
        );
        assert!(out.contains("KEY `plain` (`b`)"), "{out}");
    }

    #[test]
    fn drops_a_last_foreign_key_and_the_comma_before_it() {
        let out = archive_create_table(NOVA_INSTANCE_FAULTS, "instance_faults").unwrap();
        assert_eq!(
            out,
            "CREATE TABLE `instance_faults` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `instance_uuid` varchar(36) DEFAULT NULL,
  `message` varchar(255) DEFAULT NULL,
  `details` mediumtext DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `instance_faults_host_idx` (`host`),
  KEY `instance_faults_instance_uuid_deleted_created_at_idx` (`instance_uuid`,`deleted`,`created_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci"
        );
    }

    #[test]
    fn drops_foreign_keys_and_checks_in_the_middle() {
        let sql = "CREATE TABLE `c` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `pid` int(11) DEFAULT NULL,
  `p2` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `fk``x` (`pid`),
  KEY `fk2` (`p2`),
  CONSTRAINT `fk2` FOREIGN KEY (`p2`) REFERENCES `c` (`id`),
  CONSTRAINT `fk``x` FOREIGN KEY (`pid`) REFERENCES `other`.`p` (`id`) ON DELETE CASCADE ON UPDATE SET NULL,
  CONSTRAINT `chk` CHECK (`p2` > 0 or `p2` is null)
) ENGINE=InnoDB AUTO_INCREMENT=57 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='AUTO_INCREMENT=3 x'";
        let out = archive_create_table(sql, "c_arch").unwrap();
        assert_eq!(
            out,
            "CREATE TABLE `c_arch` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `pid` int(11) DEFAULT NULL,
  `p2` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `fk``x` (`pid`),
  KEY `fk2` (`p2`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci COMMENT='AUTO_INCREMENT=3 x'"
        );
    }

    #[test]
    fn table_names_with_backticks_are_parsed_and_quoted() {
        let sql = "CREATE TABLE `we``ird, (name)` (\n  `a` int(11) DEFAULT NULL\n) ENGINE=InnoDB";
        assert_eq!(
            archive_create_table(sql, "new`one").unwrap(),
            "CREATE TABLE `new``one` (\n  `a` int(11) DEFAULT NULL\n) ENGINE=InnoDB"
        );
        assert_eq!(
            archive_create_table_in(sql, "arch`db", "t", "PRIMARY").unwrap(),
            "CREATE TABLE `arch``db`.`t` (\n  `a` int(11) DEFAULT NULL\n) ENGINE=InnoDB"
        );
    }

    #[test]
    fn quotes_comments_and_defaults_do_not_confuse_the_scanner() {
        let sql = "CREATE TABLE `t` (
  `a` varchar(10) DEFAULT 'x),(y' COMMENT 'it\\'s, CONSTRAINT `f` FOREIGN KEY',
  `b` enum('FOREIGN KEY','a''b') DEFAULT NULL,
  `FOREIGN KEY` int(11) DEFAULT NULL,
  `c` int(11) GENERATED ALWAYS AS (`a` + (1 * 2)) VIRTUAL,
  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL CHECK (json_valid(`j`)),
  FOREIGN KEY (`b`) REFERENCES `u` (`b`)
) ENGINE=InnoDB /*!50100 AUTO_INCREMENT=5 */ AUTO_INCREMENT = 12 COMMENT='a \\' AUTO_INCREMENT=9'";
        let out = archive_create_table(sql, "t2").unwrap();
        assert_eq!(
            out,
            "CREATE TABLE `t2` (
  `a` varchar(10) DEFAULT 'x),(y' COMMENT 'it\\'s, CONSTRAINT `f` FOREIGN KEY',
  `b` enum('FOREIGN KEY','a''b') DEFAULT NULL,
  `FOREIGN KEY` int(11) DEFAULT NULL,
  `c` int(11) GENERATED ALWAYS AS (`a` + (1 * 2)) VIRTUAL,
  `j` longtext CHARACTER SET utf8mb4 COLLATE utf8mb4_bin DEFAULT NULL
) ENGINE=InnoDB /*!50100 AUTO_INCREMENT=5 */ COMMENT='a \\' AUTO_INCREMENT=9'"
        );
    }

    #[test]
    fn checks_go_whatever_their_expression_holds() {
        let sql = "CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(10) DEFAULT 'CHECK (x)' CHECK (`a` <> ')' and `a` <> 'it\\'s (' and `a` not like '%``%'),
  `check` int(11) DEFAULT NULL COMMENT 'CHECK (1)' CHECK (`check` > (0 + (1))),
  `c``heck` json DEFAULT NULL CHECK (json_valid(`c``heck`)),
  `e` enum('CHECK (',')') DEFAULT NULL,
  `g` int(11) GENERATED ALWAYS AS (`id` + 1) VIRTUAL,
  PRIMARY KEY (`id`),
  CONSTRAINT `CHECK (no)` CHECK (`a` in ('(', ')', 'CONSTRAINT `x` CHECK (') or `id` > 0),
  CONSTRAINT CHECK (`id` < 10),
  CHECK (`id` <> 5),
  constraint c2 check(`id` <> 6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";
        assert_eq!(
            archive_create_table(sql, "t").unwrap(),
            "CREATE TABLE `t` (
  `id` int(11) NOT NULL,
  `a` varchar(10) DEFAULT 'CHECK (x)',
  `check` int(11) DEFAULT NULL COMMENT 'CHECK (1)',
  `c``heck` json DEFAULT NULL,
  `e` enum('CHECK (',')') DEFAULT NULL,
  `g` int(11) GENERATED ALWAYS AS (`id` + 1) VIRTUAL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        );
        assert!(is_check_constraint("  CONSTRAINT `c` CHECK (`x` > 0)"));
        assert!(is_check_constraint("CHECK(x)"));
        assert!(!is_check_constraint("  `CHECK` int(11)"));
        assert!(!is_check_constraint("  KEY `check` (`x`)"));
        assert!(!is_check_constraint("  CONSTRAINT `c` UNIQUE KEY (`x`)"));
    }

    #[test]
    fn system_versioning_goes_application_periods_stay() {
        let explicit = "CREATE TABLE `sv` (
  `id` int(11) NOT NULL,
  `v` varchar(10) DEFAULT NULL WITHOUT SYSTEM VERSIONING,
  `w` int(11) DEFAULT NULL WITH SYSTEM VERSIONING,
  `rs` timestamp(6) GENERATED ALWAYS AS ROW START,
  `r``e` timestamp(6) GENERATED ALWAYS AS ROW END INVISIBLE,
  PRIMARY KEY (`id`,`r``e`),
  UNIQUE KEY `u` (`w`,`r``e`),
  UNIQUE KEY `only` (`r``e`),
  KEY `k` (`v`(3)),
  PERIOD FOR SYSTEM_TIME (`rs`, `r``e`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 WITH SYSTEM VERSIONING
 PARTITION BY SYSTEM_TIME INTERVAL 1 MONTH STARTS TIMESTAMP'2026-11-30 00:00:00'
(PARTITION `p0` HISTORY ENGINE = InnoDB,
 PARTITION `pn` CURRENT ENGINE = InnoDB)";
        assert_eq!(
            archive_create_table(explicit, "sv_a").unwrap(),
            "CREATE TABLE `sv_a` (
  `id` int(11) NOT NULL,
  `v` varchar(10) DEFAULT NULL,
  `w` int(11) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `u` (`w`),
  KEY `k` (`v`(3))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
        );
        let implicit = "CREATE TABLE `sv` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='WITH SYSTEM VERSIONING' WITH SYSTEM VERSIONING";
        assert_eq!(
            archive_create_table(implicit, "sv").unwrap(),
            "CREATE TABLE `sv` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COMMENT='WITH SYSTEM VERSIONING'"
        );
        let application = "CREATE TABLE `ap` (
  `id` int(11) NOT NULL,
  `s` date NOT NULL,
  `e` date NOT NULL,
  PERIOD FOR `p` (`s`, `e`),
  PRIMARY KEY (`id`,`p` WITHOUT OVERLAPS)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";
        assert_eq!(
            archive_create_table(application, "ap").unwrap(),
            application
        );
        assert!(has_without_overlaps(application));
        assert!(!has_without_overlaps(explicit));
        assert!(!has_without_overlaps(
            "CREATE TABLE `t` (\n  `a` int COMMENT 'WITHOUT OVERLAPS',\n  `without` int\n)"
        ));
        // A column merely named like the clauses stays.
        let named = "CREATE TABLE `t` (\n  `row` int(11) DEFAULT NULL COMMENT 'AS ROW START',\n  `period` int(11) DEFAULT NULL\n) ENGINE=InnoDB";
        assert_eq!(archive_create_table(named, "t").unwrap(), named);
    }

    #[test]
    fn the_period_of_a_key_without_overlaps() {
        let key = |k: &[&str]| k.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let sql = "CREATE TABLE `a(b``,c` (\n  `id` int(11) NOT NULL,\n  `s, e` date NOT NULL,\n  \
                   `e` date NOT NULL,\n  `v` int DEFAULT NULL,\n  PERIOD FOR `p``q` (`s, e`, `e`),\n  \
                   PRIMARY KEY (`id`,`p``q` WITHOUT OVERLAPS),\n  UNIQUE KEY `u` (`v`)\n) ENGINE=InnoDB";
        let period = Some(("s, e".to_string(), "e".to_string()));
        assert_eq!(overlaps_period(sql, &key(&["id", "e", "s, e"])), period);
        assert_eq!(overlaps_period(sql, &key(&["e", "s, e", "id"])), period);
        // Another key, or the key without its period: no period.
        assert_eq!(overlaps_period(sql, &key(&["v"])), None);
        assert_eq!(overlaps_period(sql, &key(&["id"])), None);
        // A unique key WITHOUT OVERLAPS that is not the primary key.
        let unique = "CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `a` int NOT NULL,\n  `s` date NOT NULL,\n  \
                      `e` date NOT NULL,\n  PERIOD FOR `p` (`s`, `e`),\n  PRIMARY KEY (`id`),\n  \
                      UNIQUE KEY `by_p` (`a`,`p` WITHOUT OVERLAPS)\n)";
        assert_eq!(
            overlaps_period(unique, &key(&["a", "e", "s"])),
            Some(("s".to_string(), "e".to_string()))
        );
        assert_eq!(overlaps_period(unique, &key(&["id"])), None);
        // No application-time period, a system-time one, or not a CREATE TABLE.
        assert_eq!(
            overlaps_period(
                "CREATE TABLE `t` (\n  `id` int,\n  PRIMARY KEY (`id`)\n)",
                &key(&["id"])
            ),
            None
        );
        assert_eq!(overlaps_period("SELECT 1", &key(&["id"])), None);
        assert_eq!(overlaps_period("CREATE TABLE `t` x", &key(&["id"])), None);
    }

    #[test]
    fn similar_options_are_kept() {
        let sql = "CREATE TABLE `t` (\n  `a` int(11)\n) ENGINE=InnoDB AUTO_INCREMENT_X=5 MY_AUTO_INCREMENT=3 AUTO_INCREMENT=7";
        assert_eq!(
            archive_create_table(sql, "t").unwrap(),
            "CREATE TABLE `t` (\n  `a` int(11)\n) ENGINE=InnoDB AUTO_INCREMENT_X=5 MY_AUTO_INCREMENT=3"
        );
    }

    /// MyISAM's counter per group (the `AUTO_INCREMENT` column second in the primary key):
    /// InnoDB refuses it (1075) unless an index has the column first, which the archive table
    /// gets; otherwise the definition is unchanged.
    #[test]
    fn an_auto_increment_column_second_in_a_key_gets_a_key_of_its_own_in_innodb() {
        let sql = "CREATE TABLE `ai2` (\n  `g` int(11) NOT NULL,\n  `id` int(11) NOT NULL AUTO_INCREMENT,\n  `deleted_at` datetime DEFAULT NULL COMMENT 'AUTO_INCREMENT',\n  PRIMARY KEY (`g`,`id`),\n  FULLTEXT KEY `f` (`id`)\n) ENGINE=MyISAM AUTO_INCREMENT=9 DEFAULT CHARSET=utf8mb4";
        let out = archive_create_table(sql, "ai2").unwrap();
        assert!(
            out.ends_with(
                "FULLTEXT KEY `f` (`id`),\n  KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
            ),
            "{out}"
        );
        for unchanged in [
            sql.replace("PRIMARY KEY (`g`,`id`)", "PRIMARY KEY (`id`,`g`)"),
            sql.replace(
                "PRIMARY KEY (`g`,`id`)",
                "PRIMARY KEY (`g`,`id`),\n  KEY `k` (`id`(4))",
            ),
            sql.replace("NOT NULL AUTO_INCREMENT", "NOT NULL"),
            sql.replace("MyISAM", "InnoDB"),
        ] {
            let out = archive_create_table(&unchanged, "ai2").unwrap();
            assert!(!out.contains("\n  KEY (`id`)"), "{out}");
        }
        assert_eq!(column_count(sql), Some(3));
        assert_eq!(column_count("SELECT 1"), None);
    }

    #[test]
    fn engines_that_lose_rows_become_innodb() {
        let t = |tail: &str| {
            archive_create_table(
                &format!(
                    "CREATE TABLE `t` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n){tail}"
                ),
                "a",
            )
            .unwrap()
        };
        for engine in [
            "MEMORY",
            "MyISAM",
            "Aria",
            "BLACKHOLE",
            "CSV",
            "ARCHIVE",
            "MRG_MyISAM",
        ] {
            let out = t(&format!(
                " ENGINE={engine} DEFAULT CHARSET=utf8mb4 ROW_FORMAT=FIXED"
            ));
            assert!(
                out.ends_with(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"),
                "{engine}: {out}"
            );
        }
        assert!(
            t(" ENGINE=InnoDB DEFAULT CHARSET=latin1 ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8")
                .ends_with(
                    ") ENGINE=InnoDB DEFAULT CHARSET=latin1 ROW_FORMAT=COMPRESSED KEY_BLOCK_SIZE=8"
                )
        );
        assert!(t(" ENGINE=RocksDB").ends_with(") ENGINE=RocksDB"));
        assert!(
            t(" ENGINE=MRG_MyISAM UNION=(`a`,`b`) INSERT_METHOD=LAST COMMENT='ENGINE=MEMORY'")
                .ends_with(") ENGINE=InnoDB COMMENT='ENGINE=MEMORY'")
        );
        assert!(t(" ENGINE=Aria PAGE_CHECKSUM=1 TRANSACTIONAL=1")
            .ends_with(") ENGINE=InnoDB PAGE_CHECKSUM=1 TRANSACTIONAL=1"));
        assert!(is_durable_engine("innodb") && !is_durable_engine("MEMORY"));
    }

    #[test]
    fn partitioning_goes() {
        // The source's ranges and lists refuse values the source accepts once its operators
        // add a partition; the archive table would keep refusing them.
        let head = "CREATE TABLE `p` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=latin1 COMMENT='PARTITION BY x'";
        let want = "CREATE TABLE `p` (\n  `id` int(11) NOT NULL,\n  PRIMARY KEY (`id`)\n) ENGINE=InnoDB DEFAULT CHARSET=latin1 COMMENT='PARTITION BY x'";
        for clause in [
            "\n PARTITION BY RANGE (`id`)\n(PARTITION `p0` VALUES LESS THAN (10) ENGINE = InnoDB,\n PARTITION `p1` VALUES LESS THAN MAXVALUE ENGINE = InnoDB)",
            "\n PARTITION BY LIST (`id`)\n(PARTITION `r1` VALUES IN (1) ENGINE = InnoDB)",
            "\n/*!50100 PARTITION BY HASH (`id`)\nPARTITIONS 4 */",
            " partition by key () partitions 2",
            "\n PARTITION BY LIST (`region`)\n(PARTITION `r1` VALUES IN (1) ENGINE = InnoDB)",
        ] {
            let sql = format!("{head}{clause}");
            assert_eq!(archive_create_table(&sql, "p").unwrap(), want, "{clause}");
        }
        // A comment that is not partitioning stays.
        let sql = format!("{head} /*!50100 TABLESPACE `x` */");
        assert_eq!(
            archive_create_table(&sql, "p").unwrap(),
            format!("{want} /*!50100 TABLESPACE `x` */")
        );
    }

    #[test]
    fn foreign_key_detection() {
        assert!(is_foreign_key(
            "\n  CONSTRAINT `a` FOREIGN KEY (`x`) REFERENCES `y` (`z`)"
        ));
        assert!(is_foreign_key(
            "\n  CONSTRAINT `a``b` FOREIGN KEY (`x`) REFERENCES `y` (`z`)"
        ));
        assert!(is_foreign_key(
            "  constraint fk foreign   key (x) references y (z)"
        ));
        assert!(is_foreign_key(
            "CONSTRAINT FOREIGN KEY (x) REFERENCES y (z)"
        ));
        assert!(is_foreign_key("FOREIGN KEY (x) REFERENCES y (z)"));
        assert!(!is_foreign_key("  CONSTRAINT `c` CHECK (`x` > 0)"));
        assert!(!is_foreign_key("  `FOREIGN` int(11)"));
        assert!(!is_foreign_key("  `foreign_key` int(11)"));
        assert!(!is_foreign_key("  KEY `foreign` (`x`)"));
        assert!(!is_foreign_key("  CONSTRAINT `u` UNIQUE KEY (`x`)"));
    }

    #[test]
    fn rejects_what_it_cannot_rewrite() {
        assert!(matches!(
            archive_create_table("CREATE VIEW `v` AS SELECT 1", "x"),
            Err(DdlError::NotCreateTable(_))
        ));
        assert!(matches!(
            archive_create_table("CREATE TABLEx `v` (a int)", "x"),
            Err(DdlError::NotCreateTable(_))
        ));
        assert!(matches!(
            archive_create_table("CREATE TABLE `v` (a int", "x"),
            Err(DdlError::Malformed(_))
        ));
        assert!(matches!(
            archive_create_table("CREATE TABLE `v (a int)", "x"),
            Err(DdlError::Malformed(_))
        ));
        assert!(matches!(
            archive_create_table("CREATE TABLE `v` LIKE `w`", "x"),
            Err(DdlError::Malformed(_))
        ));
        assert!(matches!(
            archive_create_table("CREATE TABLE `v` (FOREIGN KEY (a) REFERENCES b (a))", "x"),
            Err(DdlError::Malformed(_))
        ));
    }
}
