//! Work to do when the test binary exits normally.
//!
//! libtest leaves `main` (or calls `std::process::exit` when a test failed), and both run the C
//! `atexit` handlers, where the hooks registered here are run in reverse order. A binary that
//! is killed runs none of them: the private server's watchdog (see `private.rs`) covers that.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, Once};

type Hook = Box<dyn FnOnce() + Send>;

static HOOKS: Mutex<Vec<Hook>> = Mutex::new(Vec::new());
static REGISTER: Once = Once::new();

extern "C" fn run_hooks() {
    let hooks: Vec<Hook> = {
        let mut guard = HOOKS.lock().unwrap_or_else(|e| e.into_inner());
        std::mem::take(&mut *guard)
    };
    for hook in hooks.into_iter().rev() {
        // A panic must not cross the C boundary; a failed cleanup is reported and skipped.
        if catch_unwind(AssertUnwindSafe(hook)).is_err() {
            eprintln!("harness: a cleanup hook panicked at exit");
        }
    }
}

/// Runs `hook` when the process exits through `exit()` (which is how libtest ends).
pub fn at_exit(hook: impl FnOnce() + Send + 'static) {
    REGISTER.call_once(|| {
        // SAFETY: `run_hooks` is a plain `extern "C" fn()` that does not unwind.
        let rc = unsafe { libc::atexit(run_hooks) };
        assert_eq!(rc, 0, "atexit() failed");
    });
    HOOKS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Box::new(hook));
}
