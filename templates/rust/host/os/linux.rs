//! Linux: the entry point and the two system calls the program needs, for
//! x86_64, AArch64, RISC-V 64, 32-bit Arm (Armv7) and 32-bit x86 (i686).
//! Each CPU has its own `arch` module below: its `_start`, its system-call
//! instruction and registers, and its system-call numbers (they differ per
//! CPU; `man 2 syscall` has the conventions). To port to another CPU, add
//! its module.

use core::arch::{asm, naked_asm};

/// File descriptor of standard output.
pub const STDOUT: i32 = 1;
/// File descriptor of standard error.
pub const STDERR: i32 = 2;

/// Writes all of `bytes` to file descriptor `fd` (`write(2)` may write less
/// than asked, so loop), giving up silently on an error.
///
/// `inline(always)`: hello calls it once, so its body goes where it is called:
/// no call, and one function fewer in the unwinding tables (`.eh_frame`),
/// which keeps the stripped hello within 1 KiB.
#[inline(always)]
pub fn write(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: `write` only reads `bytes.len()` bytes from `bytes.as_ptr()`.
        let n = unsafe { arch::write(fd as isize, bytes.as_ptr(), bytes.len()) };
        if n <= 0 {
            return; // an error (-errno); nowhere left to report it
        }
        // `get`, not `[n..]`: the kernel never writes more than asked, but an
        // index the compiler cannot check would link a panic message that
        // formats numbers, and `core::fmt` with it (see the panic handler).
        bytes = bytes.get(n as usize..).unwrap_or_default();
    }
}

/// Ends the process with status `code` (`exit_group(2)`: all threads).
pub fn exit(code: i32) -> ! {
    arch::exit_group(code as isize)
}

// The entry point, `_start`, is the same idea on every CPU: the kernel jumps
// there (the linker makes `_start` the ELF entry; with `-nostartfiles` it is
// ours, not the C runtime's from `crt1.o`) with the stack pointer at `argc`.
// It must be `naked` (no compiler-made prologue): compiled code expects to
// be *called*, with the stack aligned as the CPU's ABI says at a call. So
// each `_start` ends the frame-pointer chain (debuggers stop unwinding
// there), aligns the stack and calls the Rust `main`, which never returns.

#[cfg(target_arch = "x86_64")]
mod arch {
    use super::{asm, naked_asm};

    /// The kernel enters with rsp 16-byte aligned, but compiled code expects
    /// a pushed return address after alignment: a plain `extern "C" fn
    /// _start` sees the stack off by 8 bytes and crashes at the first
    /// aligned SSE store (`movaps`).
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub extern "C" fn _start() -> ! {
        naked_asm!(
            "xor ebp, ebp", // no caller frame
            "and rsp, -16", // 16-byte aligned before the call, as the ABI says
            "call {main}",  // pushes the return address compiled code expects
            "ud2",          // `main` never returns
            main = sym crate::main,
        )
    }

    // `syscall`: number in rax, arguments in rdi, rsi, rdx, result in rax;
    // the instruction itself overwrites rcx and r11.
    pub unsafe fn write(fd: isize, buf: *const u8, len: usize) -> isize {
        let n;
        // SAFETY: the caller's; write(2) reads `len` bytes at `buf`.
        unsafe {
            asm!("syscall", inlateout("rax") 1isize => n, in("rdi") fd, in("rsi") buf, in("rdx") len,
                lateout("rcx") _, lateout("r11") _, options(nostack, readonly));
        }
        n
    }

    pub fn exit_group(code: isize) -> ! {
        // SAFETY: exit_group takes any status and does not return.
        unsafe { asm!("syscall", in("rax") 231, in("rdi") code, options(noreturn, nostack)) }
    }
}

#[cfg(target_arch = "aarch64")]
mod arch {
    use super::{asm, naked_asm};

    /// The stack is already 16-byte aligned and `bl` keeps it so.
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub extern "C" fn _start() -> ! {
        naked_asm!(
            "mov x29, xzr", // no caller frame
            "mov x30, xzr", // no return address
            "bl {main}",
            "udf #0", // `main` never returns
            main = sym crate::main,
        )
    }

