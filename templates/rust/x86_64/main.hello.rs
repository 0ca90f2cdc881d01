//! A freestanding "Hello, world!" for a 64-bit PC (`x86_64-unknown-none`).
//!
//! Runs on QEMU's `pc` machine (`cargo run`, see `.cargo/config.toml`): QEMU
//! loads the ELF with `-kernel` and enters `_start` through a PVH note; the
//! program switches the CPU to 64-bit mode, prints through the first serial
//! port (COM1) and powers the machine off. On a real PC, boot it with a real
//! boot loader instead (see `_start`) and check which serial port you have.
#![no_std]
#![no_main]

use core::arch::{asm, global_asm};
use core::fmt::Write;
use core::panic::PanicInfo;

// PVH is the boot protocol of Xen guests, which QEMU also speaks: an ELF note
// of type 18 (XEN_ELFNOTE_PHYS32_ENTRY) named "Xen" holds the 32-bit physical
// address to start at. QEMU's firmware (SeaBIOS) runs first, then enters that
// address in 32-bit protected mode with paging off, no stack, and `ebx`
// pointing at a `hvm_start_info` block (command line, memory map; unused here).
//
// Compiled Rust for this target is 64-bit code, and 64-bit ("long") mode
// needs paging, so `_start` first builds page tables that map the first 1 GiB
// of memory onto itself (identity mapping: every address stays the same).
//
// On a real PC, no firmware understands PVH: use a boot loader such as Limine
// or GRUB (multiboot2), or UEFI. Limine enters in 64-bit mode with paging and
// a stack already set up, so most of `_start` goes away; multiboot2 enters in
// 32-bit mode like PVH, so only the note changes to a multiboot2 header.
global_asm!(
    // The PVH note. `link.x` keeps it; the linker puts it in a PT_NOTE segment.
    ".section .note.Xen, \"a\", @note",
    ".balign 4",
    ".long 4",  // size of the name, "Xen\0"
    ".long 4",  // size of the content, a 32-bit address
    ".long 18", // XEN_ELFNOTE_PHYS32_ENTRY
    ".asciz \"Xen\"",
    ".long _start",
    // Its own section, which `link.x` places first in `.text`.
    ".section .text._start, \"ax\"",
    ".global _start",
    ".type _start, @function",
    ".code32",
    "_start:",
    "    cli", // no interrupt handlers exist: keep interrupts off
    "    cld", // `rep stos` below counts upwards
    // Zero `.bss` (Rust expects zeroed statics; the page tables live there).
    "    mov edi, offset __bss_start",
    "    mov ecx, offset __bss_end",
    "    sub ecx, edi",
    "    xor eax, eax",
    "    rep stosb",
    // Page tables: PML4[0] -> PDPT, PDPT[0] -> PD, and 512 PD entries of
    // 2 MiB pages cover 0..1 GiB. Flags 0x3 = present + writable; 0x83 adds
    // "huge page" (2 MiB). Each entry is 8 bytes; the upper halves stay 0.
    "    mov dword ptr [boot_pml4], offset boot_pdpt + 0x3",
    "    mov dword ptr [boot_pdpt], offset boot_pd + 0x3",
    "    mov edi, offset boot_pd",
    "    mov eax, 0x83",
    "    mov ecx, 512",
    ".Lfill_pd:",
    "    mov dword ptr [edi], eax",
    "    add eax, 0x200000",
    "    add edi, 8",
    "    loop .Lfill_pd",
    "    mov eax, offset boot_pml4",
    "    mov cr3, eax",
    // Long mode = PAE (CR4 bit 5) + EFER.LME (MSR 0xC0000080, bit 8) + paging
    // (CR0 bit 31). The CPU then runs 32-bit code until a 64-bit CS is loaded.
    "    mov eax, cr4",
    "    or eax, 1 << 5",
    "    mov cr4, eax",
    "    mov ecx, 0xC0000080",
    "    rdmsr",
    "    or eax, 1 << 8",
    "    wrmsr",
    "    mov eax, cr0",
    "    or eax, 1 << 31",
    "    mov cr0, eax",
    // Load a GDT with a 64-bit code segment and far-jump into it.
    "    lgdt [boot_gdt_ptr]",
    "    ljmp 0x08, offset .Llong_mode",
    ".code64",
    ".Llong_mode:",
    "    mov eax, 0x10", // the data segment, for the other segment registers
    "    mov ds, eax",
    "    mov es, eax",
    "    mov ss, eax",
    // The stack comes from `link.x` (16-byte aligned); `call` pushes the
    // return address, as the x86-64 ABI expects on entry to `main`.
    "    lea rsp, [rip + _stack_top]",
    "    call main",
    // `main` never returns.
    ".Lhalt:",
    "    hlt",
    "    jmp .Lhalt",
    // Null descriptor, 64-bit code (selector 0x08), data (selector 0x10).
    ".section .rodata.boot_gdt, \"a\"",
    ".balign 8",
    "boot_gdt:",
    "    .quad 0",
    "    .quad 0x00af9a000000ffff",
    "    .quad 0x00cf92000000ffff",
    "boot_gdt_ptr:",
    "    .word boot_gdt_ptr - boot_gdt - 1",
    "    .quad boot_gdt",
    // Three 4 KiB page tables (zeroed above with the rest of `.bss`).
    ".section .bss.boot_page_tables, \"aw\", @nobits",
    ".balign 4096",
    "boot_pml4: .zero 4096",
    "boot_pdpt: .zero 4096",
    "boot_pd: .zero 4096",
);

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
