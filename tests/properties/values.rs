//! The value parsers of `config::value` on any string: an answer, never a panic, and what
//! they accept is within bounds.

use std::collections::BTreeMap;

use proptest::prelude::*;

use osarchiver::config::value::{self, MAX_SECONDS};

use crate::strategies::value;

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn value_parsers_answer_every_string(raw in prop_oneof![value(), any::<String>()]) {
        let _ = value::parse_bool(&raw);
        let _ = value::parse_count(&raw);
        if let Ok(n) = value::parse_positive(&raw) {
            prop_assert!(n >= 1);
        }
        if let Ok(p) = value::parse_port(&raw) {
            prop_assert!(p >= 1);
        }
        if let Ok(s) = value::parse_seconds(&raw) {
            prop_assert!((0.0..=MAX_SECONDS).contains(&s), "{s}");
        }
        if let Ok(Some(d)) = value::parse_duration(&raw) {
            // Within what Instant arithmetic holds.
            prop_assert!(d.as_secs_f64() <= MAX_SECONDS * 1.000_001, "{d:?}");
            prop_assert!(std::time::Instant::now().checked_add(d).is_some());
        }
        if let Ok(f) = value::parse_fraction(&raw) {
            prop_assert!((0.0..=1.0).contains(&f), "{f}");
        }
        if let Ok(n) = value::parse_attempts(&raw) {
            prop_assert!(n >= 1);
        }
        if let Ok(d) = value::parse_backoff(&raw) {
            prop_assert!(d.as_secs_f64() <= 3600.0, "{d:?}");
        }
        let _ = value::parse_size(&raw);
        if let Ok((host, _)) = value::parse_host_port(&raw) {
            prop_assert!(!host.is_empty());
        }
        if let Ok(r) = value::parse_retention(&raw) {
            // Normalised: reading it again gives it back.
            prop_assert_eq!(value::parse_retention(&r), Ok(r.clone()));
        }
        for item in value::parse_list(&raw) {
            prop_assert!(!item.is_empty() && item == item.trim());
            prop_assert!(!item.contains([',', ';', '\n']));
        }
        let fields: BTreeMap<&str, &str> = [("now", "N"), ("date", "D")].into_iter().collect();
        if let Ok(out) = value::format_placeholders(&raw, &fields) {
            if !raw.contains(['{', '}']) {
                prop_assert_eq!(out, raw);
            }
        }
    }
}
