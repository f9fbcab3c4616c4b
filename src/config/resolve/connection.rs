//! The connection keys of a source or database destination: where, who, the password from one
//! of its three sources, an optional MySQL option file under the INI keys, TLS and timeouts.
//!
//! Files named by the keys (`password_file`, `option_file`, `ssl_*`) are read or opened here,
//! when the configuration is loaded, so that `--check-config` reports a missing one (exit 2,
//! section and key). No error message or log line carries a password.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::super::option_file::{self, OptionFile};
use super::Reader;
use crate::config::error::ConfigError;
use crate::config::model::{DbConnection, Secret, SslMode, Timeouts, Tls};
use crate::config::value::{parse_port, parse_seconds};

/// The keys that give the password; at most one may be set.
pub const PASSWORD_KEYS: &[&str] = &["password", "password_file", "password_env"];

/// `~/` at the start of a path is the user's home (`$HOME`).
pub fn expand_home(raw: &str) -> PathBuf {
    let raw = raw.trim();
    match (raw.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => Path::new(&home).join(rest),
        _ => PathBuf::from(raw),
    }
}

pub(super) fn read(r: &Reader) -> Result<DbConnection, ConfigError> {
    let file = match r.non_empty("option_file")? {
        Some(p) => Some(option_file::read(&expand_home(&p)).map_err(|m| r.err("option_file", m))?),
        None => None,
    };
    // A value: the INI's (section, then DEFAULT), else the option file's; with the key the
    // value came from, for errors.
    let value = |key: &'static str,
                 file_name: &'static str|
     -> Result<Option<(String, &'static str)>, ConfigError> {
        if let Some(v) = r.non_empty(key)? {
            return Ok(Some((v.trim().to_string(), key)));
        }
        Ok(file
            .as_ref()
            .and_then(|f: &OptionFile| f.get(file_name))
            .filter(|v| !v.trim().is_empty())
            .map(|v| (v.trim().to_string(), "option_file")))
    };
    let host = match value("host", "host")? {
        Some((h, _)) => h,
        None => r.built_in("host")?,
    };
    let port = match value("port", "port")? {
        Some((p, key)) => parse_port(&p).map_err(|m| r.err(key, m))?,
        None => r.typed("port", parse_port)?,
    };
    Ok(DbConnection {
        host,
        port,
        user: value("user", "user")?.map(|(u, _)| u).or_else(os_user),
        password: password(r, file.as_ref())?,
        socket: value("socket", "socket")?.map(|(s, _)| expand_home(&s)),
        tls: Box::new(tls(r, &value)?),
        timeouts: Timeouts {
            connect: timeout(r, "connect_timeout")?,
            read: timeout(r, "read_timeout")?,
            write: timeout(r, "write_timeout")?,
        },
    })
}

/// The login name when no `user` is set, as the Python osarchiver's driver (PyMySQL, through
/// `getpass.getuser()`) and the `mariadb` client take it: `$LOGNAME`, `$USER`, `$LNAME`,
/// `$USERNAME`, else the name of the process's user in the password database.
fn os_user() -> Option<String> {
    for var in ["LOGNAME", "USER", "LNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                return Some(v);
            }
        }
    }
    let uid = unsafe { libc::geteuid() };
    let mut buf = vec![0 as libc::c_char; 4096];
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut found: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is to a live local of the size given; getpwuid_r writes only there.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut found) };
    if rc != 0 || found.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: pw_name points into `buf`, NUL-terminated by getpwuid_r.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    name.to_str()
        .ok()
        .filter(|n| !n.is_empty())
        .map(String::from)
}

fn timeout(r: &Reader, key: &str) -> Result<Duration, ConfigError> {
    let s = r.typed(key, parse_seconds)?;
    if s <= 0.0 {
        return Err(r.err(key, "must be more than 0 seconds"));
    }
    Ok(Duration::from_secs_f64(s))
}

