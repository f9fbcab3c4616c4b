use super::*;

fn table(db: &str, name: &str, refs: Vec<ForeignKey>) -> TablePlan {
    TablePlan {
        db: db.into(),
        table: name.into(),
        columns: vec!["id".into(), "v".into(), "deleted_at".into()],
        column_types: vec!["int(11)".into(), "varchar(5)".into(), "datetime".into()],
        column_charsets: vec![None, None, None],
        key: vec!["id".into()],
        key_pos: vec![0],
        index: "PRIMARY".into(),
        referenced_by: refs,
        in_cycle: false,
        references_known: false,
        transactional: true,
        undeletable: None,
        key_enforced: true,
        definition: None,
        triggers_unseen: false,
        row_bytes: 0,
    }
}

fn fk(name: &str, child: (&str, &str), col: &str, parent: (&str, &str)) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        db: child.0.into(),
        table: child.1.into(),
        columns: vec![col.into()],
        referenced_db: parent.0.into(),
        referenced_table: parent.1.into(),
        referenced_columns: vec!["id".into()],
        on_delete: FkRule::Cascade,
        on_update: FkRule::Restrict,
    }
}

const W: &str = "deleted_at IS NOT NULL";

fn archive(db: &str, table: &str) -> ArchiveRef {
    ArchiveRef {
        db: db.into(),
        table: table.into(),
        period: None,
        unique: Vec::new(),
    }
}

fn done_of(plan: TablePlan) -> Done {
    Done {
        plan,
        archives: vec![],
        cycle: vec![],
    }
}

#[test]
fn a_child_not_gone_through_keeps_every_row_it_references() {
    let p = table("d", "p", vec![fk("fk_c", ("d", "c"), "p_id", ("d", "p"))]);
    let q = Builder::new(&[], &[], W, CYCLE_DEPTH)
        .blocked(&done_of(p.clone()))
        .unwrap();
    assert!(q.contains("EXISTS (SELECT 1 FROM `d`.`c` AS c"), "{q}");
    assert!(q.contains(".`p_id` = p") && q.contains(" AND 1)"), "{q}");
    assert!(
        !q.contains("UNION"),
        "no recursion without a self reference: {q}"
    );
}

#[test]
fn a_child_gone_through_keeps_its_rows_that_stay_down_the_chain() {
    let g = table("d", "c", vec![fk("fk_g", ("d", "g"), "c_id", ("d", "c"))]);
    let done = vec![
        Done {
            plan: table("d", "g", vec![]),
            archives: vec![],
            cycle: vec![],
        },
        Done {
            plan: g,
            archives: vec![archive("d_archive", "c")],
            cycle: vec![],
        },
    ];
    let p = table("d", "p", vec![fk("fk_c", ("d", "c"), "p_id", ("d", "p"))]);
    let q = Builder::new(&done, &[], W, CYCLE_DEPTH)
        .blocked(&done_of(p.clone()))
        .unwrap();
    // c's rows stay when not eligible, conflicting with c's archive, or kept by g's that stay.
    assert!(
        q.contains("NOT COALESCE((deleted_at IS NOT NULL), 0)"),
        "{q}"
    );
    assert!(q.contains("FROM `d_archive`.`c` AS x"), "{q}");
    assert!(q.contains("BINARY x"), "{q}");
    assert!(q.contains("FROM `d`.`g` AS c"), "{q}");
    // Once in the kept rows, once in the count by constraint; g, which nothing references,
    // adds no further EXISTS.
    assert_eq!(q.matches("EXISTS (SELECT 1 FROM `d`.`g`").count(), 2, "{q}");
    assert_eq!(q.matches("EXISTS (SELECT 1 FROM").count(), 6, "{q}");
}

