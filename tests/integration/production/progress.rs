//! Progress: on a terminal (a pseudo-terminal from util-linux `script`), a bar per table that
//! moves with the rows and ends full, with the rows deleted, while the log lines still come
//! through whole; without a terminal (cron), no bar but a plain line every `progress_interval`
//! seconds, and none at all with `progress_interval = 0`.

use crate::harness::{server, Ini, Osarchiver, ScratchDb};

use super::eligible_table;

/// `text` without ANSI escape sequences and carriage returns: what the terminal shows, frame
/// after frame.
fn screen(text: &str) -> String {
    let escapes = regex::Regex::new(r"\x1b\[[0-9;?]*[A-Za-z]").unwrap();
    escapes.replace_all(text, "").replace('\r', "\n")
}

/// The `(position, length)` of every frame of the bar in `screen`.
fn frames(screen: &str) -> Vec<(u64, u64)> {
    let bar = regex::Regex::new(r"\] (\d+)/~(\d+) rows").unwrap();
    bar.captures_iter(screen)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect()
}

#[test]
fn a_terminal_gets_a_progress_bar_per_table() {
    let s = server();
    let db = ScratchDb::create(s, "bar");
    eligible_table(&db, 300);
    let out = Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db.name])
                .src("select_limit", 30)
                .src("delete_loop_delay", 0.05)
                .text(),
        )
        .in_terminal()
        .run();
    out.assert_success();
    let screen = screen(&out.stdout);
    let frames = frames(&screen);
    eprintln!("bar frames (rows done, estimate): {frames:?}");
    let name = format!("`{}`.`t`", db.name);
    // The last frame: the full bar, every row, the rows deleted.
    assert!(
        screen.contains(&format!("{name} [{}] 300/~300 rows", "=".repeat(30))),
        "no full bar for {name}\n{screen}"
    );
    assert!(screen.contains("deleted 300"), "no deleted count\n{screen}");
    // Frames on the way, ahead of the rows done: the estimate comes from the statistics.
    assert!(
        frames.iter().any(|&(pos, len)| pos < 300 && len >= 250),
        "the bar never showed progress under way: {frames:?}\n{screen}"
    );
    // The log went on, above the bar, its lines whole.
    assert!(
        screen
            .lines()
            .any(|l| l.contains(" INFO total ") && l.contains("1 tables")),
        "the summary did not come through whole\n{screen}"
    );
}

#[test]
fn without_a_terminal_a_long_table_logs_progress_lines() {
    let s = server();
    let db = ScratchDb::create(s, "lines");
    eligible_table(&db, 200);
    let ini = Ini::new(s, &[&db.name])
        .src("select_limit", 20)
        .src("delete_loop_delay", 0.1);
    let out = Osarchiver::new()
        .config_text(ini.clone().src("progress_interval", 0.2).text())
        .run();
    out.assert_success();
    let lines = out.lines_containing(" rows archived, ");
    assert!(!lines.is_empty(), "no progress line\n{out}");
    let name = format!("`{}`.`t`", db.name);
    let pattern = regex::Regex::new(&format!(
        r"INFO {}: \d+ of ~\d+ rows archived, \d+ deleted, \d+ rows/s$",
        regex::escape(&name)
    ))
    .unwrap();
    for line in &lines {
        assert!(
            pattern.is_match(line.trim_end()),
            "unexpected progress line {line:?}\n{out}"
        );
    }
    assert!(
        !out.stdout.contains("=>"),
        "a bar without a terminal\n{out}"
    );
    assert!(!out.stderr.contains("rows"), "bar output on stderr\n{out}");

    // progress_interval = 0: no lines.
    let db2 = ScratchDb::create(s, "quiet");
    eligible_table(&db2, 200);
    Osarchiver::new()
        .config_text(
            Ini::new(s, &[&db2.name])
                .src("select_limit", 20)
                .src("delete_loop_delay", 0.1)
                .src("progress_interval", 0)
                .text(),
        )
        .run()
        .assert_success()
        .output_lacks(" rows archived, ");
}
