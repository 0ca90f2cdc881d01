/**
 * The ad-hoc code signature of a Mach-O (what `ld64`/`ld64.lld` write for
 * arm64, where macOS runs no unsigned code), checked offline: the
 * CodeDirectory's page hashes are recomputed from the file's bytes. This
 * proves the signature matches the contents; it does not prove that macOS
 * accepts it (that is the kernel's and AMFI's decision, not checkable here).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

const LC_CODE_SIGNATURE = 0x1d;
const LC_SEGMENT_64 = 0x19;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSSLOT_CODEDIRECTORY = 0;
const CS_ADHOC = 0x2;
const CS_LINKER_SIGNED = 0x20000;
const CS_HASHTYPE_SHA256 = 2;
const CS_EXECSEG_MAIN_BINARY = 0x1;

export interface Signature {
  identifier: string;
  pages: number;
  pageSize: number;
  linkerSigned: boolean;
  /** The CodeDirectory's hash (SHA-256, first 20 bytes), as `codesign -dvvv` prints it. */
  cdhash: string;
}

/** Reads the signature and throws unless it is ad-hoc and every page hash matches the file. */
export function checkAdHocSignature(path: string): Signature {
  const file = readFileSync(path);
  if (file.readUInt32LE(0) !== 0xfeedfacf) throw new Error(`${path}: not a 64-bit Mach-O`);
  const ncmds = file.readUInt32LE(16);
  let signature: { offset: number; size: number } | undefined;
  let text: { fileoff: bigint; filesize: bigint } | undefined;
  for (let i = 0, at = 32; i < ncmds; i++) {
    const cmd = file.readUInt32LE(at);
    if (cmd === LC_CODE_SIGNATURE) signature = { offset: file.readUInt32LE(at + 8), size: file.readUInt32LE(at + 12) };
    if (cmd === LC_SEGMENT_64 && file.subarray(at + 8, at + 24).toString('latin1').replace(/\0+$/, '') === '__TEXT') {
      text = { fileoff: file.readBigUInt64LE(at + 40), filesize: file.readBigUInt64LE(at + 48) };
    }
    at += file.readUInt32LE(at + 4);
  }
  if (!signature) throw new Error(`${path}: no LC_CODE_SIGNATURE (macOS on arm64 kills unsigned programs)`);
  if (signature.offset + signature.size > file.length) throw new Error(`${path}: LC_CODE_SIGNATURE points past the end of the file`);

  // Signature blobs are big-endian.
  const blob = file.subarray(signature.offset, signature.offset + signature.size);
  if (blob.readUInt32BE(0) !== CSMAGIC_EMBEDDED_SIGNATURE) throw new Error(`${path}: signature magic 0x${blob.readUInt32BE(0).toString(16)}`);
  const count = blob.readUInt32BE(8);
  let directoryAt: number | undefined;
  for (let i = 0; i < count; i++) if (blob.readUInt32BE(12 + 8 * i) === CSSLOT_CODEDIRECTORY) directoryAt = blob.readUInt32BE(16 + 8 * i);
  if (directoryAt === undefined) throw new Error(`${path}: the signature has no CodeDirectory`);
  const cd = blob.subarray(directoryAt, directoryAt + blob.readUInt32BE(directoryAt + 4));
  if (cd.readUInt32BE(0) !== CSMAGIC_CODEDIRECTORY) throw new Error(`${path}: CodeDirectory magic 0x${cd.readUInt32BE(0).toString(16)}`);
  const version = cd.readUInt32BE(8);
  const flags = cd.readUInt32BE(12);
  const hashOffset = cd.readUInt32BE(16);
  const identOffset = cd.readUInt32BE(20);
  const nCodeSlots = cd.readUInt32BE(28);
  const codeLimit = cd.readUInt32BE(32);
  const hashSize = cd.readUInt8(36);
  const hashType = cd.readUInt8(37);
  const pageSize = 2 ** cd.readUInt8(39);
  if (!(flags & CS_ADHOC)) throw new Error(`${path}: not an ad-hoc signature (flags 0x${flags.toString(16)})`);
  if (hashType !== CS_HASHTYPE_SHA256 || hashSize !== 32) throw new Error(`${path}: hash type ${hashType}/${hashSize} bytes, expected SHA-256`);
  // The signature covers every byte before itself.
  if (codeLimit !== signature.offset) throw new Error(`${path}: codeLimit ${codeLimit} is not the signature's offset ${signature.offset}`);
  if (nCodeSlots !== Math.ceil(codeLimit / pageSize)) throw new Error(`${path}: ${nCodeSlots} page hashes for ${codeLimit} bytes of ${pageSize}-byte pages`);
  for (let page = 0; page < nCodeSlots; page++) {
    const bytes = file.subarray(page * pageSize, Math.min((page + 1) * pageSize, codeLimit));
    const actual = createHash('sha256').update(bytes).digest();
    const recorded = cd.subarray(hashOffset + page * hashSize, hashOffset + (page + 1) * hashSize);
    if (!actual.equals(recorded)) throw new Error(`${path}: page ${page} hash ${recorded.toString('hex')} does not match its contents (${actual.toString('hex')})`);
  }
  // Version 0x20400+: the executable segment, which the kernel maps as code.
  if (version >= 0x20400 && text) {
    const base = cd.readBigUInt64BE(64);
    const limit = cd.readBigUInt64BE(72);
    const segmentFlags = cd.readBigUInt64BE(80);
    if (base !== text.fileoff || limit !== text.filesize) throw new Error(`${path}: the CodeDirectory's executable segment ${base}+${limit} is not __TEXT (${text.fileoff}+${text.filesize})`);
    if (!(segmentFlags & BigInt(CS_EXECSEG_MAIN_BINARY))) throw new Error(`${path}: executable segment not marked as the main binary's`);
  }
  const identifier = cd.subarray(identOffset, cd.indexOf(0, identOffset)).toString('utf8');
  const cdhash = createHash('sha256').update(cd).digest('hex').slice(0, 40);
  return { identifier, pages: nCodeSlots, pageSize, linkerSigned: Boolean(flags & CS_LINKER_SIGNED), cdhash };
}
