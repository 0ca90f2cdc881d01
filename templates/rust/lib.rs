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

use core::fmt;

/// What the `hello` program prints. Change it, then run the tests to see them catch it.
pub const GREETING: &str = "Hello, world!\n";

/// The exit status the panic handler reports, the same as a panicking `std` program.
pub const PANIC_EXIT_CODE: i32 = 101;

/// Turns any byte sink (a `write` syscall, a UART, semihosting) into a
/// `core::fmt::Write`, so `write!`/`writeln!` work without `std`.
pub struct Console<F: FnMut(&[u8])>(pub F);

impl<F: FnMut(&[u8])> fmt::Write for Console<F> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        (self.0)(text.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn greeting_is_one_line() {
        assert_eq!(GREETING, "Hello, world!\n");
        assert_eq!(GREETING.lines().count(), 1);
    }

    #[test]
    fn console_formats_into_its_sink() {
        let mut sink = Vec::new();
        let mut console = Console(|bytes: &[u8]| sink.extend_from_slice(bytes));
        write!(console, "{} + {} = {}", 2, 2, 4).unwrap();
        assert_eq!(sink, b"2 + 2 = 4");
    }
}
