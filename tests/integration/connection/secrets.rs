//! The password out of the INI: `password_file` (first line, line end stripped; a warning when
//! the file is readable by others), `password_env`, `option_file` (`[client]` group, the INI's
//! keys winning), at most one of the three keys, and never the password in the output.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{server, unique_name, Osarchiver, Server};

use super::{counts, ini_as, table};

const PASSWORD: &str = "S3cret-pw#x;y 'z'";

/// A user of the shared server with [`PASSWORD`], dropped at the end.
struct User<'s> {
    s: &'s Server,
    name: String,
}

impl<'s> User<'s> {
    fn create(s: &'s Server) -> User<'s> {
        let name = unique_name("pw");
        let name = name[..name.len().min(60)].to_string();
        s.sql(&format!(
            "CREATE USER '{name}'@'%' IDENTIFIED BY 'S3cret-pw#x;y \\'z\\''; \
             GRANT ALL ON *.* TO '{name}'@'%';"
        ));
        User { s, name }
    }
}

impl Drop for User<'_> {
    fn drop(&mut self) {
        let _ = self.s.try_sql(&format!("DROP USER '{}'@'%'", self.name));
    }
}

fn write(dir: &std::path::Path, name: &str, text: &str, mode: u32) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
    path.display().to_string()
}

#[test]
fn password_file_gives_the_first_line_and_warns_when_others_can_read_it() {
    let s = server();
    let u = User::create(s);
    let db = table(s, "pwfile");
    let dir = tempfile::tempdir().unwrap();
    let private = write(
        dir.path(),
        "pw",
        &format!("{PASSWORD}\nsecond line\n"),
        0o600,
    );
    let open = write(dir.path(), "pw-open", &format!("{PASSWORD}\r\n"), 0o644);
    let wrong = write(dir.path(), "pw-wrong", "not-it\n", 0o600);

    let run = |file: &str| {
        Osarchiver::new()
            .config_text(
                ini_as(s, &db, &u.name)
                    .src("password_file", file)
                    .dst("password_file", file)
                    .text(),
            )
            .run()
    };
    let out = run(&wrong);
    out.assert_code(1).output_contains("Access denied");
    assert_eq!(counts(s, &db), (6, 0));

    let out = run(&private);
    out.assert_success()
        .output_lacks("readable by its group")
        .output_lacks(PASSWORD);
    assert_eq!(counts(s, &db).0, 0);

    db.sql("INSERT INTO t VALUES (11, '2000-01-01')");
    let out = run(&open);
    out.assert_success()
        .output_contains("readable by its group or others (mode 644)")
        .output_lacks(PASSWORD);
    assert_eq!(counts(s, &db), (0, 7));
}

#[test]
fn password_env_names_a_variable_that_must_be_set() {
    let s = server();
    let u = User::create(s);
    let db = table(s, "pwenv");
    let ini = ini_as(s, &db, &u.name)
        .src("password_env", "OSA_TEST_PW")
        .dst("password_env", "OSA_TEST_PW")
        .text();
    Osarchiver::new()
        .config_text(&ini)
        .env_remove("OSA_TEST_PW")
        .run()
        .assert_code(2)
        .output_contains("key 'password_env': $OSA_TEST_PW is not set");
    Osarchiver::new()
        .config_text(&ini)
        .env("OSA_TEST_PW", "wrong")
        .run()
        .assert_code(1);
    assert_eq!(counts(s, &db), (6, 0));
    Osarchiver::new()
        .config_text(&ini)
        .env("OSA_TEST_PW", PASSWORD)
        .run()
        .assert_success()
        .output_lacks(PASSWORD);
    assert_eq!(counts(s, &db), (0, 6));
    let out = Osarchiver::new()
        .config_text(&ini)
        .env("OSA_TEST_PW", PASSWORD)
        .arg("--check-config")
        .run();
    out.assert_success()
        .output_lacks(PASSWORD)
        .output_contains("********");
}

