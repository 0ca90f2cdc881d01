//! The smallest freestanding UEFI application (`x86_64-unknown-uefi` or
//! `aarch64-unknown-uefi`): an entry point that loops forever and a panic
//! handler.
//!
//! The firmware loads this PE file and calls `efi_main` with the image's
//! handle and its system table, which this program ignores. `cargo run`
//! boots it in QEMU (see qemu-uefi.sh), which then does nothing until you
//! stop it (Ctrl-A X). The firmware's watchdog resets the machine after five
//! minutes unless a program switches it off (BootServices->SetWatchdogTimer),
//! so on a real PC it boots again.
#![no_std]
#![no_main]
// Clippy calls an empty `loop {}` a waste of CPU cycles; here spinning is
// the whole program. A real one would wait for an event instead.
#![allow(clippy::empty_loop)]

use core::ffi::c_void;
use core::panic::PanicInfo;

/// The entry point: rustc's UEFI targets tell the linker to start here. It
/// returns an EFI_STATUS, but never does.
#[unsafe(no_mangle)]
extern "efiapi" fn efi_main(_image: *mut c_void, _system_table: *mut c_void) -> usize {
    loop {}
}

/// Called on `panic!`; with nowhere to report to, it loops forever too.
#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}
