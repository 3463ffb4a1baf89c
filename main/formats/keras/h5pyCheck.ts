import { execFile } from 'node:child_process';
import type { ModelGraph } from '../../../common/graph/schema';
import { LabError, received } from '../../../common/errors';
import type { LayerWeights } from '../layerWeights';
import { kerasLayerOrder } from './kerasLayerOrder';
import { kerasClassOf } from './kerasModelConfig';
import { kerasVariablePaths } from './kerasV3Format';

/**
 * A second opinion on a written Keras file from outside Model Lab: where a Python with
 * h5py is present, it opens the file (the `.keras` archive's `model.weights.h5` through
 * Python's zipfile) and lists what Keras will look for — the model config's class, and
 * the weight arrays of each layer (`.h5`: `model_weights/<layer>` in `weight_names`
 * order; `.keras`: `layers/<class>[_n]/vars/<i>`) — which must match the model's own.
 * Without such a Python the check is skipped and says so (null).
 */

/** What the structure check found, for the verification record. */
export interface StructureCheck {
  /** `h5py 3.10.0 (Python 3.12.3)` */
  checker: string;
  /** What was checked, in words. */
  detail: string;
}

/** Seconds a Python run may take (its first h5py import can be slow on a busy machine). */
const PYTHON_TIMEOUT_MS = 60_000;

/** Interpreters tried in order: `MODEL_LAB_PYTHON`, then the usual names. */
export function pythonCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env['MODEL_LAB_PYTHON'], 'python3', '/usr/bin/python3', 'python'].filter((entry): entry is string => typeof entry === 'string' && entry.length > 0);
}

function run(python: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, [...args], { encoding: 'utf8', timeout: PYTHON_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}${stderr ? `: ${stderr.trim().split('\n').at(-1) ?? ''}` : ''}`));
      else resolve(stdout);
    });
  });
}

const probes = new Map<string, Promise<{ python: string; checker: string } | null>>();

/** The first interpreter of `candidates` that imports h5py, with its versions; null when none does. Asked once per list. */
export function findH5py(candidates: readonly string[] = pythonCandidates()): Promise<{ python: string; checker: string } | null> {
  const key = candidates.join('\n');
  let probe = probes.get(key);
  if (!probe) {
    probe = (async () => {
      for (const python of candidates) {
        try {
          const versions = (await run(python, ['-c', 'import h5py, platform; print(h5py.__version__, platform.python_version())'])).trim().split(/\s+/);
          return { python, checker: `h5py ${versions[0] ?? '?'} (Python ${versions[1] ?? '?'})` };
        } catch {
          // Not there, or without h5py: try the next.
        }
      }
      return null;
    })();
    probes.set(key, probe);
  }
  return probe;
}

/** Lists a Keras file's model class and weight arrays, as h5py reads them. */
const DUMP_SCRIPT = `
import h5py, io, json, sys, zipfile
kind, path = sys.argv[1], sys.argv[2]
def text(v):
    return v.decode("utf8") if isinstance(v, bytes) else str(v)
if kind == "h5":
    f = h5py.File(path, "r")
    config = json.loads(text(f.attrs["model_config"]))
    weights = f["model_weights"]
    groups = {}
    for name in weights.attrs["layer_names"]:
        name = text(name)
        names = [text(n) for n in weights[name].attrs["weight_names"]]
        groups[name] = [list(weights[name][n].shape) for n in names]
    print(json.dumps({"className": config["class_name"], "groups": groups}))
else:
    archive = zipfile.ZipFile(path)
    config = json.loads(archive.read("config.json"))
    f = h5py.File(io.BytesIO(archive.read("model.weights.h5")), "r")
    groups = {}
    def visit(name, item):
        if isinstance(item, h5py.Group) and name.endswith("/vars"):
            keys = sorted((k for k in item.keys() if k.isdigit()), key=int)
            groups[name] = [list(item[k].shape) for k in keys]
    f.visititems(visit)
    print(json.dumps({"className": config["class_name"], "groups": groups}))
`;

/** What h5py listed: the model config's class and each group's weight shapes. */
export interface KerasFileListing {
  className: string;
  groups: Record<string, number[][]>;
}

/**
 * The groups of weight arrays the file must hold for `graph`: by layer name in `.h5`, by
 * variable path in `.keras`; layers without weights are left out.
 */
export function expectedWeightGroups(format: 'h5' | 'keras', graph: ModelGraph, weights: readonly LayerWeights[]): Map<string, number[][]> {
  const byLayer = new Map(weights.map((entry) => [entry.layer, entry.weights.map((weight) => [...weight.shape])]));
  const expected = new Map<string, number[][]>();
  if (format === 'h5') {
    for (const [layer, shapes] of byLayer) if (shapes.length > 0) expected.set(layer, shapes);
    return expected;
  }
  const order = kerasLayerOrder(graph);
  const paths = kerasVariablePaths(order.map(kerasClassOf));
  order.forEach((node, index) => {
    const shapes = byLayer.get(node.name) ?? [];
    if (shapes.length > 0) expected.set(paths[index] as string, shapes);
  });
  return expected;
}

/**
 * Compares what h5py listed with what the model holds.
 *
 * @returns what matched, in words
 * @throws LabError `EXPORT_VERIFY_FAILED` naming the first group that is missing or differs.
 */
export function compareListing(file: string, listing: KerasFileListing, expected: ReadonlyMap<string, number[][]>): string {
  if (listing.className !== 'Functional' && listing.className !== 'Sequential' && listing.className !== 'Model') {
    throw new LabError('EXPORT_VERIFY_FAILED', `Expected h5py to find a Keras model config in ${file}. ${received('class_name', listing.className)}`, { path: file, field: 'class_name' });
  }
  let arrays = 0;
  for (const [group, shapes] of expected) {
    const found = listing.groups[group];
    if (JSON.stringify(found) !== JSON.stringify(shapes)) {
      throw new LabError('EXPORT_VERIFY_FAILED', `Expected h5py to find the weights of ${group} in ${file} with shapes ${JSON.stringify(shapes)}. ${received('shapes', found ?? null)}`, { path: file, field: group });
    }
    arrays += shapes.length;
  }
  return `${listing.className} model config, ${arrays} weight array${arrays === 1 ? '' : 's'} of ${expected.size} layer${expected.size === 1 ? '' : 's'} with the model's shapes`;
}

/**
 * Checks a written `.h5` or `.keras` file with h5py, where a Python has it.
 *
 * @returns the checker and what it found, or null when no Python with h5py is present
 * @throws LabError `EXPORT_VERIFY_FAILED` when h5py cannot read the file as Keras would, or it differs from the model.
 */
export async function checkKerasFileWithH5py(format: 'h5' | 'keras', file: string, graph: ModelGraph, weights: readonly LayerWeights[], candidates?: readonly string[]): Promise<StructureCheck | null> {
  const found = await findH5py(candidates);
  if (!found) return null;
  let listing: KerasFileListing;
  try {
    listing = JSON.parse(await run(found.python, ['-c', DUMP_SCRIPT, format, file])) as KerasFileListing;
  } catch (error) {
    throw new LabError('EXPORT_VERIFY_FAILED', `Expected ${found.checker} to read ${file} as a Keras ${format === 'h5' ? 'HDF5' : '.keras'} file (${(error as Error).message}).`, { path: file });
  }
  return { checker: found.checker, detail: compareListing(file, listing, expectedWeightGroups(format, graph, weights)) };
}
