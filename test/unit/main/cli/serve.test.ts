import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseServeArgs } from '../../../../main/cli/serve';
import { LabError } from '../../../../common/errors';

describe('parseServeArgs', () => {
  it('defaults to loopback, a free port and no browser', () => {
    const options = parseServeArgs([]);
    expect(options).toMatchObject({ host: '127.0.0.1', port: 0, open: false });
    expect(options.staticDir.endsWith(path.join('dist', 'renderer'))).toBe(true);
  });

  it('reads --port, --host, --open and --static in both spellings', () => {
    expect(parseServeArgs(['--port', '8123', '--host=0.0.0.0', '--open', '--static', '/tmp/site'])).toEqual({ port: 8123, host: '0.0.0.0', open: true, staticDir: path.resolve('/tmp/site'), allow: [], allowHosts: [] });
    expect(parseServeArgs(['-p=9000']).port).toBe(9000);
  });

  it('collects every --allow folder and --allow-host name', () => {
    expect(parseServeArgs(['--allow', '/data', '--allow=/mnt/disk', '--allow-host', 'lab.example.org', '--allow-host=proxy'])).toMatchObject({ allow: ['/data', '/mnt/disk'], allowHosts: ['lab.example.org', 'proxy'] });
  });

  it.each([[['--allow']], [['--allow-host']], [['--port', '70000']], [['--port', 'abc']], [['--port']], [['--verbose']]])('rejects %j with API_BAD_INPUT', (args) => {
    let error: unknown;
    try {
      parseServeArgs(args);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).code).toBe('API_BAD_INPUT');
  });
});
