//! Deleting archived rows from the source: chunks of `delete_limit` rows named by their full key,
//! re-checking the selection predicate, each chunk its own transaction, in which the rows are
//! first read again and locked: only those still identical to what was read (and archived) are
//! deleted, the others count as changed.
//!
//! Foreign keys: before deleting, the chunk's rows that any row still references are found,
//! through every foreign key onto the table from any database and whatever its `ON DELETE`
//! rule, with locking reads (so no child can appear under them before the commit): those rows
//! are blocked, and the server never cascades, nulls or defaults a row that was not archived.
//! The rest is deleted with `DELETE IGNORE`; a row a foreign key still keeps (one the check
//! could not know about) is skipped, and counts as blocked too. Should a foreign-key error
//! (1451) come back all the same, the chunk is split in halves until every deletable row is
//! gone and each row that cannot go stands alone. In a table that references itself, the rows
//! of a chunk are deleted children first, a statement per level, and the rows the server would
//! refuse in any order (a row that references itself, a cycle, through `RESTRICT`/`NO ACTION`)
//! are blocked without a delete: a `BEFORE DELETE` trigger runs before the foreign-key check,
//! so a row the server refuses would have run it. A row blocked by a child in a later chunk of
//! the same batch is tried again once that chunk is deleted.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use mysql_async::prelude::*;
use mysql_async::{Row, Value};

use crate::config::Retry;
use crate::mysql::conn::Connection;
use crate::mysql::ident::qualified;
use crate::mysql::literal::literal;
use crate::mysql::retry::{with_retry, ErrorKind, RetryError};
use crate::mysql::schema::FkRule;
use crate::throttle::Throttle;

use crate::table::batch::{key_id, Batch};
use crate::table::sql;
use crate::table::triggers::{Guard, Ours};
use crate::table::TablePlan;

/// What a delete of some rows of a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteOutcome {
    pub deleted: u64,
    /// Rows (indexes into the batch) that a foreign key keeps, each with the constraints whose
    /// child rows reference it (empty when they could not be told).
    pub blocked: Vec<(usize, Vec<String>)>,
    /// Rows that no longer matched the selection (or were already gone) when deleted.
    pub changed: u64,
    /// Of `changed`, the rows that no longer matched the selection or were gone (the others
    /// still match, with other content than archived).
    pub gone: u64,
    /// The rows (indexes into the batch) counted in `changed`: not deleted because they no
    /// longer matched, were gone, or differed from what was archived.
    pub changed_rows: Vec<usize>,
    /// A stop was requested during a throttling pause: the rows not reached are left.
    pub stopped: bool,
}

