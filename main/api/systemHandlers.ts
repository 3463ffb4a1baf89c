import process from 'node:process';
import type { LabHandlers } from '../../common/api/labApi';
import type { SystemInfo } from '../../common/api/methods/system';
import { parseBackendName, probeBackends } from '../engine/backend';
import { defaultLabOptions, packageLicense } from './defaultOptions';
import type { LabContext } from './labContext';

type SystemHandlers = Pick<LabHandlers, 'getSystemInfo' | 'ping'>;

/**
 * Handlers of the system methods: what runs where, and a transport round trip.
 * `getSystemInfo` probes the backends without loading any (packages on disk, GPUs via
 * nvidia-smi) and is computed once per service: the answer cannot change while the lab
 * runs, and the UI asks for it on every window load.
 */
export function createSystemHandlers(context: LabContext): SystemHandlers {
  let info: Promise<SystemInfo> | undefined;
  const systemInfo = async (): Promise<SystemInfo> => ({
    version: defaultLabOptions().version,
    platform: `${process.platform} ${process.arch}`,
    node: process.versions.node,
    backend: await probeBackends({ preference: parseBackendName(context.options.backend) }),
    dataDir: context.options.dataDir,
    license: packageLicense(),
  });
  return {
    getSystemInfo: () => {
      info ??= systemInfo().catch((error: unknown) => {
        // A failed probe is not cached, so fixing the setting and asking again works.
        info = undefined;
        throw error;
      });
      return info;
    },
    ping: async ({ message }) => ({ message, receivedAt: new Date().toISOString() }),
  };
}
