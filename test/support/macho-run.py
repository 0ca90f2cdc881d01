#!/usr/bin/python3
"""Executes a freestanding macOS executable (x86_64 or arm64 Mach-O) on this
Linux machine, in Unicorn (Debian's python3-unicorn: run with /usr/bin/python3).

What it does, as macOS would up to the first instruction of the program:
maps each LC_SEGMENT_64 at its vmaddr with its initprot (__PAGEZERO and any
gap stay unmapped), builds the stack dyld hands to LC_MAIN's entry
(argc, argv, envp, apple; a return address on x86_64, lr on arm64) and
calls the entry. It answers exactly the two Darwin system calls the
generated programs make: write (fd 1 and 2) and exit, through `syscall` with
class 0x2000000 in rax (x86_64) or `svc #0x80` with the number in x16 (arm64),
returning as XNU does (carry clear, the second result register zeroed, rcx
and r11 clobbered by `syscall`).

What it does not do: run dyld (a binary that imports symbols is refused,
nothing is bound), check or enforce the code signature, apply the kernel's
loader rules (ASLR slide, hardened runtime, arm64's rejection of unsigned
code). Anything else the program does -- another system call, a Mach trap,
an unmapped or forbidden access, an invalid instruction -- stops the run
loudly (exit 125). A program still running at the instruction or time limit
is reported as such (exit 124). Otherwise the exit status is the program's.

Usage: macho-run.py [--trace] [--max-instructions N] [--max-seconds S] BINARY
"""
import argparse
import struct
import sys
import time

from unicorn import (UC_ARCH_ARM64, UC_ARCH_X86, UC_HOOK_CODE, UC_HOOK_INSN,
                     UC_HOOK_INTR, UC_HOOK_MEM_FETCH_PROT, UC_HOOK_MEM_FETCH_UNMAPPED,
                     UC_HOOK_MEM_READ_PROT, UC_HOOK_MEM_READ_UNMAPPED, UC_HOOK_MEM_WRITE_PROT,
                     UC_HOOK_MEM_WRITE_UNMAPPED, UC_MODE_64, UC_MODE_ARM, UC_PROT_ALL, Uc, UcError)
from unicorn import arm64_const as A
from unicorn import x86_const as X

MH_MAGIC_64, MH_EXECUTE = 0xFEEDFACF, 2
CPU_X86_64, CPU_ARM64 = 0x01000007, 0x0100000C
LC_SEGMENT_64, LC_MAIN, LC_UNIXTHREAD = 0x19, 0x80000028, 0x5
LC_DYLD_INFO, LC_DYLD_INFO_ONLY, LC_DYLD_CHAINED_FIXUPS = 0x22, 0x80000022, 0x80000034
LC_LOAD_DYLINKER, LC_LOAD_DYLIB = 0xE, 0xC
EXIT_STILL_RUNNING, EXIT_HARNESS = 124, 125
PAGE = 0x1000
# Where macOS puts the main thread's stack (below the shared region), and a
# page standing in for dyld's code: the entry "returns" there.
STACK_TOP = {CPU_X86_64: 0x7FF7_C000_0000, CPU_ARM64: 0x1_7000_0000}
DYLD_RETURN = 0x7FFF_0000_0000
SYSCALL_NAMES = {1: 'exit', 2: 'fork', 3: 'read', 4: 'write', 5: 'open', 6: 'close', 20: 'getpid', 74: 'mprotect', 197: 'mmap'}


def fail(message):
    print(f'macho-run: FAILED: {message}', file=sys.stderr)
    sys.exit(EXIT_HARNESS)


def page_up(value):
    return (value + PAGE - 1) & ~(PAGE - 1)


