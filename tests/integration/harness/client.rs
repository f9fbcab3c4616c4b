//! Finding the MariaDB programs and running SQL through the `mariadb` command-line client.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What to tell someone whose machine lacks the server programs.
pub const INSTALL_HINT: &str =
    "install the MariaDB server (Debian: `apt-get install mariadb-server \
     mariadb-client`, or run scripts/test.sh as root) or point the tests at an existing server \
     with OSARCHIVER_TEST_MYSQL=mysql://root:PASSWORD@127.0.0.1:3306";

/// The first of `names` found on `PATH` or in the sbin directories (which a non-root `PATH`
/// often lacks, and where Debian puts `mariadbd`).
pub fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    for extra in [
        "/usr/sbin",
        "/usr/local/sbin",
        "/sbin",
        "/usr/bin",
        "/usr/local/bin",
    ] {
        dirs.push(PathBuf::from(extra));
    }
    names
        .iter()
        .find_map(|name| dirs.iter().map(|d| d.join(name)).find(|p| is_executable(p)))
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// The `mariadb` client (or its older name `mysql`).
pub fn client_program() -> PathBuf {
    find_program(&["mariadb", "mysql"])
        .unwrap_or_else(|| panic!("the `mariadb` client is not installed: {INSTALL_HINT}"))
}

/// Runs `sql` (any number of `;`-separated statements) with the client in batch mode, without
/// column names, in utf8mb4, reading no option file. `Ok` is the client's stdout; `Err` is its
/// stderr (the server's error message) with the exit status.
pub fn run_sql(connection_args: &[String], sql: &str) -> Result<String, String> {
    run_sql_with(connection_args, &[], sql)
}

/// [`run_sql`] with more client options (e.g. `--local-infile=1` for `LOAD DATA LOCAL`).
pub fn run_sql_with(
    connection_args: &[String],
    extra_args: &[&str],
    sql: &str,
) -> Result<String, String> {
    let mut child = Command::new(client_program())
        .arg("--no-defaults")
        .args(connection_args)
        .args(["--batch", "-N", "--default-character-set=utf8mb4"])
        .args(extra_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run the mariadb client: {e}"))?;
    // Written from another thread: a large script and a large result must not deadlock.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let script = sql.to_string();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(script.as_bytes());
        let _ = stdin.write_all(b"\n");
    });
    let out = child
        .wait_with_output()
        .map_err(|e| format!("mariadb client: {e}"))?;
    let _ = writer.join();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!(
            "{} ({})",
            String::from_utf8_lossy(&out.stderr).trim(),
            out.status
        ))
    }
}
