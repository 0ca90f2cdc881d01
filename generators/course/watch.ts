/**
 * `check --watch` and `check --manual`: a student's loop. Check once, then
 * again after each save in the crate (`--watch`) or each Enter (`--manual`,
 * or where file events do not arrive); `q` quits with 0, Ctrl-C with the
 * command's 130 (io/signals.ts), which also ends a running cargo
 * (cargo.ts: stopCargo on exit). Never two checks at once: what happens
 * during one queues one more.
 *
 * Saves are seen with node:fs watch. On Linux, Node 20's recursive watch is
 * emulated with a watch per file, target/ included (3,000 for a small build),
 * and it misses every save after an editor's first save-by-rename; so there
 * each folder of the crate but target/ and .git/ gets a watch of its own (a
 * folder watch names its entries, however they are replaced), and new
 * folders are picked up before each run. Elsewhere (macOS, Windows) the
 * recursive watch is native.
 */
import { readdirSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { isatty } from 'node:tty';
import { createInterface } from 'node:readline';
import { isAbsolute, join, relative, sep } from 'node:path';
import { UsageError } from '../core/errors.js';
import { escapeControls } from '../core/shell.js';
import { asUsageError, showPath } from '../io/fs-errors.js';
import { print, printError } from '../io/output.js';
import { stopCargo } from './cargo.js';

/** Long enough that an editor's write, rename and touch are one save; short enough to feel immediate. */
export const debounceMs = 200;

export interface WatchOptions {
  /** No watcher: Enter checks again. */
  manual: boolean;
  /** One check, as the text to print. A UsageError of the first ends the watch (there is no crate to watch); later ones are printed. */
  check: () => Promise<string>;
  /** Where Enter and q come from: process.stdin, read on a terminal or with --manual. */
  input?: NodeJS.ReadableStream;
  /** node:fs watch; a test hands one that fails as a full inotify table does. */
  watch?: typeof fsWatch;
  /** Ends a running check (a cargo): on q. */
  stop?: () => void;
}

/** Editors' scratch files: vim's swap (rewritten every few seconds while it is open) and write test, backups, emacs' locks and autosaves, JetBrains' safe write. */
const scratchName = /(\.sw[a-px]|~|___jb_(tmp|old)___)$|^4913$|^\.#|^#.*#$/;

/**
 * Paths (relative, with /) whose changes are not the student's: cargo's target folders (and the
 * temporary folder a new one is made in and renamed from, its name and six random characters),
 * cargo's lock file, git's folder, editors' scratch.
 */
function ignoredPath(path: string, targetDirs: string[]): boolean {
  const parts = path.split('/');
  if (parts.includes('.git') || path === 'Cargo.lock') return true;
  if (targetDirs.some((dir) => path === dir || path.startsWith(`${dir}/`) || (path.startsWith(dir) && /^[A-Za-z0-9]{6}(\/|$)/.test(path.slice(dir.length))))) return true;
  return scratchName.test(parts[parts.length - 1]);
}

/** The crate's target/, and CARGO_TARGET_DIR when it is inside the crate, relative to it. */
function targetDirsIn(crate: string): string[] {
  const dirs = ['target'];
  const dir = process.env.CARGO_TARGET_DIR;
  if (!dir) return dirs;
  const rel = relative(crate, isAbsolute(dir) ? dir : join(crate, dir));
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) dirs.push(rel.split(sep).join('/'));
  return dirs;
}

interface Saves {
  /** Watches folders that appeared since (Linux); a watch that fails now throws. */
  resync(): void;
  close(): void;
}

