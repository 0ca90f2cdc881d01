/**
 * SIGINT, SIGTERM and SIGHUP end a run with 130, 143 and 129, and a message
 * that says truthfully what is on disk. Outside a write, the run stops at once.
 * During one, the write is told (a plain record, not an AbortController:
 * nothing here listens for an abort, and loading one costs ~0.4 ms of a
 * start) and ends first, rolled back before its commit point, or complete
 * after it; then it rejects with InterruptedError.
 */
import { UsageError } from '../core/errors.js';
import { showPath } from './fs-errors.js';

export const signalExitCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type HandledSignal = keyof typeof signalExitCodes;

/** Interrupted by a signal: exit 130, 143 or 129; the message says whether anything was written. */
export class InterruptedError extends UsageError {
  override readonly exitCode: number;
  constructor(signal: HandledSignal, written?: string) {
    super(written ? `interrupted; the project was written completely to ${showPath(written)}` : 'interrupted; nothing was written');
    this.exitCode = signalExitCodes[signal];
  }
}

/** A write's record of a signal received while it runs. */
export interface Interruption {
  signal?: HandledSignal;
}

const activeWrites = new Set<Interruption>();
let completedWrite: string | undefined;
let received: HandledSignal | undefined;

/** Registers a write: a signal from now on is recorded for it rather than ending the process. */
export function beginWrite(): Interruption {
  const interruption: Interruption = received ? { signal: received } : {};
  activeWrites.add(interruption);
  return interruption;
}

/** Ends a write; `written` is where it put a complete project, if it did. */
export function endWrite(interruption: Interruption, written?: string): void {
  activeWrites.delete(interruption);
  if (written) completedWrite = written;
}

/** Lets a signal that arrived during synchronous work reach its handler (signals are delivered between event-loop turns). */
export const letSignalsIn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The signal received so far, if any: a front end checks it before reporting success. */
export const receivedSignal = (): HandledSignal | undefined => received;

/** Installs the handlers; `exit` is called with the message and exit status when the run must stop now. */
export function exitOnSignals(exit: (message: string, exitCode: number) => void): void {
  for (const signal of Object.keys(signalExitCodes) as HandledSignal[]) {
    process.on(signal, () => {
      received ??= signal;
      if (activeWrites.size > 0) {
        for (const write of activeWrites) write.signal = signal;
        return;
      }
      const error = new InterruptedError(signal, completedWrite);
      exit(error.message, error.exitCode);
    });
  }
}
