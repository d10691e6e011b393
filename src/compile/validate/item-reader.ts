import { ProblemCodes, type Problem } from '../../asl/problems.js';
import { isObject } from '../../json.js';
import { isItemsPointer } from '../items-pointer.js';

/**
 * What a Distributed Map's ItemReader and ResultWriter may say beyond their field shapes
 * (which the table in asl/fields.ts gives): the S3 resources statemill reads and writes, the
 * ReaderConfig settings and how they combine. compile() then needs only the S3 handlers.
 */
const READER_RESOURCES = ['arn:aws:states:::s3:getObject', 'arn:aws:states:::s3:listObjectsV2'];
const WRITER_RESOURCES = ['arn:aws:states:::s3:putObject'];
const INPUT_TYPES = ['CSV', 'JSON', 'JSONL', 'MANIFEST'];
const HEADER_LOCATIONS = ['FIRST_ROW', 'GIVEN'];
const DELIMITERS = ['COMMA', 'PIPE', 'SEMICOLON', 'SPACE', 'TAB'];
const TRANSFORMATIONS = ['NONE', 'COMPACT', 'FLATTEN'];
const OUTPUT_TYPES = ['JSON', 'JSONL'];
const MAX_ITEMS_LIMIT = 100_000_000;
const READER_CONFIG_FIELDS = [
  'InputType',
  'CSVHeaderLocation',
  'CSVHeaders',
  'CSVDelimiter',
  'ItemsPointer',
  'MaxItems',
  'MaxItemsPath',
  'Transformation',
  'ManifestType',
];
const READER_TRANSFORMATIONS = ['NONE', 'LOAD_AND_FLATTEN'];
const MANIFEST_TYPES = ['S3_INVENTORY', 'ATHENA_DATA'];

function oneOf(problems: Problem[], pointer: string, field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) {
    problems.push({ code: ProblemCodes.FIELD_VALUE, pointer, message: `${field} must be one of ${allowed.join(', ')}; found ${JSON.stringify(value)}` });
  }
}

/** Problems of a Map state's ItemReader and ResultWriter; [] when it has neither. */
export function itemReaderProblems(state: Record<string, unknown>, pointer: string): Problem[] {
  const problems: Problem[] = [];
  const hasReader = 'ItemReader' in state;
  const hasWriter = 'ResultWriter' in state;
  if (!hasReader && !hasWriter) return problems;
  const processor = state.ItemProcessor;
  const distributed = isObject(processor) && isObject(processor.ProcessorConfig) && processor.ProcessorConfig.Mode === 'DISTRIBUTED';
  for (const [present, field] of [
    [hasReader, 'ItemReader'],
    [hasWriter, 'ResultWriter'],
  ] as const) {
    if (present && !distributed) {
      problems.push({
        code: ProblemCodes.FIELD_VALUE,
        pointer: `${pointer}/${field}`,
        message: `${field} is only allowed in a Map state whose ItemProcessor.ProcessorConfig.Mode is DISTRIBUTED`,
      });
    }
  }
  if (hasReader && isObject(state.ItemReader)) readerProblems(problems, state.ItemReader, `${pointer}/ItemReader`);
  if (hasWriter && isObject(state.ResultWriter)) writerProblems(problems, state.ResultWriter, `${pointer}/ResultWriter`);
  return problems;
}

