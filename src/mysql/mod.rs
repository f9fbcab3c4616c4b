//! The MySQL/MariaDB layer: connections, retries, values, identifiers and schema introspection.
