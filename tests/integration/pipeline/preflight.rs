//! The dry run's preflight on privileges: a user that lacks what the real run needs (SELECT and
//! DELETE on the source table, SELECT on the tables that reference it, INSERT and SELECT on the
//! archive table, CREATE where it is missing) makes the dry run fail as the real run does, and
//! privileges given through roles (nested, by default) count.

use crate::harness::digest::digest;
use crate::harness::{server, Ini, Osarchiver, Output, ScratchDb, Server};

use super::OLD;

/// A source database with a parent `p` (3 eligible rows) and, in a second database, a child
/// table `c` whose foreign key references `p` (no row of it references an eligible one).
struct Case {
    s: &'static Server,
    db: ScratchDb<'static>,
    child: ScratchDb<'static>,
    user: String,
}

impl Case {
    fn new(s: &'static Server, prefix: &str) -> Case {
        let db = ScratchDb::create(s, &format!("{prefix}_p"));
        let child = ScratchDb::create(s, &format!("{prefix}_c"));
        db.sql(&format!(
            "CREATE TABLE p (id INT PRIMARY KEY, deleted_at DATETIME NULL);
             INSERT INTO p VALUES (1, {OLD}), (2, {OLD}), (3, {OLD}), (4, NULL);"
        ));
        child.sql(&format!(
            "CREATE TABLE c (id INT PRIMARY KEY, p_id INT NULL,
               FOREIGN KEY (p_id) REFERENCES {} (id));
             INSERT INTO c VALUES (1, 4);",
            db.q("p")
        ));
        let user = crate::harness::unique_name(&format!("osa_{prefix}"));
        // PROCESS, as the README's grants have it: without it (nor SELECT ON *.*) nothing is
        // deleted (see adversarial::referential).
        s.sql(&format!(
            "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'; GRANT PROCESS ON *.* TO '{user}'@'%';"
        ));
        Case { s, db, child, user }
    }

    /// Runs `sql` with `{user}`, `{db}`, `{archive}` and `{child}` replaced.
    fn grant(&self, s: &Server, sql: &str) {
        s.sql(
            &sql.replace("{user}", &self.user)
                .replace("{db}", &self.db.name)
                .replace("{archive}", &self.db.archive())
                .replace("{child}", &self.child.name),
        );
    }

    fn ini(&self, s: &Server) -> Ini {
        Ini::new(s, &[&self.db.name])
            .src("user", &self.user)
            .src("password", "pw")
            .dst("user", &self.user)
            .dst("password", "pw")
    }

    /// The dry run, then the real run; both exit codes.
    fn dry_then_real(&self, s: &Server) -> (Output, Output) {
        let before = digest(s, &self.db.name, "p", "1");
        let dry = Osarchiver::new()
            .config_text(self.ini(s).text())
            .arg("--dry-run")
            .run();
        assert_eq!(
            digest(s, &self.db.name, "p", "1"),
            before,
            "the dry run changed p"
        );
        let real = Osarchiver::new().config_text(self.ini(s).text()).run();
        (dry, real)
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        self.s
            .sql(&format!("DROP USER IF EXISTS '{}'@'%'", self.user));
    }
}

#[test]
fn a_source_user_without_delete_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let case = Case::new(s, "nodel");
    case.grant(
        s,
        "GRANT SELECT ON `{db}`.* TO '{user}'@'%';
         GRANT SELECT ON `{child}`.* TO '{user}'@'%';
         GRANT ALL ON `{archive}`.* TO '{user}'@'%';",
    );
    let (dry, real) = case.dry_then_real(s);
    dry.assert_code(1).output_contains(&format!(
        "source user {}@% lacks DELETE on `{}`.`p`",
        case.user, case.db.name
    ));
    real.assert_code(1);
}

#[test]
fn no_select_on_a_referencing_table_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let case = Case::new(s, "nochild");
    // PROCESS: the foreign key onto p is known (InnoDB's dictionary), though its table is not
    // readable.
    case.grant(
        s,
        "GRANT SELECT, DELETE ON `{db}`.* TO '{user}'@'%';
         GRANT PROCESS ON *.* TO '{user}'@'%';
         GRANT ALL ON `{archive}`.* TO '{user}'@'%';",
    );
    let (dry, real) = case.dry_then_real(s);
    dry.assert_code(1)
        .output_contains(&format!("lacks SELECT on `{}`.`c`", case.child.name));
    real.assert_code(1);
}

