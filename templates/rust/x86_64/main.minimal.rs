//! The smallest freestanding program for a 64-bit PC (`x86_64-unknown-none`):
//! an entry point that loops forever and a panic handler.
//!
//! Rust code for this target is 64-bit, but QEMU (`-kernel`, through the PVH
//! note below) starts it in 32-bit mode, so `_start` has to switch the CPU to
//! 64-bit mode before it can call `main`. `cargo run` starts it under QEMU,
//! which then does nothing until you stop it (Ctrl-A X). On a real PC, use a
//! real boot loader instead (see the comment above `global_asm!`).
#![no_std]
#![no_main]
// Clippy calls an empty `loop {}` a waste of CPU cycles; here spinning is
// the whole program. A real one would sleep instead (`hlt`).
#![allow(clippy::empty_loop)]

use core::arch::global_asm;
use core::panic::PanicInfo;

// PVH, the boot protocol of Xen guests that QEMU also speaks, enters `_start`
// in 32-bit protected mode with paging off and no stack. 64-bit mode needs
// paging, so `_start` maps the first 1 GiB of memory onto itself, switches to
// 64-bit mode, sets up a stack and calls `main`. On a real PC, no firmware
// understands PVH: boot through Limine (enters in 64-bit mode, so most of this
// goes away), GRUB with a multiboot2 header (32-bit, like PVH) or UEFI.
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
    loop {}
}

/// Called on `panic!`; with nowhere to report to, it loops forever too.
#[cfg(not(test))]
#[panic_handler]
fn panic(_info: &PanicInfo) -> ! {
    loop {}
}
