import { z } from 'zod';
import { LabError } from '../errors';
import { declaredSchemaVersion } from '../schemaVersion';
import { basePreprocessingSchema } from '../data/basePreprocessing';

/**
 * The ModelGraph: the single description of an architecture (DESIGN.md principle 1).
 * Plain JSON, validated here; the editor, the engine, the exporters and the code view
 * all read and write this shape.
 */
export const GRAPH_SCHEMA_VERSION = 2;

export const positionSchema = z.object({ x: z.number(), y: z.number() });

export const graphNodeSchema = z.object({
  /** Stable identity used by edges; never shown. */
  id: z.string().min(1),
  /** Catalog type, equal to the Keras / TF.js class name (`Conv2D`). */
  type: z.string().min(1),
  /** Keras layer name (`conv2d_1`); unique within the graph. */
  name: z.string().min(1),
  /** Keras constructor arguments by their Keras (snake_case) names; defaults filled by the catalog. */
  params: z.record(z.string(), z.unknown()).default({}),
  /** False freezes the layer: its weights count as non-trainable and do not update. */
  trainable: z.boolean().default(true),
  position: positionSchema.default({ x: 0, y: 0 }),
  /** Id of the named block (group) this node belongs to, if any. */
  group: z.string().optional(),
});

export const graphEdgeSchema = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  /** Position among the target's inputs; matters for Concatenate, Subtract and friends. */
  targetIndex: z.number().int().min(0).default(0),
});

export const graphGroupSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  collapsed: z.boolean().default(false),
});

export const graphMetadataSchema = z
  .object({
    description: z.string().optional(),
    template: z.string().optional(),
    /** The input preprocessing of a pretrained base (`preprocess_input`), applied wherever the model is fed. */
    inputPreprocessing: basePreprocessingSchema.optional(),
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
  })
  .catchall(z.unknown())
  .default({});

export const modelGraphSchema = z.object({
  schemaVersion: z.literal(GRAPH_SCHEMA_VERSION),
  name: z.string().min(1).default('model'),
  nodes: z.array(graphNodeSchema),
  edges: z.array(graphEdgeSchema),
  groups: z.array(graphGroupSchema).default([]),
  /**
   * Node ids of the model's outputs, in order, when chosen (Keras `Model(outputs=[...])`).
   * Without it the output is the last layer that feeds nothing; any other layer that feeds
   * nothing is a dangling branch, reported by the analysis.
   */
  outputs: z.array(z.string()).optional(),
  metadata: graphMetadataSchema,
});

export type GraphNode = z.infer<typeof graphNodeSchema>;
export type GraphEdge = z.infer<typeof graphEdgeSchema>;
export type ModelGraph = z.infer<typeof modelGraphSchema>;
export type Position = z.infer<typeof positionSchema>;

/**
 * Version 1 graphs (the first release) called the edge ends `from`/`to`, kept the input
 * index as `input`, and had no `trainable` flag or groups.
 */
function migrateV1(raw: Record<string, unknown>): Record<string, unknown> {
  const edges = Array.isArray(raw['edges']) ? raw['edges'] : [];
  return {
    ...raw,
    schemaVersion: 2,
    edges: edges.map((edge: unknown, index: number) => {
      if (typeof edge !== 'object' || edge === null) return edge;
      const e = edge as Record<string, unknown>;
      return {
        id: e['id'] ?? `e${index}`,
        source: e['source'] ?? e['from'],
        target: e['target'] ?? e['to'],
        targetIndex: e['targetIndex'] ?? e['input'] ?? 0,
      };
    }),
  };
}

const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  1: migrateV1,
};

/**
 * Brings a graph written by an older version up to the current schema. Unknown future
 * versions are refused rather than guessed at.
 */
