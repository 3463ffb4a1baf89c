import { describe, expect, it } from 'vitest';
import os from 'node:os';
import { LabContext } from '../../../../main/api/labContext';
import { createSystemHandlers } from '../../../../main/api/systemHandlers';
import { systemInfoSchema } from '../../../../common/api/methods/system';

function handlersWith(backend?: string) {
  return createSystemHandlers(new LabContext({ dataDir: os.tmpdir(), allowedRoots: [os.tmpdir()], backend }));
}

describe('system handlers', () => {
  it('getSystemInfo reports version, platform, Node and the backend probe, computed once', async () => {
    const handlers = handlersWith();
    const info = systemInfoSchema.parse(await handlers.getSystemInfo({}));
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.node).toBe(process.versions.node);
    expect(info.platform).toBe(`${process.platform} ${process.arch}`);
    expect(info.dataDir).toBe(os.tmpdir());
    expect(info.license).toBe('MIT');
    expect(info.backend.candidates.map((c) => c.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(handlers.getSystemInfo({})).toBe(handlers.getSystemInfo({}));
  });

  it('honours the backend setting', async () => {
    const info = await handlersWith('cpu').getSystemInfo({});
    expect(info.backend.chosen).toBe('cpu');
    expect(info.backend.overridden).toBe(true);
  });

  it('rejects an unknown backend setting with BACKEND_UNAVAILABLE, and does not cache the failure', async () => {
    const handlers = handlersWith('tpu');
    await expect(handlers.getSystemInfo({})).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
    await expect(handlers.getSystemInfo({})).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
  });

  it('ping echoes the message with a timestamp', async () => {
    const before = Date.now();
    const reply = await handlersWith().ping({ message: 'hello' });
    expect(reply.message).toBe('hello');
    expect(Date.parse(reply.receivedAt)).toBeGreaterThanOrEqual(before - 1000);
  });
});
