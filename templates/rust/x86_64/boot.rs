//! The boot code: from QEMU's PVH entry (32-bit mode, no stack) to `main`
//! in 64-bit mode with a stack and a zeroed `.bss`.

use core::arch::global_asm;

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
