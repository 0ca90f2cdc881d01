/**
 * The target catalogue: the single source for prompts, flags, `--list-targets`,
 * the templates chosen, the README's target table, `doctor` and the test matrix.
 * Adding a target is one entry here (plus, for a new family, its template folder).
 */

export type TargetKind = 'host' | 'bare-metal';

/** A folder under `templates/rust/` holding main.hello.rs, main.minimal.rs and, for bare metal, link.x.hbs. */
export type Family = 'host' | 'cortex-m' | 'aarch64' | 'riscv' | 'x86_64';

export type HostOs = 'linux' | 'windows' | 'macos';

/** How a built binary is checked: its header, and the symbol its entry point must be. */
export type Inspection =
  | { format: 'elf'; machine: 'x86-64' | 'aarch64' | 'arm' | 'riscv'; bits: 32 | 64; entrySymbol: string }
  | { format: 'pe'; entrySymbol: string }
  | { format: 'macho'; arch: 'x86_64' | 'arm64'; entrySymbol: string };

/** One compiler triple a project of this target is built for, and how CI proves it. */
export interface BuildProof {
  triple: string;
  /** rustup: the stable toolchain on every machine. xcargo: Debian's cargo with build-std (scripts/xcargo). */
  toolchain: 'rustup' | 'xcargo';
  inspect: Inspection;
  /** How the hello is run in CI; absent: built and inspected only. */
  run?: { via: 'native' | 'cargo-runner' | 'qemu-user' | 'wine'; command?: string[] };
}

export interface QemuBoard {
  /** Program, e.g. qemu-system-arm. */
  program: string;
  machine: string;
  cpu?: string;
  /** Arguments between -machine/-cpu and -kernel (cargo appends the ELF path). */
  extraArgs: string[];
  /** Debian package and Homebrew formula that provide `program`. */
  aptPackage: string;
  brewFormula: string;
  /** One line on what the board is, for README and --list-targets. */
  summary: string;
}

export interface MemoryMap {
  flashOrigin: string;
  flashLength: string;
  ramOrigin: string;
  ramLength: string;
}

interface TargetBase {
  id: string;
  description: string;
  family: Family;
  /** Whether the generated hello really runs (natively or in QEMU) and exits 0. */
  runnable: boolean;
  /** How it runs, for the README and the generated project's README. */
  runs: string;
  /** Triples CI builds for this target, with inspection and runs. */
  proofs: BuildProof[];
  /** Short, target-specific facts for the generated README. */
  notes: string[];
}

export interface HostTarget extends TargetBase {
  kind: 'host';
  /** Operating systems whose entry code the project carries. */
  oses: HostOs[];
}

export interface BareMetalTarget extends TargetBase {
  kind: 'bare-metal';
  triple: string;
  memory: MemoryMap;
  /** QEMU board whose CPU matches the target; absent when QEMU has none. */
  board?: QemuBoard;
  /** Extra rustflags for `.cargo/config.toml`, with the reason. */
  rustflags?: { flags: string[]; why: string };
}

export type Target = HostTarget | BareMetalTarget;

/** Arguments that route both semihosting and the UART to stdout. */
const stdioArgs = [
  '-display', 'none', '-monitor', 'none',
  '-chardev', 'stdio,mux=on,id=c0', '-serial', 'chardev:c0',
  '-semihosting-config', 'enable=on,target=native,chardev=c0',
];

const armBoard = (machine: string, cpu: string, summary: string): QemuBoard => ({
  program: 'qemu-system-arm', machine, cpu, extraArgs: stdioArgs,
  aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary,
});

const cortexM = (
  triple: string, description: string, board: QemuBoard, memory: MemoryMap,
): BareMetalTarget => ({
  id: triple, kind: 'bare-metal', triple, description, family: 'cortex-m', memory, board,
  runnable: true, runs: `QEMU ${board.machine} (${board.summary})`,
  proofs: [{
    triple, toolchain: 'xcargo', run: { via: 'cargo-runner' },
    inspect: { format: 'elf', machine: 'arm', bits: 32, entrySymbol: 'reset' },
  }],
  notes: [
    'Output goes through semihosting: it needs a debugger (probe-rs, OpenOCD) or QEMU attached; on a board without one, `bkpt` halts the core. Use a UART for production.',
  ],
});

