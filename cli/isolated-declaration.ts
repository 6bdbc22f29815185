/**
 * A declaration module is a program, and a merged pull request's runs wherever synth runs next:
 * every admin's machine (their files, their environment: a GitHub token, a kubeconfig) and the
 * check jobs. So it runs in a child Node process under Node's permission model, with no
 * environment: it may read its own folder, the installed packages and its bundle, and nothing else;
 * it writes no file, starts no process or worker thread, and loads no native addon. It hands back
 * what it declares as data (constructs/declared.ts), which orgctl judges and renders in its own
 * process.
 *
 * Node calls its permission model a seat belt, not a sandbox against code written to escape it,
 * and it follows symbolic links: a link in a readable folder to a file elsewhere would be read
 * through. So no such link may be there (reachOf). Node 20's leaves the network and signals open,
 * and files written from C++ (V8's flags, the trace file): bin/declaration.mjs closes their
 * JavaScript ways before the declaration loads.
 */
import { spawn } from 'node:child_process';
import { type Dirent, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type DeclarationMessage, readDeclarationMessage } from '../constructs/declared.ts';
import { MAX_SPEC_BYTES } from '../constructs/spec.ts';
import { ModuleError } from '../model/errors.ts';
import { terminalText } from '../model/text.ts';
import { folderAbove } from './paths.ts';

/** What the child may read: whole folders, and single files. */
export interface Reach {
  /** The declaration's folder (unless it is the project's root), and each node_modules above it. */
  readonly folders: readonly string[];
  readonly files: readonly string[];
  /**
   * The folder it runs in: its project's root (where `npm run synth` runs), wherever orgctl is run
   * (the folder the admin is in is not its to know, R88-2); a read relative to it works the same.
   * Else its first folder.
   */
  readonly root?: string;
}

/** Node 22.13+ and 23.5+ name it --permission; Node 20 only --experimental-permission. */
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission')
  ? '--permission'
  : '--experimental-permission';

/**
 * How long a declaration may run: the example's runs in 0.3 s (its whole check in 0.7 s), and one
 * still running after a minute is a loop that never ends, which would hold every admin's synth and
 * the check job until its own limit (R80-5).
 */
const TIME_LIMIT_MS = 60_000;

/**
 * How much memory a declaration may hold (resident): V8's heap is limited by Node (a few GB), the
 * Buffers outside it are not, and a declaration filling them took the machine's (R88-6). The
 * example's declaration holds about 70 MB; the limit is far above any organization's data.
 */
const MEMORY_LIMIT_BYTES = 4 * 2 ** 30;

/** The guard's exit code when it stopped the declaration for its memory (handed to bin/declaration-guard.mjs). */
const OVER_MEMORY = 86;

/**
 * What a declaration may send: its data is no larger than a spec declaring it may be. Held in
 * orgctl's memory until the child ends, a flood of it would exhaust it (R81-3).
 */
const MESSAGE_LIMIT_BYTES = MAX_SPEC_BYTES.json;

/** What of a declaration's own printing is shown (its debugging lines fit), then only counted: a flood fills the terminal, or the check job's log (R81-3). */
const PRINTED_LIMIT = 2 ** 20;

/**
 * What ends orgctl from outside (Ctrl-C, which the child gets too and may ignore; a cancelled job;
 * a closed terminal): the child is stopped first, or it runs on, orphaned, past any limit (R81-4).
 */
