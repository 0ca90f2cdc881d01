/** The README's target table, derived from the catalogue (a test keeps README.md in sync). */
import { catalogue, type BuildProof, type Target } from './catalogue.js';

const formatNames = { elf: 'ELF', pe: 'PE', macho: 'Mach-O' } as const;
const runNames = {
  native: 'run natively', 'cargo-runner': 'run in QEMU via `cargo run`', 'qemu-user': 'run under qemu-user', wine: 'run under Wine',
  emulator: 'executed under Unicorn with write/exit answered by the test harness (not dyld, not the kernel)',
  'uefi-firmware': 'booted by UEFI firmware in QEMU via `cargo run`',
} as const;

function proofText(proof: BuildProof): string {
  const signed = proof.inspect.format === 'macho' && proof.inspect.signature ? ', ad-hoc signature\'s page hashes checked' : '';
  const efi = proof.inspect.format === 'pe' && proof.inspect.subsystem === 'efi-application' ? ' EFI application' : '';
  const inspected = `${formatNames[proof.inspect.format]}${efi} entry \`${proof.inspect.entrySymbol}\` checked${signed}`;
  const ran = proof.run ? `, ${runNames[proof.run.via]}` : ', not run';
  return `\`${proof.triple}\`: built, ${inspected}${ran}`;
}

/** What create-freestanding's CI proves about a target, one sentence per triple. */
export function proofSummary(target: Target): string {
  return target.proofs.map(proofText).join('; ');
}

function row(target: Target): string {
  const triple = target.kind === 'bare-metal' ? `\`${target.triple}\`` : target.oses.join(', ');
  const proofs = proofSummary(target);
  return `| \`${target.id}\` | ${target.kind} | ${triple} | ${target.description} | ${target.runs} | ${proofs} |`;
}

export const tableStart = '<!-- target-table:start (generated from generators/core/catalogue.ts; `npm run readme:targets`) -->';
export const tableEnd = '<!-- target-table:end -->';

export function targetTable(): string {
  return [
    tableStart,
    '| id | kind | triple / OS | what it is | how hello runs | what CI proves |',
    '| --- | --- | --- | --- | --- | --- |',
    ...catalogue.map(row),
    tableEnd,
  ].join('\n');
}

/** README text with its target table replaced by the current one. */
export function withTargetTable(readme: string): string {
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < start) throw new Error('README.md has no target-table markers');
  return readme.slice(0, start) + targetTable() + readme.slice(end + tableEnd.length);
}
