//! The MySQL source: which databases and tables to archive ([`plan`]), in which order
//! ([`order`]), and how their eligible rows are read ([`read`]) and deleted ([`delete`]). What
//! the destinations share with it (the table's plan, its rows, the statements) is in
//! [`crate::table`].

pub mod delete;
pub mod order;
pub mod plan;
pub mod read;
