import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { backendFaultSchema, type BackendFault, type BackendName } from '../../common/training/backend';
import { writeJsonAtomic } from '../project/atomicWrite';

/**
 * The lab's memory of backends that failed a run (a GPU lost, out of memory, a shader that
 * did not compile), kept in `<dataDir>/backend-faults.json`: one entry per backend, the
 * newest. While an entry exists, runs that do not ask for that backend by name fall back to
 * the next one with a notice; a run that completes on it clears the entry.
 */
const FAULT_FILE = 'backend-faults.json';

const faultFileSchema = z.array(backendFaultSchema);

function faultFile(dataDir: string): string {
  return path.join(dataDir, FAULT_FILE);
}

/** The remembered faults; none when the file is missing or unreadable (it only ever holds hints). */
export async function readBackendFaults(dataDir: string): Promise<BackendFault[]> {
  try {
    const parsed = faultFileSchema.safeParse(JSON.parse(await fs.readFile(faultFile(dataDir), 'utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Remembers `fault`, replacing an older one of the same backend. */
export async function recordBackendFault(dataDir: string, fault: BackendFault): Promise<void> {
  const others = (await readBackendFaults(dataDir)).filter((entry) => entry.backend !== fault.backend);
  await writeJsonAtomic(faultFile(dataDir), [...others, fault]);
}

/** Forgets the fault of `backend` (a run completed on it). */
export async function clearBackendFault(dataDir: string, backend: BackendName): Promise<void> {
  const faults = await readBackendFaults(dataDir);
  const kept = faults.filter((entry) => entry.backend !== backend);
  if (kept.length !== faults.length) await writeJsonAtomic(faultFile(dataDir), kept);
}

/**
 * The faults a run should avoid: all remembered ones except the backend the run asks for
 * by name (an explicit choice is how a user tries a failed backend again).
 */
export function faultsToAvoid(faults: readonly BackendFault[], explicitlyRequested: BackendName | undefined): BackendFault[] {
  return faults.filter((fault) => fault.backend !== explicitlyRequested);
}
