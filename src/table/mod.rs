//! What the source and the destinations share about a table being archived, so that neither
//! depends on the other: its plan ([`TablePlan`]), its rows as read ([`batch::Batch`], with
//! exact row identities, [`batch::key_id`]) and the statements that name them ([`sql`]: keyset
//! pages, locked and checked deletes, archive inserts and lookups).

pub mod batch;
pub mod definition;
mod plan;
pub mod range;
pub mod sql;
pub mod triggers;

pub use plan::{NoKey, TablePlan, PAGE_BYTES};
