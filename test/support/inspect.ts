/**
 * Reads a linked binary's headers with LLVM's tools and checks them against
 * the catalogue's expectation: format, machine, and that the entry point is
 * the entry symbol. Returns what it found, for the matrix summary.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { execa } from 'execa';
import type { Inspection } from '../../generators/core/catalogue.js';
import { checkAdHocSignature } from './codesign.js';

const peMachines = { 'x86-64': 'IMAGE_FILE_MACHINE_AMD64 (0x8664)', arm64: 'IMAGE_FILE_MACHINE_ARM64 (0xAA64)' } as const;
const elfMachines = { 'x86-64': 'EM_X86_64', x86: 'EM_386', aarch64: 'EM_AARCH64', arm: 'EM_ARM', riscv: 'EM_RISCV' } as const;

async function tool(file: string, args: string[]): Promise<string> {
  const result = await execa(file, args, { reject: false });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')}: ${result.stderr}`);
  return String(result.stdout);
}

function field(text: string, name: string): string {
  const match = text.match(new RegExp(`^\\s*${name}: (.+)$`, 'm'));
  if (!match) throw new Error(`no "${name}" in:\n${text.slice(0, 2000)}`);
  return match[1].trim();
}

/** Address of a symbol in `llvm-nm` output. */
async function symbolAddress(binary: string, symbol: string): Promise<bigint> {
  const nm = await tool('llvm-nm', [binary]);
  const line = nm.split('\n').find((entry) => entry.trim().split(/\s+/)[2] === symbol);
  if (!line) throw new Error(`symbol ${symbol} not found in ${binary}`);
  return BigInt(`0x${line.trim().split(/\s+/)[0]}`);
}

/** What an inspection read from the binary: its entry address and the entry symbol's, which must be equal. */
export interface Inspected {
  summary: string;
  entry: bigint;
  symbol: bigint;
}

