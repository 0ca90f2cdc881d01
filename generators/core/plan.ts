/**
 * Answers → the project plan: one typed render context and the list of files,
 * each with the template it comes from and what it is for. Pure: no I/O.
 *
 * The context is split by kind: a host project's templates see `linkSections`,
 * a bare-metal project's see `triple`, `memory`, `runner`; nothing renders a
 * placeholder for a value its target does not have.
 */
import {
  findTarget, hostOsFacts, minimumRustFor, programTemplates, qemuCommand, runnerCommand, uefiRunner, uefiScript,
  type BareMetalTarget, type Board, type MemoryMap, type Edition, type Family, type HostOs, type HostTarget, type LinkArgMode,
  type Target, type TemplateName,
} from './catalogue.js';
import type { Answers } from './answers.js';
import { knownErrorsFor, type KnownError } from './known-errors.js';
import { debuggerFor, type DebuggerContext } from './debugger.js';
import { ciWorkflowFor, type CiContext } from './ci.js';

export type { Answers };

export interface PlannedFile {
  /** Path inside the project, with forward slashes. */
  path: string;
  /** Path under templates/. Names ending in .hbs are rendered, the rest copied as they are. */
  source: string;
  /** One line for the generated README's file list. */
  purpose: string;
}

export interface LinkSection {
  os: string;
  cfg: string;
  comment: string;
  /** Comment lines for build.rs. */
  explanation: string[];
  /** The arguments as a Rust slice literal, laid out as rustfmt would. */
  argsRust: string;
  /** The arguments as rustflags (the post's way), a TOML array. */
  rustflagsToml: string;
}

/** The commands a user types, in the README and in the next steps the front ends print. */
export interface Commands {
  /** Once, before the first build. */
  setup: { command: string; why: string }[];
  build: string;
  /** `cargo run --release`: natively or in QEMU (see `runnable`). */
  run: string;
  /** Absent when there is nothing to test (minimal has no library). */
  test?: string;
  /** A member whose root lacks `panic = "abort"`: what to change there before building, in words. */
  first?: string;
  /** Where `run` and `test` work, when only on other machines (a Windows or macOS project): e.g. "on Windows". */
  onlyOn?: string;
}

/** What every template may use. */
interface CommonContext {
  name: string;
  /** The library's crate name, as `src/main.rs` writes it (`my-os` → `my_os`). */
  libName: string;
  edition: Edition;
  rustVersion: string;
  /** Why that Rust: the newest feature the project uses, in words. */
  rustVersionWhy: string;
  template: TemplateName;
  /** The program ends by itself (hello); otherwise it loops forever (minimal). */
  exits: boolean;
  /** The project has src/lib.rs (hello: the logic and its tests); minimal carries none. */
  hasLibrary: boolean;
  isHost: boolean;
  isBareMetal: boolean;
  /** A member of a Cargo workspace: the root's `[profile.*]` apply, so the crate has none. */
  inWorkspace: boolean;
  /** Inside a workspace that excludes it: an empty `[workspace]` makes the crate a root of its own. */
  ownWorkspace: boolean;
  /** Present when `inWorkspace` or `ownWorkspace`. */
  workspace?: WorkspaceContext;
  target: { id: string; description: string };
  postUrl: string;
  commands: Commands;
  /** `cargo run` starts it: natively, or in QEMU for a board (on Windows or macOS for those targets). */
  runnable: boolean;
  /** Where and how it runs, and what that does: a sentence or two. */
  runOutcome: string;
  files: PlannedFile[];
  knownErrors: KnownError[];
  notes: string[];
  /** Bare metal with a QEMU board, or a host that includes Linux: `debug.gdb` and `.vscode/launch.json` (core/debugger.ts). */
  hasDebugger: boolean;
  /** Present when `hasDebugger`. */
  debugger?: DebuggerContext;
  /** `--ci github`: the project has `.github/workflows/ci.yml` (core/ci.ts). */
  hasCi: boolean;
  /** Present when `hasCi`. */
  ci?: CiContext;
}

export interface HostContext extends CommonContext {
  kind: 'host';
  linkArgsInCargoConfig: boolean;
  /** Link arguments per OS. */
  linkSections: LinkSection[];
  /** OS names the build script accepts, for its error message. */
  supportedOses: string;
}

