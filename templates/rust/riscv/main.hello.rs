//! A freestanding "Hello, world!" for RISC-V, 32- and 64-bit alike
//! (`riscv32imac-unknown-none-elf`, `riscv64gc-unknown-none-elf`).
//!
//! Runs on QEMU's `virt` board with `-bios none` (`cargo run`, see
//! `.cargo/config.toml`): it starts at `_start` in machine mode, prints through
//! the board's 16550 UART and exits through QEMU's test device. On a real
//! board, change the UART address (and its setup), the way to stop, and the
//! memory map in `link.x`.
//!
//! Why the UART and the test device rather than semihosting: both are plain
//! memory writes (no special instruction sequence), the exit status reaches
//! QEMU unchanged, and the UART is what a real board has too.
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use core::fmt::Write;
use core::panic::PanicInfo;

// The first code that runs, in machine mode with no stack. Every instruction
// here exists in RV32 and RV64, so one file serves both.
global_asm!(
    // Its own section, which `link.x` places first, at the start of RAM.
    ".section .text._start, \"ax\"",
    ".global _start",
    "_start:",
    // Every hart (core) starts here. Keep hart 0 and park the others; a
    // multi-hart program would give each one its own stack.
    "    csrr t0, mhartid",
    "    bnez t0, 2f",
    // `gp` must point at the small-data area before any Rust code runs: the
    // linker may rewrite accesses near it as `gp`-relative. `norelax` stops
    // it from "relaxing" this very instruction against a `gp` not yet set.
    "    .option push",
    "    .option norelax",
    "    la gp, __global_pointer$",
    "    .option pop",
    // The stack starts at the end of RAM (`_stack_top` comes from `link.x`).
    "    la sp, _stack_top",
    // Switch the FPU on (mstatus.FS = Initial) for targets that have one
    // (riscv64gc): with FS off, the first float instruction traps. On chips
    // without an FPU (riscv32imac) the field ignores the write.
    "    li t0, 0x2000",
    "    csrs mstatus, t0",
    // Zero `.bss`, 4 bytes at a time: Rust expects zero-initialised statics.
    "    la t0, __bss_start",
    "    la t1, __bss_end",
    "1:  bgeu t0, t1, 3f",
    "    sw zero, 0(t0)",
    "    addi t0, t0, 4",
    "    j 1b",
    "3:  call main",
    // `main` never returns; parked harts sleep here.
    "2:  wfi",
    "    j 2b",
);

/// Called by `_start` once `gp`, the stack, the FPU and `.bss` are ready.
#[unsafe(no_mangle)]
extern "C" fn main() -> ! {
    uart_write(app::GREETING.as_bytes());
    // panic!("Something went wrong"); // uncomment to see the panic handler at work
    exit(0)
}

/// The 16550-compatible UART of QEMU's `virt` board. On a real board, take
/// the address from its memory map or device tree; real hardware also needs
/// the UART initialised (baud-rate divisor, 8N1 line format) first, and many
/// SoCs (SiFive, ESP32-C3, ...) have a UART of a different design altogether.
const UART0: usize = 0x1000_0000;

/// Sends bytes one by one, waiting until the transmit register is empty.
fn uart_write(bytes: &[u8]) {
    let data = UART0 as *mut u8; // THR, transmit holding register
    let status = (UART0 + 5) as *const u8; // LSR, line status register
    for &byte in bytes {
        // SAFETY: these are the UART's registers, which nothing else uses.
        unsafe {
            while status.read_volatile() & (1 << 5) == 0 {} // THRE: room to send
            data.write_volatile(byte);
        }
    }
}

/// QEMU's test device (`sifive_test`): writing 0x5555 makes QEMU exit with
/// status 0, `(code << 16) | 0x3333` with status `code`. Real boards have no
/// such device: there, loop forever, reset the chip, or power it off.
const TEST_DEVICE: usize = 0x0010_0000;

/// Ends the program with an exit status.
fn exit(code: i32) -> ! {
    let command = if code == 0 {
        0x5555
    } else {
        ((code as u32) << 16) | 0x3333
    };
    // SAFETY: the test device's only register; the write stops QEMU.
    unsafe { (TEST_DEVICE as *mut u32).write_volatile(command) };
    // Only reached if nothing stopped the machine.
    loop {
        // SAFETY: `wfi` just waits for an interrupt.
        unsafe { asm!("wfi", options(nomem, nostack)) };
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
