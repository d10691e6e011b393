import type { DurableSuspension } from '../run/execution.js';
import { StoreError, StoreErrorCodes } from './store-errors.js';

/**
 * The suspension record of a parked execution as the store reads it back (run/durable.ts
 * writes it): its shape is checked at start-up, field by field and through its parked
 * branches and iterations, so a damaged record is refused with a StoreError naming the field.
 */

/** Counters of every parked point (the main line's, a branch's). */
const pointNumbers = ['heartbeatMs', 'enteredMs', 'enteredEventId', 'retryCount', 'historyEventId'] as const;
/** Counters of the execution, in the main line's record. */
const executionNumbers = ['historyLastId', 'startMs', 'eventId', 'transitions', 'variableBytes'] as const;
const pointTimes = ['timeoutAt', 'heartbeatAt', 'valueBound'] as const;

/** A suspension record read back: its shape checked, so a damaged one is refused at start-up, not when its token is answered. */
export function checkSuspension(value: unknown, arn: string, path: string): DurableSuspension {
  const refuse = (what: string): never => {
    throw new StoreError(StoreErrorCodes.CORRUPT, path, `the suspension record of execution ${arn} in ${path} is damaged (${what}); it cannot be resumed`);
  };
  const record = checkPoint(value, '', refuse);
  for (const key of executionNumbers) if (typeof record[key] !== 'number') refuse(`${key} is not a number`);
  if (record.deadlineMs !== null && typeof record.deadlineMs !== 'number') refuse('deadlineMs is neither a number nor null');
  return record as unknown as DurableSuspension;
}

/** One parked point's shape (`at`: where it sits in the record, e.g. "branches/1/point/"), its branches' recursively. */
function checkPoint(value: unknown, at: string, refuse: (what: string) => never): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse(`${at || 'the record'} is not an object`);
  const record = value as Record<string, unknown>;
  if (typeof record.stateName !== 'string' || record.stateName === '') refuse(`${at}stateName is not a state name`);
  const waitsOn = record.waitsOn ?? 'token';
  if (waitsOn !== 'token' && waitsOn !== 'timer' && waitsOn !== 'branches' && waitsOn !== 'iterations')
    refuse(`${at}waitsOn is not "token", "timer", "branches" or "iterations"`);
  if (typeof record.token !== 'string' || (waitsOn === 'token' && record.token === '')) refuse(`${at}token is not a task token`);
  if (waitsOn === 'timer' && record.wakeAt !== null && typeof record.wakeAt !== 'number') refuse(`${at}wakeAt is neither a number nor null`);
  if (record.activityArn !== undefined && (typeof record.activityArn !== 'string' || record.activityArn === ''))
    refuse(`${at}activityArn is not an activity ARN`);
  if (record.activityTaken !== undefined && typeof record.activityTaken !== 'boolean') refuse(`${at}activityTaken is not a boolean`);
  if (record.childArn !== undefined && (typeof record.childArn !== 'string' || record.childArn === '')) refuse(`${at}childArn is not an execution ARN`);
  for (const key of pointNumbers) if (typeof record[key] !== 'number') refuse(`${at}${key} is not a number`);
  for (const key of pointTimes) if (record[key] !== null && typeof record[key] !== 'number') refuse(`${at}${key} is neither a number nor null`);
  if (record.retries !== null && !(Array.isArray(record.retries) && record.retries.every((n) => typeof n === 'number')))
    refuse(`${at}retries is not a list of counts`);
  if (
    !Array.isArray(record.variables) ||
    !record.variables.every((v) => Array.isArray(v) && v.length === 3 && typeof v[0] === 'string' && typeof v[2] === 'number')
  ) {
    refuse(`${at}variables is not a list of [name, value, size]`);
  }
  if (!('rawInput' in record)) refuse(`${at}rawInput is missing`);
  if (waitsOn === 'branches') {
    if (!Array.isArray(record.branches) || record.branches.length === 0) refuse(`${at}branches is not a list of branches`);
    if (record.outputsBound !== null && typeof record.outputsBound !== 'number') refuse(`${at}outputsBound is neither a number nor null`);
    checkThreads(record.branches as unknown[], `${at}branches/`, refuse);
  }
  if (waitsOn === 'iterations') {
    if (!Array.isArray(record.inputs)) refuse(`${at}inputs is not a list of iteration inputs`);
    if (!Array.isArray(record.iterations) || record.iterations.length > (record.inputs as unknown[]).length)
      refuse(`${at}iterations is not a list of at most as many iterations as inputs`);
    for (const key of ['limit', 'allowed', 'failures'] as const) if (typeof record[key] !== 'number') refuse(`${at}${key} is not a number`);
    if (record.inputBound !== null && typeof record.inputBound !== 'number') refuse(`${at}inputBound is neither a number nor null`);
    checkThreads(record.iterations as unknown[], `${at}iterations/`, refuse);
  }
  return record;
}

/** A Parallel's branches or a Map's iterations: each finished, or parked at a point of its own. */
function checkThreads(threads: unknown[], at: string, refuse: (what: string) => never): void {
  threads.forEach((thread, i) => {
    const where = `${at}${i}/`;
    if (thread === null || typeof thread !== 'object' || typeof (thread as { finished?: unknown }).finished !== 'boolean')
      refuse(`${where}finished is not a boolean`);
    const entry = thread as { finished: boolean; point?: unknown };
    if (!entry.finished) checkPoint(entry.point, `${where}point/`, refuse);
  });
}
