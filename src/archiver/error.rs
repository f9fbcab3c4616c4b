//! Why a table failed: [`TableError`], one variant per step of a table's run, kept typed in the
//! table's report ([`super::report::TableReport::errors`]) and rendered (Display) only for the
//! log, the summary and the JSON report.

use crate::destination::DestError;
use crate::mysql::retry::RetryError;

/// A table's failure. The table stops (nothing more is deleted from it) and the run goes on
/// with the next table; the run's exit code says a table failed.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// A destination could not get ready for the table (its message names the destination).
    #[error(transparent)]
    Prepare(DestError),
    /// Reading a page of the source failed (after its retries).
    #[error(transparent)]
    Read(RetryError),
    /// Writing a batch to destination `dest` failed: the batch is not deleted.
    #[error("destination {dest}: {source}")]
    Write {
        dest: String,
        #[source]
        source: DestError,
    },
    /// Deleting rows from the source failed (after its retries).
    #[error(transparent)]
    Delete(RetryError),
    /// The server refuses the statement that would delete the table's rows (`EXPLAIN` of it,
    /// before anything of the table is archived): a `where` that reads the table itself in a
    /// subquery (1093), a function the server lacks...
    #[error("the server refuses this table's DELETE ({0}); nothing of the table was archived")]
    DeleteRefused(RetryError),
    /// The table's engine refuses every `DELETE` (`ARCHIVE`, `S3`): found before anything of it
    /// is archived, as the server would find it after.
    #[error(
        "its engine {0} cannot delete rows; nothing of the table was archived (leave it out of \
         the tables, or set delete_data = false to archive it only)"
    )]
    EngineCannotDelete(String),
    /// The server refuses the source's `where` itself on this table (a syntax error, a column
    /// the table lacks): the key to fix is named.
    #[error(
        "[{section}] where: the server refuses it on this table ({source}); nothing of the table \
         was archived"
    )]
    WhereRefused {
        section: String,
        #[source]
        source: RetryError,
    },
    /// The source table has no transactions, so the client's way locks it (`LOCK TABLES`) from
    /// its compare to its delete, and the `where` reads other tables, which a session holding
    /// `LOCK TABLES` may not.
    #[error(
        "[{section}] where: it reads other tables (a subquery), and this table's engine has no \
         transactions: its deletes run under LOCK TABLES, which forbids reading any other table; \
         nothing of the table was archived (convert it to InnoDB, archive it into a database on \
         the same server, or write the where without a subquery)"
    )]
    SubqueryUnderLock { section: String },
    /// A count on the source failed (after its retries): the eligible rows (dry run), those
    /// referenced by rows that stay (dry run), or those left after the walk.
    #[error(transparent)]
    Count(RetryError),
    /// The walk over the key left eligible rows it neither read nor kept on purpose.
    #[error(
        "{} eligible rows are left in the source that this run neither read nor kept on purpose \
         ({left} left, {expected} accounted for: blocked, conflicts, changed): the walk over the key \
         may have missed them, or a change during the run made them eligible behind it \
         (not the clock: the count is of the rows eligible when the walk began). Nothing was \
         lost; a re-run takes them",
        left - expected
    )]
    IncompleteWalk { left: u64, expected: u64 },
    /// Closing the table's target in destination `dest` failed.
    #[error("destination {dest}: {source}")]
    Finish {
        dest: String,
        #[source]
        source: DestError,
    },
    /// The background packing and uploads of the table's files in destination `dest` failed:
    /// one message per file (the job's own; the files stay where they are).
    #[error("destination {dest}: {}", failures.join("; "))]
    Packing { dest: String, failures: Vec<String> },
    /// A dry run's preflight: the source user lacks a privilege the real run needs.
    #[error("{0}")]
    Privileges(String),
    /// A dry run's preflight: a `DELETE` trigger of the table deletes, updates or replaces
    /// rows, which the real run refuses ([`crate::table::triggers`]).
    #[error("{0}")]
    Triggers(String),
    /// The table's columns are not the ones the run listed when it began (an `ALTER TABLE`
    /// since): nothing of it is archived.
    #[error(
        "the table's columns changed since the run listed them (ALTER TABLE during the run); \
         nothing of the table was archived: run again"
    )]
    Redefined,
    /// A real run without its reading session (a bug).
    #[error("internal error: no reading session")]
    NoReader,
    /// Several stages of the pipeline failed: the first is the cause, the others follow from it.
    #[error("{}", joined(.0))]
    Stages(Vec<TableError>),
}

/// The stages' messages joined by `; `, each once: two sessions of a table that lose the same
/// server fail with the same words.
fn joined(errors: &[TableError]) -> String {
    let mut said: Vec<String> = Vec::with_capacity(errors.len());
    for e in errors {
        let text = e.to_string();
        if !said.contains(&text) {
            said.push(text);
        }
    }
    said.join("; ")
}

impl TableError {
    /// Whether the server did not answer through a whole retry policy
    /// ([`crate::mysql::retry::gave_up_on_server`]).
    pub fn server_unanswered(&self) -> bool {
        use crate::mysql::retry::gave_up_on_server;
        match self {
            TableError::Read(e)
            | TableError::Delete(e)
            | TableError::DeleteRefused(e)
            | TableError::Count(e) => gave_up_on_server(e),
            TableError::Stages(all) => all.iter().any(TableError::server_unanswered),
            other => gave_up_on_server(other),
        }
    }

    /// The stages' failures as one error: none, the only one, or [`TableError::Stages`].
    pub fn of_stages(mut errors: Vec<TableError>) -> Option<TableError> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(TableError::Stages(errors)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_joined_and_the_walk_says_what_is_missing() {
        let walk = TableError::IncompleteWalk {
            left: 12,
            expected: 2,
        };
        assert!(walk.to_string().starts_with("10 eligible rows are left"));
        assert!(walk.to_string().contains("(12 left, 2 accounted for"));
        assert!(TableError::of_stages(vec![]).is_none());
        let one = TableError::of_stages(vec![TableError::NoReader]).unwrap();
        assert!(matches!(one, TableError::NoReader));
        let two = TableError::of_stages(vec![
            TableError::NoReader,
            TableError::Packing {
                dest: "files".into(),
                failures: vec!["a".into(), "b".into()],
            },
        ])
        .unwrap();
        assert_eq!(
            two.to_string(),
            "internal error: no reading session; destination files: a; b"
        );
        let same = TableError::of_stages(vec![TableError::NoReader, TableError::NoReader]);
        assert_eq!(
            same.unwrap().to_string(),
            "internal error: no reading session"
        );
    }
}
