//! The MySQL source: which databases and tables to archive, in which order, and how their
//! eligible rows are read and deleted.

pub mod order;
