import { isScalar, parseDocument, visit, type Document, type Node } from 'yaml';
import { CliError, CliErrorCodes } from './cli-error.js';
import { stripByteOrderMark } from './json-text.js';
import { codeFrame, positionAt } from './source-position.js';

/** Aliases one document may expand; past this, a "billion laughs" file is refused. */
const MAX_ALIAS_COUNT = 100;

/**
 * Parses YAML; CloudFormation short forms (`!Ref X`, `!GetAtt A.B`, `!Sub …`, any `!Name`)
 * become their JSON forms (`{ Ref: X }`, `{ "Fn::GetAtt": [A, B] }`, `{ "Fn::Sub": … }`), so
 * SAM and CloudFormation templates read the same whether written in YAML or JSON.
 */
export function parseYamlText(text: string, source: string): unknown {
  const body = stripByteOrderMark(text);
  const doc = parseDocument(body, { prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const position = positionAt(body, first.pos[0]);
    throw new CliError(CliErrorCodes.YAML_SYNTAX, `${source}:${position.line}:${position.column}: ${first.message}\n${codeFrame(body, position)}`);
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
