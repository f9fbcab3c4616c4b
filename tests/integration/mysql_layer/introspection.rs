//! Schema introspection (databases, tables, keys, foreign keys, charsets), its bounded
//! `information_schema` queries, and the archive `CREATE TABLE`.

use super::*;

#[tokio::test]
async fn list_databases_sees_new_databases() {
    let a = ScratchDb::create(server(), "osa_dbs");
    let b = ScratchDb::create(server(), "osa_dbs");
    let mut db = connect().await;
    let dbs = schema::list_databases(db.conn()).await.unwrap();
    for name in [&a.name, &b.name] {
        assert!(dbs.contains(name), "{name}");
    }
    assert!(dbs.iter().any(|d| d == "information_schema"));
    let b_name = b.name.clone();
    drop(b);
    let dbs = schema::list_databases(db.conn()).await.unwrap();
    assert!(dbs.contains(&a.name));
    assert!(!dbs.contains(&b_name), "a dropped database is gone");
    let mut sorted = dbs.clone();
    sorted.sort();
    assert_eq!(dbs, sorted);
}

#[tokio::test]
async fn list_tables_reports_columns_and_the_row_key() {
    let tmp = ScratchDb::create(server(), "osa_tables");
    server().sql(&format!(
        "CREATE TABLE {comp} (a INT NOT NULL, b VARCHAR(36) NOT NULL, c INT UNSIGNED, \
           v INT AS (a + 1) VIRTUAL, s INT AS (a * 2) PERSISTENT, st INT GENERATED ALWAYS AS (a * 3) STORED, \
           hidden INT INVISIBLE, u CHAR(36) NOT NULL, PRIMARY KEY (b, a), UNIQUE KEY uu (u)) ENGINE=InnoDB; \
         CREATE TABLE {uniq} (x INT NULL, y INT NOT NULL, z INT NOT NULL, w INT NOT NULL, \
           UNIQUE KEY u_null (x), UNIQUE KEY u_zy (z, y), UNIQUE KEY u_y (y), KEY k_w (w)) ENGINE=InnoDB; \
         CREATE TABLE {nokey} (x INT, y INT, UNIQUE KEY u_x (x), KEY k (y)) ENGINE=InnoDB; \
         CREATE TABLE {weird} (`i``d` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, `deleted_at` DATETIME) ENGINE=InnoDB; \
         CREATE VIEW {view} AS SELECT * FROM {nokey}; \
         CREATE SEQUENCE {seq};",
        comp = tmp.q("comp"),
        uniq = tmp.q("uniq"),
        nokey = tmp.q("nokey"),
        weird = tmp.q("we`ird"),
        view = tmp.q("a_view"),
        seq = tmp.q("a_seq"),
    ));
    let mut db = connect().await;
    let all = schema::list_tables(db.conn(), &tmp.name).await.unwrap();
    let kinds: Vec<(&str, &schema::TableKind)> =
        all.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("a_seq", &schema::TableKind::Other("SEQUENCE".into())),
            ("a_view", &schema::TableKind::Other("VIEW".into())),
            ("comp", &schema::TableKind::Base),
            ("nokey", &schema::TableKind::Base),
            ("uniq", &schema::TableKind::Base),
            ("we`ird", &schema::TableKind::Base),
        ]
    );
    let tables: Vec<_> = all
        .into_iter()
        .filter(|t| t.kind == schema::TableKind::Base)
        .collect();

    let comp = &tables[0];
    let cols: Vec<&str> = comp.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(cols, ["a", "b", "c", "v", "s", "st", "hidden", "u"]);
    assert_eq!(comp.key, KeyChoice::Primary(vec!["b".into(), "a".into()]));
    let b = comp.column("b").unwrap();
    assert_eq!(
        (b.column_type.as_str(), b.data_type.as_str(), b.nullable),
        ("varchar(36)", "varchar", false)
    );
    let c = comp.column("c").unwrap();
    assert_eq!(
        (c.column_type.as_str(), c.nullable),
        ("int(10) unsigned", true)
    );
    let generated: Vec<&str> = comp
        .columns
        .iter()
        .filter(|c| c.generated)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(generated, ["v", "s", "st"]);
    let invisible: Vec<&str> = comp
        .columns
        .iter()
        .filter(|c| c.invisible)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(invisible, ["hidden"]);
    // MariaDB's IS_GENERATED agrees with what EXTRA said, for every table.
    let always = server().sql(&format!(
        "SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME) FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = '{}' AND IS_GENERATED = 'ALWAYS' ORDER BY 1",
        tmp.name
    ));
    let from_extra: Vec<String> = tables
        .iter()
        .flat_map(|t| {
            t.columns
                .iter()
                .filter(|c| c.generated)
                .map(move |c| format!("{}.{}", t.name, c.name))
        })
        .collect();
    let mut always: Vec<&str> = always.lines().collect();
    always.sort_unstable();
    let mut from_extra_sorted: Vec<&str> = from_extra.iter().map(String::as_str).collect();
    from_extra_sorted.sort_unstable();
    assert_eq!(from_extra_sorted, always);

    assert_eq!(
        tables[1].key,
        KeyChoice::None,
        "nokey: only a nullable unique key"
    );
    assert_eq!(
        tables[2].key,
        KeyChoice::Unique {
            name: "u_zy".into(),
            cols: vec!["z".into(), "y".into()]
        }
    );
    assert_eq!(tables[3].key, KeyChoice::Primary(vec!["i`d".into()]));
    assert_eq!(tables[3].columns[0].column_type, "bigint(20)");
}