    // `svc #0`: number in x8, arguments in x0, x1, x2, result in x0.
    pub unsafe fn write(fd: isize, buf: *const u8, len: usize) -> isize {
        let n;
        // SAFETY: the caller's; write(2) reads `len` bytes at `buf`.
        unsafe {
            asm!("svc #0", in("x8") 64, inlateout("x0") fd => n, in("x1") buf, in("x2") len,
                options(nostack, readonly));
        }
        n
    }

    pub fn exit_group(code: isize) -> ! {
        // SAFETY: exit_group takes any status and does not return.
        unsafe { asm!("svc #0", in("x8") 94, in("x0") code, options(noreturn, nostack)) }
    }
}

#[cfg(target_arch = "riscv64")]
mod arch {
    use super::{asm, naked_asm};

    /// The RISC-V ABI wants sp 16-byte aligned (the kernel's already is).
    /// `gp` must hold `__global_pointer$` before any Rust runs: GNU ld (the
    /// `cc` of a RISC-V machine) turns accesses to nearby globals into
    /// gp-relative ones ("relaxation"); `norelax` keeps this very load from
    /// being turned into one.
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub extern "C" fn _start() -> ! {
        naked_asm!(
            ".option push",
            ".option norelax",
            "lla gp, __global_pointer$", // pc-relative, no GOT entry needed
            ".option pop",
            "li fp, 0", // no caller frame
            "li ra, 0", // no return address
            "andi sp, sp, -16",
            "call {main}",
            "unimp", // `main` never returns
            main = sym crate::main,
        )
    }

    // `ecall`: number in a7, arguments in a0, a1, a2, result in a0.
    pub unsafe fn write(fd: isize, buf: *const u8, len: usize) -> isize {
        let n;
        // SAFETY: the caller's; write(2) reads `len` bytes at `buf`.
        unsafe {
            asm!("ecall", in("a7") 64, inlateout("a0") fd => n, in("a1") buf, in("a2") len,
                options(nostack, readonly));
        }
        n
    }

    pub fn exit_group(code: isize) -> ! {
        // SAFETY: exit_group takes any status and does not return.
        unsafe { asm!("ecall", in("a7") 94, in("a0") code, options(noreturn, nostack)) }
    }
}

#[cfg(target_arch = "arm")]
mod arch {
    use super::{asm, naked_asm};

    /// The Arm ABI (AAPCS) wants sp 8-byte aligned at every call.
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub extern "C" fn _start() -> ! {
        naked_asm!(
            "mov fp, #0", // no caller frame
            "mov lr, #0", // no return address
            "bic sp, sp, #7",
            "bl {main}",
            "udf #0", // `main` never returns
            main = sym crate::main,
        )
    }

    // `svc #0` (the EABI convention): number in r7, arguments in r0, r1, r2,
    // result in r0. (In Thumb code r7 is the frame pointer and cannot be
    // named here; Armv7 Linux targets compile to Arm code.)
    pub unsafe fn write(fd: isize, buf: *const u8, len: usize) -> isize {
        let n;
        // SAFETY: the caller's; write(2) reads `len` bytes at `buf`.
        unsafe {
            asm!("svc #0", in("r7") 4, inlateout("r0") fd => n, in("r1") buf, in("r2") len,
                options(nostack, readonly));
        }
        n
    }

    pub fn exit_group(code: isize) -> ! {
        // SAFETY: exit_group takes any status and does not return.
        unsafe { asm!("svc #0", in("r7") 248, in("r0") code, options(noreturn, nostack)) }
    }

    /// On 32-bit Arm every function's entry in the unwind index (EHABI)
    /// names this personality routine, even with panic = "abort"; libgcc
    /// would provide it ("undefined symbol: __aeabi_unwind_cpp_pr0"). Nothing
    /// unwinds, so it is never called; like `rust_eh_personality` below, it
    /// only satisfies the linker.
    #[unsafe(no_mangle)]
    pub extern "C" fn __aeabi_unwind_cpp_pr0() {}
}