#[test]
fn an_archive_user_without_create_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let case = Case::new(s, "nocreate");
    case.grant(
        s,
        "GRANT SELECT, DELETE ON `{db}`.* TO '{user}'@'%';
         GRANT SELECT ON `{child}`.* TO '{user}'@'%';
         GRANT INSERT, SELECT ON `{archive}`.* TO '{user}'@'%';",
    );
    let (dry, real) = case.dry_then_real(s);
    dry.assert_code(1).output_contains(&format!(
        "user {}@% lacks CREATE on `{}`.`p` (which it would create)",
        case.user,
        case.db.archive()
    ));
    real.assert_code(1);
}

#[test]
fn privileges_through_nested_default_roles_count() {
    let s = server();
    let case = Case::new(s, "roles");
    let outer = format!("{}_outer", case.user);
    let inner = format!("{}_inner", case.user);
    s.sql(&format!(
        "CREATE ROLE `{outer}`; CREATE ROLE `{inner}`; GRANT `{inner}` TO `{outer}`;"
    ));
    case.grant(
        s,
        &format!(
            "GRANT SELECT ON `{{db}}`.* TO `{inner}`;
             GRANT DELETE ON `{{db}}`.`p` TO `{inner}`;
             GRANT SELECT ON `{{child}}`.`c` TO `{outer}`;
             GRANT CREATE, INSERT, SELECT ON `{{archive}}`.* TO `{outer}`;
             GRANT `{outer}` TO '{{user}}'@'%';
             SET DEFAULT ROLE `{outer}` FOR '{{user}}'@'%';"
        ),
    );
    let (dry, real) = case.dry_then_real(s);
    s.sql(&format!("DROP ROLE `{outer}`; DROP ROLE `{inner}`;"));
    dry.assert_success();
    real.assert_success();
    assert_eq!(
        crate::harness::digest::count(s, &case.db.archive(), "p", "1"),
        3
    );
}

/// The server uses only the most specific database-level grant that matches: the exact grant
/// on the source database (SELECT) hides the pattern's DELETE. Adding up every matching grant
/// would let the dry run pass where the real run fails.
#[test]
fn a_wildcard_grant_hidden_by_an_exact_one_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let case = Case::new(s, "shadow");
    case.grant(
        s,
        "GRANT SELECT ON `{db}`.* TO '{user}'@'%';
         GRANT DELETE ON `{db}%`.* TO '{user}'@'%';
         GRANT SELECT ON `{child}`.* TO '{user}'@'%';
         GRANT ALL ON `{archive}`.* TO '{user}'@'%';",
    );
    let (dry, real) = case.dry_then_real(s);
    dry.assert_code(1)
        .output_contains(&format!("lacks DELETE on `{}`.`p`", case.db.name))
        .output_contains("does not apply");
    real.assert_code(1);
}

/// The same on the archive side: `{db}%`.* would give INSERT and CREATE on the archive
/// database, but the exact grant on it (SELECT only) is the one used.
#[test]
fn an_archive_grant_hidden_by_an_exact_one_fails_the_dry_run_as_the_real_run() {
    let s = server();
    let case = Case::new(s, "ashadow");
    case.grant(
        s,
        "GRANT SELECT, DELETE ON `{db}`.* TO '{user}'@'%';
         GRANT SELECT ON `{child}`.* TO '{user}'@'%';
         GRANT INSERT, SELECT, CREATE ON `{db}%`.* TO '{user}'@'%';
         GRANT SELECT ON `{archive}`.* TO '{user}'@'%';",
    );
    let (dry, real) = case.dry_then_real(s);
    dry.assert_code(1)
        .output_contains(&format!(
            "user {}@% lacks INSERT, CREATE on `{}`.`p`",
            case.user,
            case.db.archive()
        ))
        .output_contains("does not apply");
    real.assert_code(1);
}