/// Deletes the batch's rows listed in `rows`, asking `throttle` before each chunk, adding what
/// it does to `out` as it goes: the chunks committed before an error count (they left the
/// source), whatever happens next.
#[allow(clippy::too_many_arguments)]
pub async fn delete_rows(
    out: &mut DeleteOutcome,
    db: &mut Connection,
    retry: Retry,
    plan: &TablePlan,
    where_clause: &str,
    batch: &Batch,
    rows: &[usize],
    delete_limit: usize,
    delay: Duration,
    throttle: &mut Throttle,
) -> Result<(), RetryError> {
    for (n, chunk) in rows.chunks(delete_limit.max(1)).enumerate() {
        if n > 0 && !delay.is_zero() {
            throttle.pause(delay).await;
        }
        if throttle.wait().await.is_err() {
            out.stopped = true;
            return Ok(());
        }
        // Halves still to try, last in first out, so rows go in key order.
        let mut stack: Vec<&[usize]> = vec![chunk];
        while let Some(part) = stack.pop() {
            match delete_part(db, retry, plan, where_clause, batch, part).await {
                Ok(done) => {
                    let blocked = done.blocked.len() as u64;
                    out.deleted += done.deleted;
                    out.changed += (part.len() as u64).saturating_sub(done.deleted + blocked);
                    out.gone += done.gone;
                    out.blocked.extend(done.blocked);
                    out.changed_rows.extend(done.changed);
                }
                Err(e) if e.kind() == ErrorKind::ForeignKey => {
                    if part.len() == 1 {
                        let named = constraint_name(&e.mysql_error().to_string());
                        out.blocked.push((part[0], named.into_iter().collect()));
                    } else {
                        let (left, right) = part.split_at(part.len() / 2);
                        stack.push(right);
                        stack.push(left);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    // A parent that comes before its child in key order was blocked by that child even when
    // the child went later in this batch: in a table that references itself, try the blocked
    // rows again, one at a time and last first (children usually follow their parents), for as
    // long as that frees some.
    let mut progress = out.deleted > 0;
    while progress && !out.blocked.is_empty() && plan.references_itself() {
        progress = false;
        let pending = std::mem::take(&mut out.blocked);
        for (row, constraint) in pending.into_iter().rev() {
            match delete_part(db, retry, plan, where_clause, batch, &[row]).await {
                Ok(done) if !done.blocked.is_empty() => out.blocked.push((row, constraint)),
                Ok(done) => {
                    out.deleted += done.deleted;
                    out.changed += 1 - done.deleted.min(1);
                    out.gone += done.gone;
                    out.changed_rows.extend(done.changed);
                    progress = true;
                }
                Err(e) if e.kind() == ErrorKind::ForeignKey => out.blocked.push((row, constraint)),
                Err(e) => return Err(e),
            }
        }
        out.blocked.reverse();
    }
    // Rows of the table that reference one another in a cycle (`CASCADE` or `SET NULL`: the
    // server refuses a `RESTRICT` cycle in any order) go only in one statement: when the
    // chunks (`delete_limit`) cut a cycle apart, each row is kept by the other's chunk. Once,
    // all the batch's blocked rows together.
    if plan.references_itself() && out.blocked.len() > 1 && !out.stopped {
        let rows: Vec<usize> = out.blocked.iter().map(|(row, _)| *row).collect();
        match delete_part(db, retry, plan, where_clause, batch, &rows).await {
            Ok(done) => {
                let kept = done.blocked.len() as u64;
                out.deleted += done.deleted;
                out.changed += (rows.len() as u64).saturating_sub(done.deleted + kept);
                out.gone += done.gone;
                out.changed_rows.extend(done.changed);
                out.blocked = done.blocked;
            }
            Err(e) if e.kind() == ErrorKind::ForeignKey => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// What one locked delete of some rows did.
struct Part {
    deleted: u64,
    /// Rows no longer there, or no longer matching the selection, when locked.
    gone: u64,
    /// The rows of the part not deleted because they were gone or differed from the batch.
    changed: Vec<usize>,
    /// Rows identical and still eligible that rows of other tables (or rows of this table not
    /// deleted with them) still reference, each with the constraints through which they do.
    blocked: Vec<(usize, Vec<String>)>,
}

/// One transaction deleting the rows `part` of the batch that are still as they were read:
///
/// 1. it locks them (`SELECT ... FOR UPDATE`, by key and selection) and keeps the ones
///    identical to the batch;
/// 2. unless foreign key checks are off, it finds, for every foreign key onto the table (from
///    any database, whatever its `ON DELETE` rule), the rows still referenced
///    ([`referenced`]), locking the child rows and gaps it reads: those rows are blocked, so no
///    `CASCADE`, `SET NULL` or `SET DEFAULT` ever reaches a row that was not archived;
/// 3. it deletes the others by key, re-checking the selection, children before their parents
///    in a table that references itself ([`References::levels`]; `DELETE IGNORE` on a table
///    others reference: a row a foreign key the check could not know about keeps stays, and
///    counts as blocked with the rows it references).
///
/// On an error the transaction is rolled back.
async fn delete_part(
    db: &mut Connection,
    retry: Retry,
    plan: &TablePlan,
    where_clause: &str,
    batch: &Batch,
    part: &[usize],
) -> Result<Part, RetryError> {
    let ignore = !plan.referenced_by.is_empty();
    // With foreign key checks off the server runs no referential action: nothing to protect.
    let check = ignore && db.foreign_key_checks() != Some(false);
    let lock = sql::lock_rows(plan, where_clause, part.len());
    // An engine without transactions (MyISAM, Aria, MEMORY...) locks no row for the read: the
    // table is locked instead, from the read to the delete, so that no row changes between
    // the compare and the delete. In a transaction all the same (`autocommit` off), so that
    // what its `DELETE` triggers did in tables with transactions rolls back with an error.
    let (begin, commit, rollback) = if plan.transactional {
        ("START TRANSACTION".to_string(), "COMMIT", "ROLLBACK")
    } else {
        (
            format!(
                "SET autocommit = 0; LOCK TABLES {} WRITE",
                qualified(&plan.db, &plan.table)
            ),
            "COMMIT; UNLOCK TABLES; SET autocommit = 1",
            "ROLLBACK; UNLOCK TABLES; SET autocommit = 1",
        )
    };
    let key_params = plan.key_params();
    let keys: Vec<Value> = part
        .iter()
        .flat_map(|&i| batch.bound_key(i, &plan.key_pos, &key_params))
        .collect();
    with_retry(db, retry, "delete", |a| {
        let (lock, keys, key_params, begin) = (lock.as_str(), keys.clone(), &key_params, &begin);
        Box::pin(async move {
            a.conn.query_drop(begin.as_str()).await?;
            let result = async {
                let found: Vec<Row> = a.conn.exec(lock, keys).await?;
                crate::table::definition::check(a.conn, plan).await?;
                let current: HashMap<String, Vec<Value>> = found
                    .into_iter()
                    .map(|row| {
                        let values = row.unwrap();
                        (key_id(plan.key_pos.iter().map(|&p| &values[p])), values)
                    })
                    .collect();
                let (same, changed): (Vec<usize>, Vec<usize>) =
                    part.iter().copied().partition(|&i| {
                        current.get(&batch.key_id(i, &plan.key_pos)) == Some(&batch.rows[i])
                    });
                let mut done = Part {
                    deleted: 0,
                    gone: part.len().saturating_sub(current.len()) as u64,
                    blocked: Vec::new(),
                    changed,
                };
                if same.is_empty() {
                    return Ok(done);
                }
                let refs = if check {
                    referenced(a.conn, plan, batch, &same).await?
                } else {
                    References::default()
                };
                let (same, mut blocked) = refs.split(plan, batch, same);
                // Children before their parents, so that no row of the statement is refused
                // (after its `BEFORE DELETE` triggers ran) for a row deleted after it.
                let (levels, refused) = refs.levels(plan, batch, &same);
                for i in refused {
                    blocked.push((i, refs.names(&batch.key_id(i, &plan.key_pos))));
                }
                let mut levels = levels.into_iter();
                // The rows the statements try to delete (a `DELETE IGNORE` counts the ones a
                // foreign key keeps), what the table's `DELETE` triggers are measured against.
                let guard = Guard::start(a.conn, plan).await?;
                let mut ours = Ours {
                    rows: 0,
                    statements: 0,
                };
                while let Some(level) = levels.next() {
                    let statement = sql::delete_rows(plan, where_clause, level.len(), ignore);
                    let params: Vec<Value> = level
                        .iter()
                        .flat_map(|&i| batch.bound_key(i, &plan.key_pos, key_params))
                        .collect();
                    a.conn.exec_drop(statement, params.clone()).await?;
                    ours.statements += 1;
                    if !ignore {
                        done.deleted += a.conn.affected_rows();
                        ours.rows += a.conn.affected_rows();
                        continue;
                    }
                    ours.rows += level.len() as u64;
                    // The rows of `level` are locked: those still there are the ones a
                    // foreign key kept, the others are the ones deleted. (Counted this way
                    // because the affected-rows count of a multi-table DELETE IGNORE that
                    // skipped rows is not reliable on MariaDB 10.11: it reported 0 for rows
                    // it deleted.)
                    let left = sql::select_remaining(plan, where_clause, level.len());
                    let rows: Vec<Row> = a.conn.exec(left, params).await?;
                    let left: HashSet<String> = rows
                        .into_iter()
                        .map(|row| {
                            let values = row.unwrap();
                            key_id(values[..plan.key.len()].iter())
                        })
                        .collect();
                    let kept: Vec<usize> = level
                        .iter()
                        .copied()
                        .filter(|&i| left.contains(&batch.key_id(i, &plan.key_pos)))
                        .collect();
                    done.deleted += (level.len() - kept.len()) as u64;
                    if kept.is_empty() {
                        continue;
                    }
                    // The rows kept keep the rows they reference in the levels to come.
                    let later: Vec<Vec<usize>> = levels.by_ref().collect();
                    let (rest, held) = refs.held_by(plan, batch, &kept, later);
                    for i in kept {
                        blocked.push((i, refs.names(&batch.key_id(i, &plan.key_pos))));
                    }
                    blocked.extend(held);
                    levels = rest.into_iter();
                }
                blocked.sort_by_key(|(i, _)| *i);
                done.blocked = blocked;
                guard.check(a.conn, plan, ours).await?;
                if done.deleted > 0 {
                    crate::table::definition::check_references(a.conn, plan).await?;
                }
                Ok(done)
            }
            .await;
            match result {
                Ok(done) => {
                    a.conn.query_drop(commit).await?;
                    Ok(done)
                }
                Err(e) => {
                    // A lost connection has rolled back already.
                    let _ = a.conn.query_drop(rollback).await;
                    Err(e)
                }
            }
        })
    })
    .await
}

/// Which rows of a chunk other rows reference, per foreign key onto the table (by constraint
/// name): the referenced row's key id, with the referencing row's key id when it is a row of
/// the table itself.
#[derive(Debug, Default)]
pub(crate) struct References {
    by_fk: Vec<(String, Vec<Reference>)>,
}

/// Rows (indexes into a batch) that stay, each with the constraints that keep it.
type Blocked = Vec<(usize, Vec<String>)>;

/// A referenced row's key id, and the referencing row's when it is a row of the same table.
type Reference = (String, Option<String>);

/// For the rows `rows` of the batch (locked, identical to what was archived), the rows that
/// reference them through each foreign key of `plan.referenced_by` ([`sql::children_of`],
/// one statement per foreign key, each a locking read).
pub(crate) async fn referenced(
    conn: &mut mysql_async::Conn,
    plan: &TablePlan,
    batch: &Batch,
    rows: &[usize],
) -> mysql_async::Result<References> {
    let mut out = References::default();
    let key_params = plan.key_params();
    let params: Vec<Value> = rows
        .iter()
        .flat_map(|&i| batch.bound_key(i, &plan.key_pos, &key_params))
        .collect();
    let n = plan.key.len();
    for fk in &plan.referenced_by {
        let self_ref = fk.db == plan.db && fk.table == plan.table;
        let statement = sql::children_of(plan, fk, rows.len(), self_ref);
        let found: Vec<Row> = match conn.exec(statement, params.clone()).await {
            Ok(found) => found,
            // A child table dropped since the plan was made holds no row.
            Err(mysql_async::Error::Server(e)) if e.code == NO_SUCH_TABLE => {
                tracing::debug!("{}: {}", qualified(&fk.db, &fk.table), e.message);
                continue;
            }
            Err(e) => return Err(e),
        };
        let pairs = found
            .into_iter()
            .map(|row| {
                let values = row.unwrap();
                let parent = key_id(values[..n].iter());
                let child = self_ref.then(|| key_id(values[n..].iter()));
                (parent, child)
            })
            .collect();
        out.by_fk.push((fk.name.clone(), pairs));
    }
    Ok(out)
}

/// Whether `from` reaches `to` going from rows to the rows they reference (`links` are
/// `(parent, child, _)`): with the link `to` → `from`, a cycle.
fn reaches(from: &str, to: &str, links: &[&(&str, &str, bool)]) -> bool {
    let mut seen: HashSet<&str> = HashSet::from([from]);
    let mut todo = vec![from];
    while let Some(at) = todo.pop() {
        for (p, c, _) in links {
            if *c == at {
                if *p == to {
                    return true;
                }
                if seen.insert(p) {
                    todo.push(p);
                }
            }
        }
    }
    false
}

/// The rows of `rows` in groups linked (either way) by `links`.
fn groups<'a>(rows: &HashSet<&'a str>, links: &[&(&'a str, &'a str, bool)]) -> Vec<Vec<&'a str>> {
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut sorted: Vec<&str> = rows.iter().copied().collect();
    sorted.sort_unstable();
    for start in sorted {
        if group_of.contains_key(start) {
            continue;
        }
        let n = groups.len();
        let mut group = vec![start];
        group_of.insert(start, n);
        let mut i = 0;
        while i < group.len() {
            let at = group[i];
            for (p, c, _) in links {
                let other = if *p == at {
                    *c
                } else if *c == at {
                    *p
                } else {
                    continue;
                };
                if rows.contains(other) && !group_of.contains_key(other) {
                    group_of.insert(other, n);
                    group.push(other);
                }
            }
            i += 1;
        }
        groups.push(group);
    }
    groups
}

/// `ER_NO_SUCH_TABLE`.
const NO_SUCH_TABLE: u16 = 1146;

impl References {
    /// Splits `rows` into the ones that can be deleted together and the blocked ones (with
    /// the constraints that reference them). A row is blocked when a row that stays
    /// references it: a row of another table, or a row of its own table that is not deleted
    /// with it. Blocking a row can block the rows it references in turn, so this repeats until
    /// nothing changes.
    pub(crate) fn split(
        &self,
        plan: &TablePlan,
        batch: &Batch,
        rows: Vec<usize>,
    ) -> (Vec<usize>, Vec<(usize, Vec<String>)>) {
        if self.by_fk.is_empty() {
            return (rows, Vec::new());
        }
        let ids: Vec<String> = rows
            .iter()
            .map(|&i| batch.key_id(i, &plan.key_pos))
            .collect();
        let mut going: HashSet<&str> = ids.iter().map(String::as_str).collect();
        loop {
            let mut changed = false;
            for (_, pairs) in &self.by_fk {
                for (parent, child) in pairs {
                    let stays = match child {
                        None => true,
                        Some(c) => !going.contains(c.as_str()),
                    };
                    if stays && going.remove(parent.as_str()) {
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut keep = Vec::new();
        let mut blocked = Vec::new();
        for (i, id) in rows.into_iter().zip(&ids) {
            if going.contains(id.as_str()) {
                keep.push(i);
            } else {
                blocked.push((i, self.names(id)));
            }
        }
        (keep, blocked)
    }

    /// `rows` (all going) in the order their statements must delete them: a row of the table
    /// that references another one of `rows` is deleted by an earlier statement than the row it
    /// references, so that the server refuses none of them for a row deleted after it (a
    /// refused row would have run its `BEFORE DELETE` triggers all the same). One level, all of
    /// `rows`, in a table that does not reference itself. Rows left that each wait for another
    /// one (a cycle, and the rows that reference it) go together last; or, when only
    /// `RESTRICT`/`NO ACTION` foreign keys link them, not at all: the server would refuse every
    /// one of them, so they come back apart (the second list), to be blocked.
    pub(crate) fn levels(
        &self,
        plan: &TablePlan,
        batch: &Batch,
        rows: &[usize],
    ) -> (Vec<Vec<usize>>, Vec<usize>) {
        // Without a reference from a row of the table itself, one level: no key to compute.
        let one_level = || {
            let levels = if rows.is_empty() {
                Vec::new()
            } else {
                vec![rows.to_vec()]
            };
            (levels, Vec::new())
        };
        if !self
            .by_fk
            .iter()
            .any(|(_, pairs)| pairs.iter().any(|(_, child)| child.is_some()))
        {
            return one_level();
        }
        let ids: Vec<String> = rows
            .iter()
            .map(|&i| batch.key_id(i, &plan.key_pos))
            .collect();
        let mut remaining: HashSet<&str> = ids.iter().map(String::as_str).collect();
        let restrictive = |name: &str| {
            plan.referenced_by.iter().any(|fk| {
                fk.name == name
                    && fk.db == plan.db
                    && fk.table == plan.table
                    && matches!(fk.on_delete, FkRule::Restrict | FkRule::NoAction)
            })
        };
        // (parent, child, through a `RESTRICT`/`NO ACTION` foreign key) of rows among `rows`.
        let pairs: Vec<(&str, &str, bool)> = self
            .by_fk
            .iter()
            .flat_map(|(name, pairs)| pairs.iter().map(move |pair| (name, pair)))
            .filter_map(|(name, (p, c))| Some((p.as_str(), c.as_deref()?, restrictive(name))))
            .filter(|(p, c, _)| remaining.contains(p) && remaining.contains(c))
            .collect();
        if pairs.is_empty() {
            return one_level();
        }
        let mut levels = Vec::new();
        let mut refused: HashSet<&str> = HashSet::new();
        while !remaining.is_empty() {
            // Rows that wait for another row left (not for themselves: a row that references
            // itself goes with no other row).
            let waiting: HashSet<&str> = pairs
                .iter()
                .filter(|(p, c, _)| p != c && remaining.contains(p) && remaining.contains(c))
                .map(|(p, _, _)| *p)
                .collect();
            let mut level: HashSet<&str> = remaining.difference(&waiting).copied().collect();
            if level.is_empty() {
                // Each row left waits for another one left. Rows whose cycles are linked by
                // `CASCADE`/`SET NULL`/`SET DEFAULT` only go together, in one statement,
                // whatever the order: what the server does to one of them it does to a row
                // deleted with it. A group where a cycle passes through a `RESTRICT`/`NO
                // ACTION` link cannot: the server refuses the row it meets before its child,
                // and deleting the others would cascade to, or null a column of, that refused
                // row, which stays. Such groups stay whole.
                let linked: Vec<&(&str, &str, bool)> = pairs
                    .iter()
                    .filter(|(p, c, _)| remaining.contains(p) && remaining.contains(c))
                    .collect();
                for group in groups(&remaining, &linked) {
                    let restricted = linked.iter().any(|(p, c, restrict)| {
                        *restrict && group.contains(p) && reaches(p, c, &linked)
                    });
                    if restricted {
                        for id in group {
                            remaining.remove(id);
                            refused.insert(id);
                        }
                    } else {
                        level.extend(group);
                    }
                }
            }
            // A row that references itself through a `RESTRICT`/`NO ACTION` foreign key: the
            // server refuses it in any statement.
            let own: Vec<&str> = pairs
                .iter()
                .filter(|(p, c, restrict)| p == c && *restrict && level.contains(p))
                .map(|(p, _, _)| *p)
                .collect();
            for id in own {
                level.remove(id);
                remaining.remove(id);
                refused.insert(id);
            }
            // ... and so are the rows that a refused row references, directly or not.
            loop {
                let more: Vec<&str> = pairs
                    .iter()
                    .filter(|(p, c, _)| refused.contains(c) && remaining.contains(p))
                    .map(|(p, _, _)| *p)
                    .collect();
                if more.is_empty() {
                    break;
                }
                for id in more {
                    level.remove(id);
                    remaining.remove(id);
                    refused.insert(id);
                }
            }
            for id in &level {
                remaining.remove(id);
            }
            let level: Vec<usize> = rows
                .iter()
                .zip(&ids)
                .filter(|(_, id)| level.contains(id.as_str()))
                .map(|(&i, _)| i)
                .collect();
            if !level.is_empty() {
                levels.push(level);
            }
        }
        let refused = rows
            .iter()
            .zip(&ids)
            .filter(|(_, id)| refused.contains(id.as_str()))
            .map(|(&i, _)| i)
            .collect();
        (levels, refused)
    }

    /// After the rows `kept` stayed (a foreign key the checks could not know about), the rows
    /// of the levels still to delete that they reference, directly or not, stay too: returns
    /// the levels without them, and them with the constraints that reference them.
    pub(crate) fn held_by(
        &self,
        plan: &TablePlan,
        batch: &Batch,
        kept: &[usize],
        later: Vec<Vec<usize>>,
    ) -> (Vec<Vec<usize>>, Blocked) {
        let mut staying: HashSet<String> = kept
            .iter()
            .map(|&i| batch.key_id(i, &plan.key_pos))
            .collect();
        loop {
            let more: Vec<String> = self
                .by_fk
                .iter()
                .flat_map(|(_, pairs)| pairs.iter())
                .filter_map(|(p, c)| Some((p, c.as_ref()?)))
                .filter(|(p, c)| staying.contains(*c) && !staying.contains(*p))
                .map(|(p, _)| p.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            staying.extend(more);
        }
        let mut held = Vec::new();
        let rest = later
            .into_iter()
            .map(|level| {
                level
                    .into_iter()
                    .filter(|&i| {
                        let id = batch.key_id(i, &plan.key_pos);
                        let stays = staying.contains(&id);
                        if stays {
                            held.push((i, self.names(&id)));
                        }
                        !stays
                    })
                    .collect::<Vec<usize>>()
            })
            .filter(|level| !level.is_empty())
            .collect();
        (rest, held)
    }

    /// The constraints through which some row references the row `id`.
    pub(crate) fn names(&self, id: &str) -> Vec<String> {
        self.by_fk
            .iter()
            .filter(|(_, pairs)| pairs.iter().any(|(p, _)| p == id))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// The constraint in a 1451 message: "... CONSTRAINT `name` FOREIGN KEY ...".
fn constraint_name(message: &str) -> Option<String> {
    let rest = &message[message.find("CONSTRAINT `")? + "CONSTRAINT `".len()..];
    let end = rest.find("` FOREIGN KEY")?;
    Some(rest[..end].replace("``", "`"))
}

/// The log lines for a row a foreign key keeps: which rows reference it and how to find them.
/// Only the `constraints` found blocking are listed, all foreign keys onto the table when none
/// could be told. (The original also suggested an `UPDATE` marking them deleted: on a service's
/// live rows, behind its back, with a `deleted` column it did not set, and on child tables that
/// may have no such column, it was advice to leave out.)
pub fn blocked_report(
    plan: &TablePlan,
    batch: &Batch,
    row: usize,
    constraints: &[String],
) -> Vec<String> {
    let kinds = batch.literal_kinds();
    let value_of = |col: &str| -> Option<String> {
        let i = plan.columns.iter().position(|c| c == col)?;
        Some(literal(&batch.rows[row][i], kinds[i]))
    };
    let mut lines = vec![format!(
        "{}: row ({}) kept: rows still reference it{}",
        qualified(&plan.db, &plan.table),
        batch.describe_key(row, &plan.key, &plan.key_pos),
        match constraints {
            [] => String::new(),
            [one] => format!(" (constraint {one})"),
            many => format!(" (constraints {})", many.join(", ")),
        }
    )];
    for fk in plan
        .referenced_by
        .iter()
        .filter(|f| constraints.is_empty() || constraints.contains(&f.name))
    {
        let conds: Option<Vec<String>> = fk
            .columns
            .iter()
            .zip(&fk.referenced_columns)
            .map(|(child_col, parent_col)| {
                Some(format!(
                    "{} = {}",
                    crate::mysql::ident::quote_ident(child_col),
                    value_of(parent_col)?
                ))
            })
            .collect();
        let Some(conds) = conds else { continue };
        let child = qualified(&fk.db, &fk.table);
        let cond = conds.join(" AND ");
        lines.push(format!("  find them: SELECT * FROM {child} WHERE {cond};"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_constraint_from_a_1451_message() {
        let m = "Cannot delete or update a parent row: a foreign key constraint fails (`nova`.`instance_metadata`, CONSTRAINT `instance_metadata_instance_uuid_fkey` FOREIGN KEY (`instance_uuid`) REFERENCES `instances` (`uuid`))";
        assert_eq!(
            constraint_name(m).as_deref(),
            Some("instance_metadata_instance_uuid_fkey")
        );
        assert_eq!(constraint_name("something else"), None);
    }
}