#[cfg(target_arch = "x86")]
mod arch {
    use super::{asm, naked_asm};

    /// The i386 ABI (since GCC 4.5) wants esp 16-byte aligned before a call,
    /// like x86_64, and i686 code uses SSE stores that fault otherwise.
    #[unsafe(naked)]
    #[unsafe(no_mangle)]
    pub extern "C" fn _start() -> ! {
        naked_asm!(
            "xor ebp, ebp", // no caller frame
            "and esp, -16",
            "call {main}",
            "ud2", // `main` never returns
            main = sym crate::main,
        )
    }

    // `int 0x80`: number in eax, arguments in ebx, ecx, edx, result in eax.
    pub unsafe fn write(fd: isize, buf: *const u8, len: usize) -> isize {
        let n;
        // SAFETY: the caller's; write(2) reads `len` bytes at `buf`.
        unsafe {
            asm!("int 0x80", inlateout("eax") 4isize => n, in("ebx") fd, in("ecx") buf, in("edx") len,
                options(nostack, readonly));
        }
        n
    }

    pub fn exit_group(code: isize) -> ! {
        // SAFETY: exit_group takes any status and does not return.
        unsafe { asm!("int 0x80", in("eax") 252, in("ebx") code, options(noreturn, nostack)) }
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "riscv64",
    target_arch = "arm",
    target_arch = "x86"
)))]
compile_error!(
    "this Linux module has no entry code for this CPU: add an `arch` module with its `_start`, system-call instruction and numbers"
);

// The compiler turns copies and fills of memory into calls to the C
// functions `memcpy`, `memmove`, `memset` and `memcmp`/`bcmp`; on Linux,
// Rust's prebuilt `compiler_builtins` leaves them to libc, which this program
// does not link ("undefined symbol: memset" in a dev build). These are the
// simplest correct versions. Volatile accesses stop the optimizer from
// recognising the loops and replacing them with calls to... themselves.

#[unsafe(no_mangle)]
unsafe extern "C" fn memset(dest: *mut u8, byte: i32, len: usize) -> *mut u8 {
    for i in 0..len {
        // SAFETY: the caller promises `dest..dest + len` is writable.
        unsafe { dest.add(i).write_volatile(byte as u8) };
    }
    dest
}

#[unsafe(no_mangle)]
unsafe extern "C" fn memcpy(dest: *mut u8, src: *const u8, len: usize) -> *mut u8 {
    for i in 0..len {
        // SAFETY: the caller promises both ranges are valid and do not overlap.
        unsafe { dest.add(i).write_volatile(src.add(i).read_volatile()) };
    }
    dest
}

#[unsafe(no_mangle)]
unsafe extern "C" fn memmove(dest: *mut u8, src: *const u8, len: usize) -> *mut u8 {
    if (dest as usize) <= (src as usize) {
        // SAFETY: copying forwards never overwrites a byte before reading it.
        unsafe { memcpy(dest, src, len) }
    } else {
        for i in (0..len).rev() {
            // SAFETY: the caller promises both ranges are valid; copying
            // backwards never overwrites a byte before reading it.
            unsafe { dest.add(i).write_volatile(src.add(i).read_volatile()) };
        }
        dest
    }
}

#[unsafe(no_mangle)]
unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, len: usize) -> i32 {
    for i in 0..len {
        // SAFETY: the caller promises both ranges are readable.
        let (x, y) = unsafe { (a.add(i).read_volatile(), b.add(i).read_volatile()) };
        if x != y {
            return i32::from(x) - i32::from(y);
        }
    }
    0
}

#[unsafe(no_mangle)]
unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, len: usize) -> i32 {
    // SAFETY: same contract as `memcmp`.
    unsafe { memcmp(a, b, len) }
}

/// Rust's prebuilt `core` is compiled for unwinding: its code refers to the
/// unwinder's personality routine, and a dev build (no LTO to drop unused
/// code) links some of it. With `panic = "abort"` nothing ever unwinds, so
/// it is never called; this empty definition only satisfies the linker
/// ("undefined symbol: rust_eh_personality" in a dev build).
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}
