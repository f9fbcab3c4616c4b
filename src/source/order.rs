//! The order in which a database's tables are archived: a topological order over their foreign
//! keys, children before parents, so that a parent row is deleted after the rows that reference it.
//!
//! Cycles (a table referencing itself, or two tables referencing each other) have no such order;
//! they are reported, their tables are kept together, and the delete path's foreign-key handling
//! (split the chunk, report what is blocked) deals with what is left.

use std::collections::BTreeMap;

/// A foreign-key edge: `child` references `parent` (both names of tables being ordered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub child: String,
    pub parent: String,
}

/// The result: every table once, children first, and the cycles found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Order {
    pub tables: Vec<String>,
    /// Each cycle as the tables in it (a self-referencing table is a cycle of one).
    pub cycles: Vec<Vec<String>>,
}

/// Orders `tables` so that for every edge the child comes before the parent, except inside
/// cycles. Ties keep the input order, so the result is deterministic.
pub fn children_first(tables: &[String], edges: &[Edge]) -> Order {
    let index: BTreeMap<&str, usize> = tables
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let n = tables.len();
    // parents_of[c] = the tables c references; self references noted separately.
    let mut parents_of: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut self_ref = vec![false; n];
    for e in edges {
        let (Some(&c), Some(&p)) = (index.get(e.child.as_str()), index.get(e.parent.as_str()))
        else {
            continue;
        };
        if c == p {
            self_ref[c] = true;
        } else if !parents_of[c].contains(&p) {
            parents_of[c].push(p);
        }
    }

    let comps = strongly_connected(n, &parents_of);
    let mut comp_of = vec![0usize; n];
    for (ci, comp) in comps.iter().enumerate() {
        for &t in comp {
            comp_of[t] = ci;
        }
    }
    // Condensed graph: an edge child-component -> parent-component. Children first means a
    // component is emitted once every component referencing it (its children) is emitted.
    let m = comps.len();
    let mut pending_children = vec![0usize; m];
    let mut parents_of_comp: Vec<Vec<usize>> = vec![Vec::new(); m];
    for (c, ps) in parents_of.iter().enumerate() {
        for &p in ps {
            let (cc, pc) = (comp_of[c], comp_of[p]);
            if cc != pc && !parents_of_comp[cc].contains(&pc) {
                parents_of_comp[cc].push(pc);
                pending_children[pc] += 1;
            }
        }
    }
    let first_index = |ci: usize| comps[ci].iter().copied().min().unwrap_or(0);
    let mut ready: Vec<usize> = (0..m).filter(|&c| pending_children[c] == 0).collect();
    let mut order = Order::default();
    while !ready.is_empty() {
        // Deterministic: the ready component whose first table comes first in the input.
        ready.sort_by_key(|&c| std::cmp::Reverse(first_index(c)));
        let c = ready.pop().expect("not empty");
        let mut members = comps[c].clone();
        members.sort_unstable();
        if members.len() > 1 || self_ref[members[0]] {
            order
                .cycles
                .push(members.iter().map(|&t| tables[t].clone()).collect());
        }
        order
            .tables
            .extend(members.iter().map(|&t| tables[t].clone()));
        for &p in &parents_of_comp[c] {
            pending_children[p] -= 1;
            if pending_children[p] == 0 {
                ready.push(p);
            }
        }
    }
    order
}

/// Tarjan's algorithm, iterative (no recursion depth limit on large schemas).
fn strongly_connected(n: usize, succ: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut comps = Vec::new();
    let mut next = 0usize;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, position in its successor list)
        let mut work = vec![(root, 0usize)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut pos)) = work.last_mut() {
            if *pos < succ[v].len() {
                let w = succ[v][*pos];
                *pos += 1;
                if index[w] == UNSEEN {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                work.pop();
                if let Some(&(u, _)) = work.last() {
                    low[u] = low[u].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comps.push(comp);
                }
            }
        }
    }
    comps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn edge(child: &str, parent: &str) -> Edge {
        Edge {
            child: child.into(),
            parent: parent.into(),
        }
    }

    fn pos(o: &Order, t: &str) -> usize {
        o.tables.iter().position(|x| x == t).unwrap()
    }

    #[test]
    fn children_before_parents() {
        // The original's heuristic put `instances` before `instance_actions_events`' parent.
        let tables = names(&[
            "instances",
            "instance_actions",
            "instance_actions_events",
            "services",
        ]);
        let edges = vec![
            edge("instance_actions", "instances"),
            edge("instance_actions_events", "instance_actions"),
        ];
        let o = children_first(&tables, &edges);
        assert_eq!(o.tables.len(), 4);
        assert!(pos(&o, "instance_actions_events") < pos(&o, "instance_actions"));
        assert!(pos(&o, "instance_actions") < pos(&o, "instances"));
        assert!(o.cycles.is_empty());
    }

    #[test]
    fn diamond_and_unknown_tables() {
        let tables = names(&["a", "b", "c", "d"]);
        let edges = vec![
            edge("b", "a"),
            edge("c", "a"),
            edge("d", "b"),
            edge("d", "c"),
            edge("d", "elsewhere"),
        ];
        let o = children_first(&tables, &edges);
        assert_eq!(o.tables, names(&["d", "b", "c", "a"]));
    }

    #[test]
    fn cycles_are_reported_and_kept_together() {
        let tables = names(&["p", "x", "y", "selfref", "child"]);
        let edges = vec![
            edge("x", "y"),
            edge("y", "x"),
            edge("x", "p"),
            edge("selfref", "selfref"),
            edge("child", "x"),
        ];
        let o = children_first(&tables, &edges);
        assert_eq!(o.tables.len(), 5);
        assert!(o.cycles.contains(&names(&["x", "y"])));
        assert!(o.cycles.contains(&names(&["selfref"])));
        assert!(pos(&o, "child") < pos(&o, "x"));
        assert!(pos(&o, "child") < pos(&o, "y"));
        assert!(pos(&o, "x") < pos(&o, "p"));
        assert!(pos(&o, "y") < pos(&o, "p"));
    }

    #[test]
    fn long_chain_does_not_recurse() {
        let tables: Vec<String> = (0..10_000).map(|i| format!("t{i}")).collect();
        let edges: Vec<Edge> = (1..10_000)
            .map(|i| edge(&format!("t{}", i - 1), &format!("t{i}")))
            .collect();
        let o = children_first(&tables, &edges);
        assert_eq!(o.tables, tables);
    }
}
