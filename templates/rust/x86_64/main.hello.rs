//! A freestanding "Hello, world!" for a 64-bit PC (`x86_64-unknown-none`).
//!
//! Runs on QEMU's `pc` machine (`cargo run`, see `.cargo/config.toml`): QEMU
//! loads the ELF with `-kernel` and enters `_start` through a PVH note; the
//! program switches the CPU to 64-bit mode, prints through the first serial
//! port (COM1) and powers the machine off. On a real PC, boot it with a real
//! boot loader instead (see `src/boot.rs`) and check which serial port you have.
#![no_std]
#![no_main]

use core::arch::asm;
use core::fmt::Write;
use core::panic::PanicInfo;

// `_start`, which switches to 64-bit mode and calls `main`, and the PVH note
// that lets QEMU boot this ELF (src/boot.rs).
mod boot;

/// Called by `_start` once in 64-bit mode with a stack and a zeroed `.bss`.
#[unsafe(no_mangle)]
extern "C" fn main() -> ! {
    serial_init();
    serial_write(app::GREETING.as_bytes());
    // panic!("Something went wrong"); // uncomment to see the panic handler at work
    power_off()
}

/// COM1, the first serial port of a PC, at I/O port 0x3f8. QEMU's runner
/// routes it to your terminal. Real PCs may have it at another port, or none
/// (most laptops): then print to the screen, e.g. the boot loader's framebuffer.
const COM1: u16 = 0x3f8;

/// Sets COM1 to 115200 baud, 8 data bits, no parity, 1 stop bit. QEMU does
/// not need it; real hardware does, unless the firmware already did it.
fn serial_init() {
    // SAFETY: these are COM1's registers, which nothing else uses.
    unsafe {
        outb(COM1 + 1, 0x00); // no UART interrupts
        outb(COM1 + 3, 0x80); // DLAB: the next two registers set the divisor
        outb(COM1, 1); // 115200 / 1 baud
        outb(COM1 + 1, 0);
        outb(COM1 + 3, 0x03); // 8N1, DLAB off
        outb(COM1 + 2, 0x07); // enable and clear the FIFOs
    }
}

/// Sends bytes one by one, waiting until the transmitter can take the next.
fn serial_write(bytes: &[u8]) {
    for &byte in bytes {
        // SAFETY: COM1's registers, as above.
        unsafe {
            while inb(COM1 + 5) & (1 << 5) == 0 {} // LSR.THRE: transmitter empty
            outb(COM1, byte);
        }
    }
}

/// Switches the machine off, which makes QEMU exit with status 0.
///
/// Writing SLP_EN (bit 13) with sleep type 0 (S5, "soft off") to the ACPI
/// PM1a control register powers the PC down. On QEMU's `pc` machine, SeaBIOS
/// puts the PIIX4 power-management I/O ports at 0x600, so that register is
/// port 0x604. A real PC has its own address and sleep type: both come from
/// the ACPI tables (FADT and the `\_S5` object in the DSDT).
fn power_off() -> ! {
    // SAFETY: the ACPI power-management port of QEMU's `pc` machine.
    unsafe { outw(0x604, 0x2000) };
    halt()
}

/// Makes QEMU exit with status `(value << 1) | 1` through its
/// `isa-debug-exit` device at port 0xf4 (see `.cargo/config.toml`): always
/// odd, so never a success. 101 = (50 << 1) | 1. Real PCs have no such
/// device: there, halt, or reset the machine.
fn exit_failure(code: i32) -> ! {
    // SAFETY: QEMU's debug-exit port; elsewhere an unused port.
    unsafe { outl(0xf4, (code as u32) >> 1) };
    halt()
}

/// Stops the CPU for good. With interrupts off, `hlt` never wakes up.
fn halt() -> ! {
    loop {
        // SAFETY: `hlt` just waits.
        unsafe { asm!("hlt", options(nomem, nostack)) };
    }
}

/// Writes a byte to an I/O port (x86 devices live in a separate address space
/// of 65536 ports, reached with `in`/`out`).
///
/// # Safety
/// Writing to a device port can have any effect on the machine.
unsafe fn outb(port: u16, value: u8) {
    unsafe { asm!("out dx, al", in("dx") port, in("al") value, options(nomem, nostack)) };
}

/// Writes 16 bits to an I/O port. # Safety: as `outb`.
unsafe fn outw(port: u16, value: u16) {
    unsafe { asm!("out dx, ax", in("dx") port, in("ax") value, options(nomem, nostack)) };
}

/// Writes 32 bits to an I/O port. # Safety: as `outb`.
unsafe fn outl(port: u16, value: u32) {
    unsafe { asm!("out dx, eax", in("dx") port, in("eax") value, options(nomem, nostack)) };
}

/// Reads a byte from an I/O port. # Safety: as `outb`.
unsafe fn inb(port: u16) -> u8 {
    let value: u8;
    unsafe { asm!("in al, dx", in("dx") port, out("al") value, options(nomem, nostack)) };
    value
}

/// Prints the panic message (file, line and column, then the text) and exits
/// with status 101, like a panicking `std` program.
#[cfg(not(test))]
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    let mut console = app::Console(serial_write);
    let _ = writeln!(console, "{}", info);
    exit_failure(app::PANIC_EXIT_CODE)
}
