//! Which tables may run at the same time: the tables of a source fall into groups connected by
//! foreign-key paths (in either direction, through any table of any database of the server,
//! archived or not), and different groups may run at once. Within a group, a step waits for the
//! earlier steps joined to it by a directed path ([`waits_for`]): a parent for its children,
//! while siblings run at once.

use std::collections::HashMap;

use crate::mysql::schema::ForeignKey;

/// Union-find over `(database, table)` names.
#[derive(Default)]
struct Components {
    index: HashMap<(String, String), usize>,
    parent: Vec<usize>,
}

impl Components {
    fn id(&mut self, db: &str, table: &str) -> usize {
        let next = self.parent.len();
        let id = *self
            .index
            .entry((db.to_string(), table.to_string()))
            .or_insert(next);
        if id == next {
            self.parent.push(next);
        }
        id
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        if a != b {
            // The smaller index stays the root: the result does not depend on the FK order.
            let (lo, hi) = if a < b { (a, b) } else { (b, a) };
            self.parent[hi] = lo;
        }
    }
}

/// Groups `steps` (each the `(database, table)` names of one step of the sequential order: a
/// table, or the tables of a foreign-key cycle) into sets that share no foreign-key path with
/// one another, given every foreign key of the server. Each group lists its steps' indexes in
/// the sequential order; the groups come in the order of their first step.
pub fn connected(steps: &[Vec<(String, String)>], fks: &[ForeignKey]) -> Vec<Vec<usize>> {
    let mut c = Components::default();
    // Every step's tables first, so that their ids (and the roots) follow the sequential order.
    let ids: Vec<Vec<usize>> = steps
        .iter()
        .map(|tables| tables.iter().map(|(d, t)| c.id(d, t)).collect())
        .collect();
    for tables in &ids {
        for pair in tables.windows(2) {
            c.join(pair[0], pair[1]);
        }
    }
    for fk in fks {
        let a = c.id(&fk.db, &fk.table);
        let b = c.id(&fk.referenced_db, &fk.referenced_table);
        c.join(a, b);
    }
    let mut groups: Vec<(usize, Vec<usize>)> = Vec::new();
    for (step, tables) in ids.iter().enumerate() {
        let Some(&first) = tables.first() else {
            continue;
        };
        let root = c.root(first);
        match groups.iter_mut().find(|(r, _)| *r == root) {
            Some((_, members)) => members.push(step),
            None => groups.push((root, vec![step])),
        }
    }
    groups.into_iter().map(|(_, members)| members).collect()
}

