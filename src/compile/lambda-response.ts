import { randomUUID } from 'node:crypto';
import { jsonByteLength } from '../run/limits.js';
import { isIntrinsicCall } from './intrinsics/intrinsics.js';
import { astOf, childrenOf, isJsonataExpression, parseJsonata, plainStep, type ExprNode } from './jsonata/ast.js';
import { parsePath } from './jsonpath/paths.js';
import { dynamicValues } from './jsonpath/templates.js';

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
  Payload: unknown;
  constructor(payload: unknown) {
    this.Payload = payload === undefined ? null : payload;
  }
}

/** Bytes the full envelope adds to `{"Payload":…}`: the payload-limit check adds them back. */
export const LAMBDA_METADATA_BYTES = jsonByteLength(lambdaResponse(null), Infinity) - jsonByteLength(new PayloadOnlyResponse(null), Infinity);

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

/**
 * True when a JSONata Task's Output and Assign can only see the envelope's Payload: an
 * Output is given (by default the output is the whole result), and every `$states` in
 * Output and Assign starts a path that reads `input`, `context`, `errorOutput`, or
 * `result.Payload…`. `$states` handed on whole, or `result` reached any other way, keeps
 * the envelope.
 */
export function jsonataReadsOnlyPayload(def: Record<string, unknown>): boolean {
  if (!Object.prototype.hasOwnProperty.call(def, 'Output')) return false;
  const expressions: string[] = [];
  collectExpressions(def.Output, expressions);
  if (Object.prototype.hasOwnProperty.call(def, 'Assign')) collectExpressions(def.Assign, expressions);
  for (const text of expressions) {
    let ast: ExprNode;
    try {
      ast = astOf(parseJsonata(text.slice(2, -2)));
    } catch {
      return false;
    }
    if (!statesReadsOnlyPayload(ast, null)) return false;
  }
  return true;
}

function collectExpressions(value: unknown, found: string[]): void {
  if (isJsonataExpression(value)) found.push(value);
  else if (Array.isArray(value)) for (const item of value) collectExpressions(item, found);
  else if (value !== null && typeof value === 'object') for (const key in value) collectExpressions((value as Record<string, unknown>)[key], found);
}

/** Every `$states` under `node` starts a path to a field other than `result`, or to `result.Payload`. */
function statesReadsOnlyPayload(node: ExprNode, pathOfFirstStep: ExprNode | null): boolean {
  // `%` climbs from a value to the object holding it: from the Payload to the envelope.
  if (node.type === 'parent') return false;
  if (node.type === 'variable' && node.value === 'states' && !readsOnlyPayloadOfResult(node, pathOfFirstStep)) return false;
  const steps = node.type === 'path' ? node.steps! : null;
  for (const child of childrenOf(node)) {
    if (!statesReadsOnlyPayload(child, steps !== null && child === steps[0] ? node : null)) return false;
  }
  return true;
}

function readsOnlyPayloadOfResult(variable: ExprNode, path: ExprNode | null): boolean {
  if (path === null || !plainStep(variable)) return false;
  const field = path.steps![1];
  if (field === undefined || field.type !== 'name') return false;
  if (field.value !== 'result') return true;
  const payload = path.steps![2];
  return plainStep(field) && payload !== undefined && payload.type === 'name' && payload.value === 'Payload';
}