#[tokio::test]
async fn list_tables_of_an_empty_or_missing_database_is_empty() {
    let tmp = ScratchDb::create(server(), "osa_empty");
    let mut db = connect().await;
    assert!(schema::list_tables(db.conn(), &tmp.name)
        .await
        .unwrap()
        .is_empty());
    assert!(schema::list_tables(db.conn(), &unique_name("osa_missing"))
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn foreign_keys_in_and_across_databases() {
    let a = ScratchDb::create(server(), "osa_fk_a");
    let b = ScratchDb::create(server(), "osa_fk_b");
    server().sql(&format!(
        "CREATE TABLE {parent} (id INT PRIMARY KEY) ENGINE=InnoDB; \
         CREATE TABLE {child} (id INT PRIMARY KEY, pid INT, \
           CONSTRAINT fk_child FOREIGN KEY (pid) REFERENCES {parent} (id) ON DELETE CASCADE) ENGINE=InnoDB; \
         CREATE TABLE {tree} (id INT PRIMARY KEY, parent_id INT, \
           CONSTRAINT `fk_tr``ee` FOREIGN KEY (parent_id) REFERENCES {tree} (id) ON DELETE SET NULL) ENGINE=InnoDB; \
         CREATE TABLE {cp} (a INT, b INT, PRIMARY KEY (a, b), KEY ba (b, a)) ENGINE=InnoDB; \
         CREATE TABLE {cc} (id INT PRIMARY KEY, x INT, y INT, \
           CONSTRAINT fk_comp FOREIGN KEY (y, x) REFERENCES {cp} (b, a) ON UPDATE CASCADE) ENGINE=InnoDB; \
         CREATE TABLE {bparent} (id INT PRIMARY KEY) ENGINE=InnoDB; \
         CREATE TABLE {to_b} (id INT PRIMARY KEY, bid INT, \
           CONSTRAINT fk_to_b FOREIGN KEY (bid) REFERENCES {bparent} (id)) ENGINE=InnoDB; \
         CREATE TABLE {from_b} (id INT PRIMARY KEY, aid INT, \
           CONSTRAINT fk_from_b FOREIGN KEY (aid) REFERENCES {parent} (id)) ENGINE=InnoDB;",
        parent = a.q("parent"),
        child = a.q("child"),
        tree = a.q("tree"),
        cp = a.q("comp_parent"),
        cc = a.q("comp_child"),
        bparent = b.q("b_parent"),
        to_b = a.q("to_b"),
        from_b = b.q("from_b"),
    ));
    let mut db = connect().await;
    let fks = schema::foreign_keys(db.conn(), &a.name).await.unwrap();
    let summary: Vec<String> = fks
        .iter()
        .map(|fk| {
            format!(
                "{}.{}.{}({}) -> {}.{}({})",
                if fk.db == a.name {
                    "A"
                } else if fk.db == b.name {
                    "B"
                } else {
                    "?"
                },
                fk.table,
                fk.name,
                fk.columns.join(","),
                if fk.referenced_db == a.name {
                    "A"
                } else if fk.referenced_db == b.name {
                    "B"
                } else {
                    "?"
                },
                fk.referenced_table,
                fk.referenced_columns.join(",")
            )
        })
        .collect();
    let expected = vec![
        "A.child.fk_child(pid) -> A.parent(id)",
        "A.comp_child.fk_comp(y,x) -> A.comp_parent(b,a)",
        "A.to_b.fk_to_b(bid) -> B.b_parent(id)",
        "A.tree.fk_tr`ee(parent_id) -> A.tree(id)",
    ];
    // B's key into A is not listed: finding it would scan every database (the deleter keeps a
    // row it protects all the same, see pipeline::foreign_keys).
    assert_eq!(summary, expected);
    let rule = |name: &str| {
        let fk = fks.iter().find(|f| f.name == name).unwrap();
        (fk.on_delete.clone(), fk.on_update.clone())
    };
    assert_eq!(rule("fk_child"), (FkRule::Cascade, FkRule::Restrict));
    assert_eq!(rule("fk_tr`ee"), (FkRule::SetNull, FkRule::Restrict));
    assert_eq!(rule("fk_comp"), (FkRule::Restrict, FkRule::Cascade));

    let fks_b = schema::foreign_keys(db.conn(), &b.name).await.unwrap();
    let names: Vec<&str> = fks_b.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["fk_from_b"]);
}

/// Every `information_schema` query names its schema so that the server opens one database's
/// tables at most ("Scanned 1 database"), never all of them: such a scan is slow on a large
/// server, and crashed MariaDB 10.11.19 while other sessions ran DDL.
#[test]
fn schema_queries_scan_one_database_at_most() {
    let a = ScratchDb::create(server(), "osa_scan");
    a.sql("CREATE TABLE t (id INT PRIMARY KEY)");
    for (name, sql) in schema::SCHEMA_QUERIES {
        let mut values = [format!("'{}'", a.name), "'t'".to_string()].into_iter();
        let sql: String = sql
            .split('?')
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_string()
                } else {
                    format!("{}{part}", values.next().expect("two parameters at most"))
                }
            })
            .collect();
        let plan = server().sql(&format!("EXPLAIN {sql}"));
        assert!(
            !plan.contains("Scanned all databases"),
            "{name} scans every database:\n{plan}"
        );
    }
}

