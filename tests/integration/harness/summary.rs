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

fn split_cells(line: &str) -> Vec<String> {
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

impl Output {
    /// The summary rows by table (`db.table`), in order; panics when there is no summary.
    pub fn summary(&self) -> Vec<(String, TableRow)> {
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
