import { describe, expect, it } from 'vitest';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LabContext } from '../../../../main/api/labContext';
import { createSystemHandlers } from '../../../../main/api/systemHandlers';
import { recordBackendFault } from '../../../../main/engine/backendFaultLog';
import { systemInfoSchema } from '../../../../common/api/methods/system';

function handlersWith(backend?: string, dataDir = os.tmpdir()) {
  return createSystemHandlers(new LabContext({ dataDir, allowedRoots: [os.tmpdir()], backend }));
}

describe('system handlers', () => {
  it('getSystemInfo reports version, platform, Node and the backend probe', async () => {
    const handlers = handlersWith();
    const info = systemInfoSchema.parse(await handlers.getSystemInfo({}));
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.node).toBe(process.versions.node);
    expect(info.platform).toBe(`${process.platform} ${process.arch}`);
    expect(info.dataDir).toBe(os.tmpdir());
    expect(info.license).toBe('MIT');
    expect(info.backend.candidates.map((c) => c.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']);
  });

  it('shows a backend that failed a run as skipped, from the moment the failure is recorded', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'system-'));
    try {
      const handlers = handlersWith('cpu', dataDir);
      expect((await handlers.getSystemInfo({})).backend.notice).toBeUndefined();
      await recordBackendFault(dataDir, { backend: 'cpu', device: 'CPU (JavaScript, 1 thread)', reason: 'The GPU reported an error.', runId: 'run-1', at: '2026-12-04T10:00:00.000Z' });
      const info = await handlers.getSystemInfo({});
      expect(info.backend.chosen).not.toBe('cpu');
      expect(info.backend.notice).toMatch(/^cpu is not used because run run-1 failed on CPU \(JavaScript, 1 thread\)/);
      expect(info.backend.candidates.find((c) => c.name === 'cpu')).toMatchObject({ available: false, reason: expect.stringMatching(/^skipped: run run-1 failed on it/) });
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
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
