/**
 * JSONata against JSONPath: the same workflows written in each query language, executed
 * in-process. Two small flows with trivial synchronous handlers, so the cost measured is the
 * engine's (an order check with variables, a webhook normaliser with string and arithmetic
 * work), and the webhook-normalize workload with its real handlers; each in three forms:
 *
 *   - JSONPath: Parameters, ResultPath, intrinsics, Choice rules;
 *   - JSONata: Arguments, Output, Assign, `{% … %}` expressions statemill evaluates directly;
 *   - JSONata (library): the JSONata twin with every expression wrapped in a block statemill
 *     leaves to the jsonata library, so each goes through jsonata's asynchronous evaluator,
 *     as a naive engine would run all of them.
 *
 * Every form is checked to produce the same output before anything is timed. The whole
 * comparison runs several rounds and reports each form's time per execution and its ratio to
 * the JSONPath twin from the same round (the machines are shared and noisy).
 *
 *   node --import tsx/esm bench/standalone/jsonata-vs-jsonpath.ts
 */
import { isDeepStrictEqual } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { Bench } from 'tinybench';
import { compile, virtualClock, type Handlers } from '../../src/index.js';
import { webhookNormalize } from '../../workloads/webhook-normalize/workload.js';

interface Order {
  id: string;
  items: { price: number; qty: number }[];
}

const orderHandlers = {
  validate: (o: Order) => o.items.length > 0,
  price: (p: { items: Order['items'] }) => p.items.reduce((s, i) => s + i.price * i.qty, 0),
  summarise: (s: { id: string; total: number; stage: string }) => ({ id: s.id, total: s.total, stage: s.stage }),
};

const orderJsonPath = {
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: 'validate', ResultPath: '$.valid', Next: 'IsValid' },
    IsValid: { Type: 'Choice', Choices: [{ Variable: '$.valid', BooleanEquals: true, Next: 'Price' }], Default: 'Reject' },
    Price: { Type: 'Task', Resource: 'price', Parameters: { 'items.$': '$.items' }, ResultPath: '$.total', Next: 'Tag' },
    Tag: { Type: 'Pass', Result: 'priced', ResultPath: '$.stage', Next: 'Summarise' },
    Summarise: { Type: 'Task', Resource: 'summarise', Parameters: { 'id.$': '$.id', 'total.$': '$.total', 'stage.$': '$.stage' }, End: true },
    Reject: { Type: 'Fail', Error: 'Invalid', Cause: 'order is invalid' },
  },
};

const orderJsonata = {
  QueryLanguage: 'JSONata',
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: 'validate', Assign: { order: '{% $states.input %}', valid: '{% $states.result %}' }, Next: 'IsValid' },
    IsValid: { Type: 'Choice', Choices: [{ Condition: '{% $valid %}', Next: 'Price' }], Default: 'Reject' },
    Price: { Type: 'Task', Resource: 'price', Arguments: { items: '{% $order.items %}' }, Assign: { total: '{% $states.result %}' }, Next: 'Tag' },
    Tag: { Type: 'Pass', Assign: { stage: 'priced' }, Next: 'Summarise' },
    Summarise: { Type: 'Task', Resource: 'summarise', Arguments: { id: '{% $order.id %}', total: '{% $total %}', stage: '{% $stage %}' }, End: true },
    Reject: { Type: 'Fail', Error: 'Invalid', Cause: 'order is invalid' },
  },
};

interface Delivery {
  provider: string;
  event: { id: string; type: string; source: string; data: { amount: number } };
}

const webhookHandlers = {
  charge: (c: { amount: number; id: string }) => ({ total: c.amount + 1, id: c.id }),
  notify: (n: { message: string; source: string }) => n.message.length > 0 && n.source.length > 0,
};

const webhookJsonPath = {
  StartAt: 'Normalize',
  States: {
    Normalize: {
      Type: 'Pass',
      Parameters: {
        'id.$': '$.event.id',
        'type.$': '$.event.type',
        'source.$': "States.Format('{}:{}', $.provider, $.event.source)",
        'amount.$': '$.event.data.amount',
      },
      Next: 'Route',
    },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.type', StringEquals: 'payment', Next: 'Charge' }], Default: 'Ignore' },
    Charge: { Type: 'Task', Resource: 'charge', Parameters: { 'amount.$': '$.amount', 'id.$': '$.id' }, ResultPath: '$.charge', Next: 'Notify' },
    Notify: {
      Type: 'Task',
      Resource: 'notify',
      Parameters: { 'message.$': "States.Format('Charged {} for {}', $.charge.total, $.id)", 'source.$': '$.source' },
      ResultPath: '$.notified',
      Next: 'Done',
    },
    Done: {
      Type: 'Pass',
      Parameters: { 'id.$': '$.id', status: 'processed', 'total.$': '$.charge.total', 'notified.$': '$.notified' },
      End: true,
    },
    Ignore: { Type: 'Succeed' },
  },
};

