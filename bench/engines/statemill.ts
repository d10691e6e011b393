import { compile, virtualClock } from '../../src/index.js';
import { outcomeOf } from '../outcome.js';
import type { BenchWorkflow } from '../workflow.js';
import type { Subject } from './subject.js';

export interface StatemillSubjectOptions {
  /** Another payload limit than Express's 256 KiB (the fan-out scenario's 10,000-item Maps exceed it). */
  readonly payloadBytes?: number;
}

/** statemill in-process, under the virtual clock (retry intervals pass instantly). */
export function statemillSubject(workflow: BenchWorkflow, options: StatemillSubjectOptions = {}): Subject {
  const machine = compile(workflow.definition, {
    handlers: workflow.handlers,
    clock: virtualClock(),
    limits: options.payloadBytes === undefined ? undefined : { payloadBytes: options.payloadBytes },
    stateMachineName: workflow.name.replace(/[^\w-]/g, '-').slice(0, 80),
  });
  return {
    engine: 'statemill',
    note: 'in-process, virtual clock',
    run: (input) => machine.execute(input),
    outcome: async (input) => outcomeOf(await machine.execute(input)),
    close: () => Promise.resolve(),
  };
}
