#!/usr/bin/env bash
# Installs what the test matrix needs to build, inspect and run every target
# on Debian 12: a Rust toolchain with library source (to build `core` for any
# target), linkers for ELF/PE/Mach-O, QEMU for the boards, and Wine for the
# Windows hello. Idempotent; needs root (or sudo) and apt.
set -euo pipefail
packages=(
  rustc-web cargo-web rust-web-src rust-web-clippy # cargo/rustc 1.96 + library source for -Z build-std
  lld lld-16 clang-16 llvm                          # ld.lld, lld-link, ld64.lld; clang drives Mach-O links; llvm-readobj
  qemu-system-arm qemu-system-misc qemu-system-x86 qemu-user  # boards, and aarch64 Linux binaries
  wine                                               # runs the Windows hello
  zsh fish                                           # next steps are pasted into each shell by the tests
  strace                                             # slows the write down so that kills land inside it
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup-toolchain: all ${#packages[@]} packages present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "setup-toolchain: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
echo "setup-toolchain: done"