function readerProblems(problems: Problem[], reader: Record<string, unknown>, at: string): void {
  const resource = reader.Resource;
  if (typeof resource === 'string' && !READER_RESOURCES.includes(resource)) {
    problems.push({
      code: ProblemCodes.UNSUPPORTED_INTEGRATION,
      pointer: `${at}/Resource`,
      message: `ItemReader Resource must be one of ${READER_RESOURCES.join(', ')}; found '${resource}'`,
    });
  }
  const config = reader.ReaderConfig;
  if (config === undefined) {
    if (resource === READER_RESOURCES[0]) {
      problems.push({
        code: ProblemCodes.MISSING_FIELD,
        pointer: `${at}/ReaderConfig`,
        message: 'an ItemReader reading s3:getObject needs ReaderConfig.InputType (CSV, JSON, JSONL or MANIFEST)',
      });
    }
    return;
  }
  if (!isObject(config)) return;
  const cat = `${at}/ReaderConfig`;
  for (const field of Object.keys(config)) {
    if (!READER_CONFIG_FIELDS.includes(field)) {
      problems.push({
        code: ProblemCodes.UNKNOWN_FIELD,
        pointer: `${cat}/${field}`,
        message: `ReaderConfig has no field '${field}'; its fields are ${READER_CONFIG_FIELDS.join(', ')}`,
      });
    }
  }
  const inventory = manifestProblems(problems, config, resource, cat);
  if ('Transformation' in config) transformationProblems(problems, config, resource, cat);
  // An S3 Inventory manifest says what its files hold: InputType is left out (or MANIFEST).
  if (!inventory) inputTypeProblems(problems, config, resource, cat);
  const csv = config.InputType === 'CSV';
  for (const field of ['CSVHeaderLocation', 'CSVHeaders', 'CSVDelimiter']) {
    if (field in config && !csv) {
      problems.push({ code: ProblemCodes.FIELD_VALUE, pointer: `${cat}/${field}`, message: `${field} is only allowed when InputType is CSV` });
    }
  }
  if ('CSVHeaderLocation' in config) oneOf(problems, `${cat}/CSVHeaderLocation`, 'CSVHeaderLocation', config.CSVHeaderLocation, HEADER_LOCATIONS);
  if ('CSVDelimiter' in config) oneOf(problems, `${cat}/CSVDelimiter`, 'CSVDelimiter', config.CSVDelimiter, DELIMITERS);
  const given = config.CSVHeaderLocation === 'GIVEN';
  if (given && !('CSVHeaders' in config)) {
    problems.push({
      code: ProblemCodes.MISSING_FIELD,
      pointer: `${cat}/CSVHeaders`,
      message: 'CSVHeaderLocation GIVEN needs CSVHeaders, the list of column names',
    });
  }
  if ('CSVHeaders' in config) {
    const headers = config.CSVHeaders;
    if (!Array.isArray(headers) || headers.length === 0 || !headers.every((h) => typeof h === 'string')) {
      problems.push({ code: ProblemCodes.FIELD_TYPE, pointer: `${cat}/CSVHeaders`, message: 'CSVHeaders must be a non-empty array of strings' });
    } else if (!given) {
      problems.push({ code: ProblemCodes.FIELD_VALUE, pointer: `${cat}/CSVHeaders`, message: 'CSVHeaders is only allowed when CSVHeaderLocation is GIVEN' });
    }
  }
  if ('ItemsPointer' in config) {
    if (config.InputType !== 'JSON') {
      problems.push({ code: ProblemCodes.FIELD_VALUE, pointer: `${cat}/ItemsPointer`, message: 'ItemsPointer is only allowed when InputType is JSON' });
    } else if (!isItemsPointer(config.ItemsPointer)) {
      problems.push({
        code: ProblemCodes.FIELD_VALUE,
        pointer: `${cat}/ItemsPointer`,
        message: `ItemsPointer must be a JSON Pointer to the items' array (e.g. "/data/items"); found ${JSON.stringify(config.ItemsPointer)}`,
      });
    }
  }
  if ('MaxItems' in config && 'MaxItemsPath' in config) {
    problems.push({ code: ProblemCodes.FIELD_VALUE, pointer: `${cat}/MaxItemsPath`, message: 'ReaderConfig may set MaxItems or MaxItemsPath, not both' });
  }
  if ('MaxItems' in config) {
    const max = config.MaxItems;
    const expression = typeof max === 'string' && max.startsWith('{%');
    if (!expression && (typeof max !== 'number' || !Number.isInteger(max) || max < 0 || max > MAX_ITEMS_LIMIT)) {
      problems.push({
        code: ProblemCodes.FIELD_VALUE,
        pointer: `${cat}/MaxItems`,
        message: `MaxItems must be an integer from 0 to ${MAX_ITEMS_LIMIT}; found ${JSON.stringify(max)}`,
      });
    }
  }
  if ('MaxItemsPath' in config && (typeof config.MaxItemsPath !== 'string' || !config.MaxItemsPath.startsWith('$'))) {
    problems.push({
      code: ProblemCodes.FIELD_VALUE,
      pointer: `${cat}/MaxItemsPath`,
      message: `MaxItemsPath must be a reference path starting with $; found ${JSON.stringify(config.MaxItemsPath)}`,
    });
  }
}

function inputTypeProblems(problems: Problem[], config: Record<string, unknown>, resource: unknown, cat: string): void {
  if ('InputType' in config) {
    if (config.InputType === 'PARQUET') {
      problems.push({
        code: ProblemCodes.UNSUPPORTED_INTEGRATION,
        pointer: `${cat}/InputType`,
        message: 'InputType PARQUET is not supported by statemill; convert the items to CSV, JSON or JSONL',
      });
    } else {
      oneOf(problems, `${cat}/InputType`, 'InputType', config.InputType, INPUT_TYPES);
    }
  } else if (resource === READER_RESOURCES[0]) {
    problems.push({
      code: ProblemCodes.MISSING_FIELD,
      pointer: `${cat}/InputType`,
      message: 'an ItemReader reading s3:getObject needs ReaderConfig.InputType (CSV, JSON, JSONL or MANIFEST)',
    });
  }
}

