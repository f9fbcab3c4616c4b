//! Unit tests of the grants: `SHOW GRANTS` lines as MariaDB prints them, and the server's
//! rules for which grant applies.

use super::parse::{like, specificity};
use super::*;

const SHOWN: &[&str] = &[
    "GRANT `r_arch` TO `gtest`@`%`",
    "GRANT USAGE ON *.* TO `gtest`@`%` IDENTIFIED BY PASSWORD '*B69027D44F6E5EDC07F1AEAD1477967B16F28227'",
    "GRANT SELECT ON `nova\\_%`.* TO `gtest`@`%`",
    "GRANT `r_inner` TO `r_arch`",
    "GRANT USAGE ON *.* TO `r_arch`",
    "GRANT INSERT, CREATE ON `test`.* TO `r_arch`",
    "GRANT USAGE ON *.* TO `r_inner`",
    "GRANT DELETE ON `test`.`t1` TO `r_inner`",
    "GRANT SELECT (`id`, `name`), UPDATE ON `odd``db`.`t,2` TO `gtest`@`%`",
    "GRANT EXECUTE ON PROCEDURE `test`.`p` TO `gtest`@`%`",
    "GRANT PROXY ON ''@'%' TO 'gtest'@'%' WITH GRANT OPTION",
    "SET DEFAULT ROLE `r_arch` FOR `gtest`@`%`",
];

#[test]
fn what_show_grants_says_is_read_with_roles() {
    let g = Grants::parse(SHOWN);
    assert_eq!(g.allows("SELECT", "nova_api", Some("x")), Decision::Granted);
    // `nova\_%` is not `novaX...`.
    assert_eq!(g.allows("SELECT", "novaXapi", Some("x")), Decision::Missing);
    assert_eq!(g.allows("DELETE", "nova_api", Some("x")), Decision::Missing);
    assert_eq!(g.allows("DELETE", "test", Some("t1")), Decision::Granted);
    assert_eq!(g.allows("DELETE", "test", Some("t2")), Decision::Missing);
    assert_eq!(g.allows("INSERT", "test", Some("t2")), Decision::Granted);
    assert_eq!(g.allows("CREATE", "test", None), Decision::Granted);
    assert_eq!(g.allows("CREATE", "other", None), Decision::Missing);
    assert_eq!(g.allows("UPDATE", "odd`db", Some("t,2")), Decision::Granted);
    assert!(matches!(
        g.allows("SELECT", "odd`db", Some("t,2")),
        Decision::Undecided(_)
    ));
    assert_eq!(g.allows("EXECUTE", "test", Some("p")), Decision::Missing);
}

#[test]
fn all_privileges_and_global_grants() {
    let g = Grants::parse(&["GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"]);
    for p in ["SELECT", "DELETE", "INSERT", "CREATE"] {
        assert_eq!(g.allows(p, "any", Some("t")), Decision::Granted);
    }
    let g = Grants::parse(&["GRANT ALL PRIVILEGES ON `nova`.* TO `u`@`%`"]);
    assert_eq!(g.allows("DELETE", "nova", Some("t")), Decision::Granted);
    assert_eq!(g.allows("DELETE", "nova2", Some("t")), Decision::Missing);
}

#[test]
fn like_patterns() {
    assert!(like("nova%", "nova_api"));
    assert!(like("nova_api", "novaXapi"));
    assert!(!like("nova\\_api", "novaXapi"));
    assert!(like("nova\\_api", "nova_api"));
    assert!(like("%", ""));
    assert!(!like("Nova", "nova"));
}

#[test]
fn nonsense_is_skipped_not_a_panic() {
    for line in [
        "",
        "GRANT",
        "GRANT ON",
        "GRANT SELECT ON `x",
        "GRANT SELECT ON `a`.",
        "GRANT ( ON *.*",
    ] {
        let g = Grants::parse(&[line]);
        assert_eq!(
            g.allows("SELECT", "a", Some("b")),
            Decision::Missing,
            "{line}"
        );
    }
}

/// What MariaDB 10.11 did with these grants (checked by hand): the exact `gq_exact`.* hides
/// `gq\_%`.*, and `gq\_%`.* hides `gq%`.*, for the user as for a role.
#[test]
fn the_most_specific_database_grant_hides_the_others() {
    let g = Grants::parse(&[
        "GRANT SELECT ON `gq_exact`.* TO `gq`@`%`",
        "GRANT DELETE ON `gq\\_%`.* TO `gq`@`%`",
    ]);
    assert_eq!(g.allows("SELECT", "gq_exact", Some("t")), Decision::Granted);
    match g.allows("DELETE", "gq_exact", Some("t")) {
        Decision::Shadowed(why) => assert!(
            why.contains("`gq\\_%`.*") && why.contains("`gq_exact`.*"),
            "{why}"
        ),
        d => panic!("{d:?}"),
    }
    // Where the exact name does not match, the pattern applies.
    assert_eq!(g.allows("DELETE", "gq_other", Some("t")), Decision::Granted);

    let g = Grants::parse(&[
        "GRANT INSERT ON `gq\\_%`.* TO `gqr`",
        "GRANT DELETE ON `gq%`.* TO `gqr`",
        "GRANT SELECT ON `gq\\_%`.* TO `gq`@`%`",
    ]);
    assert!(matches!(
        g.allows("DELETE", "gq_exact", Some("t")),
        Decision::Shadowed(_)
    ));
    assert_eq!(g.allows("DELETE", "gqx", Some("t")), Decision::Granted);
}

