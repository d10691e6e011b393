import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, createPool, realClock, virtualClock, type Handler, type Handlers, type Machine } from '../../src/index.js';
import { handlersFor } from '../conformance/runner.js';
import { builtinWorkloads } from '../../workloads/index.js';
import { behave, kinds, type Plan } from './fixtures/behaviours.js';
import { brief, conformanceCases, fuzzParameters, resourcesOf, setOwn } from './support.js';

/**
 * Real definitions (the AWS-recorded conformance cases with the handlers their recordings
 * describe, the built-in workloads) run with random inputs and handlers that misbehave:
 * they throw non-Errors, return values that are not JSON, answer through thenables that
 * call back twice, reject late or never answer. Every execute() and run() settles once
 * with a status AWS knows, error and cause are strings, no cause is a JavaScript error of
 * statemill's own, and nothing is left on the event loop afterwards. The same through a
 * one-thread pool, on a smaller budget.
 */
const executions = suite('hostile: executions');

interface Subject {
  readonly name: string;
  readonly definition: unknown;
  readonly handlers: Handlers;
  readonly input: unknown;
  readonly workflowType: 'STANDARD' | 'EXPRESS';
}

/** The plan the wrapped handlers follow, one entry per call in turn (empty: behave as recorded). */
let plans: readonly Plan[] = [];
let calls = 0;

function misbehaving(handlers: Handlers): Handlers {
  const wrapped: Record<string, Handler> = {};
  for (const [resource, handler] of Object.entries(handlers)) {
    wrapped[resource] = (input, ctx) => {
      const plan = plans.length === 0 ? null : plans[calls++ % plans.length]!;
      return plan === null ? handler(input, ctx) : behave(plan, () => handler(input, ctx), ctx);
    };
  }
  return wrapped;
}

const subjects: Subject[] = [
  ...conformanceCases().map((c) => ({
    name: c.name,
    definition: c.definition,
    handlers: misbehaving(handlersFor(c.resources)),
    input: c.input,
    workflowType: c.stateMachineType ?? ('STANDARD' as const),
  })),
  ...builtinWorkloads.flatMap((workload) =>
    [workload.definition, workload.jsonataDefinition]
      .filter((definition) => definition !== null)
      .map((definition, i) => ({
        name: `${workload.name}${i === 0 ? '' : ' (JSONata)'}`,
        definition,
        handlers: misbehaving(workload.handlers as Handlers),
        input: workload.generateInput(1, 0),
        workflowType: 'EXPRESS' as const,
      })),
  ),
];

/** The subjects that call handlers: on the real clock, only their limits and timers are of interest. */
const withTasks = subjects.filter((subject) => resourcesOf(subject.definition).size > 0);

/** Every Task of `definition` (copied) with TimeoutSeconds and HeartbeatSeconds, so that its limits are armed on the real clock. */
function withTaskLimits(definition: unknown): unknown {
  if (Array.isArray(definition)) return definition.map(withTaskLimits);
  if (definition === null || typeof definition !== 'object') return definition;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(definition)) setOwn(copy, key, withTaskLimits(value));
  const timed = !('TimeoutSecondsPath' in copy || 'HeartbeatSecondsPath' in copy || 'Timeout' in copy || 'Heartbeat' in copy);
  if (copy.Type === 'Task' && timed) Object.assign(copy, { TimeoutSeconds: 1000, HeartbeatSeconds: 500, ...copy });
  return copy;
}

const machines = new Map<string, Machine | null>();
/** The subject's machine on the virtual clock, or on the real one with its Tasks' limits armed; null when AWS refused it. */
function machineOf(subject: Subject, real: boolean): Machine | null {
  const key = `${real ? 'real' : 'virtual'} ${subject.name}`;
  if (!machines.has(key)) {
    try {
      const definition = real ? withTaskLimits(subject.definition) : subject.definition;
      machines.set(key, compile(definition, { handlers: subject.handlers, clock: real ? realClock : virtualClock(0), workflowType: subject.workflowType }));
    } catch {
      // A case AWS refused at creation: the definitions property covers it.
      machines.set(key, null);
    }
  }
  return machines.get(key)!;
}

