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
    problems.push({
      code: ProblemCodes.UNSUPPORTED_INTEGRATION,
      pointer: `${at}/Resource`,
      message: 'a ResultWriter without Resource only reshapes the results; statemill needs arn:aws:states:::s3:putObject',
    });
  }
  if (!isObject(config)) return;
  if ('Transformation' in config) oneOf(problems, `${at}/WriterConfig/Transformation`, 'Transformation', config.Transformation, TRANSFORMATIONS);
  if ('OutputType' in config) oneOf(problems, `${at}/WriterConfig/OutputType`, 'OutputType', config.OutputType, OUTPUT_TYPES);
}
