//! The testable part of the program: pure logic with no hardware or OS in it.
//!
//! `src/main.rs` holds only what must be freestanding (the entry point, the
//! panic handler, the platform's output) and calls into this crate by its name.
//! Keeping logic here means `cargo test` can run it on your machine.
//!
//! `no_std` everywhere except under `cargo test`: the test harness needs `std`,
//! and a `#![no_std]` crate with its own `#[panic_handler]` would clash with
//! std's ("found duplicate lang item `panic_impl`", the error rust-analyzer and
//! `cargo test` show on a single-file layout).
#![cfg_attr(not(test), no_std)]

use core::panic::Location;

/// What the `hello` program prints. Change it, then run the tests to see them catch it.
pub const GREETING: &str = "Hello, world!\n";

/// The exit status the panic handler reports, the same as a panicking `std` program.
pub const PANIC_EXIT_CODE: i32 = 101;

/// Printed instead of a panic message that has arguments (`panic!("{}", x)`):
/// only `core::fmt` can format them, and this program leaves it out.
pub const MESSAGE_NEEDS_FMT: &str = "(message with arguments: printing it needs core::fmt)";

/// Writes a panic report the way `std` does ("panicked at FILE:LINE:COL:",
/// then the message) to `write`, any byte sink: a `write` system call, a
/// UART, semihosting. `message` is the message if it is a plain literal
/// (`PanicInfo::message().as_str()`).
///
/// All by hand, without `core::fmt`: formatting with `{}` would link its
/// machinery (about 4.5 KB on x86_64 Linux, 2 KB on a Cortex-M0), several
/// times the rest of a `hello` binary.
pub fn write_panic(
    message: Option<&str>,
    location: Option<&Location<'_>>,
    mut write: impl FnMut(&[u8]),
) {
    write(b"panicked");
    if let Some(location) = location {
        write(b" at ");
        write(location.file().as_bytes());
        write(b":");
        write_decimal(location.line(), &mut write);
        write(b":");
        write_decimal(location.column(), &mut write);
    }
    write(b":\n");
    write(message.unwrap_or(MESSAGE_NEEDS_FMT).as_bytes());
    write(b"\n");
}

/// Writes `number` in decimal, the one piece of `core::fmt` the panic report
/// needs: the digits before the last one (recursively, at most ten deep for
/// a `u32`), then the last one.
pub fn write_decimal(number: u32, write: &mut impl FnMut(&[u8])) {
    if number >= 10 {
        write_decimal(number / 10, write);
    }
    write(&[b'0' + (number % 10) as u8]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `writer` writes to its sink, as text.
    fn written(writer: impl FnOnce(&mut dyn FnMut(&[u8]))) -> String {
        let mut sink = Vec::new();
        writer(&mut |bytes: &[u8]| sink.extend_from_slice(bytes));
        String::from_utf8(sink).unwrap()
    }

    #[test]
    fn greeting_is_one_line() {
        assert_eq!(GREETING, "Hello, world!\n");
        assert_eq!(GREETING.lines().count(), 1);
    }

    #[test]
    fn decimal_matches_core_fmt() {
        for number in [0, 7, 10, 101, 65_535, u32::MAX] {
            let text = written(|mut write| write_decimal(number, &mut write));
            assert_eq!(text, number.to_string());
        }
    }

    #[test]
    fn panic_report_reads_like_std() {
        let at = Location::caller();
        let report = written(|write| write_panic(Some("Something went wrong"), Some(at), write));
        let (file, line, column) = (at.file(), at.line(), at.column());
        let expected = format!("panicked at {file}:{line}:{column}:\nSomething went wrong\n");
        assert_eq!(report, expected);

        let formatted = written(|write| write_panic(None, None, write));
        assert_eq!(formatted, format!("panicked:\n{MESSAGE_NEEDS_FMT}\n"));
    }
}