export interface BoardContext {
  summary: string;
  program: string;
  aptPackage: string;
  brewFormula: string;
  /** The `runner` value of `.cargo/config.toml`, as TOML. */
  runnerToml: string;
}

/** A UEFI application's boot in QEMU, for qemu-uefi.sh and the README. */
export interface UefiContext {
  /** The CPU, for messages: x86_64, aarch64. */
  arch: string;
  /** The path on the FAT disk the firmware boots, e.g. EFI/BOOT/BOOTX64.EFI. */
  bootFile: string;
  /** Firmware code images the script tries, in order. */
  firmware: string[];
  /** The Debian/Ubuntu package of the first. */
  firmwareApt: string;
  /** QEMU and its arguments as shell words, before the firmware and the drive. */
  qemu: string;
  /** The script's file name. */
  script: string;
}

/** `memory.x`: the regions, each with where its numbers come from, and the names link.x needs that the chip lacks. */
export interface MemoryContext {
  /** Whose numbers these are, one line. */
  about: string;
  /** `source` is also given as `sourceLines`, wrapped for a comment. */
  regions: { name: string; origin: string; length: string; source: string; sourceLines: string[] }[];
  /** `REGION_ALIAS` lines: e.g. a chip without flash runs its code from RAM. */
  aliases: { alias: string; region: string }[];
}

/** A real board (`--board`): its UART, its image, its runners. */
export interface HardwareContext {
  name: string;
  chip: string;
  uart: {
    name: string;
    /** Addresses and values as Rust literals (`0x4001_1000`). */
    base: string;
    divisor: string;
    /** PL011 only: the fractional divisor; `0` elsewhere. */
    fraction: string;
    clock: string;
    pins: string;
    /** nRF51: the TX pin's number; `none` where the pin is fixed. */
    txPin: string;
    source: string;
    setup: { address: string; register: string; clear: string; set: string; why: string }[];
    hasSetup: boolean;
    /** The driver's header, paragraph by paragraph (registers' source, baud-rate arithmetic, wiring), wrapped for `//!` lines. */
    docParagraphs: string[][];
  };
  image: {
    file: string;
    /** objcopy's `-O` value. */
    format: string;
    formatName: string;
    address: string;
    how: string;
    /** The commands that make it, from cargo-binutils and from rustup's llvm-tools. */
    cargoObjcopy: string;
    rustObjcopy: string;
    qemuBoots: boolean;
    /** Present when `qemuBoots`: QEMU started on the image itself. */
    qemuCommand?: string;
  };
  /** Commented lines for `.cargo/config.toml`: the real-board runners. */
  runnerComments: string[];
  hasConfigTxt: boolean;
  configTxt: { line: string; why: string }[];
}

export interface BareMetalContext extends CommonContext {
  kind: 'bare-metal';
  triple: string;
  /** Present when `hasLinkerScript`. */
  memory?: { flashOrigin: string; flashLength: string; ramOrigin: string; ramLength: string };
  /** Present when `hasLinkerScript`: memory.x's regions. */
  memoryMap?: MemoryContext;
  /** memory.x, link.x and the build.rs that hands them over; a UEFI image has none (the firmware places it). */
  hasLinkerScript: boolean;
  isUefi: boolean;
  /** Present when `isUefi`. */
  uefi?: UefiContext;
  /** A real board (`--board`): hello prints on its UART, and the project makes its flash image. */
  isBoard: boolean;
  /** Present when `isBoard`. */
  hardware?: HardwareContext;
  hasBoard: boolean;
  /** Present when `hasBoard`. */
  board?: BoardContext;
  hasRustflags: boolean;
  /** Present when `hasRustflags`. */
  rustflags?: { toml: string; why: string };
  /** `.cargo/config.toml` has a `[target.<triple>]` table (runner or rustflags). */
  hasTargetSection: boolean;
}

/** The workspace around the crate, for its README and Cargo.toml. */
export interface WorkspaceContext {
  /** The root manifest as seen from the crate, as words: e.g. "`../../Cargo.toml`". */
  root: string;
  /** Member: the root was seen to lack `panic = "abort"` in a profile. */
  lacksAbort: boolean;
  /** Present when `lacksAbort`: those profiles, as words (e.g. "`[profile.dev]` and `[profile.release]`"). */
  missingAbort?: string;
  /** Own workspace: what cargo at the root builds its members for, as words. */
  rootTarget?: string;
}