const ENDING_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Node's modules a declaration may load, by name (`fs` admits `fs/promises`): what building data
 * needs (its folder's files, paths, URLs, hashes, text) and what cdk8s and its packages load
 * (child_process: starting a process is refused by the permission model), and those whose ways
 * bin/declaration.mjs closes one by one (the network's, the inspector, V8's flags, tracing, the
 * module loader's), refused as what they do. Any other is refused by name (R88-4): vm compiles
 * code that imports past the bundle's checks, and a module a later Node adds is refused until
 * looked at, where a list of what is closed would let it through.
 */
export const DECLARATION_BUILTINS: readonly string[] = [
  ...['assert', 'buffer', 'console', 'constants', 'crypto', 'events', 'fs', 'os', 'path', 'process'],
  ...['punycode', 'querystring', 'stream', 'string_decoder', 'timers', 'tty', 'url', 'util', 'zlib'],
  ...['child_process', 'dgram', 'dns', 'http', 'http2', 'https', 'inspector', 'module', 'net', 'tls'],
  ...['trace_events', 'v8', 'wasi', 'worker_threads'],
];

/** A module of Node's that DECLARATION_BUILTINS does not admit, by the name it was asked for; undefined when it does. */
export const unusedBuiltin = (name: string): string | undefined => {
  const bare = name.replace(/^node:/, '');
  return DECLARATION_BUILTINS.includes(bare.split('/')[0]!)
    ? undefined
    : `loads node:${bare}, a module of Node's a declaration has no use for: a declaration may not`;
};

/** The child's entry (plain JavaScript), beside the launcher. */
const ENTRY = join('bin', 'declaration.mjs');

/** What starts the child and ends it when orgctl ends, even by SIGKILL (R88-3). */
const GUARD = join('bin', 'declaration-guard.mjs');

const exists = (path: string): boolean => lstatSync(path, { throwIfNoEntry: false }) !== undefined;

/**
 * A folder as given and as it really is (node_modules may be a link to a shared install: Node
 * checks the path a file is opened by, and esbuild names packages by their real paths).
 */
function bothSpellings(path: string): string[] {
  try {
    const real = realpathSync(path);
    return real === path ? [path] : [path, real];
  } catch {
    return [path];
  }
}

/** Whether the declaration may read a file (its bundle may hold it), by its real path. */
export const mayRead = (path: string, reach: Reach): boolean =>
  reach.files.includes(path) || inside(path, reach.folders);

const inside = (path: string, folders: readonly string[]): boolean =>
  folders.some((f) => path === f || path.startsWith(f.endsWith(sep) ? f : `${f}${sep}`));

/** The node_modules folder an installed package sits in (`…/node_modules/x`, `…/node_modules/@s/x`), if it is one. */
function installedIn(folder: string): string | undefined {
  const parent = dirname(folder);
  const modules = basename(parent).startsWith('@') ? dirname(parent) : parent;
  return basename(modules) === 'node_modules' ? modules : undefined;
}

/** A link, when it leads outside what may be read, with where it leads. */
export interface LeavingLink {
  readonly link: string;
  readonly target: string;
}

/**
 * What the declaration may read: its folder, when it is a folder of its own (org/) — a project's
 * root, which holds package.json or .git (a checkout's credentials, .env files), is not readable,
 * only the declaration itself — and every node_modules from there up, where its packages are found,
 * with the node_modules of every installed package one of them links to (a shared install, pnpm's
 * store). Or the first link that leads elsewhere (a `file:` dependency names any folder; a link in
 * org/ any file): Node would read through it. Each is walked whole, links anywhere in it.
 */
export function reachOf(declaration: string): Reach | LeavingLink {
  const folder = dirname(declaration);
  const ownFolder = !exists(join(folder, 'package.json')) && !exists(join(folder, '.git'));
  /** Each folder granted as given and as it really is, and the real ones apart (where a link may lead). */
  const granted = new Set<string>();
  const real: string[] = [];
  const grant = (f: string): void => {
    const spellings = bothSpellings(f);
    for (const p of spellings) granted.add(p);
    real.push(spellings.at(-1)!);
  };
  const queue: string[] = [];
  for (let dir = folder; ; dir = dirname(dir)) {
    if (exists(join(dir, 'node_modules'))) queue.push(join(dir, 'node_modules'));
    if (dirname(dir) === dir) break;
  }
  for (const f of queue) grant(f);
  // Every folder, whole, each once (org/node_modules is org/'s too): npm makes no link inside a
  // package, but git checks one out anywhere (an ignored folder too), and npm ci leaves
  // org/node_modules (R80-1).
  const links: string[] = [];
  const walked = new Set<string>();
  const walk = (dir: string): void => {
    if (walked.has(dir)) return;
    walked.add(dir);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    // Joined by hand, as path.join would (dir is absolute and normalized, a name holds no
    // separator): its normalizing was 60% of a walk of about 1,000 folders (65 -> 27 ms), each check.
    const under = dir.endsWith(sep) ? dir : `${dir}${sep}`;
    for (const e of entries) {
      if (e.isSymbolicLink()) links.push(under + e.name);
      else if (e.isDirectory()) walk(under + e.name);
    }
  };
  // Each node_modules, and each one a linked package brings in: its links judged once all are known.
  while (queue.length) {
    const before = links.length;
    walk(queue.shift()!);
    for (const link of links.slice(before)) {
      const target = realTarget(link);
      const installed = target && installedIn(target);
      if (installed && !inside(target, real)) {
        grant(installed);
        queue.push(installed);
      }
    }
  }
  if (ownFolder) walk(folder);
  const readable = ownFolder ? [...real, bothSpellings(folder).at(-1)!] : real;
  for (const link of links) {
    const target = realTarget(link);
    if (target !== undefined && !inside(target, readable)) return { link, target };
  }
  return {
    folders: [...new Set([...(ownFolder ? bothSpellings(folder) : []), ...granted])],
    files: ownFolder ? [] : [declaration],
    root: folderAbove(declaration, 'package.json') ?? folder,
  };
}

/** Where a link leads, really; undefined for a dangling one (which reads nothing). */
function realTarget(link: string): string | undefined {
  try {
    return realpathSync(link);
  } catch {
    return undefined;
  }
}

/** A line of the declaration's printing on the process's stderr, as orgctl's own lines are (cli/io.ts): for a caller with no Io. */
const toStderr = (line: string): void => {
  process.stderr.write(`${process.stderr.isTTY ? terminalText(line) : line}\n`);
};

/** How runIsolated runs a declaration: its limits (a test's are smaller), and where what it prints goes. */
export interface IsolatedRunOptions {
  /** @default TIME_LIMIT_MS */
  readonly timeLimitMs?: number;
  /** @default MEMORY_LIMIT_BYTES */
  readonly memoryLimitBytes?: number;
  /** @default toStderr (the process's stderr, for a caller with no Io) */
  readonly printedLine?: (line: string) => void;
}

/**
 * Runs the bundle in a child process with only `reach` readable and no environment, and reads what
 * it sends back. Its stdout and stderr go to orgctl's stderr, a line at a time (`printedLine`: the
 * command's io.err, which in-process runs see too): what it prints never mixes into orgctl's output
 * (`--format json`), and on a terminal nothing in it drives the terminal (OSC 52 would set the
 * clipboard the admin pastes from): terminalText, as orgctl's own lines.
 */
export function runIsolated(
  bundle: string,
  reach: Reach,
  engineRoot: string,
  {
    timeLimitMs = TIME_LIMIT_MS,
    memoryLimitBytes = MEMORY_LIMIT_BYTES,
    printedLine = toStderr,
  }: IsolatedRunOptions = {},
): Promise<DeclarationMessage> {
  const args = [
    PERMISSION_FLAG,
    ...[...reach.folders, ...reach.files, bundle, join(engineRoot, ENTRY)].map((p) => `--allow-fs-read=${p}`),
    '--disable-warning=ExperimentalWarning',
    // eval and new Function would import() a path the bundle never shows (R88-1).
    '--disallow-code-generation-from-strings',
    join(engineRoot, ENTRY),
    pathToFileURL(bundle).href,
    DECLARATION_BUILTINS.join(','),
  ];
  return new Promise((resolve, reject) => {
    // Through the guard, which ends it when its stdin (this pipe) closes: when orgctl ends it, or
    // orgctl ends. Never signalled itself: a SIGKILL would leave the declaration running.
    const child = spawn(
      process.execPath,
      [join(engineRoot, GUARD), String(memoryLimitBytes), String(OVER_MEMORY), ...args],
      {
        stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
        env: {},
        cwd: reach.root ?? reach.folders[0],
      },
    );
    const end = (): void => {
      child.stdin!.destroy();
    };
    /** Why orgctl stopped it, when it did. */
    let stopped: string | undefined;
    const stop = (why: string): void => {
      stopped ??= why;
      end();
    };
    let printed = 0;
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8'); // a character split between two reads is kept whole
      /** The stream's line begun and not ended yet: each stream's own, or its halves and another's lines mix. */
      let begun = '';
      stream.on('data', (text: string) => {
        const shown = printed < PRINTED_LIMIT ? text.slice(0, PRINTED_LIMIT - printed) : '';
        printed += text.length;
        if (!shown) return;
        const lines = shown.split('\n');
        lines[0] = `${begun}${lines[0]}`;
        begun = lines.pop() ?? '';
        for (const line of lines) printedLine(line);
      });
      // Its last line, ended by the stream (before 'close', which may say what was not shown).
      stream.on('end', () => {
        if (begun) printedLine(begun);
        begun = '';
      });
    }
    const chunks: Buffer[] = [];
    let sent = 0;
    child.stdio[3]!.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (sent <= MESSAGE_LIMIT_BYTES) chunks.push(chunk);
      else
        stop(
          `the process that runs the declaration sent more than ${MESSAGE_LIMIT_BYTES / 2 ** 20} MB, more than a declaration's data may be (as a spec may be), and was stopped`,
        );
    });
    const endThenSignal = (signal: NodeJS.Signals): void => {
      end();
      forget();
      process.kill(process.pid, signal); // as if orgctl had no handler: it ends by the signal
    };
    const forget = (): void => {
      process.off('exit', end);
      for (const s of ENDING_SIGNALS) process.off(s, endThenSignal);
    };
    process.on('exit', end);
    for (const s of ENDING_SIGNALS) process.on(s, endThenSignal);
    child.on('error', (e) => {
      forget();
      reject(e);
    });
    const timer = setTimeout(
      () =>
        stop(
          `the declaration did not finish within ${timeLimitMs / 1000} s, and was stopped: a loop that never ends, a timer or promise that keeps it running, or work that grows faster than the organization (a loop over every pair of people); a declaration runs in well under a second (the example's in 0.3 s), and the limit is fixed`,
        ),
      timeLimitMs,
    );
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      forget();
      if (printed > PRINTED_LIMIT)
        printedLine(`… the declaration printed ${Math.ceil((printed - PRINTED_LIMIT) / 2 ** 20)} MB more, not shown`);
      if (stopped) return reject(new ModuleError(stopped));
      if (code === OVER_MEMORY)
        return reject(
          new ModuleError(
            `the declaration used more than ${memoryLimitBytes / 2 ** 20} MB of memory, and was stopped: a declaration's data fits in far less (the example's run holds about 70 MB)`,
          ),
        );
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text)
        return reject(
          new ModuleError(
            `the process that runs the declaration ended (${signal ? `signal ${signal}` : `exit code ${code}`}) before it said what it declares`,
          ),
        );
      try {
        resolve(readDeclarationMessage(text));
      } catch (e) {
        reject(new ModuleError(`the process that runs the declaration sent what is not a declaration (${String(e)})`));
      }
    });
  });
}