#[test]
fn a_self_reference_climbs_from_kept_rows_to_their_ancestors() {
    let n = table("d", "n", vec![fk("fk_n", ("d", "n"), "parent", ("d", "n"))]);
    let q = Builder::new(&[], &[], W, CYCLE_DEPTH)
        .blocked(&done_of(n.clone()))
        .unwrap();
    assert!(q.starts_with("WITH RECURSIVE b1 (k0, f0_0) AS ("), "{q}");
    assert!(q.contains(" UNION SELECT "), "{q}");
    assert!(q.contains(".`id` = b1.f0_0"), "{q}");
    assert!(q.contains("IN (SELECT k0 FROM b1)"), "{q}");
    // The count reads the kept rows back by key, the CTE first.
    assert!(q.contains("SELECT STRAIGHT_JOIN COUNT(*)"), "{q}");
    assert!(q.contains("FROM b1 JOIN `d`.`n` AS p"), "{q}");
}

#[test]
fn rows_in_a_restrict_cycle_of_their_own_table_are_kept() {
    let mut self_fk = fk("fk_n", ("d", "n"), "parent", ("d", "n"));
    self_fk.on_delete = FkRule::Restrict;
    let n = table("d", "n", vec![self_fk]);
    let q = Builder::new(&[], &[], W, CYCLE_DEPTH)
        .blocked(&done_of(n))
        .unwrap();
    // The climbs start at the peaks, marking those that come back.
    assert!(
        q.starts_with("WITH RECURSIVE cyc4 (s0, f0_0, back, r, n) AS (SELECT p5.`id`, p5.`parent`, 0, 0, 0 FROM `d`.`n` AS p5"),
        "{q}"
    );
    assert!(
        q.contains("WHERE p5.`parent` = q6.`id` AND q6.`id` < p5.`id`")
            && q.contains("WHERE q7.`parent` = p5.`id` AND q7.`id` < p5.`id`"),
        "{q}"
    );
    assert!(
        q.contains("WHERE NOT cyc4.back AND cyc4.n < 100 AND e8.`id` <= cyc4.s0 AND (deleted_at IS NOT NULL)"),
        "{q}"
    );
    assert!(
        q.contains("e8.`id` = cyc4.s0, 1, cyc4.n + 1 FROM cyc4 JOIN"),
        "{q}"
    );
    assert!(
        q.contains("IN (SELECT s0 FROM cyc4 WHERE back AND r)"),
        "{q}"
    );
    // Under CASCADE the server deletes a cycle: no climb.
    let cascade = table("d", "n", vec![fk("fk_n", ("d", "n"), "parent", ("d", "n"))]);
    let q = Builder::new(&[], &[], W, CYCLE_DEPTH)
        .blocked(&done_of(cascade))
        .unwrap();
    assert!(!q.contains("cyc"), "{q}");
}

#[test]
fn conflicts_compare_every_column_byte_for_byte() {
    let p = table("d", "p", vec![]);
    assert!(Builder::new(&[], &[], W, CYCLE_DEPTH)
        .blocked(&done_of(p.clone()))
        .is_none());
    assert!(Builder::new(&[], &[], W, CYCLE_DEPTH)
        .conflicts(&p, &[])
        .is_none());
    let q = Builder::new(&[], &[], W, CYCLE_DEPTH)
        .conflicts(&p, &[archive("d_a", "p")])
        .unwrap();
    assert_eq!(
        q,
        "SELECT COUNT(*) FROM `d`.`p` AS p1 WHERE (deleted_at IS NOT NULL) AND \
         (EXISTS (SELECT 1 FROM `d_a`.`p` AS x2 WHERE x2.`id` = p1.`id` AND NOT \
         (BINARY x2.`id` <=> BINARY p1.`id` AND BINARY x2.`v` <=> BINARY p1.`v` AND \
         BINARY x2.`deleted_at` <=> BINARY p1.`deleted_at`)))"
    );
    let s = sample_length(&p, W, 10);
    assert!(s.contains("LIMIT 10) AS s"), "{s}");
}