/// For each of `steps` (in the sequential order), the earlier steps it must wait for: those
/// joined to it by a directed foreign-key path, one way or the other (through any table of
/// any database of the server). A step runs after the steps whose tables reference its own,
/// so that their rows are archived first, as in the sequential order; a step not joined to an
/// earlier one by such a path touches no row that the earlier one reads, locks or deletes
/// (its deletes reach only tables that reference it), so the two may run at once: siblings,
/// children of one parent, do.
pub fn waits_for(steps: &[Vec<(String, String)>], fks: &[ForeignKey]) -> Vec<Vec<usize>> {
    let mut ids: HashMap<(String, String), usize> = HashMap::new();
    let mut id = |db: &str, table: &str| {
        let next = ids.len();
        *ids.entry((db.to_string(), table.to_string()))
            .or_insert(next)
    };
    let step_ids: Vec<Vec<usize>> = steps
        .iter()
        .map(|tables| tables.iter().map(|(d, t)| id(d, t)).collect())
        .collect();
    // child -> parent
    let edges: Vec<(usize, usize)> = fks
        .iter()
        .map(|fk| {
            (
                id(&fk.db, &fk.table),
                id(&fk.referenced_db, &fk.referenced_table),
            )
        })
        .collect();
    let n = ids.len();
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(c, p) in &edges {
        up[c].push(p);
    }
    // The tables each step reaches up its foreign keys (its own included).
    let reach: Vec<Vec<bool>> = step_ids
        .iter()
        .map(|start| {
            let mut seen = vec![false; n];
            let mut todo: Vec<usize> = start.clone();
            while let Some(t) = todo.pop() {
                if !std::mem::replace(&mut seen[t], true) {
                    todo.extend(up[t].iter().copied());
                }
            }
            seen
        })
        .collect();
    (0..steps.len())
        .map(|j| {
            (0..j)
                .filter(|&i| {
                    step_ids[j].iter().any(|&t| reach[i][t])
                        || step_ids[i].iter().any(|&t| reach[j][t])
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mysql::schema::FkRule;

    fn fk(db: &str, table: &str, rdb: &str, rtable: &str) -> ForeignKey {
        ForeignKey {
            name: format!("{table}_fk"),
            db: db.into(),
            table: table.into(),
            columns: vec!["p".into()],
            referenced_db: rdb.into(),
            referenced_table: rtable.into(),
            referenced_columns: vec!["id".into()],
            on_delete: FkRule::Restrict,
            on_update: FkRule::Restrict,
        }
    }

    fn step(names: &[(&str, &str)]) -> Vec<(String, String)> {
        names
            .iter()
            .map(|(d, t)| (d.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn tables_linked_by_a_path_share_a_group_in_the_sequential_order() {
        let steps = vec![
            step(&[("a", "child")]),   // 0
            step(&[("a", "lonely")]),  // 1
            step(&[("b", "vchild")]),  // 2
            step(&[("a", "parent")]),  // 3
            step(&[("b", "volumes")]), // 4
            step(&[("a", "other")]),   // 5: linked to child through a table not archived
        ];
        let fks = vec![
            fk("a", "child", "a", "parent"),
            fk("b", "vchild", "b", "volumes"),
            fk("a", "other", "c", "not_archived"),
            fk("c", "not_archived", "a", "child"),
        ];
        assert_eq!(
            connected(&steps, &fks),
            vec![vec![0, 3, 5], vec![1], vec![2, 4]]
        );
    }

    #[test]
    fn a_step_waits_for_the_steps_on_a_directed_path_only() {
        let steps = vec![
            step(&[("a", "metadata")]),  // 0: child of instances
            step(&[("a", "events")]),    // 1: child of actions
            step(&[("a", "actions")]),   // 2: child of instances
            step(&[("a", "faults")]),    // 3: child of instances
            step(&[("a", "instances")]), // 4
            step(&[("b", "volumes")]),   // 5: unrelated
            step(&[("a", "tags")]),      // 6: references a table that references faults
        ];
        let fks = vec![
            fk("a", "metadata", "a", "instances"),
            fk("a", "events", "a", "actions"),
            fk("a", "actions", "a", "instances"),
            fk("a", "faults", "a", "instances"),
            fk("a", "tags", "c", "not_archived"),
            fk("c", "not_archived", "a", "faults"),
        ];
        assert_eq!(
            waits_for(&steps, &fks),
            vec![
                vec![],
                vec![],
                vec![1],
                vec![],
                vec![0, 1, 2, 3],
                vec![],
                vec![3, 4],
            ]
        );
    }

    #[test]
    fn a_path_across_databases_and_the_tables_of_a_cycle_join_groups() {
        let steps = vec![
            step(&[("a", "x"), ("a", "y")]), // a cycle: one step
            step(&[("b", "z")]),
            step(&[("b", "w")]),
        ];
        assert_eq!(connected(&steps, &[]), vec![vec![0], vec![1], vec![2]]);
        let fks = vec![fk("b", "w", "a", "y")];
        assert_eq!(connected(&steps, &fks), vec![vec![0, 2], vec![1]]);
        // A self-reference is no link to anything else.
        let fks = vec![fk("b", "z", "b", "z")];
        assert_eq!(connected(&steps, &fks), vec![vec![0], vec![1], vec![2]]);
    }
}
