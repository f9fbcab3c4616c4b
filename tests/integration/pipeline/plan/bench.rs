//! The plan on the bench dataset (`gen_dataset.sh`, on a server of its own: its databases have
//! fixed names): counts predicted table by table, bytes near the CSV files written.

use crate::harness::Ini;
use crate::harness::{dedicated_server, server, Osarchiver, Server};

use super::{dry_then_real, plans};

/// The bench dataset (`gen_dataset.sh`, small, with a few more live children down the
/// nova chains): the plan's counts are the real run's, table by table, and its bytes are near
/// the size of the CSV files the real run writes.
#[test]
fn the_plan_predicts_the_real_run_on_the_bench_dataset() {
    if !server().is_private() {
        eprintln!("skipped: the bench dataset needs a server of its own (fixed database names)");
        return;
    }
    let s = dedicated_server();
    // OSARCHIVER_PLAN_BENCH_N=100000 runs it at the benchmark's size.
    let n = std::env::var("OSARCHIVER_PLAN_BENCH_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1500);
    bench_dataset(&s, n);
    let cmd = Osarchiver::new();
    let files = cmd.dir().join("files");
    let ini = Ini::new(&s, &["nova", "cinder", "freezer"])
        .unset("src:src", "retention")
        .src(
            "where",
            "deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH)",
        )
        .src("excluded_tables", "shadow_.*")
        .src("select_limit", 200)
        .src("delete_limit", 70)
        .set("archiver:test", "dst", "dst, files")
        .set("dst:files", "backend", "file")
        .set("dst:files", "directory", files.display())
        .set("dst:files", "formats", "csv");
    let (dry, real) = dry_then_real(&ini);
    eprintln!(
        "bench dataset of {n} instances: dry run {:.2}s, real run {:.2}s",
        dry.elapsed.as_secs_f64(),
        real.elapsed.as_secs_f64()
    );
    for t in dry.report.as_ref().unwrap()["tables"].as_array().unwrap() {
        eprintln!(
            "  {}.{}: planned in {:.2}s",
            t["database"].as_str().unwrap_or(""),
            t["table"].as_str().unwrap_or(""),
            t["elapsed_seconds"].as_f64().unwrap_or(0.0)
        );
    }
    let plans = plans(&dry);
    let blocked: u64 = plans.values().map(|p| p["blocked"].as_u64().unwrap()).sum();
    assert!(blocked > 0, "the dataset blocks rows\n{dry}");
    let chain = &plans["nova.instance_actions"];
    assert!(chain["blocked"].as_u64().unwrap() >= 3, "{chain}");
    let bytes: u64 = plans.values().map(|p| p["bytes"].as_u64().unwrap()).sum();
    let written = dir_size(&files);
    assert!(
        written > 0
            && (bytes as f64) > 0.5 * written as f64
            && (bytes as f64) < 1.5 * written as f64,
        "planned {bytes} bytes, the CSV files hold {written}\n{real}"
    );
}

/// Total size of the files under `dir`.
fn dir_size(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            _ => e.metadata().map(|m| m.len()).unwrap_or(0),
        })
        .sum()
}

/// `gen_dataset.sh n` on `s`, then live rows down the nova chains: events of eligible
/// actions (which keep their action, which keeps its instance) and metadata.
pub(crate) fn bench_dataset(s: &Server, n: u32) {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_dataset.sh");
    // The shared generator beside the repository when there is one, else the copy kept in
    // tests/corpus (a clean clone on a fresh machine has only the repository).
    let script = if script.exists() {
        script
    } else {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/bench/gen_dataset.sh")
    };
    let mut client = vec!["mariadb".to_string(), "--no-defaults".to_string()];
    client.extend(s.cli_args());
    let out = std::process::Command::new("bash")
        .arg(&script)
        .arg(n.to_string())
        .env("MYSQL", client.join(" "))
        .output()
        .expect("bash runs gen_dataset.sh");
    assert!(
        out.status.success(),
        "gen_dataset.sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    s.sql(
        "UPDATE nova.instance_actions_events SET deleted_at = NULL, deleted = 0
           WHERE deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH) AND id % 97 = 0;
         UPDATE nova.instance_metadata SET deleted_at = NULL, deleted = 0
           WHERE deleted_at <= SUBDATE('2026-11-01 00:00:00', INTERVAL 12 MONTH) AND id % 89 = 0;",
    );
}
