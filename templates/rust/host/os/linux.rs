//! Linux: the entry point and the two system calls the program needs, for
//! x86_64 and AArch64. To port to another architecture, add its `_start`
//! and its `syscall` convention (see `man 2 syscall`).

use core::arch::{asm, naked_asm};

/// File descriptor of standard output.
pub const STDOUT: i32 = 1;
/// File descriptor of standard error.
pub const STDERR: i32 = 2;

/// The entry point: the kernel jumps here. (The linker makes `_start` the ELF
/// entry; with `-nostartfiles` it is ours, not the C runtime's from `crt1.o`.)
///
/// It must be `naked` (no compiler-made prologue): the kernel enters with the
/// stack pointer 16-byte aligned and pointing at `argc`, but compiled code
/// expects to be *called*, with a return address pushed after alignment.
/// A plain `extern "C" fn _start` sees the stack off by 8 bytes and crashes at
/// the first aligned SSE store (`movaps`). So: end the frame-pointer chain,
/// re-align the stack, and call the Rust `main` properly.
#[cfg(target_arch = "x86_64")]
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    naked_asm!(
        "xor ebp, ebp",   // no caller frame: debuggers stop unwinding here
        "and rsp, -16",   // 16-byte aligned before the call, as the ABI says
        "call {main}",    // pushes the return address compiled code expects
        "ud2",            // `main` never returns
        main = sym crate::main,
    )
}

/// The entry point for AArch64: the stack is already 16-byte aligned and
/// `bl` keeps it so; clear the frame pointer and link register so that
/// debuggers stop unwinding here, then call the Rust `main`.
#[cfg(target_arch = "aarch64")]
#[unsafe(naked)]
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    naked_asm!(
        "mov x29, xzr",
        "mov x30, xzr",
        "bl {main}",
        "udf #0", // `main` never returns
        main = sym crate::main,
    )
}

// System call numbers differ per architecture (`man 2 syscall` has the
// conventions): x86_64 puts the number in `rax` and uses `syscall` (which
// clobbers `rcx` and `r11`); AArch64 puts it in `x8` and uses `svc #0`.

/// Writes all of `bytes` to file descriptor `fd` (`write(2)` may write less
/// than asked, so loop), giving up silently on an error.
///
/// `inline(always)`: hello calls it once, so its body goes where it is called:
/// no call, and one function fewer in the unwinding tables (`.eh_frame`),
/// which keeps the stripped hello within 1 KiB.
#[inline(always)]
pub fn write(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let n: isize;
        // SAFETY: `write` only reads `bytes.len()` bytes from `bytes.as_ptr()`.
        #[cfg(target_arch = "x86_64")]
        unsafe {
            asm!(
                "syscall",
                inlateout("rax") 1isize => n, // write
                in("rdi") fd as isize,
                in("rsi") bytes.as_ptr(),
                in("rdx") bytes.len(),
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack, readonly),
            );
        }
        #[cfg(target_arch = "aarch64")]
        unsafe {
            asm!(
                "svc #0",
                in("x8") 64, // write
                inlateout("x0") fd as isize => n,
                in("x1") bytes.as_ptr(),
                in("x2") bytes.len(),
                options(nostack, readonly),
            );
        }
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
    // SAFETY: exit_group takes any status and does not return.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        asm!("syscall", in("rax") 231, in("rdi") code as isize, options(noreturn, nostack));
    }
    #[cfg(target_arch = "aarch64")]
    unsafe {
        asm!("svc #0", in("x8") 94, in("x0") code as isize, options(noreturn, nostack));
    }
}

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