def parse(data):
    if len(data) < 32:
        fail('not a Mach-O file (too short)')
    magic, cpu, _sub, filetype, ncmds, _size, _flags, _res = struct.unpack_from('<IiiIIIII', data, 0)
    if magic != MH_MAGIC_64:
        fail(f'magic 0x{magic:08x}: not a thin 64-bit little-endian Mach-O')
    if cpu not in (CPU_X86_64, CPU_ARM64):
        fail(f'cpu type 0x{cpu:x}: only x86_64 and arm64')
    if filetype != MH_EXECUTE:
        fail(f'file type {filetype}: not an executable (MH_EXECUTE)')
    image = {'cpu': cpu, 'segments': [], 'entryoff': None, 'stacksize': 0, 'dylibs': [], 'dylinker': None}
    offset = 32
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack_from('<II', data, offset)
        if cmd == LC_SEGMENT_64:
            name = data[offset + 8:offset + 24].rstrip(b'\0').decode()
            vmaddr, vmsize, fileoff, filesize, _maxprot, initprot = struct.unpack_from('<QQQQii', data, offset + 24)
            image['segments'].append({'name': name, 'vmaddr': vmaddr, 'vmsize': vmsize, 'fileoff': fileoff, 'filesize': filesize, 'prot': initprot})
        elif cmd == LC_MAIN:
            image['entryoff'], image['stacksize'] = struct.unpack_from('<QQ', data, offset + 8)
        elif cmd == LC_UNIXTHREAD:
            fail('LC_UNIXTHREAD (a static executable\'s thread state) is not emulated; expected LC_MAIN')
        elif cmd in (LC_DYLD_INFO, LC_DYLD_INFO_ONLY):
            # Rebases need no work at the preferred address (no slide); binds need dyld.
            fields = struct.unpack_from('<10I', data, offset + 8)
            for kind, off, size in (('bind', fields[2], fields[3]), ('weak bind', fields[4], fields[5]), ('lazy bind', fields[6], fields[7])):
                if size and any(data[off:off + size]):
                    fail(f'the binary has {kind} opcodes: it imports symbols that dyld would bind, which this harness does not')
        elif cmd == LC_DYLD_CHAINED_FIXUPS:
            fail('LC_DYLD_CHAINED_FIXUPS: chained fixups (imports, rebases) are dyld\'s work, not emulated')
        elif cmd in (LC_LOAD_DYLINKER, LC_LOAD_DYLIB):
            name_offset = struct.unpack_from('<I', data, offset + 8)[0]
            name = data[offset + name_offset:offset + cmdsize].split(b'\0')[0].decode()
            if cmd == LC_LOAD_DYLINKER:
                image['dylinker'] = name
            else:
                image['dylibs'].append(name)
        offset += cmdsize
    if image['entryoff'] is None:
        fail('no LC_MAIN: no entry point for dyld to call')
    return image


