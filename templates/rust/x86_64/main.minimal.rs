//! The smallest freestanding program for a 64-bit PC (`x86_64-unknown-none`):
//! an entry point that loops forever and a panic handler.
//!
//! Rust code for this target is 64-bit, but QEMU (`-kernel`, through the PVH
//! note in `src/boot.rs`) starts it in 32-bit mode, so `_start` there has to
//! switch the CPU to 64-bit mode before it can call `main`. `cargo run` starts
//! it under QEMU, which then does nothing until you stop it (Ctrl-A X). On a
//! real PC, use a real boot loader instead (see `src/boot.rs`).
#![no_std]
#![no_main]
// Clippy calls an empty `loop {}` a waste of CPU cycles; here spinning is
// the whole program. A real one would sleep instead (`hlt`).
#![allow(clippy::empty_loop)]

use core::panic::PanicInfo;

// `_start`, which switches to 64-bit mode and calls `main`, and the PVH note
// that lets QEMU boot this ELF (src/boot.rs).
mod boot;

/// Called by `_start` once in 64-bit mode with a stack and a zeroed `.bss`.
#[unsafe(no_mangle)]
extern "C" fn main() -> ! {
    loop {}
}

/// Called on `panic!`; with nowhere to report to, it loops forever too.
#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}
