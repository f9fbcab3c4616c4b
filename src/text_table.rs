//! The plain-text tables of the summaries (the run's, the plan's, the restore's): how wide a
//! column is.

/// The widest a column is padded to. A longer cell (a table named with 70,000 characters)
/// overflows its column rather than widening it: the formatter's width is at most 65,535,
/// and a wider one panicked after the run had done its work.
pub const MAX_WIDTH: usize = 120;

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
        assert_eq!(cell_width("é"), 1);
    }
}
