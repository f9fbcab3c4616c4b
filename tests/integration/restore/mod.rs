//! `osarchiver restore` through the real binary: a nova-like schema (instances, their metadata,
//! actions and the actions' events, chained by foreign keys; awkward types and character sets in
//! `instances`, an INVISIBLE column) is archived by a real run, then rows are restored from the
//! archive database and compared with `HEX()` of every column against the rows as they were.
//!
//! - [`faithful`]: one instance with its children comes back byte-identical, and nothing else;
//!   a second run finds everything already there.
//! - [`conflicts`]: a live row with the same key (or the same unique value) is never
//!   overwritten; it is a conflict (exit code 3) with a SELECT that compares the two rows.
//! - [`remove`]: `--remove-from-archive` deletes exactly the archived copies restored.
//! - [`dry_run`]: changes nothing, and says what the real run then does.
//! - [`files`]: `--file`, from packed or compressed SQL and CSV files.
//! - [`locks`]: a restore and an archiving run exclude each other.
//! - [`killed`]: a restore killed with SIGKILL halfway, then run again: nothing duplicated,
//!   nothing lost.

mod bench;
mod conflicts;
mod dry_run;
mod faithful;
mod files;
mod killed;
mod locks;
mod paths;
mod remove;

use crate::harness::digest::{count, digest};
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb};

/// The tables, parents first.
pub const TABLES: [&str; 4] = [
    "instances",
    "instance_metadata",
    "instance_actions",
    "instance_actions_events",
];

/// A nova-like database of `instances` instances (`u1`, `u2`, ...), archived or not.
pub struct Nova {
    pub db: ScratchDb<'static>,
    pub ini: String,
}

