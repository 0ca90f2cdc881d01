//! The smallest freestanding program for RISC-V, 32- and 64-bit alike
//! (`riscv32imac-unknown-none-elf`, `riscv64gc-unknown-none-elf`): an entry
//! point that loops forever and a panic handler.
//!
//! QEMU's `virt` board with `-bios none` jumps to the start of RAM, so
//! `link.x` places `_start` exactly there. `cargo run` starts it under QEMU,
//! which then does nothing until you stop it (Ctrl-A X).
#![no_std]
#![no_main]
// Clippy calls an empty `loop {}` a waste of CPU cycles; here spinning is
// the whole program. A real one would sleep instead (`wfe`/`wfi`).
#![allow(clippy::empty_loop)]

use core::panic::PanicInfo;

/// The entry point. It runs without a stack (nothing set one up), which is
/// fine only because it neither calls anything nor keeps anything on it; the
/// `hello` template (`--template hello`) has a full `_start`. `link_section`
/// puts it where `link.x` expects the first instruction of the image.
#[unsafe(no_mangle)]
#[unsafe(link_section = ".text._start")]
pub extern "C" fn _start() -> ! {
    loop {}
}

/// Called on `panic!`; with nowhere to report to, it loops forever too.
#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}
