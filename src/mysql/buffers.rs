//! Bounding mysql_async's buffer pool, the memory that otherwise grows with the data.
//!
//! mysql_async keeps the buffers of the packets it sends and reads in one process-wide pool
//! (`MYSQL_ASYNC_BUFFER_POOL_CAP` buffers, default 128, each keeping up to
//! `MYSQL_ASYNC_BUFFER_SIZE_CAP` bytes, default 4 MiB). The pool is a FIFO queue: buffer after
//! buffer is used once for a large statement (an archive batch's multi-row `INSERT`, hundreds of
//! kilobytes) and keeps that capacity, so the memory held grows with the number of batches, up
//! to 128 x 4 MiB (heaptrack: 30 MB of 35 MB at 100 k instances, 63 MB RSS at 400 k). Smaller
//! caps bound it to about 2 MiB, for one reallocation per large statement.

/// Buffers the pool keeps.
const POOL_CAP: &str = "16";
/// Bytes a pooled buffer keeps (a larger one is shrunk when it comes back).
const SIZE_CAP: &str = "131072";

/// Sets the pool's caps, unless the environment sets them already. Call it before any thread
/// starts (the environment is process-wide) and before the first connection (the pool reads
/// the variables once).
pub fn bound_buffer_pool() {
    for (name, value) in [
        ("MYSQL_ASYNC_BUFFER_POOL_CAP", POOL_CAP),
        ("MYSQL_ASYNC_BUFFER_SIZE_CAP", SIZE_CAP),
    ] {
        if std::env::var_os(name).is_none() {
            std::env::set_var(name, value);
        }
    }
}