fn password(r: &Reader, file: Option<&OptionFile>) -> Result<Option<Secret>, ConfigError> {
    let mut set = Vec::new();
    for key in PASSWORD_KEYS {
        if r.opt(key)?.is_some_and(|v| !v.is_empty()) {
            set.push(*key);
        }
    }
    if set.len() > 1 {
        return Err(r.err(
            set[1],
            format!(
                "the password comes from one key only, and {} is set too",
                set[0]
            ),
        ));
    }
    match set.first().copied() {
        Some("password_file") => {
            let raw = r.get("password_file")?;
            password_from_file(&expand_home(&raw))
                .map(Some)
                .map_err(|m| r.err("password_file", m))
        }
        Some("password_env") => {
            let name = r.get("password_env")?.trim().to_string();
            match std::env::var(&name) {
                Ok(v) if !v.is_empty() => Ok(Some(Secret::new(v))),
                Ok(_) => Err(r.err("password_env", format!("${name} is empty"))),
                Err(std::env::VarError::NotPresent) => {
                    Err(r.err("password_env", format!("${name} is not set")))
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(r.err("password_env", format!("${name} is not valid UTF-8")))
                }
            }
        }
        // `password =` (empty) keeps its meaning: an empty password.
        _ => match r.opt("password")? {
            Some(p) => Ok(Some(Secret::new(p))),
            None => Ok(file.and_then(|f| f.get("password")).map(Secret::new)),
        },
    }
}

/// The first line of the file at `path`, its line end stripped. Warns (without the password)
/// when the file is readable by its group or by others.
pub fn password_from_file(path: &Path) -> Result<Secret, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o044 != 0 {
                tracing::warn!(
                    "password_file {} is readable by its group or others (mode {mode:03o}): chmod 600 it",
                    path.display()
                );
            }
        }
    }
    let text =
        String::from_utf8(bytes).map_err(|_| format!("{} is not valid UTF-8", path.display()))?;
    let line = text.split('\n').next().unwrap_or("");
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.is_empty() {
        return Err(format!("the first line of {} is empty", path.display()));
    }
    Ok(Secret::new(line))
}

