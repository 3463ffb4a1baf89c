import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type * as tfjs from '@tensorflow/tfjs';
import { LabError, received } from '../../common/errors';
import { isInside } from '../install/isInside';
import type { Tfjs } from '../engine/backend';

/** Bytes per element of each dtype a layers model's weights may be stored as. */
const DTYPE_BYTES = { float32: 4, int32: 4, bool: 1 } as const;
const QUANTIZED_BYTES = { uint8: 1, uint16: 2, float16: 2 } as const;

const weightSpecSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  dtype: z.enum(Object.keys(DTYPE_BYTES) as [keyof typeof DTYPE_BYTES]),
  quantization: z.object({ dtype: z.enum(Object.keys(QUANTIZED_BYTES) as [keyof typeof QUANTIZED_BYTES]), scale: z.number().optional(), min: z.number().optional() }).optional(),
});

/** `model.json` of a TF.js layers model, as far as Model Lab reads it. */
const tfjsModelJsonSchema = z.object({
  modelTopology: z.record(z.string(), z.unknown()),
  weightsManifest: z.array(z.object({ paths: z.array(z.string().min(1)), weights: z.array(weightSpecSchema) })),
});
export type TfjsModelJson = z.infer<typeof tfjsModelJsonSchema>;

/** A model.json file's failure: IO_BAD_FORMAT naming the file and what is wrong. */
function badModelJson(modelJsonPath: string, what: string, field: string, value?: unknown): LabError {
  return new LabError('IO_BAD_FORMAT', `Expected a TF.js layers model.json: ${what}. ${received('path', modelJsonPath)}`, { path: modelJsonPath, field, ...(value !== undefined ? { received: value } : {}) });
}

/**
 * Checks a parsed TF.js `model.json`: a `modelTopology` object and a `weightsManifest` of
 * groups, each with its shard paths and weight specs (name, shape, dtype, optional
 * quantization), every weight named once.
 *
 * @throws LabError `IO_BAD_FORMAT` naming the file and the first bad field.
 */
export function parseTfjsModelJson(raw: unknown, modelJsonPath: string): TfjsModelJson {
  const parsed = tfjsModelJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.map(String).join('.') || '(root)';
    throw badModelJson(modelJsonPath, `field "${field}": ${issue?.message ?? 'invalid'}`, field);
  }
  const seen = new Set<string>();
  for (const [groupIndex, group] of parsed.data.weightsManifest.entries()) {
    for (const [weightIndex, spec] of group.weights.entries()) {
      if (seen.has(spec.name)) throw badModelJson(modelJsonPath, `weight ${JSON.stringify(spec.name)} is listed twice`, `weightsManifest.${groupIndex}.weights.${weightIndex}.name`, spec.name);
      seen.add(spec.name);
    }
  }
  return parsed.data;
}

/** Reads a model.json file and checks it (see `parseTfjsModelJson`). */
export async function readTfjsModelJson(modelJsonPath: string): Promise<TfjsModelJson> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fs.readFile(modelJsonPath, 'utf8'));
  } catch (error) {
    throw badModelJson(modelJsonPath, `the file is not readable JSON (${(error as Error).message.split('\n')[0]})`, '(json)');
  }
  return parseTfjsModelJson(raw, modelJsonPath);
}

/** Bytes one weight takes in its shard (quantized weights at their stored width). */
function storedBytes(spec: z.infer<typeof weightSpecSchema>): number {
  const elements = spec.shape.reduce((product, dim) => product * dim, 1);
  return elements * (spec.quantization ? QUANTIZED_BYTES[spec.quantization.dtype] : DTYPE_BYTES[spec.dtype]);
}

/**
 * Reads one shard listed in the manifest. A shard must be a relative path that stays
 * inside the model's own folder, also after following links; otherwise, and when it is
 * missing, the error is the same and shows the path only as the manifest writes it, so
 * nothing outside the folder is read and nothing about it (not even whether it exists)
 * reaches the caller.
 */
async function readShard(realDir: string, shard: string, modelJsonPath: string, field: string): Promise<Uint8Array> {
  const refuse = (): LabError => badModelJson(modelJsonPath, `weight file ${JSON.stringify(shard)} must exist inside the model's folder`, field, shard);
  if (shard.includes('\0') || path.isAbsolute(shard) || path.win32.isAbsolute(shard)) throw refuse();
  const lexical = path.resolve(realDir, shard);
  if (!isInside(realDir, lexical)) throw refuse();
  let real: string;
  try {
    real = await fs.realpath(lexical);
  } catch {
    throw refuse();
  }
  if (!isInside(realDir, real)) throw refuse();
  try {
    return new Uint8Array(await fs.readFile(real));
  } catch {
    throw refuse();
  }
}

/**
 * Reads the weight bytes of every manifest group. Each group's shards are read from
 * inside `dir` only (see `readShard`) and must hold exactly the bytes its specs describe,
 * so no spec reads past its data and no size in the file makes the lab allocate more
 * than the files hold.
 *
 * @param dir the folder holding model.json
 * @returns one buffer per group, its shards joined in order
 * @throws LabError `IO_BAD_FORMAT` naming model.json and the bad shard or group.
 */
export async function readTfjsWeightGroups(dir: string, json: TfjsModelJson, modelJsonPath: string): Promise<Uint8Array[]> {
  const realDir = await fs.realpath(dir);
  const groups: Uint8Array[] = [];
  for (const [groupIndex, group] of json.weightsManifest.entries()) {
    const shards: Uint8Array[] = [];
    for (const [pathIndex, shard] of group.paths.entries()) shards.push(await readShard(realDir, shard, modelJsonPath, `weightsManifest.${groupIndex}.paths.${pathIndex}`));
    const held = shards.reduce((sum, bytes) => sum + bytes.byteLength, 0);
    const described = group.weights.reduce((sum, spec) => sum + storedBytes(spec), 0);
    if (held !== described) {
      throw badModelJson(modelJsonPath, `weightsManifest group ${groupIndex} describes ${described} bytes of weights but its files hold ${held}`, `weightsManifest.${groupIndex}`, held);
    }
    groups.push(joinBytes(shards));
  }
  return groups;
}

/** The buffers one after another in one new buffer. */
export function joinBytes(parts: readonly Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}

/**
 * Every weight of a TF.js model folder, decoded (quantized weights dequantized).
 *
 * @returns each weight's name as the manifest writes it (`conv/kernel`), shape and values as float32
 * @throws LabError `IO_BAD_FORMAT` as `readTfjsWeightGroups`.
 */
export async function readTfjsWeights(dir: string, json: TfjsModelJson, modelJsonPath: string, tf: Tfjs): Promise<{ name: string; shape: number[]; data: Float32Array }[]> {
  const groups = await readTfjsWeightGroups(dir, json, modelJsonPath);
  const result: { name: string; shape: number[]; data: Float32Array }[] = [];
  json.weightsManifest.forEach((group, index) => {
    const bytes = groups[index] as Uint8Array;
    const tensors = tf.io.decodeWeights(bytes.buffer as ArrayBuffer, group.weights as tfjs.io.WeightsManifestEntry[]);
    try {
      for (const spec of group.weights) result.push({ name: spec.name, shape: [...spec.shape], data: Float32Array.from((tensors[spec.name] as tfjs.Tensor).dataSync()) });
    } finally {
      tf.dispose(Object.values(tensors));
    }
  });
  return result;
}
