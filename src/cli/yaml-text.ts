import { createRequire } from 'node:module';
import { isScalar, parseDocument, visit, type Document, type Node } from 'yaml';
import { CliError, CliErrorCodes } from './cli-error.js';
import { stripByteOrderMark } from './json-text.js';
import { codeFrame, positionAt } from './source-position.js';

/** Aliases one document may expand; past this, a "billion laughs" file is refused. */
const MAX_ALIAS_COUNT = 100;
/** Values a leniently parsed document may hold, counting each use of an alias anew. */
const MAX_LENIENT_VALUES = 1_000_000;

/**
 * Parses YAML; CloudFormation short forms (`!Ref X`, `!GetAtt A.B`, `!Sub …`, any `!Name`)
 * become their JSON forms (`{ Ref: X }`, `{ "Fn::GetAtt": [A, B] }`, `{ "Fn::Sub": … }`), so
 * SAM and CloudFormation templates read the same whether written in YAML or JSON.
 *
 * As lenient as AWS's own tooling (SAM and the AWS CLI read templates with PyYAML): a
 * duplicate key keeps its last value, and what the strict YAML 1.2 parser refuses but
 * PyYAML reads — a flow mapping's closing brace left of its key, a double-quoted string
 * running over several lines at its key's indentation — is read by js-yaml 4 (a port of
 * PyYAML's parser). Only when both refuse a file is its error reported, with the
 * strict parser's line, column and code frame.
 */
export function parseYamlText(text: string, source: string): unknown {
  const body = stripByteOrderMark(text);
  // logLevel 'error': the parser's warnings (a mapping used as a key, say) would go to process warnings, outside the CLI's messages.
  const doc = parseDocument(body, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  const first = doc.errors[0];
  if (first !== undefined) {
    const lenient = parseLeniently(body);
    if (lenient.ok) return lenient.value;
    const position = positionAt(body, first.pos[0]);
    // The parser's own wording for this one names its API (parseAllDocuments), not the user's file.
    const message =
      first.code === 'MULTIPLE_DOCS'
        ? 'the file holds more than one YAML document (another begins at this ---); statemill reads one definition or template per file'
        : first.message;
    throw new CliError(CliErrorCodes.YAML_SYNTAX, `${source}:${position.line}:${position.column}: ${message}\n${codeFrame(body, position)}`);
  }
  expandShortForms(doc);
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw new CliError(CliErrorCodes.YAML_SYNTAX, `${source}: ${(error as Error).message}`);
  }
}

function expandShortForms(doc: Document): void {
  visit(doc, {
    Node(_key, node) {
      const tag = node.tag;
      if (tag === undefined || !tag.startsWith('!') || tag.startsWith('!!')) return undefined;
      const name = tag.slice(1);
      node.tag = undefined;
      let argument: Node = node;
      if (name === 'GetAtt' && isScalar(node) && typeof node.value === 'string') {
        const dot = node.value.indexOf('.');
        argument = doc.createNode(dot < 0 ? [node.value] : [node.value.slice(0, dot), node.value.slice(dot + 1)]);
      }
      const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
      const longForm = doc.createNode({});
      longForm.add(doc.createPair(key, argument));
      return longForm;
    },
  });
}

/** The CloudFormation short forms a lenient parse understands (a strict one takes any `!Name`). */
const SHORT_FORMS = [
  'Ref',
  'Condition',
  'GetAtt',
  'Sub',
  'Join',
  'Select',
  'Split',
  'If',
  'Equals',
  'Not',
  'And',
  'Or',
  'FindInMap',
  'Base64',
  'GetAZs',
  'ImportValue',
  'Cidr',
  'Transform',
  'Length',
  'ToJsonString',
  'ForEach',
];

type JsYaml = typeof import('js-yaml');
let lenientSchema: { yaml: JsYaml; schema: import('js-yaml').Schema } | null = null;

/** js-yaml and a schema with the short forms, loaded on first use: almost every file parses strictly. */
function lenientParser(): { yaml: JsYaml; schema: import('js-yaml').Schema } {
  if (lenientSchema !== null) return lenientSchema;
  const yaml = createRequire(import.meta.url)('js-yaml') as JsYaml;
  const types = SHORT_FORMS.flatMap((name) => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    return (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) =>
        new yaml.Type(`!${name}`, {
          kind,
          construct: (data: unknown) => {
            if (name === 'GetAtt' && typeof data === 'string') {
              const dot = data.indexOf('.');
              return { [key]: dot < 0 ? [data] : [data.slice(0, dot), data.slice(dot + 1)] };
            }
            return { [key]: data ?? '' };
          },
        }),
    );
  });
  lenientSchema = { yaml, schema: yaml.DEFAULT_SCHEMA.extend(types) };
  return lenientSchema;
}

function parseLeniently(body: string): { ok: true; value: unknown } | { ok: false } {
  const { yaml, schema } = lenientParser();
  let value: unknown;
  try {
    // json: a duplicate key keeps its last value, as PyYAML does.
    value = yaml.load(body, { schema, json: true });
  } catch {
    return { ok: false };
  }
  // js-yaml shares one object for every use of an alias: refuse what would expand without bound.
  return countValues(value) <= MAX_LENIENT_VALUES ? { ok: true, value } : { ok: false };
}

/** Values in a tree, each use of a shared object counted again; stops counting past the limit. */
function countValues(root: unknown): number {
  let count = 0;
  const pending: unknown[] = [root];
  while (pending.length > 0 && count <= MAX_LENIENT_VALUES) {
    const value = pending.pop();
    count += 1;
    if (value !== null && typeof value === 'object') for (const item of Object.values(value)) pending.push(item);
  }
  return count;
}
