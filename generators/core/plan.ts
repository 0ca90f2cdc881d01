/**
 * Answers → the project plan: one typed render context and the list of files,
 * each with the template it comes from and what it is for. Pure: no I/O.
 */
import {
  findTarget, hostOsFacts, minimumRust, programTemplates, runnerCommand,
  type BareMetalTarget, type Edition, type Family, type HostOs, type HostTarget, type LinkArgMode, type QemuBoard,
  type Target, type TemplateName,
} from './catalogue.js';
import { knownErrorsFor, type KnownError } from './known-errors.js';
import { proofSummary } from './target-table.js';

export interface Answers {
  /** Where to write, as the user gave it. */
  directory: string;
  name: string;
  target: string;
  template: TemplateName;
  edition: Edition;
  linkArgs: LinkArgMode;
}

export interface PlannedFile {
  /** Path inside the project, with forward slashes. */
  path: string;
  /** Path under templates/. Names ending in .hbs are rendered, the rest copied as they are. */
  source: string;
  /** One line for the generated README's file list. */
  purpose: string;
}

interface LinkSection {
  os: string;
  label: string;
  cfg: string;
  comment: string;
  /** Comment lines for build.rs. */
  explanation: string[];
  /** The arguments as a Rust slice literal, laid out as rustfmt would. */
  argsRust: string;
  /** The arguments as blog-style rustflags, a TOML array. */
  rustflagsToml: string;
}

/** Everything templates may refer to. Templates choose among whole variants; they compute nothing. */
export interface RenderContext {
  name: string;
  /** The library's crate name, as `src/main.rs` writes it (`my-os` → `my_os`). */
  libName: string;
  edition: Edition;
  rustVersion: string;
  isHello: boolean;
  isMinimal: boolean;
  template: TemplateName;
  isHost: boolean;
  isBareMetal: boolean;
  usesCargoConfigLinkArgs: boolean;
  target: { id: string; description: string; triple: string; runs: string };
  /** Link arguments per OS (host targets). */
  linkSections: LinkSection[];
  /** OS names the build script accepts, for its error message. */
  supportedOses: string;
  // Bare metal: memory map for link.x, QEMU runner, extra rustflags.
  flashOrigin: string;
  flashLength: string;
  ramOrigin: string;
  ramLength: string;
  hasTargetSection: boolean;
  hasRunner: boolean;
  runnerToml: string;
  board: { summary: string; machine: string; program: string };
  hasRustflags: boolean;
  rustflagsToml: string;
  rustflagsWhy: string;
  // README
  runnable: boolean;
  helloIsReal: boolean;
  setupCommands: string[];
  buildCommand: string;
  runCommand: string;
  runOutcome: string;
  /** What create-freestanding's CI proves about this target. */
  ciProof: string;
  testCommand: string;
  files: PlannedFile[];
  knownErrors: KnownError[];
  notes: string[];
}

export interface ProjectPlan {
  context: RenderContext;
  files: PlannedFile[];
}

/** Stands in for values a target does not have; a test makes sure none reaches a file. */
export const notApplicable = 'n/a for this target';

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
      label: facts.label,
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
      : { path: '.cargo/config.toml', source: 'project/host.cargo-config.toml.hbs', purpose: 'the linker arguments, as rustflags per OS (the blog\'s way)' };
    return [main, ...(programTemplates[template].usesOsModule ? osFiles : []), linkFile];
  }
  return [
    main,
    ...(familyModules[target.family] ?? []),
    { path: 'link.x', source: `${family}/link.x.hbs`, purpose: 'linker script: memory map, section layout, entry point' },
    { path: 'build.rs', source: 'rust/bare-metal/build.rs', purpose: 'hands link.x to the linker and relinks when it changes' },
    { path: '.cargo/config.toml', source: 'project/bare-metal.cargo-config.toml.hbs', purpose: 'default target and the QEMU runner for `cargo run`' },
    { path: 'rust-toolchain.toml', source: 'project/rust-toolchain.toml.hbs', purpose: 'tells rustup which toolchain and target to use' },
  ];
}

