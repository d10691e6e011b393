import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, DefinitionError } from '../../src/index.js';
import { cli } from './run-cli.js';

/**
 * Constructs of public AWS sample collections that `statemill validate` refused wrongly or
 * unclearly, each reduced to the construct (samples/validate.cases.json names where it was
 * found). A row's content (JSON, or YAML text) is written to a file, validated with its arguments, and the verdict checked.
 */
const samples = suite('public samples: statemill validate');

interface Case {
  name: string;
  from: string;
  file: string;
  content: unknown;
  args: string[];
  exit: number;
  valid: boolean;
  runs: boolean | null;
  codes: string[];
  messageIncludes?: string;
  hintIncludes?: string;
  /** In the readable listing (without --json). */
  textIncludes?: string;
}

const cases: Case[] = JSON.parse(readFileSync(new URL('./samples/validate.cases.json', import.meta.url), 'utf8'));

for (const c of cases) {
  samples(c.name, async () => {
    const work = mkdtempSync(join(tmpdir(), 'statemill-samples-'));
    try {
      writeFileSync(join(work, c.file), typeof c.content === 'string' ? c.content : JSON.stringify(c.content));
      const r = await cli(['validate', c.file, '--json', ...c.args], { cwd: work });
      assert.is(r.code, c.exit, r.stdout + r.stderr);
      const [only] = r.json().definitions;
      assert.equal([only.valid, only.runs], [c.valid, c.runs]);
      const listed = [...only.problems, ...only.engineProblems];
      assert.equal(
        listed.map((p: { code: string }) => p.code),
        c.codes,
      );
      if (c.messageIncludes !== undefined)
        assert.ok(
          listed.some((p: { message: string }) => p.message.includes(c.messageIncludes!)),
          JSON.stringify(listed),
        );
      if (c.hintIncludes !== undefined)
        assert.ok(
          listed.some((p: { hint: string }) => p.hint.includes(c.hintIncludes!)),
          JSON.stringify(listed),
        );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DefinitionError) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

samples('compile() of a STANDARD machine without integrations says they run it, not that Express refuses it', () => {
  const callback = cases[0]!.content;
  const [message] = problemsOf(() => compile(callback, { workflowType: 'STANDARD', handlers: { 'arn:aws:states:::sns:publish': () => ({}) } }));
  assert.ok(message!.startsWith("this STANDARD state machine's '.waitForTaskToken' service integration is valid ASL"), message);
  assert.ok(message!.includes('createService()'), message);
  const [express] = problemsOf(() => compile(callback, { handlers: { 'arn:aws:states:::sns:publish': () => ({}) } }));
  assert.ok(express!.startsWith("Express state machine does not support '.waitForTaskToken' service integration"), express);
});

samples("a Distributed Map's ItemReader without an S3 handler says where a handler goes for the service too", () => {
  const definition = {
    StartAt: 'Rows',
    States: {
      Rows: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Row', States: { Row: { Type: 'Pass', End: true } } },
        End: true,
      },
    },
  };
  const [message] = problemsOf(() => compile(definition));
  assert.ok(message!.includes('the handlers of compile() or createService() (--handlers for statemill run and serve)'), message);
});

samples('a DefinitionUri that differs from the file only in letter case is not found, and the message names the file it meant', async () => {
  // serverless-patterns sfn-lambda, sfn-sns and sfn-log-export name statemachine/StateMachine.asl.json for stateMachine.asl.json.
  const work = mkdtempSync(join(tmpdir(), 'statemill-samples-'));
  try {
    mkdirSync(join(work, 'statemachine'));
    writeFileSync(join(work, 'statemachine', 'stateMachine.asl.json'), JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }));
    const template =
      'Resources:\n  Machine:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: statemachine/StateMachine.asl.json\n';
    writeFileSync(join(work, 'template.yaml'), template);
    const r = await cli(['validate', 'template.yaml'], { cwd: work });
    if (existsSync(join(work, 'statemachine', 'StateMachine.asl.json'))) {
      assert.is(r.code, 0, r.stdout); // a file system that does not tell letter case apart finds it
      return;
    }
    assert.is(r.code, 3, r.stdout);
    assert.ok(r.stdout.includes('[ERR_CLI_FILE_NOT_FOUND]'), r.stdout);
    assert.ok(r.stdout.includes('did you mean statemachine/stateMachine.asl.json? (its name differs in letter case'), r.stdout);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

samples.run();