/// A sum of many terms nests no deeper than the logarithm of their number, and keeps each term
/// once, in order.
#[test]
fn a_sum_of_many_lengths_nests_shallowly() {
    let terms: Vec<String> = (0..4096).map(|i| format!("t{i}")).collect();
    let sum = balanced_sum(&terms);
    let (mut depth, mut deepest) = (0i32, 0i32);
    for c in sum.chars() {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        deepest = deepest.max(depth);
    }
    assert_eq!(depth, 0, "{sum}");
    assert!(deepest <= 9, "nested {deepest} deep");
    let flat: Vec<&str> = sum
        .split(['(', ')', '+', ' '])
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(flat, terms.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(balanced_sum(&[]), "0");
    assert_eq!(balanced_sum(&terms[..3]), "t0 + t1 + t2");
}

/// Values the files write in hexadecimal count twice their bytes, and their quotes.
#[test]
fn hexadecimal_values_count_twice_in_the_sample_length() {
    let mut p = table("d", "t", vec![]);
    p.columns.push("b".into());
    p.column_types.push("longblob".into());
    p.column_charsets.push(None);
    p.columns.push("s".into());
    p.column_types.push("varchar(9)".into());
    p.column_charsets
        .push(Some(("sjis".into(), "sjis_japanese_ci".into())));
    p.columns.push("pt".into());
    p.column_types.push("point".into());
    p.column_charsets.push(None);
    let s = sample_length(&p, W, 10);
    assert!(s.contains("COALESCE(LENGTH(`v`), 0)"), "{s}");
    assert!(s.contains("COALESCE(2 * LENGTH(`pt`) + 3, 0)"), "{s}");
    assert!(s.contains("COALESCE(2 * LENGTH(`b`) + 3, 0)"), "{s}");
    assert!(s.contains("COALESCE(2 * LENGTH(`s`) + 3, 0)"), "{s}");
}

#[test]
fn a_cycle_is_followed_round_as_often_as_asked_then_its_rows_stay() {
    let x = table("d", "x", vec![fk("fk_y_x", ("d", "y"), "x_id", ("d", "x"))]);
    let y = table("d", "y", vec![fk("fk_x_y", ("d", "x"), "y_id", ("d", "y"))]);
    let cycle = vec!["x".to_string(), "y".to_string()];
    let group: Vec<Done> = [x.clone(), y]
        .into_iter()
        .map(|plan| Done {
            plan,
            archives: vec![],
            cycle: cycle.clone(),
        })
        .collect();
    let me = &group[0];
    let count = |depth| {
        let q = Builder::new(&[], &group, W, depth).blocked(me).unwrap();
        q.matches("EXISTS (SELECT 1 FROM").count()
    };
    // y's rows stay at the bottom ("AND 1"); each round adds one child on either side, in the
    // kept rows and in the count by constraint.
    assert_eq!(count(1), 2 * 2);
    assert_eq!(count(3), 2 * 4);
    let q = Builder::new(&[], &group, W, 1).blocked(me).unwrap();
    assert!(
        q.contains("FROM `d`.`x` AS c") && q.contains(" AND 1)"),
        "{q}"
    );
    assert!(!q.contains("WITH"), "{q}");
}

#[test]
fn a_key_without_overlaps_conflicts_on_an_overlapping_period() {
    let mut p = table("d", "p", vec![]);
    p.columns = vec!["id".into(), "s".into(), "e".into(), "deleted_at".into()];
    p.key = vec!["id".into(), "e".into(), "s".into()];
    p.key_pos = vec![0, 2, 1];
    let mut a = archive("d_a", "p");
    a.period = Some(("s".into(), "e".into()));
    let q = Builder::new(&[], &[], W, CYCLE_DEPTH)
        .conflicts(&p, &[a])
        .unwrap();
    assert!(
        q.contains("WHERE x2.`id` = p1.`id` AND x2.`s` < p1.`e` AND p1.`s` < x2.`e` AND NOT ("),
        "{q}"
    );
    assert!(!q.contains("x2.`s` = p1.`s`"), "{q}");
}