const webhookJsonata = {
  QueryLanguage: 'JSONata',
  StartAt: 'Normalize',
  States: {
    Normalize: {
      Type: 'Pass',
      Output: {
        id: '{% $states.input.event.id %}',
        type: '{% $states.input.event.type %}',
        source: "{% $states.input.provider & ':' & $states.input.event.source %}",
        amount: '{% $states.input.event.data.amount %}',
      },
      Next: 'Route',
    },
    Route: { Type: 'Choice', Choices: [{ Condition: "{% $states.input.type = 'payment' %}", Next: 'Charge' }], Default: 'Ignore' },
    Charge: {
      Type: 'Task',
      Resource: 'charge',
      Arguments: { amount: '{% $states.input.amount %}', id: '{% $states.input.id %}' },
      Assign: { event: '{% $states.input %}', total: '{% $states.result.total %}' },
      Next: 'Notify',
    },
    Notify: {
      Type: 'Task',
      Resource: 'notify',
      Arguments: { message: "{% 'Charged ' & $total & ' for ' & $event.id %}", source: '{% $event.source %}' },
      Output: { id: '{% $event.id %}', status: 'processed', total: '{% $total %}', notified: '{% $states.result %}' },
      Next: 'Done',
    },
    Done: { Type: 'Pass', End: true },
    Ignore: { Type: 'Succeed' },
  },
};

/**
 * The same definition with every expression wrapped as `($v := …; $v)`: the same value, in a
 * shape statemill leaves to the jsonata library, as a naive engine would evaluate everything.
 */
function throughLibrary(value: unknown): unknown {
  if (typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}')) return `{% ($v := ${value.slice(2, -2).trim()}; $v) %}`;
  if (Array.isArray(value)) return value.map(throughLibrary);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, throughLibrary(v)]));
  return value;
}

interface Flow {
  readonly name: string;
  /** Executions cycle through these. */
  readonly inputs: readonly unknown[];
  readonly handlers: Handlers;
  readonly forms: readonly { readonly name: string; readonly definition: unknown }[];
}

const flows: Flow[] = [
  {
    name: 'order (6 states, variables)',
    inputs: [
      {
        id: 'o-1',
        items: [
          { price: 3, qty: 2 },
          { price: 5, qty: 1 },
        ],
      } satisfies Order,
    ],
    handlers: orderHandlers,
    forms: [
      { name: 'JSONPath', definition: orderJsonPath },
      { name: 'JSONata', definition: orderJsonata },
      { name: 'JSONata (library)', definition: throughLibrary(orderJsonata) },
    ],
  },
  {
    name: 'webhook (6 states, strings and arithmetic)',
    inputs: [{ provider: 'stripe', event: { id: 'evt_1', type: 'payment', source: 'api', data: { amount: 41 } } } satisfies Delivery],
    handlers: webhookHandlers,
    forms: [
      { name: 'JSONPath', definition: webhookJsonPath },
      { name: 'JSONata', definition: webhookJsonata },
      { name: 'JSONata (library)', definition: throughLibrary(webhookJsonata) },
    ],
  },
  {
    // The harness's realistic workload (HMAC verification, parsing, routing, Retry), whose
    // JSONata twin uses $parse, $hash, $merge and $substring.
    name: 'webhook-normalize workload',
    inputs: Array.from({ length: 16 }, (_, i) => webhookNormalize.generateInput(7, i, webhookNormalize.sizes.quick)),
    handlers: webhookNormalize.handlers,
    forms: [
      { name: 'JSONPath', definition: webhookNormalize.definition },
      { name: 'JSONata', definition: webhookNormalize.jsonataDefinition },
      { name: 'JSONata (library)', definition: throughLibrary(webhookNormalize.jsonataDefinition) },
    ],
  },
];

const ROUNDS = 7;

interface Row {
  flow: string;
  form: string;
  nsPerExecution: number[];
  ratio: number[];
}

const rows: Row[] = [];
for (const flow of flows) {
  const machines = flow.forms.map((form) => ({
    form: form.name,
    machine: compile(form.definition, { handlers: flow.handlers, clock: virtualClock() }),
  }));
  // Check the answers before timing anything: every form must end as the JSONPath twin does.
  for (const input of flow.inputs) {
    const results = await Promise.all(machines.map(async ({ form, machine }) => ({ form, result: await machine.execute(input) })));
    const expected = results[0]!.result;
    for (const { form, result } of results) {
      const same = result.status === expected.status && isDeepStrictEqual(result.output, expected.output) && result.error === expected.error;
      if (!same) throw new Error(`${flow.name}, ${form}: ${result.status} ${JSON.stringify(result.output ?? [result.error, result.cause])}`);
    }
  }
  const flowRows = machines.map(({ form }) => ({ flow: flow.name, form, nsPerExecution: [] as number[], ratio: [] as number[] }));
  rows.push(...flowRows);
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: 300, warmup: true });
    for (const { form, machine } of machines) {
      let next = 0;
      bench.add(form, async () => {
        await machine.execute(flow.inputs[next++ % flow.inputs.length]);
      });
    }
    await bench.run();
    const medians = bench.tasks.map((t) => (t.result as unknown as { latency: { p50: number } }).latency.p50 * 1e6);
    medians.forEach((ns, i) => {
      flowRows[i]!.nsPerExecution.push(ns);
      flowRows[i]!.ratio.push(ns / medians[0]!);
    });
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(
  `machine: ${cpus()[0]?.model} × ${cpus().length}, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
console.log(`median time per execution over ${ROUNDS} rounds; ratio to the JSONPath twin of the same round`);
console.table(
  rows.map((r) => ({
    flow: r.flow,
    form: r.form,
    'ns/exec (median)': Math.round(median(r.nsPerExecution)),
    'x JSONPath (median)': median(r.ratio).toFixed(2),
    'x JSONPath (each round)': r.ratio.map((x) => x.toFixed(2)).join(' '),
  })),
);
