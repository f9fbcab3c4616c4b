//! The MySQL layer (`osarchiver::mysql`) against a real server: literals that read back
//! byte-identical for every column type (binary and text protocol, loaded with the `mariadb`
//! client and with the driver), the session settings, reconnect-and-retry, schema
//! introspection, server identity and the archive `CREATE TABLE`.
//!
//! Each test works in its own databases (named with `unique_name`), dropped when it ends.
//! The every-type fixture is the harness's ([`every_type`]); the comparison is shared with the
//! file destination's tests.
//!
//! One file per part of the layer: `literals`, `session`, `retry`, `introspection` (and
//! the archive `CREATE TABLE`) and `server_identity`.

mod introspection;
mod literals;
mod retry;
mod server_identity;
mod session;

pub use literals::assert_identical;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use mysql_async::prelude::Queryable;
use mysql_async::{Row, Value};

use osarchiver::config::{DbConnection, Retry, Secret};
use osarchiver::mysql::conn::Connection;
use osarchiver::mysql::ident::quote_ident;
use osarchiver::mysql::literal::{self, LiteralKind, LOAD_SESSION_SQL};
use osarchiver::mysql::retry::{needs_reconnect, with_retry, ErrorKind, RetryError};
use osarchiver::mysql::schema::{self, FkRule, KeyChoice};
use osarchiver::mysql::{ddl, identity};

use crate::harness::every_type::{self, TYPES};
use crate::harness::{server, unique_name, ScratchDb};

pub(super) fn spec() -> DbConnection {
    let s = server();
    DbConnection {
        host: s.host(),
        port: s.port(),
        user: Some(s.user()),
        password: s.password().map(Secret::new),
        socket: None,
        ..DbConnection::default()
    }
}

pub(super) async fn connect() -> Connection {
    Connection::connect(&spec())
        .await
        .expect("connect to the test server")
}
