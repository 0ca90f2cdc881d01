#!/usr/bin/env bash
# Installs what the test matrix needs to build, inspect and run every target
# on Debian 12: a Rust toolchain with library source (to build `core` for any
# target), linkers for ELF/PE/Mach-O, QEMU for the boards, and Wine for the
# Windows hello. Idempotent; needs root (or sudo) and apt.
set -euo pipefail
packages=(
  rustc-web cargo-web rust-web-src rust-web-clippy # cargo/rustc 1.96 + library source for -Z build-std
  lld lld-16 clang-16 llvm                          # ld.lld, lld-link, ld64.lld; clang drives Mach-O and cross-Linux links; llvm-readobj
  qemu-system-arm qemu-system-misc qemu-system-x86 qemu-user  # boards; qemu-aarch64/riscv64/arm/i386 run the Linux hellos
  wine                                               # runs the Windows hello
  zsh fish                                           # next steps are pasted into each shell by the tests
  strace                                             # slows the write down so that kills land inside it
  gdb gdb-multiarch                                  # debugger sessions driven to main against native and QEMU
  ovmf qemu-efi-aarch64                              # UEFI firmware for QEMU (x86_64, aarch64)
  python3-unicorn                                    # a CPU emulator that executes the macOS hellos
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Debian's rustc from a stale package index is 1.85, too old for naked
# functions (1.88): an installed rustc-web older than that is upgraded.
rustc_too_old=false
version=none
if [ -x /usr/bin/rustc ]; then
  version=$(/usr/bin/rustc --version | awk '{print $2}')
  [ "$(printf '%s\n1.88.0\n' "$version" | sort -V | head -n 1)" = "1.88.0" ] || rustc_too_old=true
fi
if [ ${#missing[@]} -eq 0 ] && [ "$rustc_too_old" = false ]; then
  echo "setup-toolchain: all ${#packages[@]} packages present, /usr/bin/rustc $version"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
# Always refresh the index first: an old one offers an old Rust.
$sudo apt-get update -qq
if [ "$rustc_too_old" = true ]; then
  echo "setup-toolchain: /usr/bin/rustc $version is older than 1.88; upgrading Debian's Rust"
  $sudo apt-get install -y -qq --only-upgrade rustc-web cargo-web rust-web-src rust-web-clippy >/dev/null
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup-toolchain: installing ${missing[*]}"
  $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
version=$(/usr/bin/rustc --version | awk '{print $2}')
if [ "$(printf '%s\n1.88.0\n' "$version" | sort -V | head -n 1)" != "1.88.0" ]; then
  echo "setup-toolchain: /usr/bin/rustc is still $version after the upgrade; 1.88 or newer is needed" >&2
  exit 1
fi
echo "setup-toolchain: done, /usr/bin/rustc $version"
