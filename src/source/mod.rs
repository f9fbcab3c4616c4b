//! The MySQL source: which databases and tables to archive ([`plan`]), in which order
//! ([`order`]), and how their eligible rows are read ([`read`]) and deleted ([`delete`]).

pub mod batch;
pub mod delete;
pub mod order;
pub mod plan;
pub mod read;
pub mod sql;