const riscvNotes = [
  'With `-bios none` QEMU jumps to the start of RAM, not to the ELF entry, so link.x places `_start` first there (and asserts it).',
  'Output goes to the 16550 UART at 0x1000_0000 and the exit status to QEMU\'s test device at 0x10_0000; on a real board change both.',
];

const linuxX64: BuildProof = {
  triple: 'x86_64-unknown-linux-gnu', toolchain: 'rustup', run: { via: 'native' },
  inspect: { format: 'elf', machine: 'x86-64', bits: 64, entrySymbol: '_start' },
};
const linuxArm64: BuildProof = {
  triple: 'aarch64-unknown-linux-gnu', toolchain: 'xcargo', run: { via: 'qemu-user', command: ['qemu-aarch64'] },
  inspect: { format: 'elf', machine: 'aarch64', bits: 64, entrySymbol: '_start' },
};
const windowsX64: BuildProof = {
  triple: 'x86_64-pc-windows-msvc', toolchain: 'xcargo', run: { via: 'wine', command: ['wine'] },
  inspect: { format: 'pe', entrySymbol: '_start' },
};
const macosX64: BuildProof = {
  triple: 'x86_64-apple-darwin', toolchain: 'xcargo',
  inspect: { format: 'macho', arch: 'x86_64', entrySymbol: '__start' },
};
const macosArm64: BuildProof = {
  triple: 'aarch64-apple-darwin', toolchain: 'xcargo',
  inspect: { format: 'macho', arch: 'arm64', entrySymbol: '__start' },
};