/** Everything templates may refer to. Templates choose among whole variants; they compute nothing. */
export type RenderContext = HostContext | BareMetalContext;

export interface ProjectPlan {
  context: RenderContext;
  files: PlannedFile[];
}

export interface PlanOptions {
  /** A member of a workspace (the root's profiles apply). */
  inWorkspace: boolean;
  /** The workspace around the crate, as `io/workspace.ts` planned it. */
  workspace?: {
    layout: 'member' | 'own';
    rootFromCrate: string;
    missingAbort: readonly ('dev' | 'release')[];
    rootTarget?: readonly string[];
  };
}

/** The post this project follows, linked once from its README. */
export const postUrl = 'https://os.phil-opp.com/freestanding-rust-binary/';

const toml = (value: string) => JSON.stringify(value);
const tomlArray = (values: string[]) => `[${values.map(toml).join(', ')}]`;

/** A `&[...]` match arm value, one line when rustfmt keeps it on one (array_width 60), else one item per line. */
function rustSlice(items: string[]): string {
  const oneLine = `[${items.map(toml).join(', ')}]`;
  if (oneLine.length <= 60) return `&${oneLine}`;
  return `&[\n${items.map((item) => `            ${toml(item)},\n`).join('')}        ]`;
}

function linkSectionsFor(target: HostTarget): LinkSection[] {
  return target.oses.map((os) => {
    const facts = hostOsFacts[os];
    return {
      os,
      cfg: facts.cfg,
      comment: facts.explanation[0].replace(/:$/, '.'),
      explanation: facts.explanation,
      argsRust: rustSlice(facts.linkArgs),
      rustflagsToml: tomlArray(facts.linkArgs.flatMap((arg) => ['-C', `link-arg=${arg}`])),
    };
  });
}

/** Rust modules a family's hello and minimal share. */
const familyModules: Partial<Record<Family, PlannedFile[]>> = {
  x86_64: [{ path: 'src/boot.rs', source: 'rust/x86_64/boot.rs', purpose: 'the PVH note and `_start`: from 32-bit entry to 64-bit `main`' }],
};

function familyFiles(target: Target, template: TemplateName, linkArgs: LinkArgMode): PlannedFile[] {
  const family = `rust/${target.family}`;
  const main: PlannedFile = {
    path: 'src/main.rs',
    source: `${family}/${programTemplates[template].mainFile}`,
    purpose: 'the freestanding part: entry point, panic handler, output',
  };
  if (target.kind === 'host') {
    const osFile = (os: HostOs, path: string): PlannedFile => ({
      path, source: `${family}/os/${os}.rs`,
      purpose: `${hostOsFacts[os].label}: the entry point and the system calls hello uses`,
    });
    // One OS: its module is src/os.rs itself. Several: src/os.rs picks one of src/os/*.rs.
    const osFiles: PlannedFile[] = target.oses.length === 1
      ? [osFile(target.oses[0], 'src/os.rs')]
      : [
        { path: 'src/os.rs', source: `${family}/os.rs`, purpose: 'chooses the module of the OS being compiled for' },
        ...target.oses.map((os) => osFile(os, `src/os/${os}.rs`)),
      ];
    const linkFile: PlannedFile = linkArgs === 'build-rs'
      ? { path: 'build.rs', source: 'rust/host/build.rs.hbs', purpose: 'passes the linker arguments to the binary alone' }
      : { path: '.cargo/config.toml', source: 'project/host.cargo-config.toml.hbs', purpose: 'the linker arguments, as rustflags per OS (the post\'s way)' };
    return [main, ...(programTemplates[template].usesOsModule ? osFiles : []), linkFile];
  }
  const board = target.hardware;
  return [
    main,
    ...(familyModules[target.family] ?? []),
    ...(target.memory ? [
      ...(board && programTemplates[template].exits
        ? [{ path: 'src/uart.rs', source: `rust/uart/${board.uart.kind}.rs.hbs`, purpose: `the driver of the board's ${board.uart.name}: hello's output, on its pins` }]
        : []),
      { path: 'memory.x', source: 'rust/bare-metal/memory.x.hbs', purpose: 'yours: the chip\'s memory regions (origin and length of flash and RAM), with where each number comes from' },
      { path: 'link.x', source: `${family}/link.x.hbs`, purpose: 'the generator\'s linker script: section layout and entry point, in the regions of memory.x, with checks that stop a build that does not fit' },
      { path: 'build.rs', source: 'rust/bare-metal/build.rs', purpose: 'hands link.x (and memory.x) to the linker and relinks when either changes' },
      ...(board?.configTxt ? [{ path: 'config.txt', source: 'project/config.txt.hbs', purpose: 'the Raspberry Pi firmware\'s settings: copy it to the SD card beside the image' }] : []),
    ] : []),
    ...(target.uefi ? [
      { path: uefiScript, source: `${family}/${uefiScript}.hbs`, purpose: 'boots the program in QEMU: UEFI firmware, and a FAT folder holding it as `' + target.uefi.bootFile + '`' },
    ] : []),
    { path: '.cargo/config.toml', source: 'project/bare-metal.cargo-config.toml.hbs', purpose: 'default target and the QEMU runner for `cargo run`' },
    { path: 'rust-toolchain.toml', source: 'project/rust-toolchain.toml.hbs', purpose: 'tells rustup which toolchain and target to use' },
    { path: '.vscode/settings.json', source: 'project/vscode-settings.json.hbs', purpose: 'rust-analyzer checks the binary for this target only (no false `can\'t find crate for test`)' },
  ];
}

