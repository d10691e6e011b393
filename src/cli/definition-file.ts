import { dirname, extname, relative, resolve } from 'node:path';
import { CliError, CliErrorCodes } from './cli-error.js';
import { findStateMachines, type FoundStateMachine } from './cloudformation.js';
import { readTextFile } from './files.js';
import { parseJsonText } from './json-text.js';

/** One state machine definition read from a file. */
export interface LoadedDefinition {
  /** For messages: the file, and the resource's logical id when it came from a template. */
  readonly label: string;
  /** The template's logical id of the state machine; null for a plain ASL file. */
  readonly resource: string | null;
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
export async function loadDefinitions(file: string, cwd: string): Promise<DefinitionOutcome[]> {
  const document = await parseDocumentText(await readTextFile(file, cwd, 'definition'), file);
  const found = findStateMachines(document);
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

/** The one state machine to run: the file's only one, or the resource chosen by logical id. */
export async function loadDefinition(file: string, cwd: string, resource?: string): Promise<LoadedDefinition> {
  const outcomes = await loadDefinitions(file, cwd);
  const ids = outcomes.map((o) => o.resource).filter((id): id is string => id !== null);
  let chosen: DefinitionOutcome | undefined;
  if (resource !== undefined) {
    chosen = outcomes.find((o) => o.resource === resource);
    if (chosen === undefined) {
      throw new CliError(CliErrorCodes.NO_STATE_MACHINE, `${file} has no state machine resource '${resource}'${ids.length > 0 ? `; it has ${ids.join(', ')}` : ' (it is not a template)'}`);
    }
  } else if (outcomes.length === 1) {
    chosen = outcomes[0]!;
  } else {
    throw new CliError(CliErrorCodes.AMBIGUOUS_STATE_MACHINE, `${file} has ${outcomes.length} state machines (${ids.join(', ')}); choose one with --resource <logical id>`);
  }
  if ('error' in chosen) throw chosen.error;
  return chosen;
}

async function readMachine(file: string, cwd: string, machine: FoundStateMachine): Promise<DefinitionOutcome> {
  const label = machine.resource === null ? file : `${file} (${machine.resource})`;
  const source = machine.source;
  try {
    switch (source.kind) {
      case 'object':
        return { label, resource: machine.resource, definition: machine.substitute(source.definition) };
      case 'text':
        return { label, resource: machine.resource, definition: machine.substitute(parseJsonText(source.text, `${label} DefinitionString`)) };
      case 'file': {
        const path = relative(cwd, resolve(cwd, dirname(file), source.path)) || source.path;
        const definition = await parseDocumentText(await readTextFile(path, cwd, 'definition'), path);
        return { label: `${label} → ${path}`, resource: machine.resource, definition: machine.substitute(definition) };
      }
      case 'unusable':
        throw new CliError(CliErrorCodes.NO_STATE_MACHINE, `${machine.resource ?? file}: ${source.reason}`);
    }
  } catch (error) {
    if (error instanceof CliError) return { label, resource: machine.resource, error };
    throw error;
  }
}