export const catalogue: readonly Target[] = [
  {
    id: 'host', kind: 'host', family: 'host', oses: ['linux', 'windows', 'macos'],
    description: 'The machine you build on: one project that builds on Linux, Windows and macOS',
    runnable: true, runs: 'natively',
    proofs: [linuxX64, linuxArm64, windowsX64, macosX64, macosArm64],
    notes: [],
  },
  {
    id: 'linux', kind: 'host', family: 'host', oses: ['linux'],
    description: 'Linux on x86_64 or aarch64, no libc: raw write/exit_group syscalls',
    runnable: true, runs: 'natively',
    proofs: [linuxX64, linuxArm64], notes: [],
  },
  {
    id: 'windows', kind: 'host', family: 'host', oses: ['windows'],
    description: 'Windows on x86_64 (MSVC ABI), no C runtime',
    runnable: true, runs: 'natively on Windows (CI runs it under Wine)',
    proofs: [windowsX64], notes: [],
  },
  {
    id: 'macos', kind: 'host', family: 'host', oses: ['macos'],
    description: 'macOS on x86_64 or Apple silicon, no C runtime: raw syscalls',
    runnable: true, runs: 'natively on macOS (CI builds and inspects it; no Mac to run it on)',
    proofs: [macosX64, macosArm64], notes: [],
  },
  cortexM('thumbv6m-none-eabi', 'Arm Cortex-M0 and M0+',
    armBoard('microbit', 'cortex-m0', 'BBC micro:bit, nRF51 Cortex-M0'),
    { flashOrigin: '0x00000000', flashLength: '256K', ramOrigin: '0x20000000', ramLength: '16K' }),
  cortexM('thumbv7m-none-eabi', 'Arm Cortex-M3',
    armBoard('mps2-an385', 'cortex-m3', 'Arm MPS2 AN385, Cortex-M3'),
    { flashOrigin: '0x00000000', flashLength: '4M', ramOrigin: '0x20000000', ramLength: '4M' }),
  cortexM('thumbv7em-none-eabi', 'Arm Cortex-M4 and M7, soft-float ABI',
    armBoard('mps2-an386', 'cortex-m4', 'Arm MPS2 AN386, Cortex-M4'),
    { flashOrigin: '0x00000000', flashLength: '4M', ramOrigin: '0x20000000', ramLength: '4M' }),
  cortexM('thumbv7em-none-eabihf', 'Arm Cortex-M4F and M7F, hardware floating point (the post\'s target)',
    armBoard('mps2-an386', 'cortex-m4', 'Arm MPS2 AN386, Cortex-M4F'),
    { flashOrigin: '0x00000000', flashLength: '4M', ramOrigin: '0x20000000', ramLength: '4M' }),
  cortexM('thumbv8m.main-none-eabihf', 'Arm Cortex-M33 and M35P (Armv8-M Mainline), hardware floating point',
    armBoard('mps2-an505', 'cortex-m33', 'Arm MPS2 AN505, Cortex-M33, booting in Secure state'),
    { flashOrigin: '0x10000000', flashLength: '4M', ramOrigin: '0x38000000', ramLength: '4M' }),
  {
    id: 'aarch64-unknown-none', kind: 'bare-metal', triple: 'aarch64-unknown-none', family: 'aarch64',
    description: 'AArch64 (Armv8-A) bare metal, e.g. Cortex-A53 boards',
    memory: { flashOrigin: '0x00000000', flashLength: '128M', ramOrigin: '0x40080000', ramLength: '127M' },
    board: {
      program: 'qemu-system-aarch64', machine: 'virt', cpu: 'cortex-a53', extraArgs: stdioArgs,
      aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary: 'QEMU virt, Cortex-A53',
    },
    runnable: true, runs: 'QEMU virt (Cortex-A53)',
    proofs: [{
      triple: 'aarch64-unknown-none', toolchain: 'xcargo', run: { via: 'cargo-runner' },
      inspect: { format: 'elf', machine: 'aarch64', bits: 64, entrySymbol: '_start' },
    }],
    notes: [
      'Output goes to the virt board\'s PL011 UART at 0x0900_0000; the exit status goes through semihosting (`hlt #0xf000`), which only QEMU or a debugger answers.',
      'Linked at 0x4008_0000: QEMU puts the device tree at the start of RAM.',
    ],
  },
  {
    id: 'riscv32imac-unknown-none-elf', kind: 'bare-metal', triple: 'riscv32imac-unknown-none-elf', family: 'riscv',
    description: 'RISC-V 32-bit microcontrollers (RV32IMAC), e.g. ESP32-C6-class cores',
    memory: { flashOrigin: '0x80000000', flashLength: '128M', ramOrigin: '0x80000000', ramLength: '128M' },
    board: {
      program: 'qemu-system-riscv32', machine: 'virt', extraArgs: ['-bios', 'none', ...stdioArgs],
      aptPackage: 'qemu-system-misc', brewFormula: 'qemu', summary: 'QEMU virt, RV32',
    },
    runnable: true, runs: 'QEMU virt (RV32, no firmware)',
    proofs: [{
      triple: 'riscv32imac-unknown-none-elf', toolchain: 'xcargo', run: { via: 'cargo-runner' },
      inspect: { format: 'elf', machine: 'riscv', bits: 32, entrySymbol: '_start' },
    }],
    notes: riscvNotes,
  },
  {
    id: 'riscv64gc-unknown-none-elf', kind: 'bare-metal', triple: 'riscv64gc-unknown-none-elf', family: 'riscv',
    description: 'RISC-V 64-bit application cores (RV64GC) in machine mode',
    memory: { flashOrigin: '0x80000000', flashLength: '128M', ramOrigin: '0x80000000', ramLength: '128M' },
    board: {
      program: 'qemu-system-riscv64', machine: 'virt', extraArgs: ['-bios', 'none', ...stdioArgs],
      aptPackage: 'qemu-system-misc', brewFormula: 'qemu', summary: 'QEMU virt, RV64',
    },
    runnable: true, runs: 'QEMU virt (RV64, no firmware)',
    proofs: [{
      triple: 'riscv64gc-unknown-none-elf', toolchain: 'xcargo', run: { via: 'cargo-runner' },
      inspect: { format: 'elf', machine: 'riscv', bits: 64, entrySymbol: '_start' },
    }],
    notes: riscvNotes,
  },
  {
    id: 'x86_64-unknown-none', kind: 'bare-metal', triple: 'x86_64-unknown-none', family: 'x86_64',
    description: 'x86_64 bare metal, booted by QEMU through a Xen PVH note (where the post\'s series goes next)',
    memory: { flashOrigin: '0x00100000', flashLength: '16M', ramOrigin: '0x00100000', ramLength: '16M' },
    board: {
      program: 'qemu-system-x86_64', machine: 'pc', extraArgs: [
        '-display', 'none', '-monitor', 'none', '-chardev', 'stdio,mux=on,id=c0', '-serial', 'chardev:c0',
        '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04',
      ],
      aptPackage: 'qemu-system-x86', brewFormula: 'qemu', summary: 'QEMU PC, PVH boot',
    },
    rustflags: { flags: ['-C', 'relocation-model=static'], why: 'The 32-bit boot code in _start uses absolute addresses, which a position-independent executable (this target\'s default) cannot hold.' },
    runnable: true, runs: 'QEMU pc (PVH boot, COM1 serial)',
    proofs: [{
      triple: 'x86_64-unknown-none', toolchain: 'xcargo', run: { via: 'cargo-runner' },
      inspect: { format: 'elf', machine: 'x86-64', bits: 64, entrySymbol: '_start' },
    }],
    notes: [
      'QEMU boots the ELF directly through its Xen PVH note; `_start` switches from 32-bit protected mode to long mode. A real machine needs a bootloader (Limine, multiboot2, UEFI).',
      'Output goes to COM1 (port 0x3f8). hello powers off through ACPI (exit 0); a panic exits through QEMU\'s isa-debug-exit device, status 101.',
    ],
  },
];