function manifestPurpose(layout: 'alone' | 'member' | 'own', hasLibrary: boolean): string {
  const parts = hasLibrary ? 'package, library, binary' : 'package, binary';
  if (layout === 'member') return `${hasLibrary ? 'package, library and binary' : 'package and binary'} settings; no profiles: the workspace root's apply (see "In a workspace")`;
  const own = layout === 'own' ? ', and an empty `[workspace]`: a workspace of its own (see "Beside a workspace")' : '';
  return `${parts} and profile settings (panic = "abort")${own}`;
}

/** The debugger's setup (core/debugger.ts): gdb's commands and VS Code's launch configuration. */
function debuggerFiles(debuggerContext: DebuggerContext | undefined): PlannedFile[] {
  if (!debuggerContext) return [];
  return [
    { path: 'debug.gdb', source: 'project/debug.gdb.hbs', purpose: `gdb's commands: ${debuggerContext.remote ? 'connect to QEMU, ' : ''}stop at \`${debuggerContext.breakAt}\` (\`${debuggerContext.attach}\`)` },
    { path: '.vscode/launch.json', source: 'project/vscode-launch.json.hbs', purpose: `VS Code's debugger (C/C++ extension, ${debuggerContext.gdb}), as in "Debug"` },
  ];
}

function planFiles(target: Target, answers: Answers, layout: 'alone' | 'member' | 'own'): PlannedFile[] {
  return [
    { path: 'Cargo.toml', source: 'project/Cargo.toml.hbs', purpose: manifestPurpose(layout, programTemplates[answers.template].hasLibrary) },
    ...(programTemplates[answers.template].hasLibrary
      ? [{ path: 'src/lib.rs', source: 'rust/lib.rs', purpose: 'the testable logic; the test command runs its tests' }]
      : []),
    ...familyFiles(target, answers.template, answers.linkArgs),
    ...debuggerFiles(debuggerFor(target, answers.name, answers.template)),
    ...(answers.ci === 'github'
      ? [{ path: '.github/workflows/ci.yml', source: 'project/github-ci.yml.hbs', purpose: 'GitHub Actions: the build, run and test commands of this README on every push and pull request' }]
      : []),
    { path: 'README.md', source: 'project/README.md.hbs', purpose: 'this file' },
    { path: '.gitignore', source: 'project/_gitignore', purpose: 'keeps target/ out of git' },
  ];
}

/** Where `cargo run` works when that is not the machine of any host (e.g. "on Windows"), else undefined. */
export function onlyRunsOn(target: Target): string | undefined {
  if (target.kind !== 'host' || target.oses.includes('linux')) return undefined;
  return `on ${target.oses.map((os) => hostOsFacts[os].label).join(' or ')}`;
}

