//! Destinations: where archived rows go before they are deleted from the source.
//!
//! - [`db`]: an archive database.

pub mod db;