export const templateNames = ['hello', 'minimal'] as const;
export type TemplateName = (typeof templateNames)[number];

/** What a program template is, declared once: everything else asks this instead of comparing names. */
export interface ProgramTemplate {
  name: TemplateName;
  /** One line for prompts, --help and the README. */
  description: string;
  /** Ends by itself: prints "Hello, world!" and exits 0 where the target runs. Otherwise it loops forever. */
  exits: boolean;
  /** Host projects: the program talks to the OS through src/os.rs (entry, write, exit). */
  usesOsModule: boolean;
  /** The program uses the library in src/lib.rs (greeting, panic report) and its tests; minimal has no logic to keep there. */
  hasLibrary: boolean;
  /** `src/main.rs`'s template in each family's folder. */
  mainFile: string;
}

export const programTemplates: Record<TemplateName, ProgramTemplate> = {
  hello: {
    name: 'hello', description: 'prints "Hello, world!" and exits 0 where the target can run',
    exits: true, usesOsModule: true, hasLibrary: true, mainFile: 'main.hello.rs.hbs',
  },
  minimal: {
    name: 'minimal', description: 'the post\'s body: `loop {}`',
    exits: false, usesOsModule: false, hasLibrary: false, mainFile: 'main.minimal.rs',
  },
};

export const editions = ['2018', '2021', '2024'] as const;
export type Edition = (typeof editions)[number];

export const linkArgModes = ['build-rs', 'cargo-config'] as const;
export type LinkArgMode = (typeof linkArgModes)[number];

/** Oldest Rust that builds every variant: `#[unsafe(naked)]` + `naked_asm!` are stable since 1.88. */
export const minimumRust = '1.88';

/** The oldest Rust a project of this target needs, and why: bare metal also tests with `--target host-tuple` (cargo 1.91). */
export function minimumRustFor(target: Target): { version: string; why: string } {
  return target.kind === 'bare-metal'
    ? { version: '1.91', why: 'naked functions need 1.88, `cargo test --target host-tuple` 1.91' }
    : { version: minimumRust, why: `naked functions need ${minimumRust}` };
}

export function findTarget(id: string): Target | undefined {
  return catalogue.find((target) => target.id === id);
}

/** The runner line for `.cargo/config.toml`; cargo appends the binary's path. */
export function runnerCommand(board: QemuBoard): string {
  const cpu = board.cpu ? ['-cpu', board.cpu] : [];
  return [board.program, '-machine', board.machine, ...cpu, ...board.extraArgs, '-kernel'].join(' ');
}