function commandsFor(target: Target, answers: Answers, options: PlanOptions): Commands {
  let test = 'cargo test';
  // An empty RUSTFLAGS replaces the rustflags of .cargo/config.toml, so the test harness links normally.
  if (target.kind === 'host' && answers.linkArgs === 'cargo-config') test = 'RUSTFLAGS= cargo test';
  // The library's tests run on this machine, whatever `[build] target` says.
  if (target.kind === 'bare-metal') test = 'cargo test --lib --target host-tuple';
  return {
    setup: target.kind === 'bare-metal'
      ? [{ command: `rustup target add ${target.triple}`, why: 'once: this target\'s precompiled core' }]
      : [],
    build: 'cargo build --release',
    run: 'cargo run --release',
    ...(programTemplates[answers.template].hasLibrary ? { test } : {}),
    ...(onlyRunsOn(target) ? { onlyOn: onlyRunsOn(target) } : {}),
    ...(options.workspace?.layout === 'member' && options.workspace.missingAbort.length > 0 ? {
      first: `first set panic = "abort" in ${options.workspace.missingAbort.map((name) => `[profile.${name}]`).join(' and ')} of ${options.workspace.rootFromCrate}: members build with the root's profiles (README.md shows the lines)`,
    } : {}),
  };
}

function runOutcome(target: Target, answers: Answers): string {
  const board = target.kind === 'bare-metal' ? target.board : undefined;
  if (!target.runnable) return 'QEMU has no board for this target, so there is nothing to run here; flash it to your board.';
  const where = onlyRunsOn(target);
  const build = where ? `Build and run it ${where}: build.rs passes the linker arguments of the OS you build for. ` : '';
  if (!programTemplates[answers.template].exits) {
    const stop = board ? 'QEMU runs it until you press Ctrl-A, then X' : 'stop it with Ctrl-C';
    return `${build}The program loops forever, like the post's: ${stop}.`;
  }
  return `${build}It prints \`Hello, world!\` and exits with status 0; a panic prints its message and exits with 101.`;
}

/** Names a library cannot take: `core::…` in main.rs would mean the built-in crate, `gen` is a 2024 keyword. */
const shadowingNames = new Set(['core', 'std', 'alloc', 'proc_macro', 'test', 'gen']);

/**
 * The library's name: the package's, as cargo would derive it, so that any
 * number of generated crates share a workspace without output collisions.
 */
export function libraryName(packageName: string): string {
  const snake = packageName.replaceAll('-', '_');
  return shadowingNames.has(snake) ? `${snake}_lib` : snake;
}

/** Words in lines of at most `width` characters, for comments. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** `0x3F201000` → `0x3F20_1000`: hex in groups of four, as Rust code writes long literals. */
export function rustHex(value: string): string {
  const match = /^0x([0-9a-fA-F]+)$/.exec(value);
  if (!match) return value;
  const bare = match[1].toUpperCase().replace(/^0+(?=.)/, '');
  // Addresses in whole groups of four (`0x0800_0000`), short values as they are (`0x8B`).
  const digits = bare.length > 4 ? bare.padStart(Math.ceil(bare.length / 4) * 4, '0') : bare;
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end));
  return `0x${groups.join('_')}`;
}

/** The regions of `memory.x`: a board's, cited; a bare target's, from its QEMU board. */
function memoryContext(target: BareMetalTarget, memory: MemoryMap): MemoryContext {
  if (target.hardware) {
    const regions = target.hardware.memory.map((region) => ({ ...region, sourceLines: wrapText(region.source, 72) }));
    return {
      about: `${target.hardware.name} (${target.hardware.chip})`,
      regions,
      aliases: regions.some((region) => region.name === 'FLASH') ? [] : [{ alias: 'FLASH', region: 'RAM' }],
    };
  }
  const machine = target.board ? `QEMU's ${target.board.machine} board (${target.board.summary})` : 'this target\'s usual boards';
  const source = `${machine}, which this project runs on; take your chip's from its datasheet or reference manual ("memory map")`;
  const sourceLines = wrapText(source, 72);
  const ram = { name: 'RAM', origin: memory.ramOrigin, length: memory.ramLength, source, sourceLines };
  if (target.family === 'cortex-m') {
    return { about: machine, regions: [{ name: 'FLASH', origin: memory.flashOrigin, length: memory.flashLength, source, sourceLines }, ram], aliases: [] };
  }
  return { about: machine, regions: [ram], aliases: [{ alias: 'FLASH', region: 'RAM' }] };
}

