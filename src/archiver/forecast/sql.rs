//! The statements of the dry run's plan: which eligible rows a real run would keep because a
//! row that stays references them (chains included), which conflict with an archive table on
//! the source's server, and how long the rows are.
//!
//! A row *stays* when the real run reaches its parent's table if its own table was not gone
//! through yet (not chosen, in a later database, `delete_data` off), or if it is not eligible,
//! conflicts with the archive, or is itself kept by a row that stays when its table was gone
//! through (the *horizon*: the tables done before it). That is the predicate the real run's
//! delete evaluates row by row, written once as SQL: nested `EXISTS` down the foreign keys, and
//! for a table that references itself a recursive CTE walking up from the rows kept to their
//! ancestors (a row that references itself stays under `RESTRICT` and `NO ACTION`, which the
//! server refuses to delete, and so do the rows of a cycle of eligible rows linked by such
//! references: a second recursive CTE climbs from every eligible row and finds the climbs that
//! come back). Every `EXISTS` is an index probe (the child's foreign-key index, the archive's
//! key); the eligible rows are found through the `where` like the `COUNT(*)`.

use std::cell::Cell;

use crate::mysql::ident::{qualified, quote_ident};
use crate::mysql::schema::{FkRule, ForeignKey};
use crate::table::TablePlan;

/// A table the dry run has gone through, as the real run leaves it: its eligible rows gone but
/// those kept (blocked or conflicting).
#[derive(Debug, Clone)]
pub struct Done {
    pub plan: TablePlan,
    /// Its archive tables on the source's server that exist already: an eligible row whose
    /// key holds a different row there is a conflict.
    pub archives: Vec<ArchiveRef>,
    /// The tables of its database in the same foreign-key cycle (itself included; empty when
    /// it is in none).
    pub cycle: Vec<String>,
}

/// An archive table on the source's server that exists already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveRef {
    pub db: String,
    pub table: String,
    /// The start and end columns of the application-time period its key is `WITHOUT
    /// OVERLAPS` on ([`crate::destination::db::ArchiveTable::period`]).
    pub period: Option<(String, String)>,
    /// Its other unique keys ([`crate::destination::db::ArchiveTable::unique`]): an archived
    /// row of another key with the same values there refuses the row.
    pub unique: Vec<Vec<String>>,
}

impl Done {
    fn in_cycle_with(&self, db: &str, table: &str) -> bool {
        self.plan.db == db && self.cycle.iter().any(|t| t == table)
    }

    /// Kept rows found by a recursive CTE: a table referencing itself outside any cycle with
    /// other tables (within a cycle, self references are unrolled with the cycle's).
    fn recursive(&self) -> bool {
        self.plan.references_itself() && self.cycle.is_empty()
    }
}

/// How many times the rows of a foreign-key cycle are followed round it (the real run passes
/// over a cycle at most 10 times): a row further down stays in the plan.
pub const CYCLE_DEPTH: u32 = 10;

/// The longest cycle of rows of one table the dry run looks for (a climb from each eligible
/// row stops after so many rows, so that a long chain costs rows times this, not rows squared):
/// a longer one is predicted to go, which the real run then blocks.
pub const CYCLE_ROWS: u32 = 100;

/// Writes the plan's statements for the tables of one source.
pub struct Builder<'a> {
    /// The tables gone through so far, in order.
    done: &'a [Done],
    /// The tables of the foreign-key cycle of the table being planned, if it is in one: the
    /// real run passes over them until nothing more goes, so each counts as gone through for
    /// the others.
    group: &'a [Done],
    where_clause: &'a str,
    /// The `where` qualifies a column with its table's name ([`Builder::eligible`]).
    names_a_table: bool,
    /// The last alias number handed out (aliases must differ in nested subqueries).
    n: Cell<usize>,
    /// How many more times a cycle may be followed round (see [`CYCLE_DEPTH`]).
    depth: Cell<u32>,
}