impl Nova {
    /// Creates the schema and rows: `metadata` metadata rows and 2 actions (each with 2 events)
    /// per instance, every row deleted long ago.
    pub fn create(prefix: &str, instances: usize, metadata: usize) -> Nova {
        let db = ScratchDb::create(server(), prefix);
        let mut sql = String::from(
            "CREATE TABLE instances (
               id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
               uuid VARCHAR(36) NOT NULL,
               hostname VARCHAR(255) CHARACTER SET utf8mb4,
               display_description TEXT CHARACTER SET latin1,
               user_data MEDIUMBLOB,
               memory_mb DECIMAL(30,20),
               vcpu_weight FLOAT,
               flags BIT(5),
               vm_state ENUM('active','deleted','error'),
               launched_at DATETIME(6),
               updated_at TIMESTAMP(6) NULL DEFAULT NULL,
               secret INT INVISIBLE,
               created_at DATETIME,
               deleted_at DATETIME,
               deleted INT NOT NULL DEFAULT 0,
               UNIQUE KEY uniq_instances0uuid (uuid)
             ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
             CREATE TABLE instance_metadata (
               id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
               instance_uuid VARCHAR(36),
               `key` VARCHAR(255),
               value VARCHAR(255),
               deleted_at DATETIME,
               deleted INT NOT NULL DEFAULT 0,
               KEY instance_metadata_instance_uuid_idx (instance_uuid),
               CONSTRAINT instance_metadata_ibfk_1 FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
             ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
             CREATE TABLE instance_actions (
               id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
               instance_uuid VARCHAR(36),
               action VARCHAR(255),
               deleted_at DATETIME,
               deleted INT NOT NULL DEFAULT 0,
               CONSTRAINT fk_instance_actions_instance_uuid FOREIGN KEY (instance_uuid) REFERENCES instances (uuid)
             ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;
             CREATE TABLE instance_actions_events (
               id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
               action_id INT,
               event VARCHAR(255),
               traceback BLOB,
               deleted_at DATETIME,
               deleted INT NOT NULL DEFAULT 0,
               CONSTRAINT instance_actions_events_ibfk_1 FOREIGN KEY (action_id) REFERENCES instance_actions (id)
             ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3;\n",
        );
        for k in 1..=instances {
            sql.push_str(&format!(
                "INSERT INTO instances (id, uuid, hostname, display_description, user_data, memory_mb, \
                 vcpu_weight, flags, vm_state, launched_at, updated_at, secret, created_at, deleted_at, deleted) VALUES \
                 ({k}, 'u{k}', 'vm-{k} \u{1F600} caf\u{e9}', CONCAT('caf', X'E9', ' it''s \\\\ \\n', {k}), \
                 CONCAT(X'00FF0A0D27225C', {k}), 12345678.12345678901234567890, 3.4028234e38, b'10101', \
                 'deleted', '2020-02-29 13:05:09.000001', '2021-03-28 01:30:00.999999', {k}, \
                 '2019-01-01 00:00:00', '2020-01-0{k} 00:00:00', {k});\n",
            ));
            for j in 0..metadata {
                sql.push_str(&format!(
                    "INSERT INTO instance_metadata VALUES ({}, 'u{k}', 'key{j}', 'value {j} \u{e9}', '2020-01-01', {j});\n",
                    k * 1000 + j
                ));
            }
            for j in 0..2 {
                let action = k * 1000 + j;
                sql.push_str(&format!(
                    "INSERT INTO instance_actions VALUES ({action}, 'u{k}', 'action{j}', '2020-01-01', 1);\n\
                     INSERT INTO instance_actions_events VALUES ({}, {action}, 'start', X'00', '2020-01-01', 1), \
                     ({}, {action}, 'finish', NULL, '2020-01-01', 1);\n",
                    action * 10,
                    action * 10 + 1
                ));
            }
        }
        db.sql(&sql);
        let ini = Ini::new(server(), &[&db.name]).text();
        Nova { db, ini }
    }

    /// The rows of instance `k` in `table`, as a filter.
    pub fn filter(table: &str, k: usize) -> String {
        match table {
            "instances" => format!("uuid = 'u{k}'"),
            "instance_actions_events" => format!("action_id DIV 1000 = {k}"),
            _ => format!("instance_uuid = 'u{k}'"),
        }
    }

    /// `(rows, digest)` of instance `k`'s rows in each table of `db` (the source's name or
    /// its archive's).
    pub fn digests(&self, db: &str, k: usize) -> Vec<(u64, String)> {
        TABLES
            .iter()
            .map(|t| digest(server(), db, t, &Nova::filter(t, k)))
            .collect()
    }

    /// Rows in each table of `db`.
    pub fn counts(&self, db: &str) -> Vec<u64> {
        TABLES.iter().map(|t| count(server(), db, t, "1")).collect()
    }

    /// Archives (and deletes) every row with the real binary.
    pub fn archive(&self) {
        Osarchiver::new()
            .config_text(&self.ini)
            .run()
            .assert_success();
        assert_eq!(
            self.counts(&self.db.name),
            [0, 0, 0, 0],
            "archived and deleted"
        );
    }

    /// `osarchiver restore --config ... --table <db>.instances --where "uuid = 'u<k>'" ...`.
    pub fn restore(&self, k: usize, extra: &[&str]) -> Osarchiver {
        Osarchiver::new()
            .subcommand("restore")
            .config_text(&self.ini)
            .args([
                "--table",
                &format!("{}.instances", self.db.name),
                "--where",
                &format!("uuid = 'u{k}'"),
            ])
            .args(extra)
    }
}

/// `osarchiver restore --table db.table --where 1` with the configuration `ini`.
pub fn restore_all(ini: &str, db: &str, table: &str) -> Osarchiver {
    Osarchiver::new()
        .subcommand("restore")
        .config_text(ini)
        .args(["--table", &format!("{db}.{table}"), "--where", "1"])
}

/// The report's `totals.<field>`.
pub fn total(out: &Output, field: &str) -> u64 {
    out.report
        .as_ref()
        .and_then(|r| r["totals"][field].as_u64())
        .unwrap_or_else(|| panic!("no totals.{field} in the report\n{out}"))
}
