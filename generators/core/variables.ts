/**
 * The variables a template may use, for authors who bring their own templates:
 * derived from the typed render context (every key of every target's context,
 * with an example), each described here. The `Record` type makes a new
 * context field without a description a compile error.
 */
import { catalogue, templateNames, type Target } from './catalogue.js';
import { planProject, type BareMetalContext, type HostContext, type RenderContext } from './plan.js';

type Key = keyof HostContext | keyof BareMetalContext;

const descriptions: Record<Key, string> = {
  name: 'the package (crate) name, e.g. in Cargo.toml',
  libName: 'the library\'s crate name, as Rust code writes it (`my-os` → `my_os`)',
  edition: 'the Rust edition: 2018, 2021 or 2024',
  rustVersion: 'the oldest Rust the project needs (Cargo.toml\'s `rust-version`)',
  rustVersionWhy: 'why that version: the newest feature the project uses, e.g. "naked functions (`#[unsafe(naked)]`) need Rust 1.88"',
  template: 'the program template: `hello` or `minimal`',
  exits: 'true when the program ends by itself (hello); false when it loops forever',
  hasLibrary: 'true when the project has src/lib.rs, the logic and its tests (hello); minimal has none',
  isHost: 'true for host targets (host, linux, windows, macos)',
  isBareMetal: 'true for bare-metal targets',
  inWorkspace: 'true when the crate is a member of a Cargo workspace (the root\'s profiles apply)',
  ownWorkspace: 'true when the crate sits in a workspace that excludes it and has its own empty `[workspace]` (bare metal beside host crates)',
  workspace: 'when `inWorkspace` or `ownWorkspace`: `root` (the root manifest, as words), `lacksAbort` (a member whose root lacks `panic = "abort"`), `missingAbort` (when `lacksAbort`: those profiles, as words), `rootTarget` (own workspace: what the root builds for, as words)',
  kind: '`host` or `bare-metal`',
  target: 'the catalogue entry: `id` and `description`',
  postUrl: 'the address of the post "A Freestanding Rust Binary"',
  commands: 'what the user types: `setup` (list of `command` + `why`), `build`, `run`, `test` (when `hasLibrary`), `first` (a member whose root lacks `panic = "abort"`), `onlyOn` (a Windows or macOS project: where `run` and `test` work, e.g. "on Windows")',
  runnable: 'true when `cargo run` starts it (natively or in QEMU)',
  runOutcome: 'a sentence or two on where it runs and what it does',
  files: 'the generated files: each `path`, `source` (its template) and `purpose`',
  knownErrors: 'the errors readers meet, each `error` and `fix`',
  notes: 'facts about the target, one line each',
  hasCi: 'true with `--ci github`: the project has .github/workflows/ci.yml',
  ci: 'when `hasCi`: `runners` (GitHub runner labels), `matrix` (more than one), `runsOn`, `runsHello`, `steps` (each `name`, `why` lines and `run`, as YAML)',
  hasDebugger: 'true when the project ships a debugger setup (bare metal with a QEMU board, or a host that includes Linux)',
  debugger: 'when `hasDebugger`: `gdb`, `gdbPackage`, `remote` (through QEMU\'s gdb server), `elf`, `breakAt`, `breakAtWords`, `attach`, `elsewhere` (lines), and when `remote`: `start`, `address`, `port`',
  linkArgsInCargoConfig: 'host: true when the linker arguments go in .cargo/config.toml instead of build.rs',
  linkSections: 'host: per OS, `os`, `cfg`, `comment`, `explanation` (lines), `argsRust`, `rustflagsToml`',
  supportedOses: 'host: the OS names the project has entry code for',
  triple: 'bare metal: the target triple',
  memory: 'bare metal, when `hasLinkerScript`: `flashOrigin`, `flashLength`, `ramOrigin`, `ramLength`',
  memoryMap: 'bare metal, when `hasLinkerScript`, for memory.x: `about` (whose map), `regions` (each `name`, `origin`, `length`, `source`, `sourceLines`), `aliases` (each `alias`, `region`)',
  hasLinkerScript: 'bare metal: true when the project has memory.x, link.x and build.rs (a UEFI image has none: the firmware places it)',
  isUefi: 'bare metal: true for a UEFI application (booted in QEMU by UEFI firmware, through qemu-uefi.sh)',
  uefi: 'bare metal, when `isUefi`: `arch`, `bootFile` (e.g. EFI/BOOT/BOOTX64.EFI), `firmware` (paths tried), `firmwareApt`, `qemu` (command before firmware and drive), `script`',
  isBoard: 'bare metal: true for a real board (`--board`): hello prints on its UART and the README makes its flash image',
  hardware: 'bare metal, when `isBoard`: `name`, `chip`, `uart` (`name`, `base`, `divisor`, `fraction`, `clock`, `pins`, `txPin`, `source`, `setup`, `hasSetup`, `docParagraphs`), `image` (`file`, `format`, `formatName`, `address`, `how`, `cargoObjcopy`, `rustObjcopy`, `qemuBoots`, `qemuCommand`), `runnerComments`, `hasConfigTxt`, `configTxt`',
  hasBoard: 'bare metal: true when QEMU has a board that runs it',
  board: 'bare metal, when `hasBoard`: `summary`, `program`, `aptPackage`, `brewFormula`, `runnerToml`',
  hasRustflags: 'bare metal: true when the target needs extra rustflags',
  rustflags: 'bare metal, when `hasRustflags`: `toml` (the array) and `why`',
  hasTargetSection: 'bare metal: true when .cargo/config.toml has a `[target.<triple>]` table',
};

