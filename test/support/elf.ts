/**
 * What a linked ELF holds, read with LLVM's tools: its load segments (where
 * each goes, its bytes in the file) and its sizes (text, data, bss, as
 * `size` counts them). Used to check a binary against a board's memory map,
 * an image made from it against its segments, and to report what it costs.
 */
import { readFileSync } from 'node:fs';
import { execa } from 'execa';

export interface Segment {
  type: string;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  fileSize: number;
  memSize: number;
  readable: boolean;
  writable: boolean;
  executable: boolean;
}

async function tool(file: string, args: string[]): Promise<string> {
  const result = await execa(file, args, { reject: false });
  if (result.exitCode !== 0) throw new Error(`${file} ${args.join(' ')}: ${result.stderr}`);
  return String(result.stdout);
}

/** Every program header, in file order. */
export async function programHeaders(binary: string): Promise<Segment[]> {
  const text = await tool('llvm-readobj', ['--program-headers', binary]);
  const blocks = text.split('ProgramHeader {').slice(1);
  return blocks.map((block) => {
    const get = (name: string) => {
      const match = new RegExp(`${name}: (\\S+)`).exec(block);
      if (!match) throw new Error(`no ${name} in program header:\n${block}`);
      return match[1];
    };
    const flags = Number(/Flags \[ \((0x[0-9a-f]+)\)/i.exec(block)?.[1] ?? '0');
    return {
      type: get('Type'),
      offset: Number(get('Offset')),
      vaddr: BigInt(get('VirtualAddress')),
      paddr: BigInt(get('PhysicalAddress')),
      fileSize: Number(get('FileSize')),
      memSize: Number(get('MemSize')),
      readable: (flags & 4) !== 0,
      writable: (flags & 2) !== 0,
      executable: (flags & 1) !== 0,
    };
  });
}

/** The PT_LOAD segments. */
export async function loadSegments(binary: string): Promise<Segment[]> {
  return (await programHeaders(binary)).filter((segment) => segment.type === 'PT_LOAD');
}

export interface Sizes { text: number; data: number; bss: number }

/** text, data and bss as `llvm-size` (Berkeley format) counts them from the section headers. */
export async function sizesOf(binary: string): Promise<Sizes> {
  const lines = (await tool('llvm-size', ['--format=berkeley', binary])).trim().split('\n');
  const [text, data, bss] = lines[1].trim().split(/\s+/).map(Number);
  return { text, data, bss };
}

export const showSizes = (sizes: Sizes) => `text ${sizes.text} B, data ${sizes.data} B, bss ${sizes.bss} B`;

/** Intel HEX → address and byte, checking each record's checksum. */
export function parseIntelHex(text: string): Map<bigint, number> {
  const bytes = new Map<bigint, number>();
  let base = 0n;
  let ended = false;
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith(':')) throw new Error(`hex line ${index + 1} does not start with ':'`);
    const record = Buffer.from(line.slice(1), 'hex');
    const sum = record.reduce((total, byte) => (total + byte) & 0xff, 0);
    if (sum !== 0) throw new Error(`hex line ${index + 1}: bad checksum`);
    const [count, high, low, type] = record;
    const data = record.subarray(4, 4 + count);
    if (type === 0x00) data.forEach((byte, at) => bytes.set(base + BigInt((high << 8) | low) + BigInt(at), byte));
    else if (type === 0x01) ended = true;
    else if (type === 0x02) base = BigInt(data.readUInt16BE(0)) << 4n;
    else if (type === 0x04) base = BigInt(data.readUInt16BE(0)) << 16n;
    // 0x03/0x05: start address records, not memory.
  }
  if (!ended) throw new Error('hex file has no end-of-file record');
  return bytes;
}

/**
 * Where the image's bytes differ from what the ELF's load segments put in
 * memory (at their physical, load addresses), or undefined when they all
 * match: a raw binary starts at `origin`; Intel HEX carries addresses.
 */
export function imageMismatch(elf: string, segments: Segment[], image: string, format: 'binary' | 'ihex', origin: bigint): string | undefined {
  const file = readFileSync(elf);
  const content = format === 'ihex' ? parseIntelHex(readFileSync(image, 'utf8')) : undefined;
  const raw = format === 'binary' ? readFileSync(image) : undefined;
  for (const segment of segments.filter((entry) => entry.fileSize > 0)) {
    for (let at = 0; at < segment.fileSize; at += 1) {
      const address = segment.paddr + BigInt(at);
      const want = file[segment.offset + at];
      const got = content ? content.get(address) : raw![Number(address - origin)];
      if (got !== want) return `byte at 0x${address.toString(16)}: image has ${got}, ELF segment has ${want}`;
    }
  }
  if (raw) {
    const end = segments.filter((entry) => entry.fileSize > 0).reduce((top, entry) => (entry.paddr + BigInt(entry.fileSize) > top ? entry.paddr + BigInt(entry.fileSize) : top), origin);
    if (BigInt(raw.length) !== end - origin) return `image is ${raw.length} bytes, the segments span ${end - origin}`;
  }
  return undefined;
}