#[test]
fn option_file_client_group_gives_user_and_password_and_the_ini_wins() {
    let s = server();
    let u = User::create(s);
    let db = table(s, "optfile");
    let dir = tempfile::tempdir().unwrap();
    let cnf = write(
        dir.path(),
        "my.cnf",
        &format!(
            "[mysqld]\nuser = mysql\n[client]\nuser = {}\npassword = \"S3cret-pw#x;y 'z'\"\n\
             port = 1\n",
            u.name
        ),
        0o600,
    );
    // No user or password in the INI: both from the file; the INI's port wins over the file's.
    let ini = ini_as(s, &db, "x")
        .unset("src:src", "user")
        .unset("dst:dst", "user")
        .src("option_file", &cnf)
        .dst("option_file", &cnf);
    let out = Osarchiver::new()
        .config_text(ini.text())
        .arg("--check-config")
        .run();
    out.assert_success()
        .output_lacks(PASSWORD)
        .output_contains(&format!(
            "{}@127.0.0.1:{} password=********",
            u.name,
            s.port()
        ));
    // A wrong INI password wins over the file's right one.
    Osarchiver::new()
        .config_text(ini.clone().src("password", "wrong").text())
        .run()
        .assert_code(1);
    assert_eq!(counts(s, &db), (6, 0));
    Osarchiver::new()
        .config_text(ini.text())
        .run()
        .assert_success()
        .output_lacks(PASSWORD);
    assert_eq!(counts(s, &db), (0, 6));
}

#[test]
fn one_password_source_only_and_missing_files_are_config_errors() {
    let s = server();
    let db = table(s, "pwconf");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "pw", "x\n", 0o600);
    let base = ini_as(s, &db, "root");
    let check = |ini: crate::harness::Ini, needle: &str| {
        Osarchiver::new()
            .config_text(ini.text())
            .arg("--check-config")
            .run()
            .assert_code(2)
            .output_contains(needle);
    };
    check(
        base.clone().src("password", "a").src("password_file", &file),
        "section [src:src], key 'password_file': the password comes from one key only, and password is set too",
    );
    check(
        base.clone()
            .dst("password_file", &file)
            .dst("password_env", "HOME"),
        "section [dst:dst], key 'password_env'",
    );
    check(
        base.clone().src("password_file", "/nonexistent/pw"),
        "section [src:src], key 'password_file': cannot read /nonexistent/pw",
    );
    check(
        base.clone().dst("option_file", "/nonexistent/my.cnf"),
        "section [dst:dst], key 'option_file': cannot read /nonexistent/my.cnf",
    );
    let empty = write(dir.path(), "empty", "\n", 0o600);
    check(
        base.src("password_file", &empty),
        "key 'password_file': the first line of",
    );
}

/// A connection key that interpolates the password (`socket = /run/${password}/sock`, a
/// mistake, but a config an operator may write) never shows it: the connection's target is not
/// shown (the failed connection printed it seven times).
#[test]
fn a_socket_path_holding_the_password_does_not_show_it() {
    let cmd = Osarchiver::new();
    let text = "[archiver:a]\nsrc = s\ndst = d\n\n\
                [src:s]\nhost = 127.0.0.1\nuser = someone\npassword = Zq9-S3cr3t-pw\n\
                socket = /nonexistent/${password}/sock\ndatabases = x\nretention = 1 DAY\n\
                max_retries = 0\nretry_time_limit = 0.2\n\n\
                [dst:d]\nbackend = db\nhost = 127.0.0.1\nuser = someone\n\
                password = Zq9-S3cr3t-pw\nsocket = /nonexistent/${password}/sock\n";
    let out = cmd.config_text(text).run();
    out.assert_code(1).assert_no_panic();
    out.output_contains("not shown: it holds the password")
        .output_lacks("Zq9-S3cr3t-pw");
}
