//! Configuration files of any content: `Ini::parse`, `resolve` and `load_file` answer, never
//! panic, and the binary's `--check-config` exits 0 exactly when the file loads, 2 otherwise.

use std::ffi::OsString;
use std::path::PathBuf;

use proptest::prelude::*;

use osarchiver::config::ini::Ini;
use osarchiver::config::value::MAX_SECONDS;
use osarchiver::config::{self, RunClock};

use crate::command_line::binary;
use crate::strategies::ini_text;

fn clock() -> RunClock {
    RunClock::start()
}

/// Parses and resolves `text` as `load_file` does; checks what an accepted text gives.
fn load(text: &str) {
    let Ok(ini) = Ini::parse(text) else {
        return;
    };
    // Every value of every section, interpolated: errors are fine, panics are not.
    for s in ini.sections() {
        let _ = ini.items(&s.name);
        for k in ini.keys(&s.name) {
            let _ = ini.get(&s.name, &k);
        }
    }
    if let Ok(loaded) = config::resolve(&ini, PathBuf::from("p.ini"), clock()) {
        // What --check-config prints.
        let _ = config::render::render(&loaded.config);
        for a in &loaded.config.archivers {
            for s in &a.sources {
                assert!(s.select_limit >= 1 && s.delete_limit >= 1, "{s:?}");
                for d in [s.max_runtime, Some(s.progress_interval)]
                    .into_iter()
                    .flatten()
                {
                    assert!(d.as_secs_f64() <= MAX_SECONDS, "{d:?} in {text:?}");
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn ini_like_text_loads_or_is_refused(text in ini_text()) {
        load(&text);
    }

    #[test]
    fn arbitrary_text_loads_or_is_refused(text in any::<String>()) {
        load(&text);
    }

    #[test]
    fn arbitrary_bytes_in_a_file_load_or_are_refused(
        bytes in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..256),
            ini_text().prop_map(String::into_bytes),
        ]
    ) {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("osarchiver.ini");
        std::fs::write(&path, &bytes).unwrap();
        let _ = config::load_file(&path, clock());
    }
}

proptest! {
    // Each case runs the binary: fewer of them.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_binary_checks_any_config_with_exit_0_or_2(text in ini_text()) {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("c.ini"), &text).unwrap();
        let args: Vec<OsString> = ["--config", "c.ini", "--check-config"].map(OsString::from).to_vec();
        let code = binary(&args, d.path())?;
        let accepted = config::load_file(&d.path().join("c.ini"), clock()).is_ok();
        prop_assert_eq!(code, if accepted { 0 } else { 2 }, "{:?}", text);
    }
}