function contexts(): RenderContext[] {
  const answers = { directory: 'my-os', name: 'my-os', template: 'hello', edition: '2024', linkArgs: 'build-rs' } as const;
  return [
    // A project with its GitHub workflow, so the CI fields are listed too.
    planProject({ ...answers, target: 'linux', ci: 'github' }).context,
    ...catalogue.flatMap((target: Target) => templateNames.map((template) => planProject({ ...answers, target: target.id, template }).context)),
    // A member and a crate beside a workspace, so their fields are listed too.
    planProject({ ...answers, target: 'linux' }, { inWorkspace: true, workspace: { layout: 'member', rootFromCrate: '../../Cargo.toml', missingAbort: ['dev', 'release'] } }).context,
  ];
}

function example(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : Array.isArray(value) ? `list of ${value.length}` : typeof value === 'object' ? 'object' : String(value);
  const short = text.length > 48 ? `${text.slice(0, 45)}…` : text;
  return `\`${short.replaceAll('|', '\\|').replaceAll('`', "'")}\``;
}

/** docs/template-variables.md, as generated. */
export function variablesDocument(): string {
  const seen = new Map<Key, { kinds: Set<string>; example: unknown }>();
  for (const context of contexts()) {
    for (const [key, value] of Object.entries(context) as [Key, unknown][]) {
      const entry = seen.get(key) ?? { kinds: new Set<string>(), example: value };
      entry.kinds.add(context.kind);
      seen.set(key, entry);
    }
  }
  const rows = [...seen.entries()].map(([key, { kinds, example: value }]) =>
    `| \`${key}\` | ${[...kinds].join(', ')} | ${descriptions[key]} | ${example(value)} |`);
  return [
    '# Template variables',
    '',
    '<!-- generated from generators/core/plan.ts by `npm run docs:variables`; a test keeps it in sync -->',
    '',
    'What a template under `templates/` (or your `--templates` folder) may use. Handlebars runs',
    'with HTML escaping off and in strict mode: a name not listed for the project\'s kind stops',
    'the run, naming the file and the variable. Guard kind-specific names with',
    '`{{#if isHost}}` / `{{#if isBareMetal}}`, and `board` / `rustflags` with `hasBoard` / `hasRustflags`.',
    '',
    '| variable | kinds | what it is | example |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