fn is_self(fk: &ForeignKey, plan: &TablePlan) -> bool {
    fk.db == plan.db && fk.table == plan.table
}

/// `c.fk1 = p.ref1 AND ...`.
fn join(fk: &ForeignKey, child: &str, parent: &str) -> String {
    fk.columns
        .iter()
        .zip(&fk.referenced_columns)
        .map(|(c, p)| format!("{child}.{} = {parent}.{}", quote_ident(c), quote_ident(p)))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// `a.k` or `(a.k1, a.k2)`.
fn key_tuple(plan: &TablePlan, alias: &str) -> String {
    let cols: Vec<String> = plan
        .key
        .iter()
        .map(|k| format!("{alias}.{}", quote_ident(k)))
        .collect();
    if cols.len() == 1 {
        cols[0].clone()
    } else {
        format!("({})", cols.join(", "))
    }
}

impl<'a> Builder<'a> {
    pub fn new(done: &'a [Done], group: &'a [Done], where_clause: &'a str, depth: u32) -> Self {
        Builder {
            done,
            group,
            where_clause,
            names_a_table: crate::config::condition::names_a_table(where_clause),
            n: Cell::new(0),
            depth: Cell::new(depth),
        }
    }

    /// The table `db`.`table` as gone through, with the horizon its own children are seen at:
    /// among the tables done before `horizon`, or, for a table of `parent`'s foreign-key cycle,
    /// among all the tables of the cycle.
    fn entry(
        &self,
        db: &str,
        table: &str,
        horizon: usize,
        parent: &Done,
    ) -> Option<(&'a Done, usize)> {
        let same = |d: &&Done| d.plan.db == db && d.plan.table == table;
        if parent.in_cycle_with(db, table) {
            return self
                .done
                .iter()
                .chain(self.group)
                .find(same)
                .map(|d| (d, horizon));
        }
        self.done[..horizon]
            .iter()
            .position(|d| same(&d))
            .map(|i| (&self.done[i], i))
    }

    fn alias(&self, prefix: &str) -> String {
        self.n.set(self.n.get() + 1);
        format!("{prefix}{}", self.n.get())
    }

    /// The row `row` of `plan`'s table, the innermost in scope, is eligible, as the `where`
    /// says it (its columns unqualified): so the server can read the eligible rows through its
    /// index. A `where` that names its table (`t.deleted_at`) would find no such name here,
    /// where every table has an alias: it is then asked of the row's key among the table's
    /// rows it selects, in a scope of its own where the table has its name.
    fn eligible(&self, plan: &TablePlan, row: &str) -> String {
        if self.names_a_table {
            return format!("{} IN ({})", key_tuple(plan, row), self.selected(plan));
        }
        format!("({})", self.where_clause)
    }

    /// The row `row` of `plan`'s table, the innermost in scope, is not eligible (`where` false
    /// or NULL).
    fn not_eligible(&self, plan: &TablePlan, row: &str) -> String {
        if self.names_a_table {
            return format!("{} NOT IN ({})", key_tuple(plan, row), self.selected(plan));
        }
        format!("NOT COALESCE(({}), 0)", self.where_clause)
    }

    /// `SELECT k1, k2 FROM db.t WHERE (where)`: the keys of the rows the `where` selects.
    fn selected(&self, plan: &TablePlan) -> String {
        let keys: Vec<String> = plan.key.iter().map(|k| quote_ident(k)).collect();
        format!(
            "SELECT {} FROM {} WHERE ({})",
            keys.join(", "),
            qualified(&plan.db, &plan.table),
            self.where_clause
        )
    }

    /// The row `a` of `archives`' table conflicts: its key holds another row in one of them.
    /// `None` without archive tables.
    fn conflict(&self, plan: &TablePlan, archives: &[ArchiveRef], a: &str) -> Option<String> {
        if archives.is_empty() {
            return None;
        }
        let parts: Vec<String> = archives
            .iter()
            .map(|archive| {
                let x = self.alias("x");
                let period = archive.period.as_ref();
                let in_period = |k: &String| period.is_some_and(|(s, e)| k == s || k == e);
                let mut key: Vec<String> = plan
                    .key
                    .iter()
                    .filter(|k| !in_period(k))
                    .map(|k| format!("{x}.{k} = {a}.{k}", k = quote_ident(k)))
                    .collect();
                // A key WITHOUT OVERLAPS holds one row per period that overlaps no other
                // (periods are [start, end)).
                if let Some((s, e)) = period {
                    let (s, e) = (quote_ident(s), quote_ident(e));
                    key.push(format!("{x}.{s} < {a}.{e} AND {a}.{s} < {x}.{e}"));
                }
                let same: Vec<String> = plan
                    .columns
                    .iter()
                    .map(|c| format!("BINARY {x}.{c} <=> BINARY {a}.{c}", c = quote_ident(c)))
                    .collect();
                let mut part = format!(
                    "EXISTS (SELECT 1 FROM {} AS {x} WHERE {} AND NOT ({}))",
                    qualified(&archive.db, &archive.table),
                    key.join(" AND "),
                    same.join(" AND ")
                );
                // Another unique key: the same values (none NULL: NULLs never clash) under
                // another key.
                for unique in &archive.unique {
                    let y = self.alias("u");
                    let equal: Vec<String> = unique
                        .iter()
                        .map(|c| format!("{y}.{c} = {a}.{c}", c = quote_ident(c)))
                        .collect();
                    let same_key: Vec<String> = plan
                        .key
                        .iter()
                        .map(|k| format!("{y}.{k} <=> {a}.{k}", k = quote_ident(k)))
                        .collect();
                    part.push_str(&format!(
                        " OR EXISTS (SELECT 1 FROM {} AS {y} WHERE {} AND NOT ({}))",
                        qualified(&archive.db, &archive.table),
                        equal.join(" AND "),
                        same_key.join(" AND ")
                    ));
                }
                part
            })
            .collect();
        Some(parts.join(" OR "))
    }

    /// ` AND NOT (<conflict>)` for the row `a`, or nothing without archive tables.
    fn not_conflict(&self, plan: &TablePlan, archives: &[ArchiveRef], a: &str) -> String {
        self.conflict(plan, archives, a)
            .map(|c| format!(" AND NOT ({c})"))
            .unwrap_or_default()
    }

    /// The row `a` of `db`.`table`, a child of `parent`'s, is still in the source when the
    /// table at `horizon` (an index into the tables done) is gone through.
    fn stays(&self, db: &str, table: &str, a: &str, horizon: usize, parent: &Done) -> String {
        let Some((done, h)) = self.entry(db, table, horizon, parent) else {
            return "1".to_string();
        };
        let mut parts = vec![self.not_eligible(&done.plan, a)];
        parts.extend(self.conflict(&done.plan, &done.archives, a));
        if !done.cycle.is_empty() {
            // Round the cycle once more, or, when that is done often enough, the row stays.
            let depth = self.depth.get();
            if depth == 0 {
                return "1".to_string();
            }
            self.depth.set(depth - 1);
            parts.extend(self.base(done, a, h));
            self.depth.set(depth);
        } else if done.recursive() {
            let (cte, b) = self.kept_cte(done, h);
            parts.push(format!(
                "{} IN ({cte} SELECT {} FROM {b})",
                key_tuple(&done.plan, a),
                key_columns(&done.plan).join(", ")
            ));
        } else if let Some(base) = self.base(done, a, h) {
            parts.push(base);
        }
        format!("({})", parts.join(" OR "))
    }

    /// Row `child` of `fk`'s table references `p` (a row of `parent`'s table) and stays (at
    /// `horizon`; for a reference from the table itself, `kept` says whether a row of the
    /// table is kept).
    fn child_stays(
        &self,
        parent: &Done,
        fk: &ForeignKey,
        p: &str,
        horizon: usize,
        kept: Option<&str>,
    ) -> String {
        let c = self.alias("c");
        let plan = &parent.plan;
        let stays = if is_self(fk, plan) && parent.cycle.is_empty() {
            let mut parts = vec![self.not_eligible(plan, &c)];
            parts.extend(self.conflict(plan, &parent.archives, &c));
            if let Some(b) = kept {
                parts.push(format!(
                    "{} IN (SELECT {} FROM {b})",
                    key_tuple(plan, &c),
                    key_columns(plan).join(", ")
                ));
            }
            format!("({})", parts.join(" OR "))
        } else {
            self.stays(&fk.db, &fk.table, &c, horizon, parent)
        };
        // A row that references itself through a key that cascades or sets NULL does not keep
        // itself: its delete takes the reference with it.
        let not_itself =
            if is_self(fk, plan) && matches!(fk.on_delete, FkRule::Cascade | FkRule::SetNull) {
                let same: Vec<String> = plan
                    .key
                    .iter()
                    .map(|k| format!("{c}.{k} <=> {p}.{k}", k = quote_ident(k)))
                    .collect();
                format!(" AND NOT ({})", same.join(" AND "))
            } else {
                String::new()
            };
        format!(
            "EXISTS (SELECT 1 FROM {} AS {c} WHERE {}{not_itself} AND {stays})",
            qualified(&fk.db, &fk.table),
            join(fk, &c, p)
        )
    }

    /// The eligible row `p` of the table is referenced by a row that stays, not counting the
    /// chains through its own table (rows of the table itself count when they are not
    /// eligible or conflict). `None` when nothing references the table.
    fn base(&self, done: &Done, p: &str, horizon: usize) -> Option<String> {
        let plan = &done.plan;
        let mut parts: Vec<String> = plan
            .referenced_by
            .iter()
            .map(|fk| self.child_stays(done, fk, p, horizon, None))
            .collect();
        // A row that references itself under RESTRICT or NO ACTION can never be deleted: the
        // server refuses (1451) to delete a parent its own row references.
        parts.extend(
            plan.referenced_by
                .iter()
                .filter(|fk| {
                    is_self(fk, plan) && !matches!(fk.on_delete, FkRule::Cascade | FkRule::SetNull)
                })
                .map(|fk| format!("({})", join(fk, p, p))),
        );
        (!parts.is_empty()).then(|| format!("({})", parts.join(" OR ")))
    }

    /// `WITH RECURSIVE b (k0, ..., f0_0, ...) AS (...)`: the keys of the eligible rows of the
    /// table that stay because a row that stays references them (at `horizon`), not counting
    /// conflicts; and the CTE's name. The columns `f<i>_<j>` are the row's own references
    /// through the table's foreign keys onto itself: the recursion climbs them to the rows a
    /// kept row keeps.
    fn kept_cte(&self, done: &Done, horizon: usize) -> (String, String) {
        let (plan, archives) = (&done.plan, done.archives.as_slice());
        let b = self.alias("b");
        let selfs: Vec<&ForeignKey> = plan
            .referenced_by
            .iter()
            .filter(|f| is_self(f, plan))
            .collect();
        let mut names = key_columns(plan);
        names.extend(reference_names(&selfs));
        let select = |alias: &str| -> String {
            let mut cols = qualified_key(plan, alias);
            cols.extend(reference_columns(&selfs, alias));
            cols.join(", ")
        };
        let not_conflict = |alias: &str| self.not_conflict(plan, archives, alias);
        let p = self.alias("p");
        let mut base = self
            .base(done, &p, horizon)
            .unwrap_or_else(|| "0".to_string());
        // Rows in a cycle of eligible rows linked by `RESTRICT`/`NO ACTION` references onto
        // the table itself: the server refuses each of them whatever the order, and the real
        // run keeps them without a delete.
        let cycles = self.restrict_cycles(done);
        if let Some((_, cyc)) = &cycles {
            base = format!(
                "({base} OR {} IN (SELECT {} FROM {cyc} WHERE back AND r))",
                key_tuple(plan, &p),
                (0..plan.key.len())
                    .map(|i| format!("s{i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let mut sql = format!(
            "WITH RECURSIVE {}{b} ({}) AS (SELECT {} FROM {} AS {p} WHERE {}{} AND {base}",
            cycles
                .as_ref()
                .map(|(cte, _)| format!("{cte}, "))
                .unwrap_or_default(),
            names.join(", "),
            select(&p),
            qualified(&plan.db, &plan.table),
            self.eligible(plan, &p),
            not_conflict(&p),
        );
        for (i, fk) in selfs.iter().enumerate() {
            let e = self.alias("e");
            sql.push_str(&format!(
                " UNION SELECT {} FROM {b} JOIN {} AS {e} ON {} WHERE {}{}",
                select(&e),
                qualified(&plan.db, &plan.table),
                climb(fk, i, &e, &b),
                self.eligible(plan, &e),
                not_conflict(&e),
            ));
        }
        sql.push(')');
        (sql, b)
    }

    /// `cyc (s0, ..., f0_0, ..., back, n) AS (...)` (without `WITH RECURSIVE`) and its name:
    /// from every eligible row of the table (not conflicting), the climb up its `RESTRICT`/`NO
    /// ACTION` references onto the table itself through eligible rows, [`CYCLE_ROWS`] rows at
    /// most, from each peak (a row whose references go both to and from a smaller key: the
    /// greatest key of a cycle is one) through rows of smaller keys; `back` marks a climb that
    /// came back to the row it started from (`s0, ...`: a row in a cycle; the rest of the
    /// cycle is what that row keeps). `None` when no such reference is on the table.
    fn restrict_cycles(&self, done: &Done) -> Option<(String, String)> {
        let (plan, archives) = (&done.plan, done.archives.as_slice());
        let restricts = |f: &ForeignKey| matches!(f.on_delete, FkRule::Restrict | FkRule::NoAction);
        // Every reference onto the table itself is climbed; `r` says whether a climb went
        // through a `RESTRICT`/`NO ACTION` one (a cycle linked by `CASCADE`/`SET NULL` only goes
        // in one statement; one that passes through such a link stays whole).
        let selfs: Vec<&ForeignKey> = plan
            .referenced_by
            .iter()
            .filter(|f| is_self(f, plan))
            .collect();
        if !selfs.iter().any(|f| restricts(f)) {
            return None;
        }
        let cyc = self.alias("cyc");
        let starts: Vec<String> = (0..plan.key.len()).map(|i| format!("s{i}")).collect();
        let mut names = starts.clone();
        names.extend(reference_names(&selfs));
        names.push("back".to_string());
        names.push("r".to_string());
        names.push("n".to_string());
        let not_conflict = |alias: &str| self.not_conflict(plan, archives, alias);
        let p = self.alias("p");
        let mut first = qualified_key(plan, &p);
        first.extend(reference_columns(&selfs, &p));
        first.push("0".to_string());
        first.push("0".to_string());
        first.push("0".to_string());
        // The climbs start at the peaks: rows that reference, and are referenced by, an eligible
        // row of a smaller key (through such references). The greatest key of a cycle is one.
        let table = qualified(&plan.db, &plan.table);
        let smaller = |link: fn(&ForeignKey, &str, &str) -> String| -> String {
            selfs
                .iter()
                .map(|fk| {
                    let q = self.alias("q");
                    format!(
                        "EXISTS (SELECT 1 FROM {table} AS {q} WHERE {} AND {} < {} AND {})",
                        link(fk, &q, &p),
                        key_tuple(plan, &q),
                        key_tuple(plan, &p),
                        self.eligible(plan, &q)
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR ")
        };
        let parent_smaller = smaller(|fk, q, p| join(fk, p, q));
        let child_smaller = smaller(join);
        let mut sql = format!(
            "{cyc} ({}) AS (SELECT {} FROM {table} AS {p} WHERE {}{} AND ({parent_smaller}) AND ({child_smaller})",
            names.join(", "),
            first.join(", "),
            self.eligible(plan, &p),
            not_conflict(&p),
        );
        let start = if starts.len() == 1 {
            format!("{cyc}.{}", starts[0])
        } else {
            format!(
                "({})",
                starts
                    .iter()
                    .map(|s| format!("{cyc}.{s}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        for (i, fk) in selfs.iter().enumerate() {
            let e = self.alias("e");
            let mut cols: Vec<String> = starts.iter().map(|s| format!("{cyc}.{s}")).collect();
            cols.extend(reference_columns(&selfs, &e));
            cols.push(format!("{} = {start}", key_tuple(plan, &e)));
            cols.push(if restricts(fk) {
                "1".to_string()
            } else {
                format!("{cyc}.r")
            });
            cols.push(format!("{cyc}.n + 1"));
            // Only through rows of a smaller key than the peak's, back to the peak.
            sql.push_str(&format!(
                " UNION SELECT {} FROM {cyc} JOIN {table} AS {e} ON {} WHERE NOT {cyc}.back AND {cyc}.n < {CYCLE_ROWS} AND {} <= {start} AND {}{}",
                cols.join(", "),
                climb(fk, i, &e, &cyc),
                key_tuple(plan, &e),
                self.eligible(plan, &e),
                not_conflict(&e),
            ));
        }
        sql.push(')');
        Some((sql, cyc))
    }

    /// For the table about to be gone through (not among the tables done): `SELECT COUNT(*),
    /// SUM(<through fk 1>), ...` over its eligible rows that a real run would keep for rows that
    /// stay (conflicts not counted: they stay as conflicts), then how many of them each foreign
    /// key of `plan.referenced_by` references from a row that stays. `None` when no foreign key
    /// references the table.
    ///
    /// Without a foreign key onto itself, one pass over the eligible rows (read through the
    /// `where`), each probed in the children's foreign-key indexes. With one, the kept rows are
    /// a recursive CTE (the same pass, then the climb by key), and the count reads them back by
    /// key, the CTE first.
    pub fn blocked(&self, me: &Done) -> Option<String> {
        let (plan, archives) = (&me.plan, me.archives.as_slice());
        if plan.referenced_by.is_empty() {
            return None;
        }
        let horizon = self.done.len();
        let table = qualified(&plan.db, &plan.table);
        if !me.recursive() {
            let p = self.alias("p");
            let base = self.base(me, &p, horizon)?;
            let not_conflict = self.not_conflict(plan, archives, &p);
            let sums = self.sums(me, &p, horizon, None);
            return Some(format!(
                "SELECT COUNT(*), {sums} FROM {table} AS {p} WHERE {}{not_conflict} AND {base}",
                self.eligible(plan, &p)
            ));
        }
        let (cte, b) = self.kept_cte(me, horizon);
        let p = self.alias("p");
        let sums = self.sums(me, &p, horizon, Some(&b));
        let on: Vec<String> = plan
            .key
            .iter()
            .enumerate()
            .map(|(i, k)| format!("{p}.{} = {b}.k{i}", quote_ident(k)))
            .collect();
        Some(format!(
            "{cte} SELECT STRAIGHT_JOIN COUNT(*), {sums} FROM {b} JOIN {table} AS {p} ON {}",
            on.join(" AND ")
        ))
    }

    /// The rough count of [`Builder::blocked`] for a table whose foreign-key graph is too large
    /// to follow in one statement: every eligible row that any row references (eligible or
    /// not), per foreign key. It counts more rows kept than the real run keeps, never fewer.
    pub fn referenced(&self, me: &Done) -> Option<String> {
        let plan = &me.plan;
        if plan.referenced_by.is_empty() {
            return None;
        }
        let p = self.alias("p");
        let exists: Vec<String> = plan
            .referenced_by
            .iter()
            .map(|fk| {
                let c = self.alias("c");
                format!(
                    "EXISTS (SELECT 1 FROM {} AS {c} WHERE {})",
                    qualified(&fk.db, &fk.table),
                    join(fk, &c, &p)
                )
            })
            .collect();
        let sums: Vec<String> = exists
            .iter()
            .map(|e| format!("COALESCE(SUM({e}), 0)"))
            .collect();
        Some(format!(
            "SELECT COUNT(*), {} FROM {} AS {p} WHERE {} AND ({})",
            sums.join(", "),
            qualified(&plan.db, &plan.table),
            self.eligible(plan, &p),
            exists.join(" OR ")
        ))
    }

    /// `COALESCE(SUM(<row p referenced through fk> ), 0), ...` for each foreign key onto the
    /// table (`kept`: the CTE of the table's kept rows, when it references itself).
    fn sums(&self, me: &Done, p: &str, horizon: usize, kept: Option<&str>) -> String {
        let plan = &me.plan;
        plan.referenced_by
            .iter()
            .map(|fk| {
                let mut through = self.child_stays(me, fk, p, horizon, kept);
                if is_self(fk, plan) && !matches!(fk.on_delete, FkRule::Cascade | FkRule::SetNull) {
                    through = format!("({through} OR ({}))", join(fk, p, p));
                }
                format!("COALESCE(SUM({through}), 0)")
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `SELECT COUNT(*) FROM t AS p WHERE (where) AND (conflict)`: the eligible rows whose key
    /// holds another row in one of `archives`. `None` without archive tables.
    pub fn conflicts(&self, plan: &TablePlan, archives: &[ArchiveRef]) -> Option<String> {
        let p = self.alias("p");
        let conflict = self.conflict(plan, archives, &p)?;
        Some(format!(
            "SELECT COUNT(*) FROM {} AS {p} WHERE {} AND ({conflict})",
            qualified(&plan.db, &plan.table),
            self.eligible(plan, &p)
        ))
    }

    /// `SELECT COUNT(*) - COUNT(DISTINCT p.u1, p.u2) FROM t AS p WHERE <eligible> AND p.u1 IS
    /// NOT NULL ... AND NOT (<conflict with archive>)`: the eligible rows that repeat
    /// another's values of `unique`, a unique key of `archive`'s table that the source lacks
    /// (dropped by a later migration): the first goes, the others conflict with it in the
    /// archive. Rows that conflict with the archive already (counted by [`Self::conflicts`])
    /// are left out: they never reach it, and a repeat of one of them goes.
    pub fn eligible_duplicates(
        &self,
        plan: &TablePlan,
        archive: &ArchiveRef,
        unique: &[String],
    ) -> String {
        let p = self.alias("p");
        let cols: Vec<String> = unique
            .iter()
            .map(|c| format!("{p}.{}", quote_ident(c)))
            .collect();
        let not_null: Vec<String> = cols
            .iter()
            .map(|c| format!(" AND {c} IS NOT NULL"))
            .collect();
        format!(
            "SELECT COUNT(*) - COUNT(DISTINCT {}) FROM {} AS {p} WHERE {}{}{}",
            cols.join(", "),
            qualified(&plan.db, &plan.table),
            self.eligible(plan, &p),
            not_null.concat(),
            self.not_conflict(plan, std::slice::from_ref(archive), &p)
        )
    }
}

/// `alias.k1, alias.k2, ...`: the key's columns of the row `alias`.
fn qualified_key(plan: &TablePlan, alias: &str) -> Vec<String> {
    plan.key
        .iter()
        .map(|k| format!("{alias}.{}", quote_ident(k)))
        .collect()
}

/// The names a recursive CTE gives the referencing columns of `selfs` (foreign keys of a table
/// onto itself): `f<i>_<j>`, column `j` of foreign key `i`.
fn reference_names(selfs: &[&ForeignKey]) -> Vec<String> {
    selfs
        .iter()
        .enumerate()
        .flat_map(|(i, fk)| (0..fk.columns.len()).map(move |j| format!("f{i}_{j}")))
        .collect()
}

/// The referencing columns of `selfs` of the row `alias`, in [`reference_names`]' order.
fn reference_columns(selfs: &[&ForeignKey], alias: &str) -> Vec<String> {
    selfs
        .iter()
        .flat_map(|fk| {
            fk.columns
                .iter()
                .map(move |c| format!("{alias}.{}", quote_ident(c)))
        })
        .collect()
}

/// The join that climbs from a row of the recursive CTE `cte` to the row `alias` it references
/// through `fk` (the CTE's foreign key `i`): `alias.ref0 = cte.f<i>_0 AND ...`.
fn climb(fk: &ForeignKey, i: usize, alias: &str, cte: &str) -> String {
    fk.referenced_columns
        .iter()
        .enumerate()
        .map(|(j, r)| format!("{alias}.{} = {cte}.f{i}_{j}", quote_ident(r)))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The CTE's key column names, `k0, k1, ...`: its own names, which the `where` cannot mean.
fn key_columns(plan: &TablePlan) -> Vec<String> {
    (0..plan.key.len()).map(|i| format!("k{i}")).collect()
}

/// `SELECT COUNT(*), SUM(len) FROM (SELECT LENGTH(c1) + ... FROM t WHERE (where) LIMIT n)`:
/// the length of the first `n` eligible rows' values as the files write them (`LENGTH`, in
/// bytes; NULL as 0): twice that and the quotes for a value written in hexadecimal (binary
/// data, text in a character set that is not UTF-8), which the plan counted once (half the
/// size of a table of BLOBs, and a disk it said would do filled up).
pub fn sample_length(plan: &TablePlan, where_clause: &str, n: u64) -> String {
    let lengths: Vec<String> = plan
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if written_in_hex(plan, i) {
                format!("COALESCE(2 * LENGTH({}) + 3, 0)", quote_ident(c))
            } else {
                format!("COALESCE(LENGTH({}), 0)", quote_ident(c))
            }
        })
        .collect();
    format!(
        "SELECT COUNT(*), COALESCE(SUM(len), 0) FROM (SELECT {} AS len FROM {} WHERE ({where_clause}) LIMIT {n}) AS s",
        balanced_sum(&lengths),
        qualified(&plan.db, &plan.table)
    )
}

/// `terms` added up (`0` for none) as a balanced tree of parenthesized halves: the server parses
/// `a + b + c ...` as nested expressions, one level a term, and about 500 of them overran its
/// thread stack (1436) on a table of 600 columns; halves keep the depth to the logarithm.
fn balanced_sum(terms: &[String]) -> String {
    const FLAT: usize = 16;
    match terms.len() {
        0 => "0".to_string(),
        n if n <= FLAT => terms.join(" + "),
        n => format!(
            "({}) + ({})",
            balanced_sum(&terms[..n / 2]),
            balanced_sum(&terms[n / 2..])
        ),
    }
}

/// Whether the files write column `i`'s values in hexadecimal: binary types, and text in a
/// character set that is not UTF-8 (see [`crate::mysql::literal`]).
fn written_in_hex(plan: &TablePlan, i: usize) -> bool {
    let binary = plan
        .column_types
        .get(i)
        .is_some_and(|t| crate::mysql::literal::is_binary_type(t));
    let encoded = plan
        .column_charsets
        .get(i)
        .and_then(Option::as_ref)
        .is_some_and(|(cs, _)| crate::mysql::literal::Charset::needs_own_bytes(cs).is_some());
    binary || encoded
}

#[cfg(test)]
mod tests;