const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toString', 'a/b~c', '$', 'x.$', '\uD800', '', 'Payload', 'items', '😀'),
  fc.string({ maxLength: 5 }),
);
const hostileLeaf = fc.oneof(
  fc.constantFrom(-0, 1e308, -1e308, 2 ** 53 + 1, 5e-324, 0.1, '\u0000', '\uDFFF', '😀', 'NaN', '2016-03-14T01:59:00Z', '', 'x'.repeat(10_000)),
  fc.jsonValue({ maxDepth: 0 }),
);
const { tree } = fc.letrec((tie) => ({
  tree: fc.oneof({ depthSize: 'small' }, hostileLeaf, fc.array(tie('tree'), { maxLength: 4 }), fc.dictionary(hostileKey, tie('tree'), { maxKeys: 4 })),
}));
/** An input: the recorded one, a random tree (own `__proto__` keys kept), or one nested deep or spread wide. */
const inputSpec = fc.oneof(
  fc.constant({ recorded: true }),
  tree.map((value) => ({ value })),
  fc.integer({ min: 50, max: 900 }).map((deep) => ({ deep })),
  fc.integer({ min: 100, max: 20_000 }).map((wide) => ({ wide })),
);
type InputSpec = { recorded: true } | { value: unknown } | { deep: number } | { wide: number };

function inputOf(spec: InputSpec, subject: Subject): unknown {
  if ('recorded' in spec) return structuredClone(subject.input);
  if ('value' in spec) return JSON.parse(JSON.stringify(spec.value) ?? 'null');
  if ('deep' in spec) {
    let value: unknown = 1;
    for (let i = 0; i < spec.deep; i++) value = i % 2 === 0 ? [value] : { a: value };
    return value;
  }
  const wide: Record<string, unknown> = {};
  for (let i = 0; i < spec.wide; i++) setOwn(wide, `k${i}`, i);
  return wide;
}

const plan: fc.Arbitrary<Plan> = fc.tuple(fc.nat(kinds.length - 1), fc.nat(), fc.nat(3));
const settledStatuses = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const internalCause = /Internal error|is not a function|Cannot read propert|Maximum call stack|is not iterable|Invalid array length|is not defined/;