function planFiles(target: Target, answers: Answers): PlannedFile[] {
  return [
    { path: 'Cargo.toml', source: 'project/Cargo.toml.hbs', purpose: 'package, binary and profile settings (panic = "abort")' },
    { path: 'src/lib.rs', source: 'rust/lib.rs', purpose: 'the testable logic; `cargo test` runs its tests' },
    ...familyFiles(target, answers.template, answers.linkArgs),
    { path: 'README.md', source: 'project/README.md.hbs', purpose: 'this file' },
    { path: '.gitignore', source: 'project/_gitignore', purpose: 'keeps target/ out of git' },
  ];
}

function boardContext(board: QemuBoard | undefined) {
  return board
    ? { summary: board.summary, machine: board.machine, program: board.program }
    : { summary: notApplicable, machine: notApplicable, program: notApplicable };
}

function runOutcome(target: Target, template: TemplateName): string {
  if (template === 'minimal') return 'The program loops forever, like the blog\'s: stop it with Ctrl-C (in QEMU: Ctrl-A then X).';
  if (!target.runnable) return 'QEMU has no board for this target, so there is nothing to run here; flash it to your board.';
  return 'It prints `Hello, world!` and exits with status 0; a panic prints its message and exits with 101.';
}

function testCommand(target: Target, linkArgs: LinkArgMode): string {
  if (target.kind === 'bare-metal') return 'cargo test --lib --target "$(rustc -vV | sed -n \'s/^host: //p\')"';
  // An empty RUSTFLAGS replaces the rustflags of .cargo/config.toml, so the test harness links normally.
  return linkArgs === 'cargo-config' ? 'RUSTFLAGS= cargo test' : 'cargo test';
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

export function planProject(answers: Answers): ProjectPlan {
  const target = findTarget(answers.target);
  if (!target) throw new Error(`planProject: unknown target ${answers.target}`);
  const files = planFiles(target, answers);
  const bare: BareMetalTarget | undefined = target.kind === 'bare-metal' ? target : undefined;
  const host: HostTarget | undefined = target.kind === 'host' ? target : undefined;
  const hasRunner = Boolean(bare?.board) && target.runnable;
  const hasRustflags = Boolean(bare?.rustflags);
  const memory = bare?.memory;
  const context: RenderContext = {
    name: answers.name,
    libName: libraryName(answers.name),
    edition: answers.edition,
    rustVersion: minimumRust,
    template: answers.template,
    isHello: answers.template === 'hello',
    isMinimal: answers.template === 'minimal',
    isHost: Boolean(host),
    isBareMetal: Boolean(bare),
    usesCargoConfigLinkArgs: Boolean(host) && answers.linkArgs === 'cargo-config',
    target: {
      id: target.id,
      description: target.description,
      triple: bare?.triple ?? notApplicable,
      runs: target.runs,
    },
    linkSections: host ? linkSectionsFor(host) : [],
    supportedOses: host ? host.oses.map((os) => hostOsFacts[os].label).join(', ') : notApplicable,
    flashOrigin: memory?.flashOrigin ?? notApplicable,
    flashLength: memory?.flashLength ?? notApplicable,
    ramOrigin: memory?.ramOrigin ?? notApplicable,
    ramLength: memory?.ramLength ?? notApplicable,
    hasTargetSection: hasRunner || hasRustflags,
    hasRunner,
    runnerToml: bare?.board ? toml(runnerCommand(bare.board)) : '""',
    board: boardContext(bare?.board),
    hasRustflags,
    rustflagsToml: bare?.rustflags ? tomlArray(bare.rustflags.flags) : '[]',
    rustflagsWhy: bare?.rustflags?.why ?? notApplicable,
    runnable: target.runnable,
    helloIsReal: answers.template === 'hello' && target.runnable,
    setupCommands: bare ? [`rustup target add ${bare.triple}`] : [],
    buildCommand: 'cargo build --release',
    runCommand: 'cargo run --release',
    runOutcome: runOutcome(target, answers.template),
    ciProof: proofSummary(target),
    testCommand: testCommand(target, answers.linkArgs),
    files,
    knownErrors: knownErrorsFor(target, answers.linkArgs, answers.template),
    notes: target.notes,
  };
  return { context, files };
}