/** What `--list-targets --json` prints for one target. */
export function describeTarget(target: Target) {
  return {
    id: target.id,
    kind: target.kind,
    ...(target.kind === 'bare-metal' ? { triple: target.triple } : {}),
    description: target.description,
    runnable: target.runnable,
  };
}

/** What each host operating system needs to link a binary without its C runtime. */
export interface HostOsFacts {
  os: HostOs;
  label: string;
  /** `cfg(...)` that selects it, for `.cargo/config.toml`. */
  cfg: string;
  /** Linker arguments for the binary: the post's, corrected where a working binary needs it. */
  linkArgs: string[];
  /** Why each argument is there, as comment lines for build.rs. */
  explanation: string[];
}

export const hostOsFacts: Record<HostOs, HostOsFacts> = {
  linux: {
    os: 'linux', label: 'Linux', cfg: 'cfg(target_os = "linux")',
    linkArgs: ['-nostartfiles', '-static', '-Wl,--build-id=none', '-Wl,--no-eh-frame-hdr'],
    explanation: [
      'Linux (GNU `cc` driving GNU ld or rust-lld):',
      '- `-nostartfiles`: no `crt1.o`, whose `_start` calls libc\'s',
      '  `__libc_start_main` and then `main`; our own `_start` is the entry.',
      '- `-static`: no dynamic loader, the kernel jumps straight to `_start`.',
      '- the last two only make the file smaller: no build-id note, no',
      '  index of the unwind tables (nothing unwinds with panic = "abort").',
      '  Not `-Wl,-n`: it packs code and data into shared pages, and code',
      '  in the page shared with writable data cannot execute (a crash as',
      '  soon as the code outgrows one page).',
    ],
  },
  windows: {
    os: 'windows', label: 'Windows', cfg: 'cfg(target_os = "windows")',
    linkArgs: ['/ENTRY:_start', '/SUBSYSTEM:console', '/NODEFAULTLIB'],
    explanation: [
      'Windows (MSVC `link.exe` or `lld-link`):',
      '- `/ENTRY:_start`: the default entry is the C runtime\'s `mainCRTStartup`.',
      '- `/SUBSYSTEM:console`: a console program (the linker cannot infer it',
      '  without a `main`); use `windows` for a GUI program with no console.',
      '- `/NODEFAULTLIB`: do not link the C runtime libraries (`msvcrt.lib`,',
      '  `vcruntime.lib`, `ucrt.lib`) that rustc names by default. Their',
      '  startup code would never run, and without them the `.exe` needs',
      '  only `kernel32.dll` (no Visual C++ runtime DLLs), links the same',
      '  with or without the Visual Studio C++ tools, and cross-links from',
      '  Linux with `lld-link`. The Windows module under src/os supplies the',
      '  few C runtime symbols that compiled code refers to (`memcpy`, ...).',
    ],
  },
  macos: {
    os: 'macos', label: 'macOS', cfg: 'cfg(target_os = "macos")',
    linkArgs: ['-e', '__start', '-nostartfiles', '-lSystem'],
    explanation: [
      'macOS (Apple\'s `ld` through `cc`, or `ld64.lld`):',
      '- `-e __start`: the entry is `_start` (Mach-O symbols get a leading `_`).',
      '- `-nostartfiles`: no `crt1.o` (which would want `main` and libc).',
      '- `-lSystem`: Apple\'s linker insists that every dynamic executable',
      '  links libSystem, and macOS on Apple silicon runs no static',
      '  executables at all (the post\'s `-static` only works on Intel, and',
      '  `ld64.lld` ignores it). The program makes its own system calls;',
      '  from libSystem it takes only `memcpy` and friends, which compiled',
      '  code calls. `dyld` then calls `_start` like a function.',
    ],
  },
};

/** The host operating systems, in the catalogue's order. */
export const hostOses = Object.keys(hostOsFacts) as HostOs[];

/** Node's `process.platform` of each host OS; any other platform is none of ours. */
export const hostOsOfPlatform: Readonly<Record<string, HostOs>> = { linux: 'linux', win32: 'windows', darwin: 'macos' };