/** Active handles and requests by kind (timers, immediates, sockets…). */
function activeResources(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

for (const [clock, seed, runs] of [
  ['virtual', 20261213, 300],
  ['real', 20261216, 60],
] as const) {
  executions(
    `random inputs and misbehaving handlers on the ${clock} clock: every execution settles once, with strings for error and cause, and leaves nothing running`,
    async () => {
      const parameters = fuzzParameters(seed, runs);
      await fc.assert(
        fc.asyncProperty(fc.nat(), inputSpec, fc.array(plan, { maxLength: 4 }), fc.boolean(), async (pick, spec, chosen, viaRun) => {
          const among = clock === 'real' ? withTasks : subjects;
          const subject = among[pick % among.length]!;
          const machine = machineOf(subject, clock === 'real');
          if (machine === null) return;
          const input = inputOf(spec, subject);
          const before = activeResources();
          plans = chosen;
          calls = 0;
          const context = `seed ${parameters.seed}: ${subject.name}, input ${brief(spec, 200)}, plans ${brief(chosen)}, ${viaRun ? 'run()' : 'execute()'}`;
          // A handler that never answers (or a Wait on the real clock) holds its execution until it is stopped.
          const controller = new AbortController();
          const guard = setTimeout(() => controller.abort(), clock === 'real' ? 20 : 50);
          let settlements = 0;
          const answer = viaRun ? machine.run(input, { signal: controller.signal }) : machine.execute(input, { signal: controller.signal });
          const result = await Promise.resolve(answer).finally(() => settlements++);
          clearTimeout(guard);
          plans = [];
          assert.is(settlements, 1, context);
          assert.ok(settledStatuses.has(result.status), `${result.status}: ${context}`);
          if (result.status === 'SUCCEEDED') {
            const hostileValues = chosen.some(([kind]) => ['return', 'resolve', 'thenable'].includes(kinds[kind]!));
            if (!hostileValues) assert.type(JSON.stringify(result.output), 'string', context);
          } else {
            assert.ok(result.error === null || typeof result.error === 'string', `error ${String(result.error)}: ${context}`);
            assert.ok(result.cause === null || typeof result.cause === 'string', `cause ${String(result.cause)}: ${context}`);
            // A handler's own TypeError is its error; only statemill's States.* errors must not carry one.
            if (result.error?.startsWith('States.')) assert.not.match(result.cause ?? '', internalCause, context);
          }
          // Handlers' own timers last at most 3 ms; after them, nothing of the execution's may remain.
          await new Promise((resolve) => setTimeout(resolve, 15));
          const after = activeResources();
          for (const [kind, count] of after) assert.ok(count <= (before.get(kind) ?? 0), `${count} ${kind} left (was ${before.get(kind) ?? 0}): ${context}`);
        }),
        parameters,
      );
    },
  );
}

const poolDefinitions: Record<string, object> = {
  task: { StartAt: 'Act', States: { Act: { Type: 'Task', Resource: 'act', End: true } } },
  retried: {
    StartAt: 'Act',
    States: {
      Act: {
        Type: 'Task',
        Resource: 'act',
        Retry: [{ ErrorEquals: ['Retryable', 'States.Timeout'], MaxAttempts: 2, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.caught', Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Pass', End: true },
    },
  },
  map: {
    StartAt: 'Each',
    States: {
      Each: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: { StartAt: 'Act', States: { Act: { Type: 'Task', Resource: 'act', End: true } } }, End: true },
    },
  },
  parallel: {
    StartAt: 'Both',
    States: {
      Both: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Left', States: { Left: { Type: 'Task', Resource: 'act', InputPath: '$.left', End: true } } },
          { StartAt: 'Right', States: { Right: { Type: 'Task', Resource: 'act', InputPath: '$.right', End: true } } },
        ],
        End: true,
      },
    },
  },
};

/** A plan for the pool: any kind but `never` (the pool takes no AbortSignal; a stuck handler holds its thread). */
const poolPlan = plan.map(([kind, n, ms]): Plan => [kinds[kind] === 'never' ? 0 : kind, n, ms]);

executions('the same through a one-thread pool: every execution settles once and the pool closes', async () => {
  const parameters = fuzzParameters(20261214, 40);
  const pool = createPool({ threads: 1 });
  const handlers = new URL('./fixtures/behaviours.ts', import.meta.url);
  for (const [id, definition] of Object.entries(poolDefinitions)) pool.register(id, { definition, handlers });
  const ids = Object.keys(poolDefinitions);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ id: fc.constantFrom(...ids), plans: fc.array(poolPlan, { minLength: 1, maxLength: 3 }), extra: tree }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (batch) => {
          const context = `seed ${parameters.seed}: ${brief(batch, 1500)}`;
          const settlements = batch.map(() => 0);
          const results = await Promise.all(
            batch.map(({ id, plans: chosen, extra }, i) => {
              const item = (j: number) => ({ plan: chosen[j % chosen.length], extra });
              const input = { ...item(0), items: [item(0), item(1), item(2)], left: item(1), right: item(2) };
              return pool.execute(id, JSON.parse(JSON.stringify(input))).finally(() => settlements[i]!++);
            }),
          );
          assert.equal(
            settlements,
            batch.map(() => 1),
            context,
          );
          for (const result of results) {
            assert.ok(settledStatuses.has(result.status), `${result.status}: ${context}`);
            if (result.status !== 'SUCCEEDED') {
              assert.ok(result.error === null || typeof result.error === 'string', context);
              assert.ok(result.cause === null || typeof result.cause === 'string', context);
              if (result.error?.startsWith('States.')) assert.not.match(result.cause ?? '', internalCause, `${result.cause}: ${context}`);
            }
          }
        },
      ),
      parameters,
    );
  } finally {
    await pool.close();
  }
});

executions.run();