#[test]
fn grantees_add_up_and_table_and_global_grants_are_never_hidden() {
    // The user's exact grant does not hide the role's pattern, nor PUBLIC's.
    let g = Grants::parse(&[
        "GRANT SELECT ON `nova`.* TO `u`@`%`",
        "GRANT DELETE ON `nov%`.* TO `r`",
        "GRANT INSERT ON `%`.* TO PUBLIC",
        "GRANT UPDATE ON `nova`.`t` TO `u`@`%`",
        "GRANT RELOAD, LOCK TABLES ON *.* TO `u`@`%`",
    ]);
    for p in ["SELECT", "DELETE", "INSERT", "UPDATE", "LOCK TABLES"] {
        assert_eq!(g.allows(p, "nova", Some("t")), Decision::Granted, "{p}");
    }
    assert_eq!(g.allows("UPDATE", "nova", Some("t2")), Decision::Missing);
    // Nested roles merge pattern by pattern: two grants on the same pattern add up.
    let g = Grants::parse(&[
        "GRANT SELECT ON `nova%`.* TO `outer`",
        "GRANT DELETE ON `nova%`.* TO `inner`",
        "GRANT INSERT ON `nov%`.* TO `inner`",
    ]);
    assert_eq!(g.allows("DELETE", "nova", Some("t")), Decision::Granted);
    assert!(matches!(
        g.allows("INSERT", "nova", Some("t")),
        Decision::Shadowed(_)
    ));
}

#[test]
fn patterns_as_specific_leave_the_answer_undecided() {
    // Same counts of characters and wildcards, same prefix: the server's order between them
    // is not the patterns' business.
    let g = Grants::parse(&[
        "GRANT DELETE ON `nova%a%`.* TO `u`@`%`",
        "GRANT SELECT ON `nova%p%`.* TO `u`@`%`",
    ]);
    for p in ["SELECT", "DELETE"] {
        match g.allows(p, "nova_api", Some("t")) {
            Decision::Undecided(why) => assert!(why.contains("as specific"), "{why}"),
            d => panic!("{p}: {d:?}"),
        }
    }
    // `nova_pi` matches `nova%p%` only.
    assert_eq!(g.allows("SELECT", "nova_pi", Some("t")), Decision::Granted);
    // `nova_%` is more specific than `nova%`.
    let g = Grants::parse(&[
        "GRANT DELETE ON `nova_%`.* TO `u`@`%`",
        "GRANT SELECT ON `nova%`.* TO `u`@`%`",
    ]);
    assert_eq!(g.allows("DELETE", "nova_api", Some("t")), Decision::Granted);
    assert!(matches!(
        g.allows("SELECT", "nova_api", Some("t")),
        Decision::Shadowed(_)
    ));
}

#[test]
fn delete_history_is_not_delete_and_usage_is_nothing() {
    let g = Grants::parse(&[
        "GRANT USAGE ON *.* TO `u`@`%`",
        "GRANT SELECT, DELETE HISTORY ON `nova`.* TO `u`@`%`",
        "GRANT USAGE ON `nova`.* TO `u`@`%`",
    ]);
    assert_eq!(g.allows("DELETE", "nova", Some("t")), Decision::Missing);
    assert_eq!(g.allows("SELECT", "nova", Some("t")), Decision::Granted);
}

#[test]
fn specificity_follows_the_server() {
    // From the most specific to the least, as MariaDB sorts them.
    let ordered = ["nova", "nova_api", "nova\\_%", "nova%", "nov%", "n%a%", "%"];
    for pair in ordered.windows(2) {
        assert!(
            specificity(pair[0]) > specificity(pair[1]),
            "{} before {}",
            pair[0],
            pair[1]
        );
    }
    assert_eq!(specificity("nova"), specificity("glance"));
    assert_eq!(specificity("nova"), specificity("nova\\_api"));
    assert_eq!(specificity("nova%%"), specificity("nova%"));
    // Overlong names do not overflow.
    specificity(&format!("{}%", "é".repeat(200)));
}

/// After `GRANT ALL ON gq_arch.*` then `REVOKE DELETE ON gq_arch.*` (MariaDB 10.11).
#[test]
fn a_revoked_privilege_is_missing() {
    let g = Grants::parse(&[
        "GRANT USAGE ON *.* TO `gq`@`%` IDENTIFIED BY PASSWORD '*D821809F681A40A6E379B50D0463EFAE20BDD122'",
        "GRANT SELECT, INSERT, UPDATE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY ON `gq_arch`.* TO `gq`@`%`",
    ]);
    assert_eq!(g.allows("DELETE", "gq_arch", Some("t")), Decision::Missing);
    for p in ["SELECT", "INSERT", "CREATE"] {
        assert_eq!(g.allows(p, "gq_arch", Some("t")), Decision::Granted, "{p}");
    }
}

/// MySQL 8 lists a role (with a host part) but not its privileges: what is not listed may
/// come from it, so the answer is undecided. MariaDB's role lines are not that.
#[test]
fn mysql_roles_whose_privileges_are_not_listed_leave_it_undecided() {
    let g = Grants::parse(&[
        "GRANT USAGE ON *.* TO `u`@`%`",
        "GRANT SELECT ON `nova`.* TO `u`@`%`",
        "GRANT `app_rw`@`%`,`audit`@`%` TO `u`@`%`",
    ]);
    assert_eq!(g.allows("SELECT", "nova", Some("t")), Decision::Granted);
    match g.allows("DELETE", "nova", Some("t")) {
        Decision::Undecided(why) => assert!(why.contains("`app_rw`@`%`"), "{why}"),
        d => panic!("{d:?}"),
    }
    let g = Grants::parse(&[
        "GRANT `r_arch` TO `gtest`@`%`",
        "GRANT USAGE ON *.* TO `r_arch`",
    ]);
    assert_eq!(g.allows("DELETE", "nova", Some("t")), Decision::Missing);
}