/// Wildcard grants alone, a table-level DELETE and a grant to PUBLIC are enough, and the
/// dry run says so as the real run does.
#[test]
fn wildcard_table_level_and_public_grants_pass_the_dry_run_as_the_real_run() {
    let s = server();
    let case = Case::new(s, "wild");
    case.grant(
        s,
        "GRANT SELECT ON `{db}%`.* TO '{user}'@'%';
         GRANT DELETE ON `{db}`.`p` TO '{user}'@'%';
         GRANT SELECT ON `{child}`.`c` TO PUBLIC;
         GRANT CREATE, INSERT, SELECT ON `{archive}`.* TO '{user}'@'%';",
    );
    let (dry, real) = case.dry_then_real(s);
    s.sql(&format!(
        "REVOKE SELECT ON `{}`.`c` FROM PUBLIC",
        case.child.name
    ));
    dry.assert_success();
    real.assert_success();
    assert_eq!(
        crate::harness::digest::count(s, &case.db.archive(), "p", "1"),
        3
    );
}

/// A column-level SELECT grant hides the other columns from `information_schema`: the run
/// archived the columns it saw and deleted the rows, the others lost (exit 0), or, with the
/// `deleted_at` column hidden, skipped the table as one without it (exit 0, every row left).
/// The table now fails, in the dry run as in the real run, or, with the column hidden, is
/// left out with a warning (exit code 3); no row is deleted.
#[test]
fn a_column_level_select_grant_fails_the_table_and_deletes_nothing() {
    let s = server();
    for (columns, code, said) in [
        ("id, deleted_at", 1, "may read only some of its columns"),
        // The deleted_at column hidden: left out with a warning (rows left, exit code 3).
        ("id, secret", 3, "which may hide its deleted_at column"),
        // The same through a role's grant, which the user's own grants do not list.
        (
            "role: id, secret",
            3,
            "which may hide its deleted_at column",
        ),
    ] {
        let case = Case::new(s, "colgrant");
        case.db
            .sql("ALTER TABLE p ADD COLUMN secret VARCHAR(10) NOT NULL DEFAULT 'kept'");
        let grant = match columns.strip_prefix("role: ") {
            Some(columns) => format!(
                "CREATE ROLE '{{user}}_r'; GRANT SELECT ({columns}) ON `{{db}}`.p TO '{{user}}_r';
                 GRANT '{{user}}_r' TO '{{user}}'@'%'; SET DEFAULT ROLE '{{user}}_r' FOR '{{user}}'@'%';
                 GRANT DELETE ON `{{db}}`.p TO '{{user}}'@'%';"
            ),
            None => format!("GRANT SELECT ({columns}), DELETE ON `{{db}}`.p TO '{{user}}'@'%';"),
        };
        case.grant(
            s,
            &format!(
                "{grant}
                 GRANT SELECT ON `{{child}}`.* TO '{{user}}'@'%';
                 GRANT ALL ON `{{archive}}`.* TO '{{user}}'@'%';"
            ),
        );
        let (dry, real) = case.dry_then_real(s);
        dry.assert_code(code).output_contains(said);
        real.assert_code(code).output_contains(said);
        assert_eq!(
            case.db
                .sql("SELECT COUNT(*) FROM p WHERE secret = 'kept'")
                .trim(),
            "4",
            "{columns}: {real}"
        );
        s.sql(&format!("DROP ROLE IF EXISTS '{}_r'", case.user));
    }
}

/// An archive user without SELECT on the archive table: the dry run fails (the README's
/// grants), and so does the real run, before it deletes anything (it went through when no
/// eligible key was archived already, and failed when one was).
#[test]
fn an_archive_user_without_select_fails_the_real_run_as_the_dry_run() {
    let s = server();
    let case = Case::new(s, "noarcsel");
    case.grant(
        s,
        "GRANT SELECT, DELETE ON `{db}`.* TO '{user}'@'%';
         GRANT SELECT ON `{child}`.* TO '{user}'@'%';
         GRANT CREATE, INSERT, DELETE ON `{archive}`.* TO '{user}'@'%';",
    );
    let (dry, real) = case.dry_then_real(s);
    dry.assert_code(1).output_contains("lacks SELECT");
    real.assert_code(1).output_contains("lacks SELECT");
    assert_eq!(case.db.sql("SELECT COUNT(*) FROM p").trim(), "4", "{real}");
}