export function migrateGraph(raw: Record<string, unknown>): Record<string, unknown> {
  let current = raw;
  let version = declaredSchemaVersion(current);
  if (version === undefined) {
    throw new LabError('GRAPH_PARSE', `Expected the graph's schemaVersion to be a whole number such as ${GRAPH_SCHEMA_VERSION}. Received: schemaVersion=${JSON.stringify(current['schemaVersion'])}`, { field: 'schemaVersion', received: current['schemaVersion'] });
  }
  if (version > GRAPH_SCHEMA_VERSION) {
    throw new LabError(
      'GRAPH_PARSE',
      `This graph was written by a newer Model Lab (schemaVersion ${version}); this version reads up to ${GRAPH_SCHEMA_VERSION}. Received: schemaVersion=${version}`,
      { field: 'schemaVersion', received: version },
    );
  }
  while (version < GRAPH_SCHEMA_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) {
      throw new LabError('GRAPH_PARSE', `No migration from schemaVersion ${version}.`, { field: 'schemaVersion', received: version });
    }
    current = step(current);
    version = current['schemaVersion'] as number;
  }
  return current;
}

/** Describes a zod issue path in the user's terms: the node's name and the field. */
function describeIssuePath(raw: Record<string, unknown>, path: readonly PropertyKey[]): { where: string; nodeId?: string; nodeName?: string; field: string } {
  const [collection, index, ...rest] = path;
  const field = rest.map(String).join('.') || String(collection ?? '');
  if ((collection === 'nodes' || collection === 'edges') && typeof index === 'number') {
    const items = raw[collection];
    const item = Array.isArray(items) ? (items[index] as Record<string, unknown> | undefined) : undefined;
    // An empty id or name is often the very error being reported, so it cannot label the node.
    const id = typeof item?.['id'] === 'string' && item['id'] !== '' ? item['id'] : undefined;
    const name = typeof item?.['name'] === 'string' && item['name'] !== '' ? item['name'] : undefined;
    const label = collection === 'nodes' ? `node ${name ?? id ?? `#${index}`}` : `edge ${id ?? `#${index}`}`;
    const result: { where: string; nodeId?: string; nodeName?: string; field: string } = { where: `${label}, field "${field}"`, field };
    if (collection === 'nodes') {
      if (id !== undefined) result.nodeId = id;
      if (name !== undefined) result.nodeName = name;
    }
    return result;
  }
  return { where: `field "${path.map(String).join('.')}"`, field: path.map(String).join('.') };
}

/**
 * Parses unknown JSON into a ModelGraph, migrating older versions. Structural errors
 * name the node and the field.
 *
 * @throws LabError `GRAPH_PARSE` with `details.issues` listing every problem.
 */
export function parseModelGraph(input: unknown): ModelGraph {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new LabError('GRAPH_PARSE', `A model graph must be a JSON object. Received: ${Array.isArray(input) ? 'an array' : typeof input}`);
  }
  const migrated = migrateGraph(input as Record<string, unknown>);
  const result = modelGraphSchema.safeParse(migrated);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const where = describeIssuePath(migrated, issue.path);
    return { ...where, message: `${where.where}: ${issue.message}` };
  });
  const first = issues[0];
  throw new LabError(
    'GRAPH_PARSE',
    issues.length === 1 && first ? `Invalid model graph: ${first.message}` : `Invalid model graph (${issues.length} problems): ${issues.map((i) => i.message).join('; ')}`,
    { issues, ...(first?.nodeId ? { nodeId: first.nodeId } : {}), ...(first?.nodeName ? { nodeName: first.nodeName } : {}), ...(first ? { field: first.field } : {}) },
  );
}

/**
 * True when parsed JSON has the shape of a Model Lab graph file (`nodes` and `edges`
 * lists), as opposed to a Keras or TF.js model file; says nothing of its validity.
 */
export function looksLikeModelGraph(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Array.isArray((value as { nodes?: unknown }).nodes) && Array.isArray((value as { edges?: unknown }).edges);
}

/** Parses a JSON string into a ModelGraph; bad JSON is a `GRAPH_PARSE` error with the position. */
export function parseModelGraphJson(text: string): ModelGraph {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new LabError('GRAPH_PARSE', `The model graph is not valid JSON: ${(error as Error).message}`);
  }
  return parseModelGraph(raw);
}
