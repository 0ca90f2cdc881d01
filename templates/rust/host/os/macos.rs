//! macOS: the entry point and the two system calls the program needs, for
//! Intel (x86_64) and Apple silicon (arm64).
//!
//! Apple does not promise stable system-call numbers (the supported interface
//! is libSystem), but `write` and `exit` have not changed since the first
//! Mac OS X. A Unix system call is `0x2000000 + number` in `rax` with the
//! `syscall` instruction on x86_64, and `number` in `x16` with `svc #0x80` on
//! arm64; on error the carry flag is set and the result is the error number.

use core::arch::asm;

/// File descriptor of standard output.
pub const STDOUT: i32 = 1;
/// File descriptor of standard error.
pub const STDERR: i32 = 2;

/// The entry point (Mach-O symbol `__start`, named by `-e __start` in
/// `build.rs`). `dyld` calls it like an ordinary function, with the stack set
/// up as compiled code expects, so it needs no assembly.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    crate::main()
}

/// Writes all of `bytes` to file descriptor `fd`, giving up silently on an error.
pub fn write(fd: i32, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let n: usize;
        let failed: usize;
        // SAFETY: `write` only reads `bytes.len()` bytes from `bytes.as_ptr()`.
        #[cfg(target_arch = "x86_64")]
        unsafe {
            asm!(
                "syscall",
                "sbb rcx, rcx", // rcx = -1 if the carry flag (error) is set, else 0
                inlateout("rax") 0x200_0004usize => n, // write
                in("rdi") fd as isize,
                in("rsi") bytes.as_ptr(),
                inlateout("rdx") bytes.len() => _,
                lateout("rcx") failed,
                lateout("r11") _,
                options(nostack, readonly),
            );
        }
        #[cfg(target_arch = "aarch64")]
        unsafe {
            asm!(
                "svc #0x80",
                "cset {failed}, cs", // 1 if the carry flag (error) is set, else 0
                failed = lateout(reg) failed,
                in("x16") 4usize, // write
                inlateout("x0") fd as isize => n,
                inlateout("x1") bytes.as_ptr() => _,
                in("x2") bytes.len(),
                options(nostack, readonly),
            );
        }
        if failed != 0 || n == 0 {
            return;
        }
        // `get`, not `[n..]`: the kernel never writes more than asked, but an
        // index the compiler cannot check would link a panic message that
        // formats numbers, and `core::fmt` with it (see the panic handler).
        bytes = bytes.get(n..).unwrap_or_default();
    }
}

/// Ends the process with status `code`.
pub fn exit(code: i32) -> ! {
    // SAFETY: exit takes any status and does not return.
    #[cfg(target_arch = "x86_64")]
    unsafe {
        asm!("syscall", in("rax") 0x200_0001usize, in("rdi") code as isize, options(noreturn, nostack));
    }
    #[cfg(target_arch = "aarch64")]
    unsafe {
        asm!("svc #0x80", in("x16") 1usize, in("x0") code as isize, options(noreturn, nostack));
    }
}

/// Rust's prebuilt `core` is compiled for unwinding: its code refers to the
/// unwinder's personality routine, and a dev build (no LTO to drop unused
/// code) links some of it. With `panic = "abort"` nothing ever unwinds, so
/// it is never called; this empty definition only satisfies the linker.
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}
