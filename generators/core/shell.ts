/** A `cd` line that is safe to paste into a shell. */
export function cdCommand(directory: string): string {
  return /^[\w./-]+$/.test(directory) && !directory.startsWith('-') ? `cd ${directory}` : `cd ${JSON.stringify(directory)}`;
}
