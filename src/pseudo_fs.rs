//! Kernel pseudo file systems (procfs, sysfs, cgroup, ...), where no file or directory can be
//! created whatever the permissions say: `access(2)` passes there for root, so the dry runs'
//! checks of a directory to be created (the lock directory, a file destination's) ask this too.

use std::path::Path;

/// The `f_type` of the kernel's pseudo file systems (`statfs(2)`, `linux/magic.h`).
const PSEUDO: &[i64] = &[
    0x9fa0,      // proc
    0x6265_6572, // sysfs
    0x6367_7270, // cgroup2
    0x0027_e0eb, // cgroup
    0x6462_6720, // debugfs
    0x7472_6163, // tracefs
    0x7363_6673, // securityfs
    0xcafe_4a11, // bpf
    0x6165_676c, // pstore
    0x1cd1,      // devpts
    0x1980_0202, // mqueue
    0x6573_5543, // fusectl
    0xde5e_81e4, // efivarfs
    0xf97c_ff8c, // selinuxfs
    0x4249_4e4d, // binfmt_misc
    0x6e73_6673, // nsfs
];

/// Whether `dir` (which exists) is on a pseudo file system, where nothing can be created.
pub fn refuses_new_entries(dir: &Path) -> bool {
    let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()) else {
        return false;
    };
    let mut st = std::mem::MaybeUninit::<libc::statfs>::uninit();
    // SAFETY: statfs(2) reads a NUL-terminated path and fills the struct it is given.
    if unsafe { libc::statfs(c.as_ptr(), st.as_mut_ptr()) } != 0 {
        return false;
    }
    // SAFETY: filled by the successful call above.
    let st = unsafe { st.assume_init() };
    // Its width differs from one platform to another.
    #[allow(clippy::unnecessary_cast)]
    let kind = st.f_type as i64;
    PSEUDO.contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::refuses_new_entries;

    #[test]
    fn proc_is_pseudo_and_a_temporary_directory_is_not() {
        assert!(refuses_new_entries(std::path::Path::new("/proc")));
        let d = tempfile::tempdir().unwrap();
        assert!(!refuses_new_entries(d.path()));
    }
}
