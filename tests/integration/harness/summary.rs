//! Reading the summary table a run logs at its end (`source  table  read  archived ...`), one
//! row per table, as [`TableRow`]s.

use std::collections::BTreeMap;

use super::command::Output;

/// A table's row of the summary: cells by column name (`read`, `archived`, `deleted`,
/// `blocked`, `conflicts`, `changed`, `errors`, ...; in a dry run `eligible`, `would archive`,
/// `would delete`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub cells: BTreeMap<String, String>,
}

impl TableRow {
    /// A cell as text; panics when the summary has no such column.
    pub fn get(&self, column: &str) -> &str {
        self.cells
            .get(column)
            .unwrap_or_else(|| panic!("no column {column:?} in the summary row {self:?}"))
    }

    /// A numeric cell.
    pub fn num(&self, column: &str) -> u64 {
        let cell = self.get(column);
        cell.parse()
            .unwrap_or_else(|_| panic!("summary column {column:?} is not a number: {cell:?}"))
    }
}

/// The rows of a `--report` JSON, cells named as the logged summary's columns (`read`,
/// `archived` as `dst=N ...`, `deleted`, `blocked`, `conflicts`, `changed`, `errors` as a count
/// or `skipped: why`; in a dry run `eligible`, `would archive`, `would delete`, `would block`).
fn report_rows(report: &serde_json::Value) -> Vec<(String, TableRow)> {
    let dry_run = report["dry_run"].as_bool().unwrap_or(false);
    let tables = report["tables"]
        .as_array()
        .unwrap_or_else(|| panic!("no tables in the report {report}"));
    tables
        .iter()
        .map(|t| {
            let num = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("no {k} in {t}"));
            let archived = match t["archived"].as_array() {
                Some(a) if !a.is_empty() => a
                    .iter()
                    .map(|d| format!("{}={}", d["destination"].as_str().unwrap_or(""), d["rows"]))
                    .collect::<Vec<_>>()
                    .join(" "),
                _ => "-".to_string(),
            };
            let errors = match t["skipped"].as_str() {
                Some(why) => format!("skipped: {why}"),
                None => t["errors"].as_array().map_or(0, Vec::len).to_string(),
            };
            let mut cells: BTreeMap<String, String> = BTreeMap::new();
            let mut put = |k: &str, v: String| {
                cells.insert(k.to_string(), v);
            };
            put(
                "table",
                format!(
                    "{}.{}",
                    t["database"].as_str().unwrap_or(""),
                    t["table"].as_str().unwrap_or("")
                ),
            );
            put(
                "source",
                format!(
                    "{}/{}",
                    t["archiver"].as_str().unwrap_or(""),
                    t["source"].as_str().unwrap_or("")
                ),
            );
            put("errors", errors);
            if dry_run {
                put("eligible", num("read").to_string());
                put("would archive", archived);
                put("would delete", num("deleted").to_string());
                put("would block", num("blocked").to_string());
                put("would conflict", num("conflicts").to_string());
            } else {
                put("read", num("read").to_string());
                put("archived", archived);
                put("deleted", num("deleted").to_string());
                put("blocked", num("blocked").to_string());
                put("conflicts", num("conflicts").to_string());
                put("changed", num("changed").to_string());
            }
            (cells["table"].clone(), TableRow { cells })
        })
        .collect()
}

fn split_cells(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

impl Output {
    /// The rows by table (`db.table`), in order, from the run's `--report` JSON when it wrote
    /// one (the harness asks for it), else from the summary table it logged; panics when there
    /// is neither. The cells are named as the summary's columns.
    pub fn summary(&self) -> Vec<(String, TableRow)> {
        match &self.report {
            Some(report) => report_rows(report),
            None => self.logged_summary(),
        }
    }

    /// The summary table the run logged at its end.
    pub fn logged_summary(&self) -> Vec<(String, TableRow)> {
        let lines: Vec<&str> = self.stdout.lines().collect();
        let Some((start, offset)) = lines.iter().enumerate().rev().find_map(|(i, l)| {
            let at = l.find("source  ")?;
            l[at..].contains("  table  ").then_some((i, at))
        }) else {
            panic!("no summary in the output\n{self}");
        };
        let head = split_cells(&lines[start][offset..]);
        let mut rows = Vec::new();
        for line in &lines[start + 1..] {
            let Some(body) = line.get(offset..) else {
                break;
            };
            if body.starts_with("total ") || body.starts_with("error: ") {
                break;
            }
            let cells = split_cells(body);
            if cells.len() != head.len() {
                panic!("summary row {line:?} does not match the header {head:?}\n{self}");
            }
            let table = cells[1].clone();
            rows.push((
                table,
                TableRow {
                    cells: head.iter().cloned().zip(cells).collect(),
                },
            ));
        }
        rows
    }

    /// The summary row of `db.table`; panics when it is not there.
    pub fn table_row(&self, db: &str, table: &str) -> TableRow {
        let name = format!("{db}.{table}");
        self.summary()
            .into_iter()
            .find(|(t, _)| *t == name)
            .map(|(_, r)| r)
            .unwrap_or_else(|| panic!("no summary row for {name}\n{self}"))
    }
}
