// Leave out the standard library: it needs an operating system.
#![no_std]
// No `fn main`: nothing would call it without the C runtime and std.
#![no_main]

use core::panic::PanicInfo;

/// The entry point the linker looks for. `no_mangle` keeps the name `_start`;
/// edition 2024 writes it `unsafe(...)` (accepted by every edition since 1.82).
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    loop {}
}

/// Called on panic; without std there is nobody else to do it. A test build
/// links std, which brings its own handler, so this one is left out there.
#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}
