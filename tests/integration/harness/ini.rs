//! [`Ini`]: the configuration text of a test run, built for a test server.
//!
//! By default: `[archiver:test]` reads `[src:src]` and writes to `[dst:dst]` (`backend = db`),
//! both on the given server; the source lists the test's databases explicitly (never `*` on the
//! shared server), keeps `7 DAY`, deletes (`delete_data = true`) and does not pause between
//! deletes. Any key can be set again or removed; sections and keys keep their order.
//!
//! ```ignore
//! let ini = Ini::new(server(), &[&db.name]).src("select_limit", "2").text();
//! Osarchiver::new().config_text(ini).run().assert_success();
//! ```

use super::server::Server;

/// A configuration file under construction.
#[derive(Debug, Clone)]
pub struct Ini {
    sections: Vec<(String, Vec<(String, String)>)>,
}

/// Sets `server_side_copy` in the default archive destination of [`Ini::new`] (`false`: every
/// row through osarchiver, as for an archive on another server).
pub const SERVER_SIDE_COPY_VAR: &str = "OSARCHIVER_TEST_SERVER_SIDE_COPY";

/// `host`, `port`, `user` and, when there is one, `password` for `server`.
pub fn connection(server: &Server) -> Vec<(String, String)> {
    let mut keys = vec![
        ("host".to_string(), server.host()),
        ("port".to_string(), server.port().to_string()),
        ("user".to_string(), server.user()),
    ];
    if let Some(pw) = server.password() {
        keys.push(("password".to_string(), pw));
    }
    keys
}

impl Ini {
    /// The default run described in the module documentation, over `databases` of `server`.
    pub fn new(server: &Server, databases: &[&str]) -> Ini {
        let mut src = vec![("backend".to_string(), "db".to_string())];
        src.extend(connection(server));
        src.extend(
            [
                ("databases", databases.join(", ").as_str()),
                ("retention", "7 DAY"),
                ("delete_data", "true"),
                ("delete_loop_delay", "0"),
                ("retry_time_limit", "0.2"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string())),
        );
        let mut dst = vec![("backend".to_string(), "db".to_string())];
        dst.extend(connection(server));
        dst.push(("retry_time_limit".to_string(), "0.2".to_string()));
        // scripts/test.sh runs the safety tests a second time with every row through
        // osarchiver (the way of remote archives), not copied inside the server.
        if let Ok(v) = std::env::var(SERVER_SIDE_COPY_VAR) {
            dst.push(("server_side_copy".to_string(), v));
        }
        Ini {
            sections: vec![
                (
                    "archiver:test".to_string(),
                    vec![
                        ("src".to_string(), "src".to_string()),
                        ("dst".to_string(), "dst".to_string()),
                    ],
                ),
                ("src:src".to_string(), src),
                ("dst:dst".to_string(), dst),
            ],
        }
    }

    /// Sets `key` in `section` (created at the end when missing); an existing key keeps its place.
    pub fn set(mut self, section: &str, key: &str, value: impl ToString) -> Ini {
        let value = value.to_string();
        let keys = match self.sections.iter_mut().find(|(s, _)| s == section) {
            Some((_, keys)) => keys,
            None => {
                self.sections.push((section.to_string(), Vec::new()));
                &mut self.sections.last_mut().expect("just pushed").1
            }
        };
        match keys.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => keys.push((key.to_string(), value)),
        }
        self
    }

    /// Removes `key` from `section`.
    pub fn unset(mut self, section: &str, key: &str) -> Ini {
        if let Some((_, keys)) = self.sections.iter_mut().find(|(s, _)| s == section) {
            keys.retain(|(k, _)| k != key);
        }
        self
    }

    /// Sets a key of the source `[src:src]`.
    pub fn src(self, key: &str, value: impl ToString) -> Ini {
        self.set("src:src", key, value)
    }

    /// Sets a key of the destination `[dst:dst]`.
    pub fn dst(self, key: &str, value: impl ToString) -> Ini {
        self.set("dst:dst", key, value)
    }

    /// Makes the archiver `test` write to `dsts` (`"files"`, `"dst, files"`), with a file
    /// destination `[dst:files]` in `dir` writing `formats`.
    pub fn files(self, dsts: &str, dir: &std::path::Path, formats: &str) -> Ini {
        self.set("archiver:test", "dst", dsts)
            .set("dst:files", "backend", "file")
            .set("dst:files", "directory", dir.display())
            .set("dst:files", "formats", formats)
    }

    /// Points the source's connection at `server`.
    pub fn src_server(self, server: &Server) -> Ini {
        connection(server)
            .into_iter()
            .fold(self.unset("src:src", "password"), |ini, (k, v)| {
                ini.set("src:src", &k, v)
            })
    }

    /// Points the destination's connection at `server`.
    pub fn dst_server(self, server: &Server) -> Ini {
        connection(server)
            .into_iter()
            .fold(self.unset("dst:dst", "password"), |ini, (k, v)| {
                ini.set("dst:dst", &k, v)
            })
    }

    /// The file's text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (name, keys) in &self.sections {
            out.push_str(&format!("[{name}]\n"));
            for (k, v) in keys {
                out.push_str(&format!("{k} = {v}\n"));
            }
            out.push('\n');
        }
        out
    }
}
