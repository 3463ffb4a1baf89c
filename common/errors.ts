/**
 * The one error type that crosses every boundary of Model Lab (IPC, WebSocket, CLI,
 * training process). Codes are a closed union with a domain prefix so callers can
 * branch on them and tests can assert them without matching message text.
 */
export const LAB_ERROR_CODES = [
  // Model graph
  'GRAPH_PARSE',
  'GRAPH_CYCLE',
  'GRAPH_DANGLING',
  'GRAPH_UNREACHABLE',
  'GRAPH_NO_INPUT',
  'GRAPH_NO_OUTPUT',
  'GRAPH_BAD_EDGE',
  'GRAPH_DUPLICATE',
  'GRAPH_INVALID',
  // Templates
  'TEMPLATE_NOT_FOUND',
  'TEMPLATE_BAD_OPTIONS',
  // Layers and shapes
  'LAYER_UNKNOWN_TYPE',
  'LAYER_BAD_PARAM',
  'LAYER_UNSUPPORTED',
  'SHAPE_MISMATCH',
  'SHAPE_INVALID_OUTPUT',
  'SHAPE_RANK',
  'SHAPE_UNKNOWN',
  // Data
  'DATASET_NOT_FOUND',
  'DATASET_EMPTY',
  'DATASET_BAD_FILE',
  'DATASET_IDX_MAGIC',
  'DATASET_IDX_COUNT',
  'DATASET_CIFAR_TRUNCATED',
  'DATASET_CHECKSUM',
  'DATASET_CANCELLED',
  'DOWNLOAD_FAILED',
  // Training
  'TRAIN_NAN',
  'TRAIN_CRASHED',
  'TRAIN_GPU_FAULT',
  'TRAIN_BAD_CONFIG',
  'TRAIN_BUSY',
  'RUN_NOT_FOUND',
  'TRANSFER_NO_WEIGHTS',
  'GRID_NOT_FOUND',
  'BACKEND_UNAVAILABLE',
  // Pretrained weights files
  'WEIGHTS_ARCHITECTURE_MISMATCH',
  'WEIGHTS_TOP_MISMATCH',
  // Projects and files
  'PROJECT_NOT_FOUND',
  'PROJECT_EXISTS',
  'PROJECT_DAMAGED',
  'IO_BAD_FORMAT',
  'IO_NOT_FOUND',
  'IO_WRITE_FAILED',
  'IO_DISK_FULL',
  'IO_PERMISSION',
  'EXPORT_UNSUPPORTED_LAYER',
  'EXPORT_VERIFY_FAILED',
  // Transport
  'API_BAD_INPUT',
  'API_UNKNOWN_METHOD',
  'API_UNAUTHORIZED',
  'API_PATH_DENIED',
  'API_TRANSPORT',
  'API_LIMIT_EXCEEDED',
  'INTERNAL',
] as const;

export type LabErrorCode = (typeof LAB_ERROR_CODES)[number];

/** Structured context for an error: which node, field, file, edge or value it concerns. */
export interface LabErrorDetails {
  nodeId?: string;
  nodeName?: string;
  field?: string;
  path?: string;
  edgeId?: string;
  received?: unknown;
  [key: string]: unknown;
}

/** The serialised form every transport sends. */
export interface SerializedLabError {
  code: LabErrorCode;
  message: string;
  details?: LabErrorDetails;
}

/**
 * An error with a stable code. Messages follow Keras: what was expected, then
 * `Received: name=value`.
 */
export class LabError extends Error {
  override readonly name = 'LabError';
  readonly code: LabErrorCode;
  readonly details: LabErrorDetails | undefined;

  constructor(code: LabErrorCode, message: string, details?: LabErrorDetails) {
    super(message);
    this.code = code;
    this.details = details;
  }

  /** Returns the plain object that transports send. */
  toJSON(): SerializedLabError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True when `value` is a code of the union (used when rebuilding errors from the wire). */
export function isLabErrorCode(value: unknown): value is LabErrorCode {
  return typeof value === 'string' && (LAB_ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Reduces anything thrown to the wire form. A plain `Error` becomes `INTERNAL` so that
 * an unexpected failure is still reported rather than lost.
 */
export function serializeError(error: unknown): SerializedLabError {
  if (error instanceof LabError) return error.toJSON();
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}

/** Rebuilds a `LabError` from its wire form; unknown codes become `INTERNAL`. */
export function deserializeError(value: unknown): LabError {
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const code = isLabErrorCode(record['code']) ? record['code'] : 'INTERNAL';
    const message = typeof record['message'] === 'string' ? record['message'] : 'Unknown error';
    const details = typeof record['details'] === 'object' && record['details'] !== null
      ? (record['details'] as LabErrorDetails)
      : undefined;
    return new LabError(code, message, details);
  }
  return new LabError('INTERNAL', String(value));
}

/** Formats a value for the `Received: name=value` suffix of a message. */
export function received(name: string, value: unknown): string {
  return `Received: ${name}=${JSON.stringify(value)}`;
}