class Machine:
    def __init__(self, path, data, image, trace, limit_instructions):
        self.path, self.data, self.image, self.trace = path, data, image, trace
        self.cpu = image['cpu']
        self.exit_code = None
        self.problem = None
        self.limit_instructions = limit_instructions
        if self.cpu == CPU_X86_64:
            self.uc = Uc(UC_ARCH_X86, UC_MODE_64)
            # The target's baseline CPU (rustc's x86_64-apple-darwin is built for Penryn).
            self.uc.ctl_set_cpu_model(X.UC_CPU_X86_PENRYN)
        else:
            self.uc = Uc(UC_ARCH_ARM64, UC_MODE_ARM)
            # apple-m1 code uses Armv8.4+ instructions; "max" has them all.
            self.uc.ctl_set_cpu_model(A.UC_CPU_ARM64_MAX)

    def log(self, line):
        if self.trace:
            print(f'macho-run: {line}', file=sys.stderr)

    def stop(self, problem=None, code=None):
        if problem is not None and self.problem is None:
            self.problem = problem
        if code is not None:
            self.exit_code = code
        self.uc.emu_stop()

    def map_segments(self):
        header = None
        for seg in self.image['segments']:
            if seg['prot'] == 0 or seg['vmsize'] == 0:
                self.log(f"{seg['name']}: 0x{seg['vmaddr']:x}+0x{seg['vmsize']:x} left unmapped (no access)")
                continue
            if seg['vmaddr'] % PAGE:
                fail(f"segment {seg['name']} at 0x{seg['vmaddr']:x} is not page-aligned")
            if seg['filesize'] > seg['vmsize'] or seg['fileoff'] + seg['filesize'] > len(self.data):
                fail(f"segment {seg['name']}: file range outside the file or larger than the segment")
            self.uc.mem_map(seg['vmaddr'], page_up(seg['vmsize']), seg['prot'])  # VM_PROT_* == UC_PROT_* (r=1 w=2 x=4)
            self.uc.mem_write(seg['vmaddr'], self.data[seg['fileoff']:seg['fileoff'] + seg['filesize']])
            prot = ''.join(c if seg['prot'] & bit else '-' for c, bit in (('r', 1), ('w', 2), ('x', 4)))
            self.log(f"{seg['name']}: mapped 0x{seg['vmaddr']:x}+0x{seg['vmsize']:x} {prot} from file offset 0x{seg['fileoff']:x} (0x{seg['filesize']:x} bytes)")
            if seg['fileoff'] == 0 and seg['filesize'] > 0:
                header = seg['vmaddr']
        if header is None:
            fail('no segment maps the Mach-O header (fileoff 0)')
        return header

    def build_stack(self):
        """The stack as the kernel and dyld leave it: strings on top, then apple[], envp[], argv[], argc."""
        size = page_up(self.image['stacksize'] or 8 << 20)
        top = STACK_TOP[self.cpu]
        self.uc.mem_map(top - size, size, 1 | 2)
        strings = self.path.encode() + b'\0' + b'executable_path=' + self.path.encode() + b'\0'
        pointer = (top - len(strings)) & ~15
        self.uc.mem_write(pointer, strings)
        argv0, apple0 = pointer, pointer + len(self.path) + 1
        vector = [1, argv0, 0, 0, apple0, 0]  # argc, argv[0], NULL, envp: NULL, apple[0], NULL
        sp = (pointer - 8 * len(vector)) & ~15
        self.uc.mem_write(sp, struct.pack(f'<{len(vector)}Q', *vector))
        return sp, sp + 8, sp + 24, sp + 32  # argc's address, argv, envp, apple

    def run(self, max_seconds):
        uc = self.uc
        header = self.map_segments()
        entry = header + self.image['entryoff']
        stack, argv, envp, apple = self.build_stack()
        uc.mem_map(DYLD_RETURN, PAGE, UC_PROT_ALL)
        uc.hook_add(UC_HOOK_CODE, self.on_return, begin=DYLD_RETURN, end=DYLD_RETURN)
        bad = UC_HOOK_MEM_READ_UNMAPPED | UC_HOOK_MEM_WRITE_UNMAPPED | UC_HOOK_MEM_FETCH_UNMAPPED
        uc.hook_add(bad | UC_HOOK_MEM_READ_PROT | UC_HOOK_MEM_WRITE_PROT | UC_HOOK_MEM_FETCH_PROT, self.on_bad_access)
        uc.hook_add(UC_HOOK_INTR, self.on_interrupt)
        # dyld calls the entry like main(argc, argv, envp, apple), with a return address.
        if self.cpu == CPU_X86_64:
            uc.hook_add(UC_HOOK_INSN, self.on_syscall_x86, arg1=X.UC_X86_INS_SYSCALL)
            sp = stack - 8
            uc.mem_write(sp, struct.pack('<Q', DYLD_RETURN))
            for reg, value in ((X.UC_X86_REG_RDI, 1), (X.UC_X86_REG_RSI, argv), (X.UC_X86_REG_RDX, envp),
                               (X.UC_X86_REG_RCX, apple), (X.UC_X86_REG_RSP, sp), (X.UC_X86_REG_RBP, 0)):
                uc.reg_write(reg, value)
        else:
            uc.reg_write(A.UC_ARM64_REG_CPACR_EL1, 3 << 20)  # FP/SIMD on, as for every macOS thread
            for reg, value in ((A.UC_ARM64_REG_X0, 1), (A.UC_ARM64_REG_X1, argv), (A.UC_ARM64_REG_X2, envp),
                               (A.UC_ARM64_REG_X3, apple), (A.UC_ARM64_REG_SP, stack), (A.UC_ARM64_REG_X29, 0),
                               (A.UC_ARM64_REG_X30, DYLD_RETURN)):
                uc.reg_write(reg, value)
        self.log(f"{'x86_64' if self.cpu == CPU_X86_64 else 'arm64'}: entry 0x{entry:x} (LC_MAIN entryoff 0x{self.image['entryoff']:x}), "
                 f"stack 0x{stack:x}; dyld {self.image['dylinker']} and {', '.join(self.image['dylibs']) or 'no dylib'} not loaded")
        started = time.monotonic()
        try:
            # count: Unicorn stops after exactly this many instructions.
            uc.emu_start(entry, 0, timeout=int(max_seconds * 1e6), count=self.limit_instructions)
        except UcError as error:
            if self.problem is None:
                self.problem = f'{error} at pc 0x{self.pc():x}'
        if self.problem is not None:
            fail(self.problem)
        if self.exit_code is None:
            seconds = time.monotonic() - started
            limit = f'{max_seconds} s' if seconds >= max_seconds else f'{self.limit_instructions} instructions'
            print(f'macho-run: still running after {limit} (no exit, no fault), pc 0x{self.pc():x}', file=sys.stderr)
            sys.exit(EXIT_STILL_RUNNING)
        sys.exit(self.exit_code & 0xFF)

    def pc(self):
        return self.uc.reg_read(X.UC_X86_REG_RIP if self.cpu == CPU_X86_64 else A.UC_ARM64_REG_PC)

    def on_return(self, uc, _address, _size, _data):
        value = uc.reg_read(X.UC_X86_REG_RAX if self.cpu == CPU_X86_64 else A.UC_ARM64_REG_X0) & 0xFFFFFFFF
        self.stop(f'the entry returned {value} to dyld (dyld would call exit({value})); the generated _start never returns')

    def on_bad_access(self, uc, access, address, size, _value, _data):
        self.stop(f'{size}-byte access (type {access}) at unmapped or forbidden address 0x{address:x}, pc 0x{self.pc():x}')
        return False

    def on_interrupt(self, uc, intno, _data):
        if self.cpu == CPU_ARM64 and intno == 2:  # EXCP_SWI: an svc; pc is already past it
            pc = uc.reg_read(A.UC_ARM64_REG_PC)
            word = struct.unpack('<I', uc.mem_read(pc - 4, 4))[0]
            if word != 0xD4001001:
                return self.stop(f'svc 0x{word:08x} at 0x{pc - 4:x}: Darwin system calls are svc #0x80')
            number = uc.reg_read(A.UC_ARM64_REG_X16)
            if number >> 63:
                return self.stop(f'Mach trap {number - (1 << 64)} at 0x{pc - 4:x}: not emulated')
            args = [uc.reg_read(r) for r in (A.UC_ARM64_REG_X0, A.UC_ARM64_REG_X1, A.UC_ARM64_REG_X2)]
            result = self.syscall(number, args, pc - 4)
            if result is not None:
                uc.reg_write(A.UC_ARM64_REG_X0, result)
                uc.reg_write(A.UC_ARM64_REG_X1, 0)
                uc.reg_write(A.UC_ARM64_REG_NZCV, uc.reg_read(A.UC_ARM64_REG_NZCV) & ~(1 << 29))  # C clear: success
            return None
        return self.stop(f'CPU exception {intno} at pc 0x{self.pc():x} (a trap instruction, e.g. ud2/udf/brk, or a fault)')

    def on_syscall_x86(self, uc, _data):
        rip = uc.reg_read(X.UC_X86_REG_RIP)  # the syscall instruction's address (2 bytes long)
        rax = uc.reg_read(X.UC_X86_REG_RAX)
        if rax >> 24 != 2:
            return self.stop(f'syscall class {rax >> 24} (rax 0x{rax:x}) at 0x{rip:x}: only the Unix class 0x2000000 is emulated')
        args = [uc.reg_read(r) for r in (X.UC_X86_REG_RDI, X.UC_X86_REG_RSI, X.UC_X86_REG_RDX)]
        result = self.syscall(rax & 0xFFFFFF, args, rip)
        if result is not None:
            flags = uc.reg_read(X.UC_X86_REG_EFLAGS) & ~1  # CF clear: success
            uc.reg_write(X.UC_X86_REG_RAX, result)
            uc.reg_write(X.UC_X86_REG_RDX, 0)
            uc.reg_write(X.UC_X86_REG_EFLAGS, flags)
            # `syscall`/`sysret` leave rcx = return address and r11 = flags.
            uc.reg_write(X.UC_X86_REG_RCX, rip + 2)
            uc.reg_write(X.UC_X86_REG_R11, flags)

    def syscall(self, number, args, pc):
        name = SYSCALL_NAMES.get(number, '?')
        if number == 4:  # write(fd, buf, count)
            fd, buf, count = args
            if fd not in (1, 2):
                return self.stop(f'write to fd {fd} at 0x{pc:x}: only stdout and stderr exist here')
            try:
                data = bytes(self.uc.mem_read(buf, count))
            except UcError:
                return self.stop(f'write({fd}, 0x{buf:x}, {count}) at 0x{pc:x}: the buffer is not mapped')
            (sys.stdout if fd == 1 else sys.stderr).buffer.write(data)
            (sys.stdout if fd == 1 else sys.stderr).flush()
            self.log(f'write({fd}, 0x{buf:x}, {count}) = {count}  {data!r}')
            return count
        if number == 1:  # exit(status)
            self.log(f'exit({args[0] & 0xFFFFFFFF}) at 0x{pc:x}')
            return self.stop(code=args[0] & 0xFFFFFFFF)
        return self.stop(f'Darwin system call {number} ({name}) at 0x{pc:x}: not emulated (only write and exit are)')


def main():
    parser = argparse.ArgumentParser(description='Execute a freestanding macOS Mach-O under Unicorn.')
    parser.add_argument('--trace', action='store_true', help='print the mapping and each system call to stderr')
    parser.add_argument('--max-instructions', type=int, default=50_000_000)
    parser.add_argument('--max-seconds', type=float, default=30)
    parser.add_argument('binary')
    options = parser.parse_args()
    with open(options.binary, 'rb') as file:
        data = file.read()
    image = parse(data)
    Machine(options.binary, data, image, options.trace, options.max_instructions).run(options.max_seconds)


if __name__ == '__main__':
    main()