type Value<'a> =
    dyn Fn(&'static str, &'static str) -> Result<Option<(String, &'static str)>, ConfigError> + 'a;

fn tls(r: &Reader, value: &Value) -> Result<Tls, ConfigError> {
    let file = |key: &'static str| -> Result<Option<PathBuf>, ConfigError> {
        match value(key, key)? {
            Some((raw, from)) => {
                let path = expand_home(&raw);
                std::fs::File::open(&path).map_err(|e| {
                    r.err(from, format!("cannot read {} ({key}): {e}", path.display()))
                })?;
                Ok(Some(path))
            }
            None => Ok(None),
        }
    };
    let ca = file("ssl_ca")?;
    let cert = file("ssl_cert")?;
    let key = file("ssl_key")?;
    match (&cert, &key) {
        (Some(_), None) => return Err(r.err("ssl_key", "is required with ssl_cert")),
        (None, Some(_)) => return Err(r.err("ssl_cert", "is required with ssl_key")),
        _ => {}
    }
    let mode = match value("ssl_mode", "ssl_mode")? {
        Some((m, from)) => SslMode::parse(&m).ok_or_else(|| {
            r.err(
                from,
                format!(
                    "unknown ssl mode {m:?} (expected {})",
                    SslMode::NAMES.join(", ")
                ),
            )
        })?,
        None if ca.is_some() => SslMode::VerifyCa,
        None if cert.is_some() => SslMode::Required,
        None => SslMode::Disabled,
    };
    if mode == SslMode::VerifyCa && ca.is_none() {
        return Err(r.err("ssl_ca", "is required by ssl_mode = verify_ca"));
    }
    Ok(Tls {
        mode,
        ca,
        cert,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ini::Ini;
    use crate::config::{resolve, RunClock};

    fn conn(src: &str) -> Result<DbConnection, ConfigError> {
        let text = format!(
            "[archiver:a]\nsrc = s\n\n[src:s]\nretention = 1 DAY\narchive_data = false\n{src}\n"
        );
        let ini = Ini::parse(&text)?;
        let loaded = resolve(&ini, PathBuf::from("t.ini"), RunClock::start())?;
        Ok(loaded.config.archivers[0].sources[0].conn.clone())
    }

    #[test]
    fn defaults_keep_plain_connections_and_bound_every_session() {
        let c = conn("").unwrap();
        assert_eq!(*c.tls, Tls::default());
        assert_eq!(c.tls.mode, SslMode::Disabled);
        assert_eq!(c.timeouts, Timeouts::DEFAULT);
        assert!(c.timeouts.read >= Duration::from_secs(300));
        let c = conn("connect_timeout = 2\nread_timeout = 0.5\nwrite_timeout = 1").unwrap();
        assert_eq!(c.timeouts.connect, Duration::from_secs(2));
        assert_eq!(c.timeouts.operation(), Duration::from_millis(1500));
        let e = conn("read_timeout = 0").unwrap_err().to_string();
        assert!(e.contains("key 'read_timeout': must be more than 0"), "{e}");
    }

    #[test]
    fn an_unset_user_is_the_login_name_as_for_the_python_tool() {
        let login = os_user().expect("a login name");
        assert!(!login.is_empty());
        assert_eq!(conn("").unwrap().user.as_deref(), Some(login.as_str()));
        assert_eq!(conn("user = nova").unwrap().user.as_deref(), Some("nova"));
    }

    #[test]
    fn ssl_mode_defaults_follow_the_files_given() {
        let ca = "/etc/hostname";
        let c = conn(&format!("ssl_ca = {ca}")).unwrap();
        assert_eq!(c.tls.mode, SslMode::VerifyCa);
        let c = conn(&format!("ssl_cert = {ca}\nssl_key = {ca}")).unwrap();
        assert_eq!(c.tls.mode, SslMode::Required);
        let c = conn("ssl_mode = VERIFY_IDENTITY").unwrap();
        assert_eq!(c.tls.mode, SslMode::VerifyIdentity);
        let c = conn(&format!("ssl_mode = disabled\nssl_ca = {ca}")).unwrap();
        assert_eq!(c.tls.mode, SslMode::Disabled);
    }

    #[test]
    fn option_file_fills_in_what_the_ini_does_not_say() {
        let dir = tempfile::tempdir().unwrap();
        let cnf = dir.path().join("my.cnf");
        std::fs::write(
            &cnf,
            "[client]\nuser = fromfile\npassword = pw-file\nhost = h1\nport = 3310\nssl-mode = REQUIRED\n",
        )
        .unwrap();
        let c = conn(&format!("option_file = {}\nhost = h2", cnf.display())).unwrap();
        assert_eq!(c.user.as_deref(), Some("fromfile"));
        assert_eq!(c.password.as_ref().map(Secret::expose), Some("pw-file"));
        assert_eq!((c.host.as_str(), c.port), ("h2", 3310));
        assert_eq!(c.tls.mode, SslMode::Required);
        let c = conn(&format!("option_file = {}\npassword = ini", cnf.display())).unwrap();
        assert_eq!(c.password.as_ref().map(Secret::expose), Some("ini"));
        std::fs::write(&cnf, "[client]\nport = x\n").unwrap();
        let e = conn(&format!("option_file = {}", cnf.display()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("[src:s], key 'option_file'"), "{e}");
    }

    #[test]
    fn password_file_first_line_without_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "p w\r\nnext\n").unwrap();
        assert_eq!(password_from_file(&f).unwrap().expose(), "p w");
        std::fs::write(&f, "only").unwrap();
        assert_eq!(password_from_file(&f).unwrap().expose(), "only");
        std::fs::write(&f, "").unwrap();
        assert!(password_from_file(&f).is_err());
    }
}
