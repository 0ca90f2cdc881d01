//! A freestanding "Hello, world!" for 64-bit Arm (`aarch64-unknown-none`).
//!
//! Runs on QEMU's `virt` board (`cargo run`, see `.cargo/config.toml`): it
//! starts at `_start`, prints through the board's PL011 UART and tells QEMU
//! to exit through semihosting. On a real board, change the UART address (and
//! its setup), and the memory map in `link.x`.
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use core::fmt::Write;
use core::panic::PanicInfo;

// The first code that runs: QEMU (or a boot loader) jumps here with the MMU
// and caches off and no stack. Nothing in Rust may run before this sets up a
// stack and switches on the FP/SIMD unit (see below).
global_asm!(
    // Its own section, which `link.x` places first in the image.
    ".section .text._start, \"ax\"",
    ".global _start",
    ".type _start, %function",
    "_start:",
    // Every core starts here. Keep core 0 (affinity level 0 of MPIDR_EL1)
    // and park the others; a multi-core program would give each one a stack.
    "    mrs x0, mpidr_el1",
    "    and x0, x0, #0xff",
    "    cbnz x0, 2f",
    // The stack starts at the end of RAM (`_stack_top` comes from `link.x`).
    "    adrp x0, _stack_top",
    "    add x0, x0, :lo12:_stack_top",
    "    mov sp, x0",
    // Allow FP/SIMD instructions at EL1 (CPACR_EL1.FPEN = 0b11). The compiler
    // uses the SIMD registers even without floats (e.g. to copy memory); with
    // them trapped, the first such instruction hangs the program. QEMU enters
    // at EL1; boot loaders on real boards often enter at EL2 (read CurrentEL),
    // where you also clear CPTR_EL2.TFP or drop to EL1 first.
    "    mov x0, #(3 << 20)",
    "    msr cpacr_el1, x0",
    "    isb",
    // Zero `.bss`, 8 bytes at a time: Rust expects zero-initialised statics.
    "    adrp x0, __bss_start",
    "    add x0, x0, :lo12:__bss_start",
    "    adrp x1, __bss_end",
    "    add x1, x1, :lo12:__bss_end",
    "1:  cmp x0, x1",
    "    b.hs 3f",
    "    str xzr, [x0], #8",
    "    b 1b",
    "3:  bl main",
    // `main` never returns; parked cores sleep here.
    "2:  wfe",
    "    b 2b",
);

/// Called by `_start` once the stack, FP/SIMD and `.bss` are ready.
#[unsafe(no_mangle)]
extern "C" fn main() -> ! {
    uart_write(app::GREETING.as_bytes());
    // panic!("Something went wrong"); // uncomment to see the panic handler at work
    exit(0)
}

/// The PL011 UART of QEMU's `virt` board. On a real board, take the address
/// from its memory map or device tree; real hardware also needs the UART
/// initialised (clock, baud rate, UARTEN/TXE in UARTCR) before it sends.
const UART0: usize = 0x0900_0000;

/// Sends bytes one by one, waiting while the transmit FIFO is full.
fn uart_write(bytes: &[u8]) {
    let data = UART0 as *mut u32; // UARTDR
    let flags = (UART0 + 0x18) as *const u32; // UARTFR
    for &byte in bytes {
        // SAFETY: these are the UART's registers, which nothing else uses.
        unsafe {
            while flags.read_volatile() & (1 << 5) != 0 {} // TXFF: FIFO full
            data.write_volatile(u32::from(byte));
        }
    }
}

/// Ends the program with an exit status, through Arm semihosting: `hlt
/// #0xf000` asks the debugger or emulator to do the work. SYS_EXIT (0x18)
/// takes a block `[reason, code]`; reason 0x20026 (ADP_Stopped_ApplicationExit)
/// makes QEMU exit with `code`. Without a debugger attached, a real chip stops
/// at the `hlt` instead: there, loop forever or reset the board.
fn exit(code: i32) -> ! {
    let block: [u64; 2] = [0x20026, code as u64];
    // SAFETY: the semihosting call only reads `block`.
    unsafe {
        asm!("hlt #0xf000", in("w0") 0x18, in("x1") block.as_ptr(), options(nostack));
    }
    // Only reached if nothing handled the call.
    loop {
        // SAFETY: `wfe` just waits for an event.
        unsafe { asm!("wfe", options(nomem, nostack)) };
    }
}

/// Prints the panic message (file, line and column, then the text) and exits
/// with status 101, like a panicking `std` program.
#[cfg(not(test))]
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    let mut console = app::Console(uart_write);
    let _ = writeln!(console, "{}", info);
    exit(app::PANIC_EXIT_CODE)
}
