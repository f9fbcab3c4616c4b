//! The `osarchiver` binary: tune the allocator, parse the command line and hand over to
//! [`osarchiver::run`].

fn main() -> std::process::ExitCode {
    allocator::tune();
    osarchiver::run::main()
}

/// glibc's allocator, capped at two arenas: each blocking thread that writes files would
/// otherwise get an arena of its own, whose freed space is seldom given back (the full job at
/// 400 k instances peaked at 27.9 MB so, 31-32 MB without). A fixed `M_MMAP_THRESHOLD` of
/// 128 KiB took the full job at 100 k from 22-24 MB to 18-19 MB, but every buffer over it was
/// mapped and faulted in again: 5.21-5.99 s against 5.13-5.74 s alternating, so not kept.
/// `MALLOC_ARENA_MAX` in the environment still wins.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod allocator {
    pub fn tune() {
        let unset = |name: &str| std::env::var_os(name).is_none();
        if unset("MALLOC_ARENA_MAX") {
            // SAFETY: mallopt only sets an allocator parameter; it is called before any other
            // thread exists.
            unsafe {
                libc::mallopt(libc::M_ARENA_MAX, 2);
            }
        }
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod allocator {
    pub fn tune() {}
}
