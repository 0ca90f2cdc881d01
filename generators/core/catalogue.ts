/**
 * The target catalogue: the single source for prompts, flags, `--list-targets`,
 * the templates chosen, the README's target table, `doctor` and the test matrix.
 * Adding a target is one entry here (plus, for a new family, its template folder).
 */

import { closest, didYouMean } from './nearest.js';

/** A folder under `templates/rust/` holding main.hello.rs, main.minimal.rs and, for bare metal with a memory map, link.x.hbs. */
export type Family = 'host' | 'cortex-m' | 'aarch64' | 'riscv' | 'x86_64' | 'uefi';

export type HostOs = 'linux' | 'windows' | 'macos';

/** How a built binary is checked: its header, and the symbol its entry point must be. */
export type Inspection =
  /** `flags`: bits the ELF header's e_flags must have (the ABI: hard float, float registers). */
  | { format: 'elf'; machine: 'x86-64' | 'x86' | 'aarch64' | 'arm' | 'riscv'; bits: 32 | 64; entrySymbol: string; flags?: number }
  | {
    format: 'pe'; entrySymbol: string;
    /** Absent: a console program (Windows), machine not checked. */
    subsystem?: 'efi-application';
    machine?: 'x86-64' | 'arm64';
  }
  /** `signature: 'ad-hoc'`: the linker's ad-hoc code signature, its page hashes recomputed (arm64 macOS runs nothing unsigned). */
  | { format: 'macho'; arch: 'x86_64' | 'arm64'; entrySymbol: string; signature?: 'ad-hoc' };