/** Calls `onSave` with the relative path of each change in the crate (undefined when the platform does not say). Throws when no watch can be set up. */
function watchSaves(crate: string, onSave: (path: string | undefined) => void, watch: typeof fsWatch): Saves {
  const targetDirs = targetDirsIn(crate);
  const report = (path: string | undefined) => { if (path === undefined || !ignoredPath(path, targetDirs)) onSave(path); };
  if (process.platform !== 'linux') {
    const watcher = watch(crate, { recursive: true }, (_event, name) => report(name ? String(name).split(sep).join('/') : undefined));
    // A watch that failed sees nothing more: the next resync says so, and the loop falls back to Enter.
    let failure: unknown;
    watcher.on('error', (error) => { failure = error; report(undefined); });
    return { resync() { if (failure !== undefined) throw failure; }, close: () => watcher.close() };
  }
  const watchers = new Map<string, FSWatcher>();
  const watchFolder = (folder: string) => {
    const watcher = watch(join(crate, folder), (_event, name) => report(name ? (folder ? `${folder}/${name}` : String(name)) : undefined));
    // A folder removed under its watch: dropped now, and whatever replaced it is found by the next resync.
    watcher.on('error', () => { watcher.close(); watchers.delete(folder); report(undefined); });
    watchers.set(folder, watcher);
  };
  const resync = () => {
    const present = new Set<string>();
    const walk = (folder: string) => {
      let entries;
      try {
        entries = readdirSync(join(crate, folder), { withFileTypes: true });
      } catch {
        return; // gone (or unreadable) since its parent was read: the next save says what it became
      }
      present.add(folder);
      if (!watchers.has(folder)) {
        try {
          watchFolder(folder);
        } catch (error) {
          if (folder === '' || !['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
        }
      }
      for (const entry of entries) {
        const child = folder ? `${folder}/${entry.name}` : entry.name;
        // A Dirent of a link is no directory: a link to / is not watched whole.
        if (entry.isDirectory() && !ignoredPath(child, targetDirs)) walk(child);
      }
    };
    walk('');
    for (const [folder, watcher] of watchers) if (!present.has(folder)) { watcher.close(); watchers.delete(folder); }
  };
  const close = () => { for (const watcher of watchers.values()) watcher.close(); watchers.clear(); };
  try {
    resync();
  } catch (error) {
    close();
    throw error;
  }
  return { resync, close };
}

/** Why saves cannot be seen, in one line. */
function whyNoWatch(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'the system\'s limit of watched folders is reached (Linux: sysctl fs.inotify.max_user_watches)';
  if (code === 'EMFILE') return 'too many watches or open files (Linux: sysctl fs.inotify.max_user_instances)';
  return escapeControls(code ?? (error as Error).message ?? String(error));
}

const clock = () => new Date().toTimeString().slice(0, 8);

/** What changed, for a run's header: at most two names. */
function describeChanges(paths: Set<string | undefined>): string {
  const named = [...paths].filter((path): path is string => path !== undefined).map(showPath);
  if (named.length === 0) return 'a file changed';
  if (named.length <= 2) return `${named.join(' and ')} changed`;
  return `${named[0]} and ${named.length - 1} other files changed`;
}

/** Runs the loop until q (0), the end of --manual's input (0, after the runs it asked for), or a signal (the command's own exit). */
export function watchCrate(crate: string, options: WatchOptions): Promise<number> {
  const watch = options.watch ?? fsWatch;
  const stop = options.stop ?? stopCargo;
  // As the student named it: relative below the current folder, else absolute.
  const below = relative(process.cwd(), crate);
  const shown = showPath(below === '' ? '.' : below.startsWith('..') || isAbsolute(below) ? crate : below);
  let manual = options.manual;
  let label = manual ? 'check --manual' : 'check --watch';

  return new Promise<number>((resolve, reject) => {
    let saves: Saves | undefined;
    let lines: ReturnType<typeof createInterface> | undefined;
    let timer: NodeJS.Timeout | undefined;
    let runs = 0;
    let running = false;
    let queued: string | undefined;
    const changed = new Set<string | undefined>();
    // 'now': q (a running check is stopped and not shown); 'after': --manual's input ended.
    let ending: 'now' | 'after' | undefined;
    let settled = false;
    let keys = false;

    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      saves?.close();
      lines?.close();
      // A paused stdin lets the process end; readline's close pauses it.
      if (error === undefined) resolve(0); else reject(error);
    };

    const waiting = () => {
      const help = keys ? 'Enter checks again, q quits' : 'Ctrl-C stops';
      printError(manual ? `${label}: ${help}` : `${label}: waiting for a save in ${shown} (${help})`);
    };

    const run = (why: string) => {
      if (running) { queued = why; return; }
      running = true;
      runs += 1;
      // A blank line between runs, but where the terminal has just echoed the Enter that asked for it.
      if (runs > 1 && !(why === 'Enter' && isatty(0))) print('');
      print(`${label}: ${clock()}, run ${runs}: ${why}`);
      const first = runs === 1;
      options.check().then(
        (text) => { if (ending !== 'now') print(text); },
        (raw: unknown) => {
          const error = asUsageError(raw);
          // A later failure (Cargo.toml mid-rename, say) is the student's to fix while we wait; a bug is not.
          if (!(error instanceof UsageError) || first) throw error;
          if (ending !== 'now') printError(`create-freestanding: ${escapeControls(error.message)}`);
        },
      ).then(() => {
        running = false;
        if (ending === 'now') return finish();
        if (queued !== undefined) { const next = queued; queued = undefined; return run(next); }
        if (ending === 'after') return finish();
        waiting();
      }, finish);
    };

    const fallBack = (error: unknown) => {
      saves?.close();
      saves = undefined;
      printError(`${label}: cannot watch ${shown} for saves (${whyNoWatch(error)}); checking on Enter instead, as --manual does`);
      manual = true;
      label = 'check --manual';
      readInput();
    };

    const onSave = (path: string | undefined) => {
      changed.add(path);
      clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        try {
          saves?.resync();
        } catch (error) {
          fallBack(error);
        }
        const why = describeChanges(changed);
        changed.clear();
        run(why);
      }, debounceMs);
    };

    function readInput() {
      if (lines) return;
      const input = options.input ?? process.stdin;
      // Line by line, the terminal left as it is (no raw mode): Enter is a line, Ctrl-C the terminal's SIGINT.
      lines = createInterface({ input, terminal: false });
      keys = true;
      lines.on('line', (line) => {
        const word = line.trim().toLowerCase();
        if (word === 'q' || word === 'quit') {
          ending = 'now';
          if (running) stop(); else finish();
        } else if (word === '') run('Enter');
        else printError(`${label}: Enter checks again, q quits`);
      });
      // The end of input: --manual has nothing more to wait for; a watch goes on with saves.
      lines.on('close', () => {
        keys = false;
        if (settled || !manual) return;
        ending ??= 'after';
        if (!running && queued === undefined) finish();
      });
    }

    if (!manual) {
      try {
        saves = watchSaves(crate, onSave, watch);
      } catch (error) {
        // No folder at all: the first check says what is missing, in its own words.
        if (!['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) fallBack(error);
      }
    }
    // Keys are read on a terminal; without one only --manual reads (a pipe's lines), as a watch must not take a script's stdin.
    if (manual || (options.input ?? (isatty(0) ? process.stdin : undefined))) readInput();
    run(`started in ${shown}`);
  });
}
