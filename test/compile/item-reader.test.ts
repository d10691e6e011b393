import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compile, validate, s3FolderHandlers, DefinitionError } from '../../src/index.js';

/** Distributed Map ItemReader and ResultWriter, table-driven over the buckets in item-reader-buckets/. */
const itemReader = suite('item-reader');
const here = dirname(fileURLToPath(import.meta.url));
const buckets = join(here, 'item-reader-buckets');
const cases = JSON.parse(readFileSync(join(here, 'item-reader.cases.json'), 'utf8')) as {
  reads: { name: string; reader: unknown; input?: unknown; jsonata?: boolean; items?: unknown[]; keys?: string[]; error?: string; cause?: string }[];
  sources: { name: string; reader: unknown; jsonata?: boolean; sources: string[] }[];
  problems: { name: string; reader?: unknown; writer?: unknown; mode?: string; pointer: string; code: string }[];
};

function mapWith(fields: Record<string, unknown>, mode = 'DISTRIBUTED', jsonata = false) {
  return {
    ...(jsonata ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        ItemProcessor: { ProcessorConfig: { Mode: mode, ExecutionType: 'STANDARD' }, StartAt: 'Each', States: { Each: { Type: 'Pass', End: true } } },
        End: true,
        ...fields,
      },
    },
  };
}

for (const row of cases.reads) {
  itemReader(`reads: ${row.name}`, async () => {
    const machine = compile(mapWith({ ItemReader: row.reader }, 'DISTRIBUTED', row.jsonata), { handlers: s3FolderHandlers(buckets) });
    const result = await machine.execute(row.input ?? {});
    if (row.error !== undefined) {
      assert.is(result.status, 'FAILED');
      assert.is(result.error, row.error);
      assert.ok(result.cause?.includes(row.cause!), result.cause ?? '');
      return;
    }
    assert.is(result.status, 'SUCCEEDED', `${result.error} ${result.cause}`);
    if (row.keys !== undefined) {
      const listed = result.output as { Key: string; Etag: string; Size: number; LastModified: number; StorageClass: string }[];
      assert.equal(
        listed.map((o) => o.Key),
        row.keys,
      );
      for (const object of listed) {
        assert.equal(Object.keys(object), ['Etag', 'Key', 'LastModified', 'Size', 'StorageClass']);
        assert.match(object.Etag, /^"[0-9a-f]{32}"$/);
        assert.is(typeof object.LastModified, 'number');
      }
      return;
    }
    assert.equal(result.output, row.items);
  });
}

for (const row of cases.sources) {
  itemReader(`$$.Map.Item.Source in the ItemSelector: ${row.name}`, async () => {
    const selector = row.jsonata ? { source: '{% $states.context.Map.Item.Source %}' } : { 'source.$': '$$.Map.Item.Source' };
    const machine = compile(mapWith({ ItemReader: row.reader, ItemSelector: selector }, 'DISTRIBUTED', row.jsonata), { handlers: s3FolderHandlers(buckets) });
    const result = await machine.execute({});
    assert.is(result.status, 'SUCCEEDED', `${result.error} ${result.cause}`);
    assert.equal(
      result.output,
      row.sources.map((s) => ({ source: s })),
    );
  });
}

for (const row of cases.problems) {
  itemReader(`validate and compile refuse: ${row.name}`, () => {
    const fields: Record<string, unknown> = {};
    if (row.reader !== undefined) fields.ItemReader = row.reader;
    if (row.writer !== undefined) fields.ResultWriter = row.writer;
    const definition = mapWith(fields, row.mode);
    const found = validate(definition).find((p) => p.pointer === row.pointer);
    assert.ok(found, `no problem at ${row.pointer}: ${JSON.stringify(validate(definition))}`);
    assert.is(found.code, row.code);
    assert.throws(
      () => compile(definition, { handlers: s3FolderHandlers(buckets) }),
      (e: unknown) => e instanceof DefinitionError,
    );
  });
}

