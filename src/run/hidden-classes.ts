import { Execution, ExecutionSettings, Frame, StopSignal } from './frame.js';
import { defaultLimits } from './limits.js';
import { realClock } from './clock.js';
import { ExecutionResult } from './result.js';
import { handlerContext } from './task-call.js';

/**
 * One instance of each class every execution makes, kept for the life of the process, so
 * that V8 keeps their hidden classes. V8 reaches the hidden class of an object built field
 * by field only through weak transitions: a full collection while no instance lives (no
 * execution in flight) frees it and throws away the code optimised on it ("weak objects" in
 * --trace-deopt), and the next executions cost 4–6 times their steady CPU time for
 * 100–300 ms while it is rebuilt (bench/standalone/after-full-gc.ts).
 */
const settings = new ExecutionSettings({ stateMachineId: '', stateMachineName: '', roleArn: '', standard: false, clock: realClock, limits: defaultLimits });
const execution = new Execution({ id: '', name: '', input: null, startMs: 0, settings });
const frame = new Frame(execution, null, -1, null, new StopSignal());
const context = handlerContext(frame);
// A frame holding a task token gets a callback's context (LimitedHandlerContext).
frame.taskToken = '';
const limitedContext = handlerContext(frame);
const result = new ExecutionResult({
  executionArn: '',
  stateMachineArn: '',
  name: '',
  status: 'SUCCEEDED',
  startMs: 0,
  stopMs: 0,
  input: null,
  output: null,
  error: null,
  cause: null,
});

export const keptInstances: readonly object[] = [execution, frame, context, limitedContext, result];
