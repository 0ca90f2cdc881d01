//! Hands `link.x` (sections, entry) and `memory.x` (your memory map, which
//! link.x includes) to the linker.
//!
//! Why a build script and not `rustflags = ["-C", "link-arg=-Tlink.x"]`?
//! - Cargo does not watch files named only in rustflags, so an edited linker
//!   script would not relink; `rerun-if-changed` below makes it do so.
//! - `rustc-link-arg-bins` applies to the binary alone: build scripts and
//!   host-side tests are not linked with this board's memory map.
//! - An absolute path works wherever cargo runs from, e.g. a workspace root.

use std::env;
use std::path::PathBuf;

fn main() {
    let manifest_dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap());
    let script = manifest_dir.join("link.x");
    println!("cargo:rustc-link-arg-bins=-T{}", script.display());
    // `INCLUDE memory.x` in link.x: the linker looks for it on this path.
    println!("cargo:rustc-link-search={}", manifest_dir.display());
    println!("cargo:rerun-if-changed=link.x");
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
}
