//! The smallest freestanding binary for Linux, Windows and macOS: no standard
//! library, no C runtime, an entry point that loops forever.
//!
//! `build.rs` passes the linker the arguments that make this possible.
#![no_std] // no `std`: it needs the C runtime and an allocator; `core` needs neither
#![no_main] // no `fn main` called by the C runtime: the OS jumps to `_start`

use core::panic::PanicInfo;

/// The entry point: the name the linker looks for (`build.rs` says so).
///
/// `extern "C"` and `no_mangle` give it the C calling convention and the
/// plain name `_start`. On Linux the kernel jumps here with the stack
/// aligned differently from what compiled code expects (see `os/linux.rs`
/// of the `hello` template), which is harmless only because this body never
/// touches the stack. Real code needs a proper `_start` such as that one.
#[unsafe(no_mangle)]
#[allow(clippy::empty_loop)] // spinning is the point here; clippy would rather we slept
pub extern "C" fn _start() -> ! {
    loop {}
}

/// Called on panic; this one just waits forever.
#[cfg(not(test))] // `cargo test` would see two panic handlers (this and std's)
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}

/// 32-bit Arm Linux only: every function's entry in the unwind index (EHABI)
/// names this personality routine, even with panic = "abort"; libgcc would
/// provide it ("undefined symbol: __aeabi_unwind_cpp_pr0"). Nothing unwinds,
/// so it is never called.
#[cfg(target_arch = "arm")]
#[unsafe(no_mangle)]
pub extern "C" fn __aeabi_unwind_cpp_pr0() {}
