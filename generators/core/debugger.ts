/**
 * How a generated project is debugged, derived from its catalogue entry: for
 * a bare-metal target with a QEMU board, QEMU started stopped with its gdb
 * server (`cargo run -- -s -S`: cargo hands the words after `--` to the runner,
 * after the binary) and `gdb-multiarch` attached; for a host that includes
 * Linux, plain `gdb` running the binary. Pure: no I/O. A board added to the
 * catalogue gets its debugger from its `board` (program, machine, cpu, extra
 * arguments); gdb reads the architecture from the ELF, so none is declared.
 */
import { programTemplates, type Target, type TemplateName } from './catalogue.js';

/** QEMU's gdb server port with `-s` (short for `-gdb tcp::1234`). */
export const gdbPort = 1234;

/** The debugger facts a project's README, `debug.gdb` and `.vscode/launch.json` show. */
export interface DebuggerContext {
  /** `gdb-multiarch` (one gdb for every architecture) or `gdb` (this machine's). */
  gdb: string;
  /** The Debian/Ubuntu package that provides it. */
  gdbPackage: string;
  /** Through QEMU's gdb server (bare metal), or the binary run by gdb itself (Linux). */
  remote: boolean;
  /** The ELF with debug info, relative to the project: `target/<triple>/debug/<name>`. */
  elf: string;
  /** Where gdb stops first, as gdb names it: `<crate>::main`, or the entry symbol. */
  breakAt: string;
  /** In words, for the README. */
  breakAtWords: string;
  /** Terminal 1 (bare metal): QEMU waiting for gdb. */
  start?: string;
  /** The gdb command that loads `debug.gdb`. */
  attach: string;
  /** `localhost:1234` (bare metal). */
  address?: string;
  /** A host project for other systems too: what debugs it there, one line each (else empty). */
  elsewhere: string[];
  /** QEMU's gdb server port (bare metal). */
  port?: number;
}

const otherDebuggers = 'This is for Linux, where it is tested. On macOS use `lldb`, on Windows the Visual Studio debugger or WinDbg; this project sets neither up.';

/** The binary crate's name as Rust paths (and so gdb) write it: the package name with `-` as `_`. */
export const binaryCrateName = (packageName: string) => packageName.replaceAll('-', '_');

/** Whether (and how) a project of `target` is debugged: absent for targets with neither a QEMU board nor Linux. */
export function debuggerFor(target: Target, packageName: string, template: TemplateName): DebuggerContext | undefined {
  const entry = target.proofs[0]?.inspect.entrySymbol;
  const main = `${binaryCrateName(packageName)}::main`;
  // x86_64's minimal has a `main` too, but what runs first is the entry, whatever the family.
  const breakAt = programTemplates[template].debugStop === 'main' ? main : entry;
  if (!breakAt) return undefined;
  const breakAtWords = programTemplates[template].debugStop === 'main'
    ? `\`${main}\`, the Rust \`main\` in \`src/main.rs\` that the entry code (\`${entry}\`) calls`
    : `\`${breakAt}\`, the entry point in \`src/main.rs\` (this template has no \`main\`)`;
  if (target.kind === 'bare-metal') {
    // A UEFI image is a PE file the firmware relocates where it has room: gdb would need its load address; not set up here.
    if (!target.board || !target.runnable || target.uefi) return undefined;
    const elf = `target/${target.triple}/debug/${packageName}`;
    return {
      gdb: 'gdb-multiarch', gdbPackage: 'gdb-multiarch', remote: true, elf, breakAt, breakAtWords,
      start: 'cargo run -- -s -S',
      attach: `gdb-multiarch -q -x debug.gdb ${elf}`,
      address: `localhost:${gdbPort}`, port: gdbPort, elsewhere: [],
    };
  }
  if (!target.oses.includes('linux')) return undefined;
  const elf = `target/debug/${packageName}`;
  return {
    gdb: 'gdb', gdbPackage: 'gdb', remote: false, elf, breakAt, breakAtWords,
    attach: `gdb -q -x debug.gdb ${elf}`,
    elsewhere: target.oses.length > 1 ? [otherDebuggers] : [],
  };
}
