//! The plan as the terminal shows it at the end of a dry run: one line per table, then why
//! rows stay and which tables are skipped.

use std::fmt::Write;

use crate::archiver::report::TableReport;

use super::{BytesMethod, SkippedTable};

/// `1.5 KiB`, `12.0 MiB`: bytes for a person.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// `0.4s`, `12m05s`, `3h20m`: a duration for a person.
pub fn human_seconds(s: f64) -> String {
    if !s.is_finite() || s < 0.0 {
        return "-".to_string();
    }
    if s < 60.0 {
        return format!("{s:.1}s");
    }
    let whole = s.round() as u64;
    if whole < 3600 {
        format!("{}m{:02}s", whole / 60, whole % 60)
    } else {
        format!("{}h{:02}m", whole / 3600, (whole % 3600) / 60)
    }
}

/// The plan table: per table (of those with a plan), the eligible rows, those that would go,
/// those that would stay (blocked, conflicts), the bytes and the expected time; then the
/// reasons rows stay, by constraint, and the skipped tables with theirs.
pub fn plan_table(tables: &[TableReport], skipped: &[SkippedTable]) -> String {
    let head = [
        "table",
        "eligible",
        "would go",
        "blocked",
        "conflicts",
        "bytes",
        "est. time",
    ];
    let mut rows: Vec<[String; 7]> = Vec::new();
    let mut why: Vec<String> = Vec::new();
    let (mut eligible, mut go, mut blocked, mut conflicts, mut bytes, mut secs) =
        (0u64, 0u64, 0u64, 0u64, 0u64, 0f64);
    for t in tables {
        let name = format!("{}.{}", t.database, t.table);
        let Some(f) = &t.plan else {
            if let Some(reason) = &t.skipped {
                why.push(format!("{name}: skipped: {reason}"));
            }
            continue;
        };
        let method = match f.bytes_method {
            Some(BytesMethod::Sample { .. }) => "~",
            _ => "",
        };
        rows.push([
            name.clone(),
            f.eligible.to_string(),
            f.delete.to_string(),
            f.blocked.to_string(),
            f.conflicts
                .map(|n| n.to_string())
                .unwrap_or_else(|| "?".to_string()),
            format!("{method}{}", human_bytes(f.bytes)),
            human_seconds(f.timing.total()),
        ]);
        eligible += f.eligible;
        go += f.delete;
        blocked += f.blocked;
        conflicts += f.conflicts.unwrap_or(0);
        bytes += f.bytes;
        secs += f.timing.total();
        for b in &f.blocked_by {
            why.push(format!(
                "{name}: {} rows kept by live rows of {} (constraint {})",
                b.rows, b.child, b.constraint
            ));
        }
        if let Some(n) = f.conflicts.filter(|&n| n > 0) {
            why.push(format!(
                "{name}: {n} rows kept: their key, or another unique key of the archive table, holds a different row in the archive"
            ));
        }
        if let Some(note) = &f.conflicts_note {
            why.push(format!("{name}: conflicts {note}"));
        }
    }
    for s in skipped {
        why.push(format!("{}: skipped: {}", s.table, s.reason));
    }
    rows.push([
        format!("total ({} tables)", rows.len()),
        eligible.to_string(),
        go.to_string(),
        blocked.to_string(),
        conflicts.to_string(),
        format!("~{}", human_bytes(bytes)),
        human_seconds(secs),
    ]);
    let mut width = head.map(|h| h.chars().count());
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r.iter()) {
            *w = (*w).max(crate::text_table::cell_width(c));
        }
    }
    let line = |cells: &[&str]| -> String {
        let mut l = String::new();
        for (i, c) in cells.iter().enumerate() {
            // Numbers to the right, the table's name to the left.
            if i == 0 {
                let _ = write!(l, "{:<w$}  ", c, w = width[i]);
            } else {
                let _ = write!(l, "{:>w$}  ", c, w = width[i]);
            }
        }
        l.trim_end().to_string()
    };
    let mut o = String::from("plan (what a real run would do):\n");
    let _ = writeln!(o, "{}", line(&head));
    for r in &rows {
        let cells: Vec<&str> = r.iter().map(String::as_str).collect();
        let _ = writeln!(o, "{}", line(&cells));
    }
    for w in why {
        let _ = writeln!(o, "  {w}");
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_seconds_read_well() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5.0 MiB");
        assert_eq!(human_seconds(0.04), "0.0s");
        assert_eq!(human_seconds(59.94), "59.9s");
        assert_eq!(human_seconds(725.0), "12m05s");
        assert_eq!(human_seconds(12_000.0), "3h20m");
        assert_eq!(human_seconds(f64::NAN), "-");
    }
}
