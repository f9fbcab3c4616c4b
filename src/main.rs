//! The `osarchiver` binary: parse the command line and hand over to [`osarchiver::run`].

fn main() -> std::process::ExitCode {
    osarchiver::run::main()
}