#[tokio::test]
async fn database_charset_or_none() {
    let tmp = ScratchDb::create_with(
        server(),
        "osa_cs",
        "CHARACTER SET latin1 COLLATE latin1_swedish_ci",
    );
    let mut db = connect().await;
    assert_eq!(
        schema::database_charset(db.conn(), &tmp.name)
            .await
            .unwrap(),
        Some(("latin1".to_owned(), "latin1_swedish_ci".to_owned()))
    );
    assert_eq!(
        schema::database_charset(db.conn(), &unique_name("osa_missing"))
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn archive_create_table_builds_a_table_without_foreign_keys() {
    let src = ScratchDb::create(server(), "osa_ddl_src");
    let dst = ScratchDb::create(server(), "osa_ddl_dst");
    let table = "instance `faults`";
    server().sql(&format!(
        "CREATE TABLE {parent} (uuid VARCHAR(36) PRIMARY KEY) ENGINE=InnoDB \
           DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci; \
         CREATE TABLE {t} ( \
           id INT NOT NULL AUTO_INCREMENT, \
           instance_uuid VARCHAR(36) DEFAULT NULL, \
           message VARCHAR(255) CHARACTER SET latin1 COLLATE latin1_bin DEFAULT 'a,b (c)' COMMENT 'it''s, FOREIGN KEY', \
           len INT AS (CHAR_LENGTH(message)) VIRTUAL, \
           deleted_at DATETIME(6) NULL, \
           details JSON, \
           PRIMARY KEY (id), \
           UNIQUE KEY uniq_msg (message, deleted_at), \
           CONSTRAINT fk_faults FOREIGN KEY (instance_uuid) REFERENCES {parent} (uuid) ON DELETE CASCADE, \
           CONSTRAINT chk_id CHECK (instance_uuid <> '') \
         ) ENGINE=InnoDB AUTO_INCREMENT=4242 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='faults'; \
         INSERT INTO {parent} VALUES ('u1');",
        parent = src.q("instances"),
        t = src.q(table),
    ));
    let mut db = connect().await;
    let create = schema::show_create_table(db.conn(), &src.name, table)
        .await
        .unwrap();
    assert!(create.contains("FOREIGN KEY"), "{create}");
    assert!(create.contains("AUTO_INCREMENT=4242"), "{create}");

    let archive = "instance `faults`_archive";
    let rewritten = ddl::archive_create_table_in(&create, &dst.name, archive, "PRIMARY").unwrap();
    assert!(!rewritten.contains("FOREIGN KEY ("), "{rewritten}");
    db.conn().query_drop(&rewritten).await.unwrap();

    let columns = |db_name: &str, t: &str| {
        server().sql(&format!(
            "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
                    IFNULL(GENERATION_EXPRESSION, ''), IFNULL(COLLATION_NAME, ''), COLUMN_COMMENT \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{db_name}' AND TABLE_NAME = '{}' \
             ORDER BY ORDINAL_POSITION",
            t.replace('\'', "''")
        ))
    };
    let (before, after) = (columns(&src.name, table), columns(&dst.name, archive));
    assert!(!before.trim().is_empty());
    assert_eq!(before, after);
    let indexes = |db_name: &str, t: &str| {
        server().sql(&format!(
            "SELECT INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = '{db_name}' AND TABLE_NAME = '{}' ORDER BY INDEX_NAME, SEQ_IN_INDEX",
            t.replace('\'', "''")
        ))
    };
    // The same indexes, the unique keys other than the row key made plain.
    assert_eq!(
        indexes(&src.name, table).replace("uniq_msg\t0", "uniq_msg\t1"),
        indexes(&dst.name, archive)
    );
    let meta = server().sql(&format!(
        "SELECT IFNULL(AUTO_INCREMENT, 'none'), TABLE_COLLATION, TABLE_COMMENT, \
           (SELECT COUNT(*) FROM information_schema.REFERENTIAL_CONSTRAINTS \
              WHERE CONSTRAINT_SCHEMA = '{d}'), \
           (SELECT COUNT(*) FROM information_schema.CHECK_CONSTRAINTS \
              WHERE CONSTRAINT_SCHEMA = '{d}' AND CONSTRAINT_NAME = 'chk_id') \
         FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{d}' AND TABLE_NAME = '{}'",
        archive.replace('\'', "''"),
        d = dst.name
    ));
    // No CHECK constraint either: the archive keeps rows that violate them.
    assert_eq!(meta.trim(), "1\tutf8mb4_unicode_ci\tfaults\t0\t0");
    // A child row without its parent is accepted: no foreign key any more.
    db.conn()
        .query_drop(format!(
            "INSERT INTO {} (id, instance_uuid) VALUES (7, 'gone')",
            dst.q(archive)
        ))
        .await
        .unwrap();
}