function hardwareContext(target: BareMetalTarget, board: Board, name: string): HardwareContext {
  const image = board.image;
  const file = image.file ?? `${name}.${image.format === 'ihex' ? 'hex' : 'bin'}`;
  const elf = `target/${target.triple}/release/${name}`;
  const runnerComments = board.runners.flatMap((runner) => (runner.tool === 'probe-rs'
    ? [`# ${runner.why}:`, `# runner = ${toml(runner.runner)}`]
    : [`# ${runner.why}, flashing the release ELF (OpenOCD takes it inside a command, so it is no cargo runner):`, `#   ${runner.runner.replace('<elf>', elf)}`]));
  return {
    name: board.name,
    chip: board.chip,
    uart: {
      name: board.uart.name, base: rustHex(board.uart.base), divisor: rustHex(board.uart.divisor),
      fraction: board.uart.fraction ?? '0', clock: board.uart.clock, pins: board.uart.pins, txPin: board.uart.txPin ?? 'none', source: board.uart.source,
      setup: board.uart.setup.map((entry) => ({ ...entry, address: rustHex(entry.address), clear: rustHex(entry.clear), set: rustHex(entry.set) })),
      hasSetup: board.uart.setup.length > 0,
      docParagraphs: [
        wrapText(`Registers: ${board.uart.source}.`, 76),
        wrapText(`Baud rate: ${board.uart.clock}.`, 76),
        wrapText(`Wiring: ${board.uart.pins}; 115200 baud, 8 data bits, no parity, 1 stop bit (\`picocom -b 115200 /dev/ttyUSB0\`, or \`screen /dev/ttyUSB0 115200\`).`, 76),
      ],
    },
    image: {
      file, format: image.format, formatName: image.format === 'ihex' ? 'Intel HEX' : 'raw binary',
      address: rustHex(image.address), how: image.how.replaceAll('<file>', name),
      cargoObjcopy: `cargo objcopy --release -- -O ${image.format} ${file}`,
      rustObjcopy: `rust-objcopy -O ${image.format} ${elf} ${file}`,
      qemuBoots: image.qemuBoots,
      ...(image.qemuBoots ? { qemuCommand: `${runnerCommand(board.qemu)} ${file}` } : {}),
    },
    runnerComments: runnerComments.length > 0 ? runnerComments : ['# No probe runner: this board boots its image from an SD card (see README.md).'],
    hasConfigTxt: Boolean(board.configTxt),
    configTxt: board.configTxt ?? [],
  };
}

function bareMetalContext(target: BareMetalTarget, name: string): Omit<BareMetalContext, keyof CommonContext> {
  const board = target.board && target.runnable ? target.board : undefined;
  return {
    kind: 'bare-metal',
    triple: target.triple,
    ...(target.memory ? { memory: target.memory, memoryMap: memoryContext(target, target.memory) } : {}),
    hasLinkerScript: Boolean(target.memory),
    isUefi: Boolean(target.uefi),
    ...(target.uefi && target.board ? {
      uefi: { ...target.uefi, qemu: qemuCommand(target.board), script: uefiScript },
    } : {}),
    isBoard: Boolean(target.hardware),
    ...(target.hardware ? { hardware: hardwareContext(target, target.hardware, name) } : {}),
    hasBoard: Boolean(board),
    ...(board ? {
      board: {
        summary: board.summary, program: board.program, aptPackage: board.aptPackage,
        brewFormula: board.brewFormula,
        // A UEFI program is booted by firmware through a script, the others handed to QEMU's -kernel.
        runnerToml: target.uefi ? tomlArray(uefiRunner()) : toml(runnerCommand(board)),
      },
    } : {}),
    hasRustflags: Boolean(target.rustflags),
    ...(target.rustflags ? { rustflags: { toml: tomlArray(target.rustflags.flags), why: target.rustflags.why } } : {}),
    hasTargetSection: Boolean(board) || Boolean(target.rustflags),
  };
}

