//! The plain-text tables of the summaries (the run's, the plan's, the restore's): how wide a
//! column is.

/// The widest a column is padded to: far more than the longest name the server allows
/// (`db.table`, 129 characters), far less than the formatter's limit (65,535; a wider one
/// panicked after the run had done its work). A longer cell (a table listed in `tables` with
/// 70,000 characters) overflows its column rather than widening it.
pub const MAX_WIDTH: usize = 1024;

/// The width a cell asks of its column: its characters, at most [`MAX_WIDTH`].
pub fn cell_width(cell: &str) -> usize {
    cell.chars().count().min(MAX_WIDTH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_cell_is_padded_within_the_formatters_limit() {
        let huge = "t".repeat(70_000);
        let w = cell_width(&huge);
        assert_eq!(w, MAX_WIDTH);
        assert_eq!(format!("{huge:<w$}|").len(), 70_001);
        // The longest `db.table` the server allows keeps its column aligned.
        let longest = format!("{}.{}", "d".repeat(64), "t".repeat(64));
        assert_eq!(cell_width(&longest), 129);
        assert_eq!(cell_width("é"), 1);
    }
}
