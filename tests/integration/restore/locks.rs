//! A restore takes the locks of an archiving run of the same configuration and source: while
//! it runs, an archiving run and a second restore exit with code 5; a dry run takes none.

use std::time::Duration;

use crate::harness::{server, Ini, Osarchiver};

use super::Nova;

#[test]
fn a_restore_and_an_archiving_run_exclude_each_other() {
    let nova = Nova::create("rs_locks", 1, 100);
    nova.archive();
    let first = Osarchiver::new();
    let ini = Ini::new(server(), &[&nova.db.name])
        .src("lock_dir", first.dir().join("locks").display())
        .text();
    let args = [
        "--table".to_string(),
        format!("{}.instances", nova.db.name),
        "--where".to_string(),
        "1".to_string(),
        "--with-children".to_string(),
        "--batch-size".to_string(),
        "2".to_string(),
        "--batch-delay".to_string(),
        "0.3".to_string(),
    ];
    let mut first = first
        .subcommand("restore")
        .config_text(&ini)
        .args(&args)
        .spawn();
    let config = first.dir().join("osarchiver.ini");
    assert!(
        first.wait_for_log("row(s) from the archive", Duration::from_secs(30)),
        "{}",
        first.log()
    );
    Osarchiver::new()
        .config_file(&config)
        .run()
        .assert_code(5)
        .output_contains(&format!("is held by another run (pid {}", first.pid()));
    Osarchiver::new()
        .subcommand("restore")
        .config_file(&config)
        .args(&args)
        .run()
        .assert_code(5)
        .output_contains("not restored");
    Osarchiver::new()
        .subcommand("restore")
        .config_file(&config)
        .args(&args[..5])
        .arg("--dry-run")
        .run()
        .assert_success();
    first.signal(libc::SIGTERM);
    first.wait().assert_code(4);
}
