//! The smallest valid program for a Cortex-M microcontroller: it starts and
//! then does nothing, forever.
//!
//! The only startup a Cortex-M needs is the vector table: after reset the core
//! reads the initial stack pointer (entry 0, from `link.x`) and the address of
//! the reset handler (entry 1) from it, and jumps there. Nothing prepares RAM,
//! so mutable statics (`.bss`, `.data`) would hold garbage. The `hello`
//! template (`create-freestanding <dir> --template hello`) has the full
//! startup that zeroes and fills them.
// Clippy calls an empty `loop {}` a waste of CPU cycles; here spinning is
// the whole program (a real one would sleep with `wfi` between interrupts).
#![allow(clippy::empty_loop)]
#![no_std]
#![no_main]

use core::panic::PanicInfo;

/// Entry 1 of the vector table: the address the core jumps to after reset.
#[used]
#[unsafe(link_section = ".vector_table.reset_vector")]
static RESET_VECTOR: extern "C" fn() -> ! = reset;

/// Entries 2-15: the system exceptions (NMI, HardFault, ...). The core
/// reads the handler's address from here when one occurs, so the table must
/// be complete even if nothing is expected to go wrong.
#[used]
#[unsafe(link_section = ".vector_table.exceptions")]
static EXCEPTIONS: [extern "C" fn() -> !; 14] = [default_handler; 14];

/// The program's entry point (`ENTRY(reset)` in `link.x`).
#[unsafe(no_mangle)]
extern "C" fn reset() -> ! {
    loop {}
}

/// Any exception stops here. On a board, a debugger shows where.
extern "C" fn default_handler() -> ! {
    loop {}
}

#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}