function hostContext(target: HostTarget, answers: Answers): Omit<HostContext, keyof CommonContext> {
  return {
    kind: 'host',
    linkArgsInCargoConfig: answers.linkArgs === 'cargo-config',
    linkSections: linkSectionsFor(target),
    supportedOses: target.oses.map((os) => hostOsFacts[os].label).join(', '),
  };
}

const words = (items: readonly string[]) => items.map((item) => `\`${item}\``).join(' and ');

function workspaceContext(options: PlanOptions): WorkspaceContext | undefined {
  const workspace = options.workspace;
  // The library's `inWorkspace` alone: the root is not known, nor what it has.
  if (!workspace) return options.inWorkspace ? { root: 'the workspace root\'s Cargo.toml', lacksAbort: false } : undefined;
  const lacksAbort = workspace.layout === 'member' && workspace.missingAbort.length > 0;
  return {
    root: `\`${workspace.rootFromCrate}\``,
    lacksAbort,
    ...(lacksAbort ? { missingAbort: words(workspace.missingAbort.map((name) => `[profile.${name}]`)) } : {}),
    ...(workspace.layout === 'own' ? {
      rootTarget: workspace.rootTarget?.length ? words(workspace.rootTarget) : 'the host',
    } : {}),
  };
}

/** The known errors, worded for this project: a member's profiles are the root's; minimal has no library. */
function knownErrorsIn(target: Target, answers: Answers, member: boolean): KnownError[] {
  return knownErrorsFor(target, answers.linkArgs, answers.template).map((entry) => {
    if (member && entry.error === 'unwinding panics are not supported without std') {
      return { ...entry, fix: 'This crate is a workspace member, so cargo takes its profiles from the workspace root: `panic = "abort"` must be set in the root\'s `[profile.dev]` and `[profile.release]` (see "In a workspace").' };
    }
    if (!programTemplates[answers.template].hasLibrary && entry.error === 'found duplicate lang item `panic_impl`') {
      return { ...entry, fix: 'The test harness brings std\'s panic handler. This project marks the binary `test = false` and gates its handler with `#[cfg(not(test))]`, so `cargo test` never builds it with the harness; logic you add goes into a `no_std`-except-under-test `src/lib.rs`, as the `hello` template shows.' };
    }
    return entry;
  });
}

const debuggerEntries = (context: DebuggerContext | undefined) =>
  (context ? { hasDebugger: true, debugger: context } : { hasDebugger: false });

export function planProject(answers: Answers, options: PlanOptions = { inWorkspace: false }): ProjectPlan {
  const target = findTarget(answers.target);
  if (!target) throw new Error(`planProject: unknown target ${answers.target}`);
  const own = options.workspace?.layout === 'own';
  const member = !own && (options.inWorkspace || options.workspace?.layout === 'member');
  const files = planFiles(target, answers, own ? 'own' : member ? 'member' : 'alone');
  const workspace = workspaceContext(options);
  const commands = commandsFor(target, answers, options);
  const ci = answers.ci === 'github'
    ? ciWorkflowFor(target, commands, programTemplates[answers.template].exits && target.runnable)
    : undefined;
  const common: CommonContext = {
    name: answers.name,
    libName: libraryName(answers.name),
    edition: answers.edition,
    rustVersion: minimumRustFor(target, answers.template, answers.edition).version,
    rustVersionWhy: minimumRustFor(target, answers.template, answers.edition).why,
    template: answers.template,
    exits: programTemplates[answers.template].exits,
    hasLibrary: programTemplates[answers.template].hasLibrary,
    isHost: target.kind === 'host',
    isBareMetal: target.kind === 'bare-metal',
    inWorkspace: member,
    ownWorkspace: own,
    ...(workspace ? { workspace } : {}),
    target: { id: target.id, description: target.description },
    postUrl,
    commands,
    runnable: target.runnable,
    runOutcome: runOutcome(target, answers),
    files,
    knownErrors: knownErrorsIn(target, answers, member),
    notes: target.notes,
    ...debuggerEntries(debuggerFor(target, answers.name, answers.template)),
    ...(ci ? { hasCi: true, ci } : { hasCi: false }),
  };
  const context: RenderContext = target.kind === 'host'
    ? { ...common, ...hostContext(target, answers) } as HostContext
    : { ...common, ...bareMetalContext(target, answers.name) } as BareMetalContext;
  return { context, files };
}
