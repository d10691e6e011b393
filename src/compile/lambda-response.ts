import { randomUUID } from 'node:crypto';
import { jsonByteLength } from '../run/limits.js';
import { isIntrinsicCall } from './intrinsics.js';
import { parsePath } from './paths.js';
import { dynamicValues } from './templates.js';

/**
 * What `arn:aws:states:::lambda:invoke` sends and returns around the function's own event
 * and result, as AWS does.
 */

/** AWS sends a null Payload as `{}` and a string Payload as raw JSON text. */
export function lambdaEvent(payload: unknown): unknown {
  if (payload === undefined || payload === null) return {};
  if (typeof payload === 'string') {
    try {
      return JSON.parse(payload);
    } catch {
      return payload;
    }
  }
  return payload;
}

/** Lambda's response envelope: the function's result as `Payload`, with HTTP metadata and a fresh request id. */
export function lambdaResponse(payload: unknown): unknown {
  const requestId = randomUUID();
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload === undefined ? null : payload,
    SdkHttpMetadata: {
      AllHttpHeaders: {
        'X-Amz-Executed-Version': ['$LATEST'],
        'x-amzn-Remapped-Content-Length': ['0'],
        Connection: ['keep-alive'],
        'x-amzn-RequestId': [requestId],
        'Content-Type': ['application/json'],
      },
      HttpHeaders: {
        Connection: 'keep-alive',
        'Content-Type': 'application/json',
        'X-Amz-Executed-Version': '$LATEST',
        'x-amzn-Remapped-Content-Length': '0',
        'x-amzn-RequestId': requestId,
      },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/**
 * The envelope reduced to its Payload, for a state that reads nothing else of it (see
 * `readsOnlyPayload`): the metadata objects and the request id, which cost more than most
 * functions' own work, are then never built.
 */
export class PayloadOnlyResponse {
  readonly Payload: unknown;
  constructor(payload: unknown) {
    this.Payload = payload === undefined ? null : payload;
  }
}

/** Bytes the full envelope adds to `{"Payload":…}`: the payload-limit check adds them back. */
export const LAMBDA_METADATA_BYTES =
  jsonByteLength(lambdaResponse(null), Infinity) - jsonByteLength(new PayloadOnlyResponse(null), Infinity);

/**
 * True when a JSONPath Task's handling of its result can only see the envelope's Payload:
 * no Assign (it reads the whole result), and either a ResultSelector whose paths all read
 * under `$.Payload` (or outside the result: `$$`, variables) with no intrinsic calls, or
 * no ResultSelector with the result discarded (`ResultPath: null`) or replacing the input
 * and an OutputPath under `$.Payload`.
 */
export function readsOnlyPayload(def: Record<string, unknown>): boolean {
  if ('Assign' in def) return false;
  if ('ResultSelector' in def) {
    return dynamicValues(def.ResultSelector).every((value) => typeof value === 'string' && !isIntrinsicCall(value) && pathReadsOnlyPayload(value));
  }
  if (def.ResultPath === null) return true;
  if (def.ResultPath !== undefined && def.ResultPath !== '$') return false;
  return typeof def.OutputPath === 'string' && pathReadsOnlyPayload(def.OutputPath);
}

function pathReadsOnlyPayload(text: string): boolean {
  let parsed;
  try {
    parsed = parsePath(text);
  } catch {
    return false;
  }
  if (parsed.root !== 'input') return true;
  // An indefinite path stays under Payload unless a filter inside it reads from the root.
  if (parsed.segments === null) return /^\$\.Payload(?=[.[])/.test(text) && !text.includes('$', 1);
  const first = parsed.segments[0];
  return first !== undefined && 'name' in first && first.name === 'Payload';
}
