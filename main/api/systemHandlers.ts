import process from 'node:process';
import type { LabHandlers } from '../../common/api/labApi';
import type { SystemInfo } from '../../common/api/methods/system';
import { parseBackendName, probeBackends } from '../engine/backend';
import { readBackendFaults } from '../engine/backendFaultLog';
import { defaultLabOptions, packageLicense } from './defaultOptions';
import type { LabContext } from './labContext';

type SystemHandlers = Pick<LabHandlers, 'getSystemInfo' | 'ping'>;

/**
 * Handlers of the system methods: what runs where, and a transport round trip.
 * `getSystemInfo` probes the backends without loading any (packages on disk, GPUs via
 * nvidia-smi, a WebGPU adapter) once per service: that cannot change while the lab runs,
 * and the UI asks on every window load. The backends that failed a run are read each time,
 * since a run may fail while the lab runs.
 */
export function createSystemHandlers(context: LabContext): SystemHandlers {
  const systemInfo = async (): Promise<SystemInfo> => ({
    version: defaultLabOptions().version,
    platform: `${process.platform} ${process.arch}`,
    node: process.versions.node,
    backend: await probeBackends({ preference: parseBackendName(context.options.backend), avoid: await readBackendFaults(context.options.dataDir) }),
    dataDir: context.options.dataDir,
    license: packageLicense(),
  });
  return {
    getSystemInfo: () => systemInfo(),
    ping: async ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
  };
}
