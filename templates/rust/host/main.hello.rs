//! A freestanding "Hello, world!" for Linux, Windows and macOS: no standard
//! library, no C runtime; the program starts at its own `_start` and talks to
//! the operating system directly (see `src/os.rs`).
//!
//! `build.rs` passes the linker the arguments that make this possible.
#![no_std] // no `std`: it needs the C runtime and an allocator; `core` needs neither
#![no_main] // no `fn main` called by the C runtime: the OS jumps to `_start` in `src/os.rs`

use core::fmt::Write;
use core::panic::PanicInfo;

// The operating system's side: `_start`, `write`, `exit` (src/os.rs).
mod os;

/// Called by `_start` once the stack is set up; never returns.
fn main() -> ! {
    os::write(os::STDOUT, app::GREETING.as_bytes());
    // panic!("Something went wrong"); // uncomment to see the panic handler at work
    os::exit(0)
}

/// Called on panic. Like `std`, prints "panicked at FILE:LINE:COL:" and the
/// message to standard error and exits with status 101.
#[cfg(not(test))] // `cargo test` would see two panic handlers (this and std's)
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    let mut stderr = app::Console(|bytes: &[u8]| os::write(os::STDERR, bytes));
    let _ = writeln!(stderr, "{}", info);
    os::exit(app::PANIC_EXIT_CODE)
}
