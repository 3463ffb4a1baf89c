import { LabError, serializeError } from '../../common/errors';
import { wireRequestSchema, type WireResponse } from '../../common/api/wire';
export { MAX_WIRE_MESSAGE_BYTES } from '../../common/api/wire';
import type { LabEndpoint } from '../../common/api/labEndpoint';


/**
 * The answer to a request the server will not run (a transport limit): the error, with
 * the request's id when the message carries one.
 */
export function refuseWireMessage(raw: string | null, error: LabError): WireResponse {
  let id: WireResponse['id'] = null;
  if (raw !== null) {
    try {
      id = extractId(JSON.parse(raw));
    } catch {
      // Not JSON: the refusal goes out without an id.
    }
  }
  return { kind: 'response', id, ok: false, error: error.toJSON() };
}

/**
 * Answers one raw WebSocket message. Anything malformed (not JSON, no id, no method)
 * gets an `API_BAD_INPUT` reply instead of an exception, so one bad client message never
 * takes the server down; the method's own errors come back as `{ ok: false }`.
 */
export async function answerWireMessage(endpoint: LabEndpoint, raw: string): Promise<WireResponse> {
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return badRequest(null, `Expected a JSON message {id, method, input}. Received: ${JSON.stringify(raw.slice(0, 80))}`);
  }
  const request = wireRequestSchema.safeParse(payload);
  if (!request.success) {
    const id = extractId(payload);
    const fields = request.error.issues.map((issue) => issue.path.map(String).join('.') || '(message)').join(', ');
    return badRequest(id, `Expected a message {id, method, input}. Received: invalid fields=${fields}`);
  }
  const { id, method, input } = request.data;
  try {
    const result = await endpoint.invoke(method, input);
    return { kind: 'response', id, ok: true, result };
  } catch (error) {
    return { kind: 'response', id, ok: false, error: serializeError(error) };
  }
}

function badRequest(id: WireResponse['id'], message: string): WireResponse {
  return { kind: 'response', id, ok: false, error: new LabError('API_BAD_INPUT', message).toJSON() };
}

function extractId(payload: unknown): WireResponse['id'] {
  if (typeof payload !== 'object' || payload === null) return null;
  const id = (payload as Record<string, unknown>)['id'];
  return typeof id === 'number' && Number.isInteger(id) ? id : typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null;
}
