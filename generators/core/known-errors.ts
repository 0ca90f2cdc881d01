/**
 * The errors readers of "A Freestanding Rust Binary" hit, each with the one line
 * that explains it. The generated README lists those that apply to its project.
 */
import { programTemplates, type LinkArgMode, type Target, type TemplateName } from './catalogue.js';

export interface KnownError {
  /** The compiler's or linker's words, as they appear. */
  error: string;
  /** Why it happens and what fixes it, one line. */
  fix: string;
}

type Applies = (target: Target, linkArgs: LinkArgMode, template: TemplateName) => boolean;

const always: Applies = () => true;
const bareMetal: Applies = (target) => target.kind === 'bare-metal';
const hasOs = (os: string): Applies => (target) => target.kind === 'host' && target.oses.some((o) => o === os);
/** Errors only the OS modules deal with (minimal's `loop {}` never touches the stack or links core's code). */
const osModuleOn = (os: string): Applies => (target, linkArgs, template) =>
  programTemplates[template].usesOsModule && hasOs(os)(target, linkArgs, template);

const catalogueOfErrors: { applies: Applies; entry: KnownError }[] = [
  {
    applies: always,
    entry: {
      error: 'found duplicate lang item `panic_impl`',
      fix: 'The test harness brings std\'s panic handler. This project keeps logic in src/lib.rs (`no_std` except under test), marks the binary `test = false` and gates the handler with `#[cfg(not(test))]`; test with the command above.',
    },
  },
  {
    applies: bareMetal,
    entry: {
      error: 'can\'t find crate for `test` (in the editor)',
      fix: 'rust-analyzer checks all targets by default, tests included, for a target without `std`; .vscode/settings.json sets `rust-analyzer.cargo.allTargets` to false.',
    },
  },
  {
    applies: always,
    entry: {
      error: 'unsafe attribute used without unsafe',
      fix: 'Edition 2024 requires `#[unsafe(no_mangle)]`; this project writes it that way, which every edition accepts since Rust 1.82.',
    },
  },
  {
    applies: always,
    entry: {
      error: 'unwinding panics are not supported without std',
      fix: '`panic = "abort"` must be set for both profiles in Cargo.toml (it is); a workspace ignores member profiles, so copy them to the workspace root.',
    },
  },
  {
    applies: bareMetal,
    entry: {
      error: 'can\'t find crate for `core`',
      fix: 'The target\'s precompiled core is not installed: run `rustup target add <triple>` once (rustup 1.28+ does not install rust-toolchain.toml targets by itself), or `rustup toolchain install`.',
    },
  },
  {
    applies: (target) => target.kind === 'bare-metal' && !target.uefi,
    entry: {
      error: 'linker `rust-lld` not found',
      fix: 'rust-lld ships with rustup\'s toolchains; with a distribution\'s rustc set `linker = "ld.lld"` for the target in .cargo/config.toml.',
    },
  },
  {
    // UEFI images are PE files: rustc runs rust-lld as lld-link (`-flavor link`).
    applies: (target) => target.kind === 'bare-metal' && Boolean(target.uefi),
    entry: {
      error: 'linker `rust-lld` not found',
      fix: 'rust-lld ships with rustup\'s toolchains; with a distribution\'s rustc set `linker = "lld-link"` (LLVM\'s PE linker) for the target in .cargo/config.toml.',
    },
  },
  {
    applies: hasOs('linux'),
    entry: {
      error: 'duplicate symbol: _start (or: multiple definition of `_start`)',
      fix: 'The C runtime\'s crt1.o defines _start too: the binary must link with `-nostartfiles`, which <where> passes.',
    },
  },
  {
    applies: osModuleOn('linux'),
    entry: {
      error: 'Segmentation fault right after start',
      fix: 'A plain `extern "C" fn _start` runs with the stack misaligned by 8 bytes; the hello\'s Linux module (src/os.rs, or src/os/linux.rs in a `host` project) enters through a naked `_start` that aligns it before calling Rust.',
    },
  },
  {
    applies: osModuleOn('linux'),
    entry: {
      error: 'undefined symbol: rust_eh_personality',
      fix: 'rustup\'s prebuilt core refers to it, even with panic = "abort", and a dev build (no LTO) links that code; the hello\'s Linux module defines an empty one.',
    },
  },
  {
    applies: (target, linkArgs) => target.kind === 'host' && linkArgs === 'cargo-config',
    entry: {
      error: '`cargo test` dies with SIGSEGV (signal 11) before any test runs',
      fix: 'The rustflags in .cargo/config.toml link the test binary without its C runtime too: run `RUSTFLAGS= cargo test`, or regenerate with `--link-args build-rs`.',
    },
  },
  {
    applies: hasOs('windows'),
    entry: {
      error: 'LNK1561: entry point must be defined / undefined symbol: mainCRTStartup',
      fix: 'The linker looks for the C runtime\'s entry: pass `/ENTRY:_start` (<where> does).',
    },
  },
  {
    applies: hasOs('windows'),
    entry: {
      error: 'LNK1221: a subsystem can\'t be inferred and must be defined',
      fix: 'Without a `main` the linker cannot guess: pass `/SUBSYSTEM:console` (<where> does).',
    },
  },
  {
    applies: hasOs('macos'),
    entry: {
      error: 'ld: entry point (_main) undefined / library not found for -lcrt0.o',
      fix: 'macOS links crt0 and looks for _main by default: pass `-e __start -nostartfiles` (<where> does, with `-lSystem`; the post\'s `-static` cannot work on Apple silicon).',
    },
  },
];

export function knownErrorsFor(target: Target, linkArgs: LinkArgMode, template: TemplateName): KnownError[] {
  const triple = target.kind === 'bare-metal' ? target.triple : '<triple>';
  const where = linkArgs === 'cargo-config' ? '.cargo/config.toml' : 'build.rs';
  return catalogueOfErrors
    .filter(({ applies }) => applies(target, linkArgs, template))
    .map(({ entry }) => ({ error: entry.error, fix: entry.fix.replaceAll('<triple>', triple).replaceAll('<where>', where) }));
}
