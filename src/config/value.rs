//! Typed readings of raw option strings: booleans, lists, limits, durations, retention and the
//! `{now}`/`{date}` placeholders. Each function reports what is wrong; the caller adds section and key.

use std::collections::BTreeMap;

/// configparser's `getboolean`: 1/yes/true/on and 0/no/false/off, any case.
pub fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw.to_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Ok(true),
        "0" | "no" | "false" | "off" => Ok(false),
        _ => Err(format!(
            "{raw:?} is not a boolean (use 1/yes/true/on or 0/no/false/off)"
        )),
    }
}

/// A list option: split on comma, semicolon or newline, items trimmed, empty items dropped.
pub fn parse_list(raw: &str) -> Vec<String> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A list of names or patterns (`databases`, `tables`, `excluded_databases`,
/// `excluded_tables`): as [`parse_list`], with every space removed, as the Python osarchiver
/// does (`shadow_ .*` is `shadow_.*`; a MySQL name with a space cannot be listed there).
pub fn parse_name_list(raw: &str) -> Vec<String> {
    parse_list(&raw.replace(' ', ""))
}

/// An exclusion pattern as the operator wrote it, from the anchored form `^(?:p)$` the
/// resolved configuration keeps.
pub fn as_written(anchored: &str) -> &str {
    anchored
        .strip_prefix("^(?:")
        .and_then(|p| p.strip_suffix(")$"))
        .unwrap_or(anchored)
}

/// The items of a name list that had a space inside them (the resolver warns about them).
pub fn spaced_items(raw: &str) -> Vec<String> {
    parse_list(raw)
        .into_iter()
        .filter(|item| item.contains(' '))
        .collect()
}

/// A count that must be a whole number of at least 1 (limits, batch sizes).
pub fn parse_positive(raw: &str) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{raw:?} is not a whole number")),
    }
}

/// A count that may be zero (retries).
pub fn parse_count(raw: &str) -> Result<u64, String> {
    raw.trim()
        .parse::<u64>()
        .map_err(|_| format!("{raw:?} is not a whole number"))
}

/// A TCP port.
pub fn parse_port(raw: &str) -> Result<u16, String> {
    match raw.trim().parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("{raw:?} is not a port number (1-65535)")),
        Ok(p) => Ok(p),
    }
}

/// Seconds, whole or fractional, not negative (`delete_loop_delay`, `retry_time_limit`).
pub fn parse_seconds(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(s) if (0.0..=MAX_SECONDS).contains(&s) => Ok(s),
        Ok(s) if s.is_finite() && s > MAX_SECONDS => Err(format!(
            "{raw:?} is more than {MAX_SECONDS} seconds (100 years)"
        )),
        _ => Err(format!("{raw:?} is not a number of seconds")),
    }
}

/// The longest duration any key or flag takes: 100 years, far beyond any real run, and far
/// below what `Duration` and `Instant` arithmetic can hold (a larger value would overflow).
pub const MAX_SECONDS: f64 = 100.0 * 365.25 * 86400.0;

/// A time budget: whole seconds (`5400`), or a number with a unit `s`, `m`, `h` or `d`
/// (`90s`, `30m`, `2h`, `1d`, a space allowed before the unit). `0` means no limit (`None`).
pub fn parse_duration(raw: &str) -> Result<Option<std::time::Duration>, String> {
    let t = raw.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (n, unit) = (t[..split].trim(), t[split..].trim().to_lowercase());
    let factor = match unit.as_str() {
        "" | "s" | "sec" | "second" | "seconds" => 1.0,
        "m" | "min" | "minute" | "minutes" => 60.0,
        "h" | "hour" | "hours" => 3600.0,
        "d" | "day" | "days" => 86400.0,
        _ => f64::NAN,
    };
    match n.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && factor.is_finite() => {
            let secs = v * factor;
            if v == 0.0 {
                Ok(None)
            } else if secs > MAX_SECONDS {
                Err(format!("{raw:?} is more than 100 years"))
            } else {
                Ok(Some(std::time::Duration::from_secs_f64(secs)))
            }
        }
        _ => Err(format!(
            "{raw:?} is not a duration (seconds, or a number with s, m, h or d: 90, 30m, 2h)"
        )),
    }
}

/// `host:port` (the port defaults to 3306; `[v6]:port` for IPv6 addresses).
pub fn parse_host_port(raw: &str) -> Result<(String, u16), String> {
    let raw = raw.trim();
    let (host, port) = if let Some(rest) = raw.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p)) => (h, p.strip_prefix(':')),
            None => return Err(format!("{raw:?}: unclosed '['")),
        }
    } else {
        match raw.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            _ => (raw, None),
        }
    };
    if host.is_empty() {
        return Err(format!("{raw:?} has no host"));
    }
    let port = match port {
        Some(p) => parse_port(p)?,
        None => 3306,
    };
    Ok((host.to_string(), port))
}

