//! Hello world for a Cortex-M microcontroller, with no crates at all.
//!
//! What `cortex-m-rt` and `cortex-m-semihosting` would do for you is spelled
//! out here: the vector table, the reset handler that prepares RAM (and the
//! FPU), and output through semihosting.
//!
//! Semihosting sends the text to the debugger (or QEMU) that runs the program.
//! On a real board it needs a debug probe attached (probe-rs, OpenOCD) and is
//! slow: every call halts the core. Without a probe the `bkpt` instruction
//! faults and the program stops for good. For a board that runs on its own,
//! write to a UART instead (its registers are in the chip's reference manual).
//!
//! To port this to a real chip: set the memory regions in `link.x` from its
//! datasheet, add its device interrupts after the exceptions below, and, if it
//! has one, feed or disable its watchdog early in `main`.
#![no_std]
#![no_main]

use core::arch::{asm, naked_asm};
use core::fmt::Write;
use core::panic::PanicInfo;

/// Entry 1 of the vector table: the address the core jumps to after reset.
/// Entry 0, the initial stack pointer, comes from `link.x`.
#[used]
#[unsafe(link_section = ".vector_table.reset_vector")]
static RESET_VECTOR: unsafe extern "C" fn() -> ! = reset;

/// Entries 2-15: the system exceptions. All go to one handler here; give
/// them their own functions when you need to (e.g. `SysTick` for a timer).
/// A real board's device interrupts (see its datasheet) would follow.
#[used]
#[unsafe(link_section = ".vector_table.exceptions")]
static EXCEPTIONS: [extern "C" fn(); 14] = [
    default_handler, // 2: NMI
    default_handler, // 3: HardFault
    default_handler, // 4: MemManage (not on ARMv6-M)
    default_handler, // 5: BusFault (not on ARMv6-M)
    default_handler, // 6: UsageFault (not on ARMv6-M)
    default_handler, // 7: SecureFault (ARMv8-M Mainline only)
    default_handler, // 8: reserved
    default_handler, // 9: reserved
    default_handler, // 10: reserved
    default_handler, // 11: SVCall
    default_handler, // 12: DebugMonitor (not on ARMv6-M)
    default_handler, // 13: reserved
    default_handler, // 14: PendSV
    default_handler, // 15: SysTick
];

/// Turn the FPU on before any float instruction runs: the hard-float targets
/// (`…-eabihf`) use its registers, it is off after reset, and the first float
/// instruction would fault. The other targets never touch it (a Cortex-M0/M3
/// has none). If you enable FP instructions on an `…-eabi` target with
/// `-C target-feature`, set this to `true` too.
const ENABLE_FPU: bool = cfg!(target_abi = "eabihf");

/// The reset handler. It runs before RAM holds what Rust expects, so it is
/// written in assembly (Thumb-1 instructions, valid on every Cortex-M):
/// zero `.bss`, copy `.data`'s initial values from flash, enable the FPU,
/// then call `main`. The `__s…`/`__e…` symbols come from `link.x`.
#[unsafe(no_mangle)]
#[unsafe(naked)]
unsafe extern "C" fn reset() -> ! {
    naked_asm!(
        // .bss = 0
        "ldr r0, =__sbss",
        "ldr r1, =__ebss",
        "movs r2, #0",
        "1:",
        "cmp r0, r1",
        "bhs 2f",
        "str r2, [r0]",
        "adds r0, #4",
        "b 1b",
        "2:",
        // .data = its initial values, stored in flash
        "ldr r0, =__sdata",
        "ldr r1, =__edata",
        "ldr r2, =__sidata",
        "3:",
        "cmp r0, r1",
        "bhs 4f",
        "ldr r3, [r2]",
        "adds r2, #4",
        "str r3, [r0]",
        "adds r0, #4",
        "b 3b",
        "4:",
        // FPU on: CPACR (0xE000ED88) |= full access to coprocessors 10 and 11.
        // `.if` keeps these lines out of the program when ENABLE_FPU is false.
        ".if {enable_fpu}",
        "ldr r0, =0xE000ED88",
        "ldr r1, [r0]",
        "ldr r2, =(0xF << 20)",
        "orrs r1, r2",
        "str r1, [r0]",
        "dsb",
        "isb",
        ".endif",
        // main never returns; `udf` faults if it somehow did.
        "bl {main}",
        "udf #0",
        enable_fpu = const ENABLE_FPU as u32,
        main = sym main,
    )
}

/// The program, called by `reset` once RAM is ready.
extern "C" fn main() -> ! {
    semihosting::write(app::GREETING.as_bytes());
    // panic!("Something went wrong"); // uncomment to see the panic handler at work
    semihosting::exit(0)
}

/// Every exception lands here. Report which one (IPSR holds its number:
/// 3 = HardFault) through the panic handler, rather than hang without a word.
/// (Without a debugger, the report itself faults and the core locks up.)
extern "C" fn default_handler() {
    let ipsr: u32;
    // SAFETY: reading IPSR has no side effects.
    unsafe { asm!("mrs {}, ipsr", out(reg) ipsr, options(nomem, nostack)) };
    panic!("unhandled exception {}", ipsr & 0x1FF);
}

#[cfg(not(test))]
#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    let _ = writeln!(app::Console(semihosting::write), "{info}");
    semihosting::exit(app::PANIC_EXIT_CODE)
}

/// ARM semihosting: `bkpt 0xAB` asks the debugger (here QEMU) to do an I/O
/// operation for the program, `r0` = operation, `r1` = its argument.
/// Replace this module with a UART driver for a board without a debugger.
mod semihosting {
    use core::arch::asm;

    const SYS_WRITEC: u32 = 0x03;
    const SYS_EXIT_EXTENDED: u32 = 0x20;
    const ADP_STOPPED_APPLICATION_EXIT: u32 = 0x20026;

    fn call(operation: u32, argument: *const u8) {
        // SAFETY: the debugger reads `argument` as the operation requires.
        unsafe {
            asm!(
                "bkpt 0xAB",
                inout("r0") operation => _,
                in("r1") argument,
                options(nostack),
            )
        };
    }

    /// Writes the bytes one at a time to the debugger's console (SYS_WRITE
    /// would take a whole buffer, but needs a file handle from SYS_OPEN).
    pub fn write(bytes: &[u8]) {
        for byte in bytes {
            call(SYS_WRITEC, byte);
        }
    }

    /// Ends the program; QEMU exits with `code` as its status. The extended
    /// call carries any status; plain SYS_EXIT on 32-bit Arm only tells 0 or 1.
    pub fn exit(code: i32) -> ! {
        let block = [ADP_STOPPED_APPLICATION_EXIT, code as u32];
        call(SYS_EXIT_EXTENDED, block.as_ptr().cast());
        // Without a debugger, or if it lets the program go on: stop here.
        loop {
            // SAFETY: `wfi` only waits for an interrupt.
            unsafe { asm!("wfi", options(nomem, nostack)) };
        }
    }
}
