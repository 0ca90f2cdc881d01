//! The operating-system layer, one module per OS in `src/os/`, each with the
//! same interface: `_start` (the entry, which calls `main`), `write(fd,
//! bytes)`, `exit(code)`, `STDOUT`, `STDERR`. Only the module of the OS being
//! compiled for is built. To support another OS, add its file and two lines.

#[cfg(target_os = "linux")]
mod linux;
#[cfg(target_os = "linux")]
pub use linux::*;

#[cfg(target_os = "macos")]
mod macos;
#[cfg(target_os = "macos")]
pub use macos::*;

#[cfg(target_os = "windows")]
mod windows;
#[cfg(target_os = "windows")]
pub use windows::*;
