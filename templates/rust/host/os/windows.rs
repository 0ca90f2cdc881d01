//! Windows: the entry point and the three `kernel32.dll` functions the
//! program needs. Windows has no stable system-call numbers; `kernel32.dll`
//! is its lowest stable interface and is loaded into every process.

use core::ffi::c_void;

/// `STD_OUTPUT_HANDLE` for `GetStdHandle` (Windows' "file descriptor" 1).
pub const STDOUT: i32 = -11;
/// `STD_ERROR_HANDLE` for `GetStdHandle`.
pub const STDERR: i32 = -12;

// `raw-dylib`: rustc writes the import table itself, so no `kernel32.lib`
// (Windows SDK) is needed to link. `extern "system"` is the Windows API's
// calling convention.
#[link(name = "kernel32", kind = "raw-dylib")]
unsafe extern "system" {
    fn GetStdHandle(which: u32) -> *mut c_void;
    fn WriteFile(
        file: *mut c_void,
        buffer: *const u8,
        length: u32,
        written: *mut u32,
        overlapped: *mut c_void,
    ) -> i32;
    fn ExitProcess(code: u32) -> !;
}

/// The entry point, named by `/ENTRY:_start` in `build.rs`. Windows calls it
/// like an ordinary function (the stack is set up as compiled code expects),
/// so it needs no assembly.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    crate::main()
}

/// Writes all of `bytes` to `STDOUT` or `STDERR`, giving up silently on an error.
pub fn write(fd: i32, mut bytes: &[u8]) {
    // SAFETY: GetStdHandle takes any value; a bad one gives an invalid handle.
    let handle = unsafe { GetStdHandle(fd as u32) };
    while !bytes.is_empty() {
        let chunk = bytes.len().min(u32::MAX as usize);
        let mut written = 0u32;
        // SAFETY: the buffer is valid for `chunk` bytes; `written` is a valid
        // out-pointer; a null `overlapped` means an ordinary blocking write.
        let ok = unsafe {
            WriteFile(
                handle,
                bytes.as_ptr(),
                chunk as u32,
                &mut written,
                core::ptr::null_mut(),
            )
        };
        if ok == 0 || written == 0 {
            return;
        }
        // `get`, not `[written..]`: Windows never writes more than asked, but an
        // index the compiler cannot check would link a panic message that
        // formats numbers, and `core::fmt` with it (see the panic handler).
        bytes = bytes.get(written as usize..).unwrap_or_default();
    }
}

/// Ends the process with status `code`.
pub fn exit(code: i32) -> ! {
    // SAFETY: ExitProcess takes any status and does not return.
    unsafe { ExitProcess(code as u32) }
}

// Without the C runtime (`/NODEFAULTLIB` in `build.rs`), nothing provides the
// symbols that compiled code takes for granted on Windows; a dev build (no
// LTO to drop unused code) fails with "undefined symbol" for each of these.
// None of them is a real dependency of this program.

// `memcpy`, `memmove`, `memset`, `memcmp`: the compiler turns copies and
// fills of memory into calls to them; on Windows Rust leaves them to the C
// runtime (`vcruntime`). The simplest correct versions; volatile accesses stop
// the optimizer from replacing the loops with calls to... themselves.

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

/// MSVC's marker "this program uses floating point"; any value will do.
#[unsafe(no_mangle)]
static _fltused: i32 = 0;

/// Fused multiply-add, referenced (not called) by the math code in Rust's
/// `compiler_builtins`; the C runtime's math library normally provides it.
/// This version rounds twice (it is not fused), which is fine as a stand-in
/// that is never called; write a real one before you use `f64::mul_add`.
#[unsafe(no_mangle)]
extern "C" fn fma(a: f64, b: f64, c: f64) -> f64 {
    a * b + c
}

/// `fma` for `f32`: the product of two `f32`s is exact in `f64`, so this is
/// off only when rounding the `f64` sum to `f32` rounds a second time.
#[unsafe(no_mangle)]
extern "C" fn fmaf(a: f32, b: f32, c: f32) -> f32 {
    (f64::from(a) * f64::from(b) + f64::from(c)) as f32
}

/// The unwinder's personality routine on Windows. Rust's prebuilt `core` is
/// compiled for unwinding and its code refers to it; with `panic = "abort"`
/// nothing unwinds, so it is never called.
#[unsafe(no_mangle)]
extern "C" fn __CxxFrameHandler3() {}
