import path from 'node:path';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { LabError, received } from '../../common/errors';
import type { CliCommand, CliIo } from './command';
import { defaultLabOptions } from '../api/defaultOptions';
import { allowedRealRoots, browserAllowList, BROWSER_FENCE_HINT } from '../api/paths';
import { repoRoot } from '../install/installFolder';
import { startLabServer } from '../server/labServer';
import { isLoopbackHost } from '../server/hostCheck';

/** Parsed `serve` options. */
export interface ServeOptions {
  port: number;
  host: string;
  open: boolean;
  /** Folder of the built renderer. */
  staticDir: string;
  /** Folders served besides the default ones (`--allow`, repeatable). */
  allow: string[];
  /** Host names the server answers to besides its own address (`--allow-host`, repeatable: a reverse proxy's name). */
  allowHosts: string[];
}

/**
 * Parses `serve` arguments.
 *
 * @throws LabError `API_BAD_INPUT` for an unknown flag or a bad port.
 */
export function parseServeArgs(args: string[]): ServeOptions {
  const options: ServeOptions = { port: 0, host: '127.0.0.1', open: false, staticDir: path.join(repoRoot(), 'dist', 'renderer'), allow: [], allowHosts: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const next = inline ?? args[++i];
      if (next === undefined) throw new LabError('API_BAD_INPUT', `Expected a value after ${flag}. ${received('args', args)}`, { field: flag });
      return next;
    };
    if (flag === '--port' || flag === '-p') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new LabError('API_BAD_INPUT', `Expected --port to be an integer in [0, 65535]. ${received('port', port)}`, { field: 'port' });
      }
      options.port = port;
    } else if (flag === '--host') options.host = value();
    else if (flag === '--open') options.open = true;
    else if (flag === '--static') options.staticDir = path.resolve(value());
    else if (flag === '--allow') options.allow.push(value());
    else if (flag === '--allow-host') options.allowHosts.push(value());
    else throw new LabError('API_BAD_INPUT', `Expected one of --port, --host, --open, --static, --allow, --allow-host. ${received('argument', arg)}`, { field: arg });
  }
  return options;
}

const SERVE_HELP = `  --port N           port to listen on (default: a free one)
  --host H           interface to bind (default 127.0.0.1; anything else exposes the lab to your network)
  --open             open the URL in the system browser
  --allow DIR        let the page read and write DIR too (repeatable); MODEL_LAB_ALLOW adds a
                     list of folders separated like PATH. By default: your home folder, the
                     temporary folder, Model Lab's data folder and its install folder.
  --allow-host NAME  answer requests whose Host is NAME too (repeatable), e.g. the name of a
                     reverse proxy in front of the lab; others get 403
`;

/** Builds the renderer with scripts/build.mjs when its index.html is missing. */
async function ensureRendererBuilt(staticDir: string, io: CliIo): Promise<void> {
  if (existsSync(path.join(staticDir, 'index.html'))) return;
  io.err(`The renderer is not built (${staticDir}); building it now…\n`);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot(), 'scripts', 'build.mjs'), '--renderer'], { stdio: ['ignore', 'inherit', 'inherit'], cwd: repoRoot() });
    child.on('exit', resolve);
    child.on('error', () => resolve(null));
  });
  if (code !== 0 || !existsSync(path.join(staticDir, 'index.html'))) {
    throw new LabError('IO_NOT_FOUND', `Expected the renderer build at ${staticDir} after \`npm run build\`. ${received('exitCode', code)}`, { path: staticDir });
  }
}

/** Opens `url` in the system browser; failures only print a hint (the URL is printed anyway). */
function openInBrowser(url: string, io: CliIo): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true });
  child.on('error', () => io.err(`Could not open a browser (${command} failed); open the URL above yourself.\n`));
  child.unref();
}

/** `model-lab serve`: browser mode, until Ctrl+C. */
export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'serve [--port N] [--host H] [--open] [--allow DIR]... [--allow-host NAME]...',
  description: 'Browser mode: serve the app on 127.0.0.1 with an access token and carry LabApi over a WebSocket.',
  async run(args, io, serviceFactory) {
    if (args.includes('--help') || args.includes('-h')) {
      io.out(`Usage: model-lab ${this.usage}\n\n${SERVE_HELP}`);
      return 0;
    }
    const options = parseServeArgs(args);
    const allowed = await browserAllowList(options.allow, process.env['MODEL_LAB_ALLOW']);
    await ensureRendererBuilt(options.staticDir, io);
    const service = await serviceFactory({ pathMode: 'fenced', allowedRoots: [...defaultLabOptions().allowedRoots, ...allowed], fenceHint: BROWSER_FENCE_HINT });
    const server = await startLabServer({ endpoint: service, staticDir: options.staticDir, host: options.host, port: options.port, allowedHosts: options.allowHosts });
    if (!isLoopbackHost(options.host)) {
      io.err(`warning: listening on ${options.host}: anyone on that network who has the token can use this lab and its files.\n`);
    }
    io.out(`Model Lab is running in browser mode. Open:\n\n    ${server.url}\n\n`);
    io.out(`Folders the page may read and write (add one with --allow DIR or MODEL_LAB_ALLOW):\n${(await allowedRealRoots(service.context)).map((root) => `    ${root}\n`).join('')}\n`);
    io.out(`Answers to Host: ${server.hosts.join(', ')}\n\nPress Ctrl+C to stop.\n`);
    if (options.open) openInBrowser(server.url, io);
    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await server.close();
    return 0;
  },
};
