import type { ExecuteOptions } from './execution.js';
import { OptionError } from './option-error.js';
import { RedriveTap } from './redrive.js';
import { StopHandle } from './stop.js';

/** The keys execute() and run() take: ExecuteOptions'. */
const executeOptionKeys = 'name, executionId, inputText, signal, stop, onHistory, onSuspend, onResume, redrive';

/** Whether execute() takes `key`: a switch, which V8 runs as a few pointer compares (a Set look-up hashes). */
function isExecuteOption(key: string): boolean {
  switch (key) {
    case 'name':
    case 'executionId':
    case 'inputText':
    case 'signal':
    case 'stop':
    case 'onHistory':
    case 'onSuspend':
    case 'onResume':
    case 'redrive':
      return true;
    default:
      return false;
  }
}

/**
 * Refuses, before the execution starts, options that are not an object, a key execute() does
 * not take (a misspelt `signal` would leave the execution unstoppable without a word), a
 * `signal` that is not an AbortSignal, a callback that is not a function and the like. Walks
 * the keys without allocating: a host passes options with every execution.
 */
export function checkExecuteOptions(options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new OptionError('execute()', 'options', `must be an object, not ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key in options) {
    if (!isExecuteOption(key)) throw new OptionError('execute()', key, `is not an option; known: ${executeOptionKeys}`);
  }
  const { signal, stop, inputText, executionId, redrive, onHistory, onSuspend, onResume } = options as ExecuteOptions;
  if (redrive !== undefined && !(redrive instanceof RedriveTap)) throw new OptionError('execute()', 'redrive', 'must be a RedriveTap');
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new OptionError('execute()', 'signal', 'must be an AbortSignal');
  if (stop !== undefined && !(stop instanceof StopHandle)) throw new OptionError('execute()', 'stop', 'must be a StopHandle (new StopHandle())');
  if (inputText !== undefined && typeof inputText !== 'string') throw new OptionError('execute()', 'inputText', 'must be the JSON text of the input');
  if (executionId !== undefined && typeof executionId !== 'string') throw new OptionError('execute()', 'executionId', 'must be a string');
  if (onHistory !== undefined && typeof onHistory !== 'function') throw new OptionError('execute()', 'onHistory', 'must be a function (history) => void');
  if (onSuspend !== undefined && typeof onSuspend !== 'function') throw new OptionError('execute()', 'onSuspend', 'must be a function (suspension) => void');
  if (onResume !== undefined && typeof onResume !== 'function') throw new OptionError('execute()', 'onResume', 'must be a function () => void');
}