itemReader('compile names the missing S3 handler; validate accepts the definition', () => {
  const definition = mapWith({ ItemReader: cases.reads[0]!.reader });
  assert.equal(validate(definition), []);
  try {
    compile(definition);
    assert.unreachable('compiled');
  } catch (thrown) {
    const problem = (thrown as DefinitionError).problems[0]!;
    assert.is(problem.code, 'ERR_ASL_NO_HANDLER');
    assert.is(problem.pointer, '/States/M/ItemReader/Resource');
    assert.match(problem.message, 'arn:aws:states:::s3:getObject');
  }
});

itemReader('ItemBatcher groups the items an ItemReader read', async () => {
  const machine = compile(mapWith({ ItemReader: cases.reads[0]!.reader, ItemBatcher: { MaxItemsPerBatch: 2 } }), { handlers: s3FolderHandlers(buckets) });
  const result = await machine.execute({});
  assert.equal(result.output, [
    {
      Items: [
        { id: 1, name: 'ann' },
        { id: 2, name: 'bob' },
      ],
    },
    { Items: [{ id: 3, name: 'cy' }] },
  ]);
});

itemReader('ResultWriter writes the manifest and result files through s3:putObject and answers where', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-writer-'));
  try {
    cpSync(buckets, dir, { recursive: true });
    const definition = mapWith({
      ItemReader: cases.reads[0]!.reader,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: 'Check',
        States: {
          Check: { Type: 'Choice', Choices: [{ Variable: '$.id', NumericEquals: 2, Next: 'Fail' }], Default: 'Keep' },
          Keep: { Type: 'Pass', Parameters: { 'upper.$': '$.name' }, End: true },
          Fail: { Type: 'Fail', Error: 'Two', Cause: 'no twos' },
        },
      },
      ToleratedFailureCount: 1,
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'data', Prefix: 'out' } },
    });
    const result = await compile(definition, { handlers: s3FolderHandlers(dir), stateMachineName: 'writer' }).execute({});
    assert.is(result.status, 'SUCCEEDED', `${result.error} ${result.cause}`);
    const out = result.output as { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } };
    // No Label: AWS names the map run with a generated UUID (`<machine>/<Label or UUID>`).
    assert.match(
      out.MapRunArn,
      /^arn:aws:states:us-east-1:123456789012:mapRun:writer\/[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}:[0-9a-f-]{36}$/,
    );
    assert.is(out.ResultWriterDetails.Bucket, 'data');
    assert.match(out.ResultWriterDetails.Key, /^out\/[0-9a-f-]{36}\/manifest\.json$/);
    const manifest = JSON.parse(readFileSync(join(dir, 'data', out.ResultWriterDetails.Key), 'utf8'));
    assert.is(manifest.DestinationBucket, 'data');
    assert.is(manifest.MapRunArn, out.MapRunArn);
    assert.equal(manifest.ResultFiles.PENDING, []);
    const succeeded = JSON.parse(readFileSync(join(dir, 'data', manifest.ResultFiles.SUCCEEDED[0].Key), 'utf8'));
    assert.equal(
      succeeded.map((r: { Output: string }) => JSON.parse(r.Output)),
      [{ upper: 'ann' }, { upper: 'cy' }],
    );
    assert.equal(
      succeeded.map((r: { Input: string }) => JSON.parse(r.Input).id),
      [1, 3],
    );
    assert.is(succeeded[0].Status, 'SUCCEEDED');
    const failed = JSON.parse(readFileSync(join(dir, 'data', manifest.ResultFiles.FAILED[0].Key), 'utf8'));
    assert.is(failed.length, 1);
    assert.is(failed[0].Error, 'Two');
    assert.is(failed[0].Cause, 'no twos');
    assert.is(manifest.ResultFiles.SUCCEEDED[0].Size, Buffer.byteLength(JSON.stringify(succeeded)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

itemReader('ResultWriter with WriterConfig FLATTEN writes only the outputs, flattened, as JSONL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'statemill-writer-'));
  try {
    cpSync(buckets, dir, { recursive: true });
    const definition = mapWith({
      ItemReader: cases.reads[0]!.reader,
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED' },
        StartAt: 'Pair',
        States: { Pair: { Type: 'Pass', Parameters: { 'v.$': 'States.Array($.id, $.id)' }, OutputPath: '$.v', End: true } },
      },
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { Bucket: 'data', Prefix: 'flat/' },
        WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSONL' },
      },
    });
    const result = await compile(definition, { handlers: s3FolderHandlers(dir) }).execute({});
    const out = result.output as { ResultWriterDetails: { Key: string } };
    assert.match(out.ResultWriterDetails.Key, /^flat\/[0-9a-f-]{36}\/results\.jsonl$/);
    assert.is(readFileSync(join(dir, 'data', out.ResultWriterDetails.Key), 'utf8'), '1\n1\n2\n2\n3\n3\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

itemReader('LOAD_AND_FLATTEN skips folder markers, awaits an asynchronous getObject, and reads a long listing answered synchronously', async () => {
  const reader = {
    Resource: 'arn:aws:states:::s3:listObjectsV2',
    ReaderConfig: { InputType: 'JSONL', Transformation: 'LOAD_AND_FLATTEN' },
    Parameters: { Bucket: 'b', Prefix: 'p/' },
  };
  const listing = (keys: string[]) => () => ({ Contents: keys.map((Key) => ({ Key, ETag: '"e"', Size: 1, LastModified: new Date(0) })) });
  const read: string[] = [];
  const asyncGet = async (request: unknown) => {
    const { Bucket, Key } = request as { Bucket: string; Key: string };
    read.push(`${Bucket}/${Key}`);
    return `{"key":"${Key}"}`;
  };
  const handlers = { 'arn:aws:states:::s3:listObjectsV2': listing(['p/', 'p/a.jsonl', 'p/sub/', 'p/b.jsonl']), 'arn:aws:states:::s3:getObject': asyncGet };
  const result = await compile(mapWith({ ItemReader: reader }), { handlers }).execute({});
  assert.is(result.status, 'SUCCEEDED', `${result.error} ${result.cause}`);
  assert.equal(result.output, [{ key: 'p/a.jsonl' }, { key: 'p/b.jsonl' }]);
  assert.equal(read, ['b/p/a.jsonl', 'b/p/b.jsonl']);

  const many = Array.from({ length: 20_000 }, (_, i) => `p/${String(i).padStart(5, '0')}.jsonl`);
  const syncGet = (request: unknown) => `${(request as { Key: string }).Key.length}`;
  const long = compile(mapWith({ ItemReader: { ...reader, ReaderConfig: { ...reader.ReaderConfig, MaxItems: 15_000 } } }), {
    handlers: { 'arn:aws:states:::s3:listObjectsV2': listing(many), 'arn:aws:states:::s3:getObject': syncGet },
  });
  const longResult = await long.execute({});
  assert.is(longResult.status, 'SUCCEEDED', `${longResult.error} ${longResult.cause}`);
  assert.is((longResult.output as unknown[]).length, 15_000);
});

itemReader('a ResultWriter with only a WriterConfig reshapes the Map result: COMPACT keeps the successful outputs, FLATTEN also flattens them', async () => {
  const processor = {
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    StartAt: 'Check',
    States: {
      Check: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'Bad' }], Default: 'Pair' },
      Bad: { Type: 'Fail', Error: 'Two', Cause: 'no twos' },
      Pair: { Type: 'Pass', Parameters: { 'v.$': 'States.Array($, $)' }, OutputPath: '$.v', End: true },
    },
  };
  const run = async (Transformation: string) => {
    const definition = mapWith({
      ItemsPath: '$.items',
      ItemProcessor: processor,
      ToleratedFailureCount: 1,
      ResultWriter: { WriterConfig: { Transformation } },
    });
    assert.equal(validate(definition), []);
    return compile(definition).execute({ items: [1, 2, 3] });
  };
  const compact = await run('COMPACT');
  assert.is(compact.status, 'SUCCEEDED', `${compact.error} ${compact.cause}`);
  assert.equal(compact.output, [
    [1, 1],
    [3, 3],
  ]);
  const flat = await run('FLATTEN');
  assert.is(flat.status, 'SUCCEEDED', `${flat.error} ${flat.cause}`);
  assert.equal(flat.output, [1, 1, 3, 3]);
});

itemReader.run();