/** ManifestType: S3_INVENTORY reads an S3 Inventory manifest (as InputType MANIFEST does); true when it does. */
function manifestProblems(problems: Problem[], config: Record<string, unknown>, resource: unknown, cat: string): boolean {
  if (!('ManifestType' in config)) return false;
  const type = config.ManifestType;
  if (type === 'ATHENA_DATA') {
    problems.push({
      code: ProblemCodes.UNSUPPORTED_INTEGRATION,
      pointer: `${cat}/ManifestType`,
      message:
        'ManifestType ATHENA_DATA (an Athena UNLOAD manifest) is not supported by statemill; list the data files with listObjectsV2 and Transformation LOAD_AND_FLATTEN',
    });
    return false;
  }
  oneOf(problems, `${cat}/ManifestType`, 'ManifestType', type, MANIFEST_TYPES);
  if (type !== 'S3_INVENTORY') return false;
  if (resource !== READER_RESOURCES[0]) {
    problems.push({
      code: ProblemCodes.FIELD_VALUE,
      pointer: `${cat}/ManifestType`,
      message: 'ManifestType S3_INVENTORY reads a manifest with arn:aws:states:::s3:getObject',
    });
  }
  if ('InputType' in config && config.InputType !== 'MANIFEST') {
    problems.push({
      code: ProblemCodes.FIELD_VALUE,
      pointer: `${cat}/InputType`,
      message: `ManifestType S3_INVENTORY reads the CSV files its manifest lists; leave InputType out (found ${JSON.stringify(config.InputType)})`,
    });
  }
  return true;
}

/** Transformation LOAD_AND_FLATTEN: listObjectsV2 lists objects whose contents (of InputType) are the items. */
function transformationProblems(problems: Problem[], config: Record<string, unknown>, resource: unknown, cat: string): void {
  oneOf(problems, `${cat}/Transformation`, 'Transformation', config.Transformation, READER_TRANSFORMATIONS);
  if (config.Transformation !== 'LOAD_AND_FLATTEN') return;
  if (resource !== READER_RESOURCES[1]) {
    problems.push({
      code: ProblemCodes.FIELD_VALUE,
      pointer: `${cat}/Transformation`,
      message: 'Transformation LOAD_AND_FLATTEN reads the objects arn:aws:states:::s3:listObjectsV2 lists; use it with that Resource',
    });
  } else if (!('InputType' in config)) {
    problems.push({
      code: ProblemCodes.MISSING_FIELD,
      pointer: `${cat}/InputType`,
      message: 'Transformation LOAD_AND_FLATTEN needs ReaderConfig.InputType, what each listed object holds (CSV, JSON or JSONL)',
    });
  } else if (config.InputType === 'MANIFEST') {
    problems.push({
      code: ProblemCodes.FIELD_VALUE,
      pointer: `${cat}/InputType`,
      message: 'Transformation LOAD_AND_FLATTEN reads CSV, JSON or JSONL objects, not MANIFEST',
    });
  }
}

function writerProblems(problems: Problem[], writer: Record<string, unknown>, at: string): void {
  const resource = writer.Resource;
  if ('Resource' in writer && (typeof resource !== 'string' || !WRITER_RESOURCES.includes(resource))) {
    problems.push({
      code: ProblemCodes.UNSUPPORTED_INTEGRATION,
      pointer: `${at}/Resource`,
      message: `ResultWriter Resource must be ${WRITER_RESOURCES[0]}; found ${JSON.stringify(resource)}`,
    });
  }
  const config = writer.WriterConfig;
  if (!('Resource' in writer)) {
    const transformation = isObject(config) ? config.Transformation : undefined;
    if (!isObject(config)) {
      problems.push({
        code: ProblemCodes.MISSING_FIELD,
        pointer: `${at}/Resource`,
        message: 'a ResultWriter needs Resource (arn:aws:states:::s3:putObject) and its bucket to export the results, or a WriterConfig to reshape them',
      });
    } else if (transformation !== 'COMPACT' && transformation !== 'FLATTEN') {
      problems.push({
        code: ProblemCodes.FIELD_VALUE,
        pointer: `${at}/WriterConfig`,
        message:
          'a ResultWriter without Resource reshapes the results with WriterConfig.Transformation COMPACT or FLATTEN; NONE keeps the execution details only in the files written to S3',
      });
    } else if ('Parameters' in writer || 'Arguments' in writer) {
      problems.push({
        code: ProblemCodes.MISSING_FIELD,
        pointer: `${at}/Resource`,
        message: 'a ResultWriter that names a bucket needs Resource arn:aws:states:::s3:putObject',
      });
    }
  }
  if (!isObject(config)) return;
  if ('Transformation' in config) oneOf(problems, `${at}/WriterConfig/Transformation`, 'Transformation', config.Transformation, TRANSFORMATIONS);
  if ('OutputType' in config) oneOf(problems, `${at}/WriterConfig/OutputType`, 'OutputType', config.OutputType, OUTPUT_TYPES);
}
