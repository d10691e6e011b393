import { dirname, extname, relative, resolve } from 'node:path';
import { CliError, CliErrorCodes } from './cli-error.js';
import { fillParams, findStateMachines, type FoundStateMachine, type WorkflowType } from './cloudformation.js';
import { readTextFile } from './files.js';
import { parseJsonText } from './json-text.js';
import { unfilledPlaceholders } from './params.js';
import { isObject, own } from '../json.js';

/** One state machine definition read from a file. */
export interface LoadedDefinition {
  /** For messages: the file, and the resource's logical id when it came from a template. */
  readonly label: string;
  /** The template's logical id of the state machine; null for a plain ASL file. */
  readonly resource: string | null;
  /** The state machine's name as the template gives it (Name, StateMachineName, else the logical id); null for a plain ASL file. */
  readonly name: string | null;
  /** Its type as the template declares it (STANDARD by default, as in AWS); null for a plain ASL file. */
  readonly type: WorkflowType | null;
  readonly definition: unknown;
}

/** A state machine a file holds, or why it cannot be used. */
export type DefinitionOutcome = LoadedDefinition | { readonly label: string; readonly resource: string | null; readonly error: CliError };

/**
 * JSON or YAML by extension; otherwise by the first character (JSON starts with `{` or `[`).
 * The YAML parser is loaded only for YAML: most runs read JSON, and start-up time counts.
 */
export async function parseDocumentText(text: string, source: string): Promise<unknown> {
  const extension = extname(source).toLowerCase();
  if (extension === '.json') return parseJsonText(text, source);
  const first = /\S/.exec(text.replace(/^\uFEFF/, ''))?.[0];
  if (extension !== '.yaml' && extension !== '.yml' && (first === '{' || first === '[')) return parseJsonText(text, source);
  const { parseYamlText } = await import('./yaml-text.js');
  return parseYamlText(text, source);
}

/**
 * Every state machine in a file: an ASL definition (JSON or YAML), or each state machine
 * resource of a CloudFormation/SAM/CDK template. Throws a CliError when the file cannot be
 * read or holds none; a resource whose definition cannot be read is reported in the list.
 */
export async function loadDefinitions(file: string, cwd: string, params: ReadonlyMap<string, string> = new Map()): Promise<DefinitionOutcome[]> {
  const document = await parseDefinitionDocument(await readTextFile(file, cwd, 'definition'), file, params);
  const found = findStateMachines(document, params);
  if (found === null) {
    throw new CliError(
      CliErrorCodes.NO_STATE_MACHINE,
      `${file} holds no state machine: expected an ASL definition (with StartAt and States), or a CloudFormation/SAM/CDK template ` +
        `with an AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine resource`,
    );
  }
  const outcomes: DefinitionOutcome[] = [];
  for (const machine of found) outcomes.push(await readMachine(file, cwd, machine));
  return outcomes;
}

/**
 * The one state machine to run: the file's only one, or the resource chosen by logical id.
 * `params` (--param Name=Value) fill template parameters and `${Name}` placeholders.
 */
export async function loadDefinition(file: string, cwd: string, resource?: string, params: ReadonlyMap<string, string> = new Map()): Promise<LoadedDefinition> {
  const outcomes = await loadDefinitions(file, cwd, params);
  const ids = outcomes.map((o) => o.resource).filter((id): id is string => id !== null);
  let chosen: DefinitionOutcome | undefined;
  if (resource !== undefined) {
    chosen = outcomes.find((o) => o.resource === resource);
    if (chosen === undefined) {
      throw new CliError(
        CliErrorCodes.NO_STATE_MACHINE,
        `${file} has no state machine resource '${resource}'${ids.length > 0 ? `; it has ${ids.join(', ')}` : ' (it is not a template)'}`,
      );
    }
  } else if (outcomes.length === 1) {
    chosen = outcomes[0]!;
  } else {
    throw new CliError(
      CliErrorCodes.AMBIGUOUS_STATE_MACHINE,
      `${file} has ${outcomes.length} state machines (${ids.join(', ')}); choose one with --resource <logical id>`,
    );
  }
  if ('error' in chosen) throw chosen.error;
  return chosen;
}

/**
 * The document a file holds. A plain ASL file's `${Name}` placeholders are filled by --param
 * in its text before it is parsed, as AWS fills a DefinitionUri file's substitutions, so
 * `"Seconds": ${Wait}` becomes a number and the file need not parse before; a template is
 * parsed as written (its own placeholders are filled where it uses them). Filled text that
 * does not parse (a value with a quote in a JSON string) falls back to filling the strings
 * of the parsed file.
 */
async function parseDefinitionDocument(text: string, file: string, params: ReadonlyMap<string, string>): Promise<unknown> {
  const filled = fillParams(text, params);
  if (filled === text) return parseSubstituted(text, file, parseDocumentText);
  let filledError: unknown;
  try {
    const document = await parseDocumentText(filled, file);
    if (isObject(document) && (own(document, 'StartAt') !== undefined || own(document, 'States') !== undefined)) return document;
  } catch (error) {
    filledError = error;
  }
  try {
    return await parseDocumentText(text, file);
  } catch (error) {
    // Neither parses: the filled text's fault is the one left to fix (the placeholders given are not it).
    return parseSubstituted(filled, file, () => {
      throw filledError ?? error;
    });
  }
}

/**
 * Parses definition text after substitution; when it does not parse and placeholders are
 * left that nothing fills, says so (they are often what breaks it).
 */
async function parseSubstituted<T>(text: string, where: string, parse: (text: string, where: string) => T | Promise<T>): Promise<T> {
  try {
    return await parse(text, where);
  } catch (error) {
    const left = unfilledPlaceholders(text);
    if (!(error instanceof CliError) || left.length === 0) throw error;
    throw new CliError(
      error.code,
      `${error.message}\n(the definition still holds placeholders nothing fills: ${left.slice(0, 5).join(', ')}${left.length > 5 ? ', …' : ''}; give them with --param Name=Value)`,
      error.exitCode,
    );
  }
}

async function readMachine(file: string, cwd: string, machine: FoundStateMachine): Promise<DefinitionOutcome> {
  const label = machine.resource === null ? file : `${file} (${machine.resource})`;
  const source = machine.source;
  const found = { resource: machine.resource, name: machine.name, type: machine.type };
  try {
    switch (source.kind) {
      case 'object':
        return { label, ...found, definition: machine.substitute(source.definition) };
      case 'text':
        return {
          label,
          ...found,
          definition: await parseSubstituted(machine.substituteText(source.text), `${label} DefinitionString`, (text, where) => parseJsonText(text, where)),
        };
      case 'file': {
        const absolute = resolve(cwd, dirname(file), source.path);
        // Shown relative to the working directory when it is below it, else in full.
        const path = relative(cwd, absolute).startsWith('..') ? absolute : relative(cwd, absolute) || source.path;
        const text = machine.substituteText(await readTextFile(path, cwd, 'definition'));
        return { label: `${label} → ${path}`, ...found, definition: await parseSubstituted(text, path, parseDocumentText) };
      }
      case 'unusable':
        throw new CliError(CliErrorCodes.NO_STATE_MACHINE, `${machine.resource ?? file}: ${source.reason}`);
    }
  } catch (error) {
    if (error instanceof CliError) return { label, resource: machine.resource, error };
    throw error;
  }
}