/** One compiler triple a project of this target is built for, and how CI proves it. */
export interface BuildProof {
  triple: string;
  /** rustup: the stable toolchain on every machine. xcargo: Debian's cargo with build-std (scripts/xcargo). */
  toolchain: 'rustup' | 'xcargo';
  inspect: Inspection;
  /**
   * How the hello is run in CI; absent: built and inspected only. `emulator`:
   * test/support/macho-run.py loads the Mach-O into Unicorn and answers its
   * system calls (no dyld, no kernel; see the README's "macOS under emulation").
   * `uefi-firmware`: QEMU boots it with Debian's UEFI firmware from a FAT folder.
   */
  run?: { via: 'native' | 'cargo-runner' | 'qemu-user' | 'wine' | 'emulator' | 'uefi-firmware'; command?: string[] };
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

/** One region of a real board's memory map, for its `memory.x`: where the numbers come from. */
export interface MemoryRegion {
  /** `FLASH` holds code and constants (and `.data`'s first values); `RAM` the statics and the stack. */
  name: 'FLASH' | 'RAM';
  origin: string;
  length: string;
  /** The document (and section) the numbers come from, for the comment above the line. */
  source: string;
}

/** A register a board needs set before its UART sends (a clock gate, a pin's function): read it, clear `clear`, set `set`, write it back. */
export interface RegisterSetup {
  address: string;
  /** The register's name in the reference manual, e.g. `RCC_APB2ENR`. */
  register: string;
  clear: string;
  set: string;
  why: string;
}

/** UART designs with a driver in `templates/rust/uart/<kind>.rs.hbs`: a new design is a new file there. */
export type UartKind = 'pl011' | 'nrf51-uart' | 'stm32-usart' | 'sifive-uart';

export interface BoardUart {
  kind: UartKind;
  /** As the board's manual names it, e.g. `USART1`. */
  name: string;
  base: string;
  /** The baud-rate value(s) for 115200 baud 8N1 at the clock after reset: `divisor` (and PL011's `fraction`). */
  divisor: string;
  fraction?: string;
  /** The clock and the arithmetic behind `divisor`, for the comment. */
  clock: string;
  /** Where to connect a USB-serial adapter (TX pin, and GND). */
  pins: string;
  /** UARTs that route to any pin (nRF51's PSELTXD): the TX pin's number. */
  txPin?: string;
  /** Registers to set first, in order: clocks, then pin functions. */
  setup: RegisterSetup[];
  source: string;
}

/** The file a board's loader or flasher takes, made from the ELF with objcopy. */
export interface FlashImage {
  /** objcopy's output format: `binary` (raw bytes from the first load address) or `ihex` (Intel HEX, addresses inside). */
  format: 'binary' | 'ihex';
  /** A name the loader insists on (the Pi's `kernel8.img`); otherwise `<crate>.bin` or `<crate>.hex`. */
  file?: string;
  /** Where its first byte goes (binary) or where it starts (ihex). */
  address: string;
  /** How it reaches the board, one sentence. */
  how: string;
  /** QEMU boots this very file (`-kernel <file>`); otherwise CI compares its bytes with the ELF's load segments. */
  qemuBoots: boolean;
}

/** A real-board runner for `.cargo/config.toml`, given commented out. */
export interface ProbeRunner {
  tool: 'probe-rs' | 'openocd';
  runner: string;
  why: string;
}

/**
 * A real board QEMU models as it is: the chip's memory map, the UART on its
 * pins, the image its loader takes. One entry here makes a target of the
 * same id (`boardTarget`), so `--board <id>`, `--list-boards`, the prompt,
 * the plan, `doctor` and the matrix all see it. The numbers cite the vendor's
 * manual and QEMU's model of the board.
 */
export interface Board {
  id: string;
  /** The board's own name, e.g. "Raspberry Pi 3 Model B". */
  name: string;
  chip: string;
  triple: string;
  family: 'cortex-m' | 'aarch64' | 'riscv';
  qemu: QemuBoard;
  memory: MemoryRegion[];
  uart: BoardUart;
  image: FlashImage;
  runners: ProbeRunner[];
  /** Raspberry Pi: the lines its firmware reads from config.txt on the SD card's boot partition. */
  configTxt?: { line: string; why: string }[];
  notes: string[];
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

/** How QEMU boots a UEFI application: the firmware first, which boots the program from a FAT folder. */
export interface UefiBoot {
  /** CPU name for messages, e.g. x86_64. */
  arch: string;
  /** Where every firmware looks on a removable disk (UEFI spec 3.5.1.1): EFI/BOOT/BOOTX64.EFI. */
  bootFile: string;
  /** Firmware code images (read-only flash), tried in order: Debian/Ubuntu, Fedora, Arch, QEMU's own (Homebrew). */
  firmware: string[];
  /** The Debian/Ubuntu package with the first of them. */
  firmwareApt: string;
}

export interface BareMetalTarget extends TargetBase {
  kind: 'bare-metal';
  triple: string;
  /** Where the image lives, for link.x; absent when a loader places it (UEFI: no linker script). */
  memory?: MemoryMap;
  /** A UEFI application: `board` runs the firmware, which boots it (qemu-uefi.sh). */
  uefi?: UefiBoot;
  /** QEMU board whose CPU matches the target; absent when QEMU has none. */
  board?: QemuBoard;
  /** Extra rustflags for `.cargo/config.toml`, with the reason. */
  rustflags?: { flags: string[]; why: string };
  /** A real board (see `boards`): its UART, image, runners and cited memory map. */
  hardware?: Board;
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

/** A RISC-V target on QEMU's virt board with no firmware: the 32- and 64-bit ones differ only in width. */
const riscvVirt = (bits: 32 | 64, triple: string, description: string): BareMetalTarget => ({
  id: triple, kind: 'bare-metal', triple, family: 'riscv', description,
  memory: { flashOrigin: '0x80000000', flashLength: '128M', ramOrigin: '0x80000000', ramLength: '128M' },
  board: {
    program: `qemu-system-riscv${bits}`, machine: 'virt', extraArgs: ['-bios', 'none', ...stdioArgs],
    aptPackage: 'qemu-system-misc', brewFormula: 'qemu', summary: `QEMU virt, RV${bits}`,
  },
  runnable: true, runs: `QEMU virt (RV${bits}, no firmware)`,
  proofs: [{
    triple, toolchain: 'xcargo', run: { via: 'cargo-runner' },
    inspect: { format: 'elf', machine: 'riscv', bits, entrySymbol: '_start' },
  }],
  notes: riscvNotes,
});

const linuxX64: BuildProof = {
  triple: 'x86_64-unknown-linux-gnu', toolchain: 'rustup', run: { via: 'native' },
  inspect: { format: 'elf', machine: 'x86-64', bits: 64, entrySymbol: '_start' },
};
const linuxArm64: BuildProof = {
  triple: 'aarch64-unknown-linux-gnu', toolchain: 'xcargo', run: { via: 'qemu-user', command: ['qemu-aarch64'] },
  inspect: { format: 'elf', machine: 'aarch64', bits: 64, entrySymbol: '_start' },
};
const linuxRiscv64: BuildProof = {
  triple: 'riscv64gc-unknown-linux-gnu', toolchain: 'xcargo', run: { via: 'qemu-user', command: ['qemu-riscv64'] },
  // EF_RISCV_FLOAT_ABI_DOUBLE | EF_RISCV_RVC: the lp64d ABI and compressed code, as "gc" says.
  inspect: { format: 'elf', machine: 'riscv', bits: 64, entrySymbol: '_start', flags: 0x4 | 0x1 },
};
const linuxArmv7: BuildProof = {
  triple: 'armv7-unknown-linux-gnueabihf', toolchain: 'xcargo', run: { via: 'qemu-user', command: ['qemu-arm'] },
  // EF_ARM_EABI_VER5 | EF_ARM_ABI_FLOAT_HARD: the "eabihf" of the triple.
  inspect: { format: 'elf', machine: 'arm', bits: 32, entrySymbol: '_start', flags: 0x0500_0000 | 0x400 },
};
const linuxI686: BuildProof = {
  triple: 'i686-unknown-linux-gnu', toolchain: 'xcargo', run: { via: 'qemu-user', command: ['qemu-i386'] },
  inspect: { format: 'elf', machine: 'x86', bits: 32, entrySymbol: '_start' },
};
/** Every CPU src/os/linux.rs has an entry for; the `host` target carries the same file, so the same proofs. */
const linuxProofs = [linuxX64, linuxArm64, linuxRiscv64, linuxArmv7, linuxI686];
const windowsX64: BuildProof = {
  triple: 'x86_64-pc-windows-msvc', toolchain: 'xcargo', run: { via: 'wine', command: ['wine'] },
  inspect: { format: 'pe', entrySymbol: '_start' },
};
/** The Mach-O harness, run by Debian's python3 (python3-unicorn is installed for it); the script's path is the repository's. */
const machoEmulator: BuildProof['run'] = { via: 'emulator', command: ['/usr/bin/python3', 'test/support/macho-run.py'] };
const macosX64: BuildProof = {
  triple: 'x86_64-apple-darwin', toolchain: 'xcargo', run: machoEmulator,
  inspect: { format: 'macho', arch: 'x86_64', entrySymbol: '__start' },
};
const macosArm64: BuildProof = {
  triple: 'aarch64-apple-darwin', toolchain: 'xcargo', run: machoEmulator,
  inspect: { format: 'macho', arch: 'arm64', entrySymbol: '__start', signature: 'ad-hoc' },
};

/** QEMU's serial port on stdout (Ctrl-A X quits), no other default device. The firmware and the FAT drive are qemu-uefi.sh's. */
const uefiStdio = ['-nodefaults', '-display', 'none', '-chardev', 'stdio,mux=on,id=c0', '-serial', 'chardev:c0'];

const uefiNotes = (exitHow: string): string[] => [
  'The firmware loads the PE image wherever it has room and calls `efi_main`; everything it offers is reached through the system table. The image needs no linker script: rustc\'s UEFI targets set the entry and the EFI application subsystem.',
  `hello prints through \`ConOut->OutputString\` and powers off through \`ResetSystem(EfiResetShutdown)\` (QEMU exits 0); a panic prints its message, then ${exitHow}`,
];

const uefiTarget = (
  triple: string, description: string, uefi: UefiBoot, board: QemuBoard,
  machine: 'x86-64' | 'arm64', exitHow: string,
): BareMetalTarget => ({
  id: triple, kind: 'bare-metal', triple, family: 'uefi', description, uefi, board,
  runnable: true, runs: `QEMU ${board.machine} with UEFI firmware, from a FAT folder as \`${uefi.bootFile}\``,
  proofs: [{
    triple, toolchain: 'xcargo', run: { via: 'uefi-firmware' },
    inspect: { format: 'pe', subsystem: 'efi-application', machine, entrySymbol: 'efi_main' },
  }],
  notes: uefiNotes(exitHow),
});

const uefiX64 = uefiTarget('x86_64-unknown-uefi', 'UEFI application for x86_64 PCs: booted by the firmware, no OS',
  {
    arch: 'x86_64', bootFile: 'EFI/BOOT/BOOTX64.EFI', firmwareApt: 'ovmf',
    firmware: [
      '/usr/share/OVMF/OVMF_CODE_4M.fd', '/usr/share/OVMF/OVMF_CODE.fd', '/usr/share/edk2/ovmf/OVMF_CODE.fd',
      '/usr/share/edk2/x64/OVMF_CODE.4m.fd', '/usr/share/qemu/edk2-x86_64-code.fd',
      '/opt/homebrew/share/qemu/edk2-x86_64-code.fd', '/usr/local/share/qemu/edk2-x86_64-code.fd',
    ],
  },
  {
    program: 'qemu-system-x86_64', machine: 'q35',
    extraArgs: [...uefiStdio, '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'],
    aptPackage: 'qemu-system-x86', brewFormula: 'qemu', summary: 'q35 PC, OVMF firmware',
  },
  'x86-64',
  'exits through QEMU\'s isa-debug-exit device (status 101). On a real PC that port write does nothing and the program calls `Exit` with EFI_ABORTED, which hands control back to the firmware: its boot manager reports `Aborted` and tries its next boot option (the UEFI shell, if started from there, gets the status).');
const uefiArm64 = uefiTarget('aarch64-unknown-uefi', 'UEFI application for 64-bit Arm machines (Arm servers, QEMU virt): booted by the firmware, no OS',
  {
    arch: 'aarch64', bootFile: 'EFI/BOOT/BOOTAA64.EFI', firmwareApt: 'qemu-efi-aarch64',
    firmware: [
      '/usr/share/AAVMF/AAVMF_CODE.fd', '/usr/share/edk2/aarch64/QEMU_EFI-pflash.raw',
      '/usr/share/edk2/aarch64/QEMU_CODE.fd', '/usr/share/qemu/edk2-aarch64-code.fd',
      '/opt/homebrew/share/qemu/edk2-aarch64-code.fd', '/usr/local/share/qemu/edk2-aarch64-code.fd',
    ],
  },
  {
    program: 'qemu-system-aarch64', machine: 'virt', cpu: 'cortex-a57',
    extraArgs: [...uefiStdio, '-semihosting-config', 'enable=on,target=native,chardev=c0'],
    aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary: 'virt, Cortex-A57, AAVMF firmware',
  },
  'arm64',
  'exits through Arm semihosting (`hlt #0xf000`, status 101), which only QEMU or a debugger answers: on a real machine `hlt` is an undefined instruction, so the firmware reports an exception and stops.');

/**
 * Real boards that QEMU 7.2 models as they are. Each number cites the chip
 * vendor's manual and the QEMU source of the model (hw/arm/raspi.c and
 * bcm2835_peripherals.c, hw/riscv/sifive_e.c, hw/arm/nrf51_soc.c,
 * stm32f405_soc.c, stm32f100_soc.c, stellaris.c); where the two differ, the
 * chip's real value is used (it fits inside QEMU's). Adding a board is one
 * entry here (and, for a UART of a new design, one driver in templates/rust/uart/).
 */
export const boards: readonly Board[] = [
  {
    id: 'raspi3b', name: 'Raspberry Pi 3 Model B', chip: 'BCM2837 (4× Cortex-A53)', triple: 'aarch64-unknown-none', family: 'aarch64',
    qemu: {
      program: 'qemu-system-aarch64', machine: 'raspi3b', extraArgs: stdioArgs,
      aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary: 'Raspberry Pi 3 Model B, BCM2837',
    },
    memory: [{
      name: 'RAM', origin: '0x00080000', length: '0x3B380000',
      source: 'The firmware loads kernel8.img at 0x8_0000 (kernel_address, Raspberry Pi config.txt documentation); QEMU\'s raspi3b loads -kernel there too (hw/arm/boot.c, KERNEL64_LOAD_ADDR). The ARM\'s share of the 1 GiB ends where the VideoCore\'s begins: 0x3B40_0000 with the default gpu_mem=76 (QEMU keeps its top 64 MiB, hw/arm/raspi.c).',
    }],
    uart: {
      kind: 'pl011', name: 'UART0 (PL011)', base: '0x3F201000', divisor: '26', fraction: '3',
      clock: 'UARTCLK is 48 MHz (config.txt init_uart_clock=48000000): 48_000_000 / (16 × 115_200) = 26.04, so IBRD = 26 and FBRD = round(0.04 × 64) = 3',
      pins: 'GPIO 14 (TXD0, header pin 8) and GPIO 15 (RXD0, pin 10), GND on pin 6; a 3.3 V USB-serial adapter',
      setup: [{
        address: '0x3F200004', register: 'GPFSEL1', clear: '0x0003F000', set: '0x00024000',
        why: 'GPIO 14 and 15 to alternate function 0 (0b100 in bits 12-14 and 15-17), which is TXD0/RXD0',
      }],
      source: 'BCM2835 ARM Peripherals, 1.2.3 (peripherals at bus 0x7E00_0000 = ARM physical 0x3F00_0000 on the BCM2837), 6.2 (GPFSEL1, alternate functions), 13.4 (PL011 registers); QEMU: hw/arm/bcm2835_peripherals.c puts the PL011 at offset 0x20_1000 on the first serial port',
    },
    image: {
      format: 'binary', file: 'kernel8.img', address: '0x80000', qemuBoots: true,
      how: 'Copy kernel8.img and config.txt to the FAT boot partition of an SD card that holds the Pi firmware (bootcode.bin, start.elf, fixup.dat from github.com/raspberrypi/firmware, boot/); the firmware loads it at 0x8_0000 and starts all four cores there.',
    },
    runners: [],
    configTxt: [
      { line: 'arm_64bit=1', why: 'start the cores in AArch64 state' },
      { line: 'kernel=kernel8.img', why: 'the image to load (the default name for a 64-bit kernel)' },
      { line: 'kernel_address=0x80000', why: 'where to load it: memory.x links the program there' },
      { line: 'init_uart_clock=48000000', why: 'the PL011\'s clock, which the baud-rate divisor in src/uart.rs assumes' },
      { line: 'dtoverlay=disable-bt', why: 'the Pi 3 gives the PL011 to Bluetooth by default; this gives it back to GPIO 14/15' },
    ],
    notes: [
      'The firmware starts the program at EL2 (QEMU too); `_start` lets FP/SIMD run there (CPTR_EL2) and at EL1 (CPACR_EL1).',
    ],
  },
  {
    id: 'sifive_e', name: 'SiFive HiFive1', chip: 'FE310-G000 (E31, RV32IMAC)', triple: 'riscv32imac-unknown-none-elf', family: 'riscv',
    qemu: {
      program: 'qemu-system-riscv32', machine: 'sifive_e', extraArgs: stdioArgs,
      aptPackage: 'qemu-system-misc', brewFormula: 'qemu', summary: 'SiFive HiFive1, FE310',
    },
    memory: [
      {
        name: 'FLASH', origin: '0x20400000', length: '12M',
        source: 'FE310-G000 Manual, 4 (memory map: QSPI0 flash at 0x2000_0000, 512 MiB window); the HiFive1\'s 16 MiB flash keeps SiFive\'s boot loader in its first 4 MiB, which jumps to 0x2040_0000 (HiFive1 Getting Started Guide; QEMU\'s mask ROM jumps there too, hw/riscv/sifive_e.c)',
      },
      {
        name: 'RAM', origin: '0x80000000', length: '16K',
        source: 'FE310-G000 Manual, 4: the 16 KiB data tightly integrated memory (DTIM) at 0x8000_0000 (QEMU: SIFIVE_E_DEV_DTIM, hw/riscv/sifive_e.c)',
      },
    ],
    uart: {
      kind: 'sifive-uart', name: 'UART0', base: '0x10013000', divisor: '138',
      clock: 'baud = tlclk / (div + 1); the HiFive1\'s boot loader runs tlclk from the 16 MHz crystal: 16_000_000 / 115_200 - 1 = 137.9, so div = 138',
      pins: 'GPIO 16 (RX) and 17 (TX), wired to the board\'s FTDI USB-serial port (the second /dev/ttyUSB)',
      setup: [
        { address: '0x1001203C', register: 'GPIO_IOF_SEL', clear: '0x00030000', set: '0x00000000', why: 'GPIO 16 and 17 to I/O function 0, which is UART0' },
        { address: '0x10012038', register: 'GPIO_IOF_EN', clear: '0x00000000', set: '0x00030000', why: 'hand GPIO 16 and 17 to that I/O function' },
      ],
      source: 'FE310-G000 Manual, 17 (GPIO: iof_en at 0x38, iof_sel at 0x3C; GPIO at 0x1001_2000), 18 (UART: txdata 0x00, txctrl 0x08, div 0x18; UART0 at 0x1001_3000); QEMU: hw/riscv/sifive_e.c puts UART0 there on the first serial port',
    },
    image: {
      format: 'binary', address: '0x20400000', qemuBoots: false,
      how: 'OpenOCD (or the HiFive1 Rev B\'s J-Link) programs the ELF, whose addresses say where; a tool that takes raw bytes writes the .bin at 0x2040_0000.',
    },
    runners: [
      { tool: 'openocd', runner: 'openocd -f board/sifive-hifive1.cfg -c "program <elf> verify reset exit"', why: 'HiFive1 (FTDI JTAG); Rev B: probe-rs run --chip FE310-G002' },
    ],
    notes: [
      'Code runs in place from SPI flash; `_start` copies `.data`\'s first values from flash into the DTIM.',
    ],
  },
  {
    id: 'microbit', name: 'BBC micro:bit v1', chip: 'nRF51822 (Cortex-M0)', triple: 'thumbv6m-none-eabi', family: 'cortex-m',
    qemu: {
      program: 'qemu-system-arm', machine: 'microbit', extraArgs: stdioArgs,
      aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary: 'BBC micro:bit v1, nRF51822',
    },
    memory: [
      { name: 'FLASH', origin: '0x00000000', length: '256K', source: 'nRF51822 Product Specification v3.x, 8.1 (memory map: 256 kB code flash at 0x0); QEMU: NRF51_FLASH_BASE, hw/arm/nrf51_soc.c' },
      { name: 'RAM', origin: '0x20000000', length: '16K', source: 'nRF51822-QFAA (the micro:bit v1\'s) has 16 kB RAM at 0x2000_0000 (Product Specification, 8.1); QEMU: NRF51_SRAM_BASE and the microbit\'s 16 KiB' },
    ],
    uart: {
      kind: 'nrf51-uart', name: 'UART0', base: '0x40002000', divisor: '0x01D7E000', txPin: '24',
      clock: 'BAUDRATE takes a code, not a divisor: 0x01D7_E000 is 115200 baud (nRF51 Series Reference Manual, 29.9.13)',
      pins: 'P0.24 (TX) goes to the board\'s USB interface chip, so the output arrives on the USB serial port (/dev/ttyACM0) at 115200 baud',
      setup: [],
      source: 'nRF51 Series Reference Manual v3.0, 29 (UART: STARTTX 0x008, TXDRDY 0x11C, ENABLE 0x500, PSELTXD 0x50C, TXD 0x51C, BAUDRATE 0x524; UART0 at 0x4000_2000); micro:bit v1 schematic (TGT_TX = P0.24); QEMU: hw/char/nrf51_uart.c on the first serial port',
    },
    image: {
      format: 'ihex', address: '0x0', qemuBoots: false,
      how: 'Copy the .hex file onto the MICROBIT drive the board shows over USB: its DAPLink interface flashes it and resets the chip.',
    },
    runners: [
      { tool: 'probe-rs', runner: 'probe-rs run --chip nRF51822_xxAA', why: 'through the board\'s DAPLink (CMSIS-DAP) interface' },
      { tool: 'openocd', runner: 'openocd -f interface/cmsis-dap.cfg -f target/nrf51.cfg -c "program <elf> verify reset exit"', why: 'the same probe through OpenOCD' },
    ],
    notes: [],
  },
  {
    id: 'netduinoplus2', name: 'Netduino Plus 2', chip: 'STM32F405RG (Cortex-M4F)', triple: 'thumbv7em-none-eabihf', family: 'cortex-m',
    qemu: {
      program: 'qemu-system-arm', machine: 'netduinoplus2', extraArgs: stdioArgs,
      aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary: 'Netduino Plus 2, STM32F405RG',
    },
    memory: [
      { name: 'FLASH', origin: '0x08000000', length: '1M', source: 'STM32F405xx datasheet (DS8626), 4 (memory map: 1 MB flash at 0x0800_0000, aliased at 0x0 when booting from flash); QEMU: FLASH_BASE_ADDRESS, hw/arm/stm32f405_soc.c' },
      { name: 'RAM', origin: '0x20000000', length: '128K', source: 'RM0090, 2.3.1: SRAM1 (112 KB) and SRAM2 (16 KB) are contiguous at 0x2000_0000 (the 64 KB CCM RAM at 0x1000_0000 is separate); QEMU maps 192 KiB there' },
    ],
    uart: {
      kind: 'stm32-usart', name: 'USART1', base: '0x40011000', divisor: '0x8B',
      clock: 'after reset the core runs on the 16 MHz HSI: BRR = 16_000_000 / 115_200 = 138.9, so 0x8B (mantissa 8, fraction 11)',
      pins: 'PA9 (USART1_TX, alternate function 7); check the Netduino\'s schematic for the header pin that carries it',
      setup: [
        { address: '0x40023830', register: 'RCC_AHB1ENR', clear: '0x00000000', set: '0x00000001', why: 'clock GPIOA (GPIOAEN)' },
        { address: '0x40023844', register: 'RCC_APB2ENR', clear: '0x00000000', set: '0x00000010', why: 'clock USART1 (USART1EN)' },
        { address: '0x40020000', register: 'GPIOA_MODER', clear: '0x000C0000', set: '0x00080000', why: 'PA9 to alternate-function mode (0b10 in bits 18-19)' },
        { address: '0x40020024', register: 'GPIOA_AFRH', clear: '0x000000F0', set: '0x00000070', why: 'PA9\'s alternate function 7: USART1_TX' },
      ],
      source: 'RM0090 (STM32F405/415 reference manual), 2.3 (USART1 at 0x4001_1000, RCC at 0x4002_3800, GPIOA at 0x4002_0000), 6.3 (RCC), 8.4 (GPIO), 30.6 (USART: SR 0x00, DR 0x04, BRR 0x08, CR1 0x0C); QEMU: hw/arm/stm32f405_soc.c puts USART1 on the first serial port',
    },
    image: {
      format: 'binary', address: '0x08000000', qemuBoots: false,
      how: 'probe-rs or OpenOCD program the ELF; for raw bytes, `st-flash write <file>.bin 0x8000000`, or the chip\'s DFU boot loader (`dfu-util -a 0 -s 0x08000000 -D <file>.bin`).',
    },
    runners: [
      { tool: 'probe-rs', runner: 'probe-rs run --chip STM32F405RGTx', why: 'an ST-LINK or other SWD probe on the board\'s SWD pads' },
      { tool: 'openocd', runner: 'openocd -f interface/stlink.cfg -f target/stm32f4x.cfg -c "program <elf> verify reset exit"', why: 'the same through OpenOCD' },
    ],
    notes: [],
  },
  {
    id: 'stm32vldiscovery', name: 'STM32VLDISCOVERY', chip: 'STM32F100RB (Cortex-M3)', triple: 'thumbv7m-none-eabi', family: 'cortex-m',
    qemu: {
      program: 'qemu-system-arm', machine: 'stm32vldiscovery', extraArgs: stdioArgs,
      aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary: 'STM32VLDISCOVERY, STM32F100RB',
    },
    memory: [
      { name: 'FLASH', origin: '0x08000000', length: '128K', source: 'STM32F100xB datasheet (DS6517), 4 (memory map) and 2 (128 KB flash on the RB); RM0041, 3.3; QEMU: FLASH_BASE_ADDRESS and FLASH_SIZE, hw/arm/stm32f100_soc.c' },
      { name: 'RAM', origin: '0x20000000', length: '8K', source: 'STM32F100xB datasheet, 2: 8 KB SRAM at 0x2000_0000; QEMU: SRAM_BASE_ADDRESS and SRAM_SIZE' },
    ],
    uart: {
      kind: 'stm32-usart', name: 'USART1', base: '0x40013800', divisor: '0x45',
      clock: 'after reset the core runs on the 8 MHz HSI: BRR = 8_000_000 / 115_200 = 69.4, so 0x45 (mantissa 4, fraction 5)',
      pins: 'PA9 (USART1_TX) on header P2, GND beside it; a 3.3 V USB-serial adapter (the board\'s ST-LINK/V1 has no serial port)',
      setup: [
        { address: '0x40021018', register: 'RCC_APB2ENR', clear: '0x00000000', set: '0x00004004', why: 'clock GPIOA (IOPAEN) and USART1 (USART1EN)' },
        { address: '0x40010804', register: 'GPIOA_CRH', clear: '0x000000F0', set: '0x000000A0', why: 'PA9: alternate-function push-pull output, 2 MHz (CNF9 = 0b10, MODE9 = 0b10)' },
      ],
      source: 'RM0041 (STM32F100xx reference manual), 3.1 (USART1 at 0x4001_3800, RCC at 0x4002_1000, GPIOA at 0x4001_0800), 6.3.7 (RCC_APB2ENR), 7.2.2 (GPIOx_CRH), 23.6 (USART registers); QEMU: hw/arm/stm32f100_soc.c puts USART1 on the first serial port',
    },
    image: {
      format: 'binary', address: '0x08000000', qemuBoots: false,
      how: 'The board\'s ST-LINK/V1 programs the ELF through OpenOCD; for raw bytes, `st-flash write <file>.bin 0x8000000`.',
    },
    runners: [
      { tool: 'openocd', runner: 'openocd -f board/stm32vldiscovery.cfg -c "program <elf> verify reset exit"', why: 'the on-board ST-LINK/V1 (probe-rs does not speak V1)' },
    ],
    notes: [],
  },
  {
    id: 'lm3s6965evb', name: 'Stellaris LM3S6965 Evaluation Board', chip: 'LM3S6965 (Cortex-M3)', triple: 'thumbv7m-none-eabi', family: 'cortex-m',
    qemu: {
      program: 'qemu-system-arm', machine: 'lm3s6965evb', extraArgs: stdioArgs,
      aptPackage: 'qemu-system-arm', brewFormula: 'qemu', summary: 'TI Stellaris LM3S6965EVB',
    },
    memory: [
      { name: 'FLASH', origin: '0x00000000', length: '256K', source: 'LM3S6965 datasheet, 2.4 (memory map: 256 KB flash at 0x0); QEMU: hw/arm/stellaris.c (flash size from DC0)' },
      { name: 'RAM', origin: '0x20000000', length: '64K', source: 'LM3S6965 datasheet, 2.4: 64 KB SRAM at 0x2000_0000; QEMU: hw/arm/stellaris.c' },
    ],
    uart: {
      kind: 'pl011', name: 'UART0', base: '0x4000C000', divisor: '4', fraction: '22',
      clock: 'after reset the system clock is the board\'s 8 MHz crystal, PLL bypassed: 8_000_000 / (16 × 115_200) = 4.34, so IBRD = 4 and FBRD = round(0.34 × 64) = 22',
      pins: 'PA1 (U0Tx), wired to the board\'s FTDI USB-serial port (the second of its two USB serial devices)',
      setup: [
        { address: '0x400FE104', register: 'RCGC1', clear: '0x00000000', set: '0x00000001', why: 'clock UART0' },
        { address: '0x400FE108', register: 'RCGC2', clear: '0x00000000', set: '0x00000001', why: 'clock GPIO port A' },
        { address: '0x40004420', register: 'GPIOAFSEL (port A)', clear: '0x00000000', set: '0x00000003', why: 'PA0/PA1 to their peripheral function, U0Rx/U0Tx' },
        { address: '0x4000451C', register: 'GPIODEN (port A)', clear: '0x00000000', set: '0x00000003', why: 'enable PA0/PA1 as digital pins' },
      ],
      source: 'LM3S6965 datasheet, 6 (system control: RCGC1 0x104, RCGC2 0x108 at 0x400F_E000), 8 (GPIO: AFSEL 0x420, DEN 0x51C; port A at 0x4000_4000), 13 (UART: the PL011 register layout; UART0 at 0x4000_C000); QEMU: hw/arm/stellaris.c puts UART0 on the first serial port',
    },
    image: {
      format: 'binary', address: '0x0', qemuBoots: false,
      how: 'OpenOCD programs the ELF through the board\'s FTDI JTAG; TI\'s LM Flash Programmer writes the .bin at 0x0.',
    },
    runners: [
      { tool: 'openocd', runner: 'openocd -f board/ek-lm3s6965.cfg -c "program <elf> verify reset exit"', why: 'the board\'s built-in FTDI JTAG' },
    ],
    notes: [],
  },
];

/** A board as a target: the same id, its triple's family and proof, its memory map from `memory`. */
function boardTarget(board: Board): BareMetalTarget {
  const region = (name: MemoryRegion['name']) => board.memory.find((entry) => entry.name === name);
  const ram = region('RAM')!;
  const flash = region('FLASH') ?? ram;
  const machine = { 'cortex-m': 'arm', aarch64: 'aarch64', riscv: 'riscv' } as const;
  return {
    id: board.id, kind: 'bare-metal', triple: board.triple, family: board.family,
    description: `${board.name} (${board.chip}): hello on ${board.uart.name}, image ${board.image.file ?? (board.image.format === 'ihex' ? 'Intel HEX' : 'raw .bin')}`,
    memory: { flashOrigin: flash.origin, flashLength: flash.length, ramOrigin: ram.origin, ramLength: ram.length },
    board: board.qemu, hardware: board,
    runnable: true, runs: `QEMU ${board.qemu.machine} (${board.qemu.summary}), output on ${board.uart.name}`,
    proofs: [{
      triple: board.triple, toolchain: 'xcargo', run: { via: 'cargo-runner' },
      inspect: {
        format: 'elf', machine: machine[board.family], bits: board.family === 'aarch64' ? 64 : 32,
        entrySymbol: board.family === 'cortex-m' ? 'reset' : '_start',
      },
    }],
    notes: board.notes,
  };
}

export const catalogue: readonly Target[] = [
  {
    id: 'host', kind: 'host', family: 'host', oses: ['linux', 'windows', 'macos'],
    description: 'The machine you build on: one project that builds on Linux, Windows and macOS',
    runnable: true, runs: 'natively',
    proofs: [...linuxProofs, windowsX64, macosX64, macosArm64],
    notes: [],
  },
  {
    id: 'linux', kind: 'host', family: 'host', oses: ['linux'],
    description: 'Linux on x86_64, aarch64, riscv64, armv7 or i686, no libc: raw write/exit_group syscalls',
    runnable: true, runs: 'natively',
    proofs: linuxProofs, notes: [],
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
    runnable: true, runs: 'natively on macOS (CI executes it under a CPU emulator with its own syscall layer: no Mac, no dyld, no kernel)',
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
  riscvVirt(32, 'riscv32imac-unknown-none-elf', 'RISC-V 32-bit microcontrollers (RV32IMAC), e.g. ESP32-C6-class cores'),
  riscvVirt(64, 'riscv64gc-unknown-none-elf', 'RISC-V 64-bit application cores (RV64GC) in machine mode'),
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
  uefiX64,
  uefiArm64,
  // The real boards, after the bare targets.
  ...boards.map(boardTarget),
];

export const templateNames = ['hello', 'minimal'] as const;
export type TemplateName = (typeof templateNames)[number];

/** What a program template is, declared once: everything else asks this instead of comparing names. */
export interface ProgramTemplate {
  name: TemplateName;
  /** One line for prompts and the README. */
  description: string;
  /** A few words for --help. */
  summary: string;
  /** Ends by itself: prints "Hello, world!" and exits 0 where the target runs. Otherwise it loops forever. */
  exits: boolean;
  /** Host projects: the program talks to the OS through src/os.rs (entry, write, exit). */
  usesOsModule: boolean;
  /** The program uses the library in src/lib.rs (greeting, panic report) and its tests; minimal has no logic to keep there. */
  hasLibrary: boolean;
  /** `src/main.rs`'s template in each family's folder. */
  mainFile: string;
  /** Where a debugger stops first: the Rust `main` the entry code calls, or the entry itself (a template with no `main`). */
  debugStop: 'main' | 'entry';
}

export const programTemplates: Record<TemplateName, ProgramTemplate> = {
  hello: {
    name: 'hello', description: 'prints "Hello, world!" and exits 0 where the target can run', summary: 'prints "Hello, world!" and exits 0',
    exits: true, usesOsModule: true, hasLibrary: true, mainFile: 'main.hello.rs.hbs', debugStop: 'main',
  },
  minimal: {
    name: 'minimal', description: 'the post\'s body: `loop {}`', summary: 'the post\'s loop {}',
    exits: false, usesOsModule: false, hasLibrary: false, mainFile: 'main.minimal.rs', debugStop: 'entry',
  },
};

export const editions = ['2018', '2021', '2024'] as const;
export type Edition = (typeof editions)[number];

export const linkArgModes = ['build-rs', 'cargo-config'] as const;
export type LinkArgMode = (typeof linkArgModes)[number];

/** The Rust releases generated code relies on, and for what. */
const rustFeatures = {
  unsafeAttributes: { version: '1.82', why: '`#[unsafe(no_mangle)]` needs Rust 1.82' },
  edition2024: { version: '1.85', why: 'edition 2024 needs Rust 1.85' },
  nakedFunctions: { version: '1.88', why: 'naked functions (`#[unsafe(naked)]`) need Rust 1.88' },
  hostTuple: { version: '1.91', why: '`cargo test --target host-tuple` (the README\'s test command) needs cargo 1.91' },
} as const;

/** Where a program template's own code uses a naked function: each family's templates that do. */
const nakedFunctionsIn: Partial<Record<Family, readonly TemplateName[]>> = { host: ['hello'], 'cortex-m': ['hello'] };

const newer = (a: string, b: string) => {
  const [x, y] = [a, b].map((version) => version.split('.').map(Number));
  return x[0] !== y[0] ? x[0] > y[0] : x[1] > y[1];
};

/**
 * The oldest Rust (Cargo.toml's `rust-version`) a project needs, and why: the
 * newest of the features its code and commands use.
 */
export function minimumRustFor(target: Target, template: TemplateName, edition: Edition): { version: string; why: string } {
  // Host hello's naked `_start` is Linux's (src/os/linux.rs); Windows and macOS enter through a plain function.
  const naked = (nakedFunctionsIn[target.family] ?? []).includes(template) && (target.kind !== 'host' || target.oses.includes('linux'));
  const used = [
    rustFeatures.unsafeAttributes,
    ...(edition === '2024' ? [rustFeatures.edition2024] : []),
    ...(naked ? [rustFeatures.nakedFunctions] : []),
    ...(target.kind === 'bare-metal' && programTemplates[template].hasLibrary ? [rustFeatures.hostTuple] : []),
  ];
  const newest = used.reduce((best, feature) => (newer(feature.version, best.version) ? feature : best));
  return { version: newest.version, why: newest.why };
}

/** The oldest Rust any project of this target may need (its most demanding template, edition 2024): what doctor asks for. */
export function minimumRustForAny(target: Target): { version: string; why: string } {
  return templateNames.map((template) => minimumRustFor(target, template, '2024'))
    .reduce((best, next) => (newer(next.version, best.version) ? next : best));
}

/** A board by its id (`--board <id>`). */
export function findBoard(id: string): Board | undefined {
  return boards.find((board) => board.id === id);
}

export function findTarget(id: string): Target | undefined {
  return catalogue.find((target) => target.id === id);
}

/** An unknown target in one line: the near ones (`; did you mean …?`), else every target; and the near ones. */
export function unknownTargetMessage(id: string): { message: string; near: string[] } {
  const ids = catalogue.map((target) => target.id);
  const near = closest(id, ids);
  return { message: `unknown target "${id}"${near.length > 0 ? didYouMean(near) : `; choose one of: ${ids.join(', ')}`}`, near };
}

/** The runner line for `.cargo/config.toml`; cargo appends the binary's path. */
export function runnerCommand(board: QemuBoard): string {
  const cpu = board.cpu ? ['-cpu', board.cpu] : [];
  return [board.program, '-machine', board.machine, ...cpu, ...board.extraArgs, '-kernel'].join(' ');
}

/** QEMU and its arguments, before what the caller adds (a UEFI boot adds the firmware and the FAT drive). */
export function qemuCommand(board: QemuBoard): string {
  const cpu = board.cpu ? ['-cpu', board.cpu] : [];
  return [board.program, '-machine', board.machine, ...cpu, ...board.extraArgs].join(' ');
}

/** The script a UEFI project boots its program with (templates/rust/uefi/qemu-uefi.sh.hbs). */
export const uefiScript = 'qemu-uefi.sh';

/**
 * The `runner` of a UEFI project. Cargo appends the .efi path, which `sh -c`
 * receives as $0. The script is found through CARGO_MANIFEST_DIR, which cargo
 * sets for `cargo run`: an argument's relative path would depend on the folder
 * cargo runs in, and a generated file cannot be executable.
 */
export function uefiRunner(): string[] {
  return ['sh', '-c', `exec sh "$CARGO_MANIFEST_DIR/${uefiScript}" "$0" "$@"`];
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

/** What `--list-boards --json` prints for one board. */
export function describeBoard(board: Board) {
  return {
    id: board.id,
    name: board.name,
    chip: board.chip,
    triple: board.triple,
    uart: board.uart.name,
    image: { format: board.image.format, address: board.image.address, ...(board.image.file ? { file: board.image.file } : {}) },
    qemu: { program: board.qemu.program, machine: board.qemu.machine },
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
