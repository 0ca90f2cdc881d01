// Leave out the standard library: it needs an operating system.
#![no_std]

use core::panic::PanicInfo;

fn main() {}

/// Called on panic; without std there is nobody else to do it.
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}
