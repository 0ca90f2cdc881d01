/**
 * What the command prints goes straight to file descriptors 1 and 2. The
 * first use of process.stdout or process.stderr builds a stream (for a pipe,
 * a net.Socket, loading Node's stream and net modules): more start-up time
 * than the rest of a scaffold's output costs. A pipe that cannot take the
 * text now (EAGAIN: its reader made it non-blocking and is behind) gets the
 * rest through the stream, which waits; a reader that is gone (EPIPE, as
 * after `| head -1`) gets nothing more, and the run's exit status stands.
 */
import { writeSync } from 'node:fs';

function writeLine(fd: 1 | 2, text: string): void {
  const bytes = Buffer.from(`${text}\n`);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(fd, bytes, written);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN') (fd === 1 ? process.stdout : process.stderr).write(bytes.subarray(written));
    else if (code !== 'EPIPE') throw error;
  }
}

/** One line (or several, joined with newlines) on stdout. */
export const print = (text: string): void => writeLine(1, text);

/** One line on stderr. */
export const printError = (text: string): void => writeLine(2, text);