/// A share between 0 and 1 (`max_flow_control_paused`).
pub fn parse_fraction(raw: &str) -> Result<f64, String> {
    match raw.trim().parse::<f64>() {
        Ok(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(format!("{raw:?} is not a fraction between 0 and 1")),
    }
}

/// A number of attempts, at least 1 (`upload_attempts`).
pub fn parse_attempts(raw: &str) -> Result<u32, String> {
    match raw.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{raw:?} is not a number of attempts (1 or more)")),
    }
}

/// A network timeout in seconds: more than 0, at most a day (`connect_timeout`...).
pub fn parse_timeout(raw: &str) -> Result<std::time::Duration, String> {
    match raw.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 86400.0 => {
            Ok(std::time::Duration::from_secs_f64(s))
        }
        _ => Err(format!(
            "{raw:?} is not a timeout (seconds, more than 0, at most 86400)"
        )),
    }
}

/// A wait in seconds, 0 to 3600 (`upload_backoff`).
pub fn parse_backoff(raw: &str) -> Result<std::time::Duration, String> {
    match raw.trim().parse::<f64>() {
        Ok(s) if s.is_finite() && (0.0..=3600.0).contains(&s) => {
            Ok(std::time::Duration::from_secs_f64(s))
        }
        _ => Err(format!("{raw:?} is not a number of seconds (0 to 3600)")),
    }
}

/// A size in bytes: `123`, `16K`, `8M`, `1G`, `1GiB`, `64MB` (powers of 1024), read as the
/// remote stores read it.
pub fn parse_size(raw: &str) -> Result<u64, String> {
    size(raw).ok_or_else(|| format!("{raw:?} is not a size"))
}

/// `123`, `16K`, `8M`, `1G`, `1GiB`, `64MB` (all powers of 1024).
pub fn size(v: &str) -> Option<u64> {
    let v = v.trim();
    let digits = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let n: u64 = v[..digits].parse().ok()?;
    let unit = v[digits..].trim().to_ascii_lowercase();
    let mult: u64 = match unit.trim_end_matches("ib").trim_end_matches('b') {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        "t" => 1 << 40,
        _ => return None,
    };
    n.checked_mul(mult)
}

/// The units MySQL accepts in `INTERVAL N UNIT`.
const INTERVAL_UNITS: &[&str] = &[
    "MICROSECOND",
    "SECOND",
    "MINUTE",
    "HOUR",
    "DAY",
    "WEEK",
    "MONTH",
    "QUARTER",
    "YEAR",
];

/// The compound units, whose value is a quoted string of numbers (`'1 12' DAY_HOUR`,
/// `'1-6' YEAR_MONTH`) or a number.
const COMPOUND_UNITS: &[&str] = &[
    "SECOND_MICROSECOND",
    "MINUTE_MICROSECOND",
    "MINUTE_SECOND",
    "HOUR_MICROSECOND",
    "HOUR_SECOND",
    "HOUR_MINUTE",
    "DAY_MICROSECOND",
    "DAY_SECOND",
    "DAY_MINUTE",
    "DAY_HOUR",
    "YEAR_MONTH",
];