async function inspectElf(binary: string, expect: Extract<Inspection, { format: 'elf' }>): Promise<Inspected> {
  const headers = await tool('llvm-readobj', ['--file-headers', binary]);
  const bits = field(headers, 'Class');
  const machine = field(headers, 'Machine');
  const entry = BigInt(field(headers, 'Entry'));
  if (!bits.startsWith(`${expect.bits}-bit`)) throw new Error(`${binary}: class ${bits}, expected ${expect.bits}-bit`);
  if (!machine.startsWith(elfMachines[expect.machine])) throw new Error(`${binary}: machine ${machine}, expected ${elfMachines[expect.machine]}`);
  // The ABI flags (e_flags: hard float on Arm, the float ABI on RISC-V): every bit the catalogue names must be set.
  const flags = Number(headers.match(/Flags \[ \((0x[0-9A-Fa-f]+)\)/)?.[1]);
  if (expect.flags !== undefined && (flags & expect.flags) !== expect.flags) throw new Error(`${binary}: ELF flags 0x${flags.toString(16)} lack 0x${expect.flags.toString(16)}`);
  // Thumb code: the ELF entry and symbol both carry bit 0, compare without it.
  const symbol = await symbolAddress(binary, expect.entrySymbol);
  if ((symbol & ~1n) !== (entry & ~1n)) {
    throw new Error(`${binary}: entry 0x${entry.toString(16)} is not ${expect.entrySymbol} (0x${symbol.toString(16)})`);
  }
  // Thumb code: the ELF entry and symbol both carry bit 0, compared without it.
  const flagText = expect.flags !== undefined ? ` flags 0x${flags.toString(16)}` : '';
  return { summary: `ELF ${expect.bits}-bit ${machine.split(' ')[0]}${flagText}, entry ${expect.entrySymbol}@0x${entry.toString(16)}`, entry: entry & ~1n, symbol: symbol & ~1n };
}

async function inspectPe(binary: string, expect: Extract<Inspection, { format: 'pe' }>): Promise<Inspected> {
  const headers = await tool('llvm-readobj', ['--file-headers', binary]);
  const magic = field(headers, 'Magic');
  const subsystem = field(headers, 'Subsystem');
  const entryRva = BigInt(field(headers, 'AddressOfEntryPoint'));
  const imageBase = BigInt(field(headers, 'ImageBase'));
  if (!magic.includes('0x20B')) throw new Error(`${binary}: not PE32+ (${magic})`);
  // Subsystem 3 (console) for Windows, 10 for a UEFI application.
  const wantedSubsystem = expect.subsystem === 'efi-application' ? 'IMAGE_SUBSYSTEM_EFI_APPLICATION (0xA)' : 'IMAGE_SUBSYSTEM_WINDOWS_CUI';
  if (!subsystem.startsWith(wantedSubsystem)) throw new Error(`${binary}: subsystem ${subsystem}, expected ${wantedSubsystem}`);
  if (expect.machine) {
    const machine = field(headers, 'Machine');
    const wanted = peMachines[expect.machine];
    if (!machine.startsWith(wanted)) throw new Error(`${binary}: machine ${machine}, expected ${wanted}`);
  }
  // The entry symbol's address comes from the PDB the linker writes beside the
  // image; cargo names it after the crate, with `-` turned into `_`.
  const pdb = join(dirname(binary), `${basename(binary, extname(binary)).replaceAll('-', '_')}.pdb`);
  if (!existsSync(pdb)) throw new Error(`${binary}: no PDB beside it to find ${expect.entrySymbol}`);
  const publics = await tool('llvm-pdbutil', ['dump', '--publics', pdb]);
  const symbol = publics.match(new RegExp(`\`${expect.entrySymbol}\`\\s*\\n\\s*flags = [^,]*, addr = (\\d+):(\\d+)`));
  if (!symbol) throw new Error(`${pdb}: no public symbol ${expect.entrySymbol}`);
  const sections = await tool('llvm-readobj', ['--section-headers', binary]);
  const sectionRvas = [...sections.matchAll(/VirtualAddress: (0x[0-9A-F]+)/gi)].map((m) => BigInt(m[1]));
  const rva = sectionRvas[Number(symbol[1]) - 1] + BigInt(symbol[2]);
  if (rva !== entryRva) throw new Error(`${binary}: entry RVA 0x${entryRva.toString(16)} is not ${expect.entrySymbol} (0x${rva.toString(16)})`);
  const kind = expect.subsystem === 'efi-application' ? `EFI application${expect.machine ? ` ${expect.machine}` : ''}` : 'console';
  return { summary: `PE32+ ${kind}, entry ${expect.entrySymbol}@0x${(imageBase + entryRva).toString(16)}`, entry: entryRva, symbol: rva };
}

async function inspectMachO(binary: string, expect: Extract<Inspection, { format: 'macho' }>): Promise<Inspected> {
  const headers = await tool('llvm-readobj', ['--file-headers', binary]);
  const cpu = field(headers, 'CpuType');
  const fileType = field(headers, 'FileType');
  // llvm-readobj prints the CPU type as "X86-64 (0x1000007)" or "Arm64 (0x100000C)".
  const wanted = expect.arch === 'arm64' ? '(0x100000C)' : '(0x1000007)';
  if (!cpu.endsWith(wanted)) throw new Error(`${binary}: cpu ${cpu}, expected ${wanted}`);
  if (!/^Executable\b/.test(fileType)) throw new Error(`${binary}: file type ${fileType}, expected an executable`);
  const commands = await tool('llvm-objdump', ['--macho', '--private-headers', binary]);
  const entryOffset = commands.match(/cmd LC_MAIN[\s\S]*?entryoff (\d+)/);
  if (!entryOffset) throw new Error(`${binary}: no LC_MAIN`);
  const textVmaddr = commands.match(/segname __TEXT\s*\n\s*vmaddr (0x[0-9a-f]+)/);
  if (!textVmaddr) throw new Error(`${binary}: no __TEXT segment`);
  const entry = BigInt(textVmaddr[1]) + BigInt(entryOffset[1]);
  const symbol = await symbolAddress(binary, expect.entrySymbol);
  if (symbol !== entry) throw new Error(`${binary}: LC_MAIN entry 0x${entry.toString(16)} is not ${expect.entrySymbol} (0x${symbol.toString(16)})`);
  let signed = '';
  if (expect.signature === 'ad-hoc') {
    const found = checkAdHocSignature(binary);
    signed = `, ad-hoc signed (${found.pages} page hashes match, cdhash ${found.cdhash})`;
  }
  return { summary: `Mach-O ${expect.arch} executable, LC_MAIN entry ${expect.entrySymbol}@0x${entry.toString(16)}${signed}`, entry, symbol };
}

export function inspectBinary(binary: string, expect: Inspection): Promise<Inspected> {
  if (!existsSync(binary)) throw new Error(`no binary at ${binary}`);
  switch (expect.format) {
    case 'elf': return inspectElf(binary, expect);
    case 'pe': return inspectPe(binary, expect);
    case 'macho': return inspectMachO(binary, expect);
  }
}