/// A retention: `N UNIT` in MySQL interval syntax (`12 MONTH`, `30 DAY`), normalised to upper
/// case. As the Python osarchiver pasted it into `INTERVAL ${retention}`, the number may be
/// quoted (`'12' MONTH`), and a compound unit takes a quoted value of numbers and separators
/// (`'1 12' DAY_HOUR`); nothing else that SQL would read otherwise gets through.
pub fn parse_retention(raw: &str) -> Result<String, String> {
    let bad = || {
        format!(
            "{raw:?} is not a retention: expected 'N UNIT', N a number (12, 1.5; 730 DAY rather than 365*2 DAY), UNIT one of {} (or a compound unit, {}, with a quoted value such as '1 12' DAY_HOUR)",
            INTERVAL_UNITS.join(", "),
            COMPOUND_UNITS.join(", ")
        )
    };
    let text = raw.trim();
    // The value, quoted or not, and the unit after it.
    let (value, quoted, unit) = match text.chars().next() {
        Some(q @ ('\'' | '"')) => {
            let rest = &text[1..];
            let end = rest.find(q).ok_or_else(bad)?;
            (&rest[..end], true, &rest[end + 1..])
        }
        _ => {
            let end = text.find(char::is_whitespace).ok_or_else(bad)?;
            (&text[..end], false, &text[end..])
        }
    };
    let unit = unit.trim().to_uppercase();
    if unit.is_empty() || unit.contains(char::is_whitespace) {
        return Err(bad());
    }
    if INTERVAL_UNITS.contains(&unit.as_str()) {
        // A decimal number (`1.5 DAY`, which the server rounds to 2 days, and `'1.5' DAY` to
        // 1: the text goes to the server as written, as the Python tool's did), a `+` before it.
        let digits = value.strip_prefix('+').unwrap_or(value);
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !number(whole) || !number(fraction) || digits.ends_with('.') {
            return Err(bad());
        }
        let n: u64 = whole.parse().map_err(|_| bad())?;
        return Ok(match (fraction.is_empty(), quoted) {
            (true, _) => format!("{n} {unit}"),
            (false, true) => format!("'{n}.{fraction}' {unit}"),
            (false, false) => format!("{n}.{fraction} {unit}"),
        });
    }
    if COMPOUND_UNITS.contains(&unit.as_str()) {
        let fields: Vec<&str> = value.split([' ', ':', '.', '-']).collect();
        if fields.is_empty()
            || fields
                .iter()
                .any(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
            || (!quoted && fields.len() > 1)
        {
            return Err(bad());
        }
        return Ok(format!("'{value}' {unit}"));
    }
    Err(bad())
}

/// A retention as a `where` that uses it takes it: `N UNIT` ([`parse_retention`]), or a number
/// alone when the `where` writes the unit itself, as users of the Python osarchiver did
/// (`INTERVAL ${retention} DAY`, or `SUBDATE('{now}', ${retention})`, in days). `reference` is
/// how the raw `where` names it (`${retention}`, `${DEFAULT:retention}`; any case). A number
/// alone that some `INTERVAL` of the `where` takes without a unit after it is refused.
pub fn parse_retention_in_where(
    raw: &str,
    raw_where: &str,
    reference: &str,
) -> Result<String, String> {
    // ASCII case folding keeps byte offsets.
    let lower = raw_where.to_ascii_lowercase();
    let reference = reference.to_ascii_lowercase();
    // Whether the `where` writes a unit right after the reference at `at`.
    let unit_after = |at: usize| {
        let after = lower[at + reference.len()..].trim_start();
        let unit: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect::<String>()
            .to_ascii_uppercase();
        INTERVAL_UNITS.contains(&unit.as_str()) || COMPOUND_UNITS.contains(&unit.as_str())
    };
    let unitless = match parse_retention(raw) {
        Ok(retention) => {
            // `INTERVAL ${retention} DAY` with `12 MONTH`: `INTERVAL 12 MONTH DAY`, which the
            // server refuses on every table (helper 139).
            if lower
                .match_indices(&reference)
                .any(|(at, _)| unit_after(at))
            {
                return Err(format!(
                    "{raw:?} has a unit, and the 'where' writes a unit after {reference} too: give the number alone, or take the unit out of the 'where'"
                ));
            }
            return Ok(retention);
        }
        Err(unitless) => unitless,
    };
    if !is_bare_number(raw) {
        return Err(unitless);
    }
    let text = raw.trim();
    let mut uses = lower.match_indices(&reference).peekable();
    if uses.peek().is_none() {
        return Err(unitless);
    }
    for (at, _) in uses {
        let before = lower[..at].trim_end();
        let after_interval = before.ends_with("interval")
            && !before[..before.len() - "interval".len()]
                .ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_');
        if after_interval && !unit_after(at) {
            return Err(format!(
                "{raw:?} is a number without a unit, and the 'where' writes INTERVAL {reference} with no unit after it: write the unit in one of them ('{text} DAY', or INTERVAL {reference} DAY)"
            ));
        }
    }
    Ok(text.to_string())
}

/// Whether `raw` is a number alone (`30`, `+1.5`), a retention without its unit.
pub fn is_bare_number(raw: &str) -> bool {
    let text = raw.trim();
    let digits = text.strip_prefix('+').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let number = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    !whole.is_empty() && number(whole) && number(fraction) && !digits.ends_with('.')
}

/// Python's `str.format(**fields)` for simple names: `{name}` is replaced, `{{` and `}}` are
/// literal braces, any other field or a lone brace is an error (where Python would raise).
pub fn format_placeholders(raw: &str, fields: &BTreeMap<&str, &str>) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|(_, c)| *c) == Some('{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek().map(|(_, c)| *c) == Some('}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let rest = &raw[i + 1..];
                let Some(end) = rest.find('}') else {
                    return Err(format!("unmatched '{{' at {:?}", &raw[i..]));
                };
                let name = &rest[..end];
                let Some(v) = fields.get(name) else {
                    let known: Vec<String> = fields.keys().map(|k| format!("{{{k}}}")).collect();
                    return Err(format!(
                        "unknown placeholder {{{name}}} (known here: {}; write {{{{ and }}}} for literal braces)",
                        known.join(", ")
                    ));
                };
                out.push_str(v);
                for (_, c) in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
            }
            '}' => return Err(format!("single '}}' at {:?}", &raw[i..])),
            _ => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_durations_are_errors_not_panics() {
        for raw in [
            "20000000000000000000",
            "1e300",
            "9.3e18",
            "1.8e19s",
            "300000000000d",
            "3200000000",
        ] {
            assert!(parse_duration(raw).is_err(), "{raw}");
            assert!(parse_seconds(raw).is_err(), "{raw}");
        }
        assert_eq!(
            parse_duration("3000000000").unwrap(),
            Some(std::time::Duration::from_secs(3_000_000_000))
        );
        assert_eq!(parse_seconds("3000000000"), Ok(3e9));
    }

    #[test]
    fn durations_and_host_ports() {
        use std::time::Duration;
        assert_eq!(parse_duration("90"), Ok(Some(Duration::from_secs(90))));
        assert_eq!(parse_duration("30m"), Ok(Some(Duration::from_secs(1800))));
        assert_eq!(parse_duration("2 h"), Ok(Some(Duration::from_secs(7200))));
        assert_eq!(
            parse_duration("1.5s"),
            Ok(Some(Duration::from_millis(1500)))
        );
        assert_eq!(parse_duration("1d"), Ok(Some(Duration::from_secs(86400))));
        assert_eq!(parse_duration("0"), Ok(None));
        assert!(parse_duration("2 weeks").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("h").is_err());
        assert_eq!(parse_host_port("db2:3307"), Ok(("db2".to_string(), 3307)));
        assert_eq!(parse_host_port("db2"), Ok(("db2".to_string(), 3306)));
        assert_eq!(parse_host_port("[::1]:3310"), Ok(("::1".to_string(), 3310)));
        assert!(parse_host_port(":3306").is_err());
        assert!(parse_host_port("db:x").is_err());
    }

    #[test]
    fn booleans() {
        for t in ["1", "YES", "True", "on"] {
            assert_eq!(parse_bool(t), Ok(true));
        }
        for f in ["0", "no", "FALSE", "Off"] {
            assert_eq!(parse_bool(f), Ok(false));
        }
        assert!(parse_bool("2").is_err());
        assert!(parse_bool("").is_err());
    }

    #[test]
    fn lists() {
        assert_eq!(parse_list(" a, b;c\n\n d ,,"), vec!["a", "b", "c", "d"]);
        assert!(parse_list("").is_empty());
    }

    #[test]
    fn name_lists_lose_their_spaces_as_in_the_original() {
        assert_eq!(
            parse_name_list("shadow_ .*, .* _backup\n nova"),
            vec!["shadow_.*", ".*_backup", "nova"]
        );
        assert_eq!(parse_name_list(" , ;"), Vec::<String>::new());
        assert_eq!(
            spaced_items("shadow_ .*, nova , a b"),
            vec!["shadow_ .*", "a b"]
        );
        // A tab is kept (the original removes spaces only), and trimmed at the ends.
        assert_eq!(parse_name_list("\ta\tb "), vec!["a\tb"]);
    }

    #[test]
    fn a_number_alone_is_a_retention_when_the_where_writes_its_unit() {
        let r = "${retention}";
        for (retention, where_) in [
            (
                "30",
                "deleted_at <= DATE_SUB('{now}', INTERVAL ${retention} DAY)",
            ),
            ("30", "deleted_at <= SUBDATE('{now}', ${RETENTION})"),
            (
                "1.5",
                "deleted_at < '{now}' - interval\n ${retention}\tday_hour",
            ),
            (
                "+7",
                "a < SUBDATE('{now}', INTERVAL ${retention} WEEK) AND b < ${retention}",
            ),
        ] {
            assert_eq!(
                parse_retention_in_where(retention, where_, r).unwrap(),
                retention,
                "{where_}"
            );
        }
        assert_eq!(
            parse_retention_in_where(" 12 month", "x < INTERVAL ${retention}", r).unwrap(),
            "12 MONTH"
        );
        // A unit on both sides: `INTERVAL 12 MONTH DAY`.
        assert!(parse_retention_in_where("12 MONTH", "x < INTERVAL ${retention} DAY", r).is_err());
        for (retention, where_) in [
            (
                "30",
                "deleted_at <= SUBDATE('{now}', INTERVAL ${retention})",
            ),
            (
                "30",
                "a < SUBDATE('{now}', INTERVAL ${retention} DAY) AND b < INTERVAL ${retention}",
            ),
            (
                "30",
                "deleted_at <= SUBDATE('{now}', INTERVAL ${retention} days)",
            ),
            ("30", "no use of it"),
            ("-30", "x < SUBDATE('{now}', INTERVAL ${retention} DAY)"),
            ("30*2", "x < SUBDATE('{now}', INTERVAL ${retention} DAY)"),
            ("30.", "x < SUBDATE('{now}', INTERVAL ${retention} DAY)"),
            ("", "x < SUBDATE('{now}', INTERVAL ${retention} DAY)"),
        ] {
            assert!(
                parse_retention_in_where(retention, where_, r).is_err(),
                "{retention:?} {where_}"
            );
        }
        // `myinterval ${retention}` is no INTERVAL: a number there is the where's affair.
        assert_eq!(
            parse_retention_in_where("5", "f(myinterval ${retention})", r).unwrap(),
            "5"
        );
    }

    #[test]
    fn retention() {
        assert_eq!(parse_retention("12 month").unwrap(), "12 MONTH");
        assert_eq!(parse_retention(" 30   DAY ").unwrap(), "30 DAY");
        assert_eq!(parse_retention("007 DAY").unwrap(), "7 DAY");
        assert_eq!(parse_retention("0 DAY").unwrap(), "0 DAY");
        // As the Python osarchiver pasted them into INTERVAL ... (MariaDB takes them).
        assert_eq!(parse_retention("'12' MONTH").unwrap(), "12 MONTH");
        // As the server reads them: 1.5 DAY is 2 days, '1.5' DAY one.
        assert_eq!(parse_retention("1.5 day").unwrap(), "1.5 DAY");
        assert_eq!(parse_retention("'1.5' DAY").unwrap(), "'1.5' DAY");
        assert_eq!(parse_retention("+12 MONTH").unwrap(), "12 MONTH");
        assert_eq!(parse_retention("\"30\" day").unwrap(), "30 DAY");
        assert_eq!(parse_retention("'1 2' day_hour").unwrap(), "'1 2' DAY_HOUR");
        assert_eq!(parse_retention("1 DAY_HOUR").unwrap(), "'1' DAY_HOUR");
        assert_eq!(
            parse_retention("'1-6' YEAR_MONTH").unwrap(),
            "'1-6' YEAR_MONTH"
        );
        assert_eq!(
            parse_retention("'1 2:30:00' DAY_SECOND").unwrap(),
            "'1 2:30:00' DAY_SECOND"
        );
        for bad in [
            "'12 MONTH",
            "'1' '2' DAY",
            "'1 2' DAY",
            "'1''2' DAY_HOUR",
            "'1 x' DAY_HOUR",
            "'' DAY_HOUR",
            "'1 2 ' DAY_HOUR",
            "1-2 YEAR_MONTH",
            "'1;2' DAY_HOUR",
            "'1' DAY HOUR",
            "12",
            "MONTH",
            "12 MONTHS",
            "-1 DAY",
            "1 DAY; DROP",
            "1.5. DAY",
            "1. DAY",
            ".5 DAY",
            "1e1 DAY",
            "365*2 DAY",
            "(6+6) MONTH",
            "++1 DAY",
            "",
        ] {
            assert!(parse_retention(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn limits() {
        assert_eq!(parse_positive("500"), Ok(500));
        assert!(parse_positive("0").is_err());
        assert!(parse_positive("-3").is_err());
        assert!(parse_positive("1e3").is_err());
        assert!(parse_port("70000").is_err());
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        assert!(parse_seconds("-1").is_err());
        assert!(parse_seconds("nan").is_err());
    }

    #[test]
    fn placeholders() {
        let f = BTreeMap::from([("now", "2026-01-01 00:00:00")]);
        assert_eq!(
            format_placeholders("d <= '{now}' and '{{x}}'", &f).unwrap(),
            "d <= '2026-01-01 00:00:00' and '{x}'"
        );
        assert!(format_placeholders("{date}", &f).is_err());
        assert!(format_placeholders("{now", &f).is_err());
        assert!(format_placeholders("a } b", &f).is_err());
        assert_eq!(
            format_placeholders("héllo {now}", &f).unwrap(),
            "héllo 2026-01-01 00:00:00"
        );
    }
}
