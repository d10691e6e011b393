/**
 * Finding the ASL inside CloudFormation, SAM and CDK output. A state machine resource holds
 * its definition as an object (`Definition`), as JSON text built with intrinsic functions
 * (`DefinitionString`, CDK's `Fn::Join`), or in another file (`DefinitionUri`). References are
 * resolved as far as a template alone allows: pseudo parameters get statemill's defaults, a
 * Lambda function's ARN is built from its FunctionName (or logical id), and anything else
 * stays a `${Name}` placeholder, so the definition still validates.
 */

export const STATE_MACHINE_TYPES = new Set(['AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine']);
const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Region': REGION,
  'AWS::AccountId': ACCOUNT,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'statemill',
  'AWS::StackId': `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/statemill/00000000-0000-0000-0000-000000000000`,
  'AWS::NoValue': '',
};

/** Deeper than this, values are left as they are (the validator reports the nesting). */
const MAX_DEPTH = 1000;

/** Where one state machine's definition is. */
export type DefinitionSource =
  | { readonly kind: 'object'; readonly definition: unknown }
  /** JSON text still to parse (DefinitionString, or `definition` in describe-state-machine output). */
  | { readonly kind: 'text'; readonly text: string }
  /** A local file (SAM DefinitionUri), relative to the template. */
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'unusable'; readonly reason: string };

export interface FoundStateMachine {
  /** Logical id in the template; null for a bare definition. */
  readonly resource: string | null;
  readonly source: DefinitionSource;
  /** Applies DefinitionSubstitutions to every string of the parsed definition. */
  substitute(definition: unknown): unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function own(object: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/**
 * The state machines a document holds: itself when it is ASL, each state machine resource of
 * a template, or the definition in a bare resource Properties object or in the output of
 * `aws stepfunctions describe-state-machine`. Null when it holds none of these.
 */
export function findStateMachines(document: unknown): FoundStateMachine[] | null {
  if (!isObject(document)) return null;
  if (own(document, 'StartAt') !== undefined || own(document, 'States') !== undefined) {
    return [{ resource: null, source: { kind: 'object', definition: document }, substitute: (d) => d }];
  }
  const resources = own(document, 'Resources');
  if (isObject(resources)) {
    const found: FoundStateMachine[] = [];
    const resolver = new IntrinsicResolver(document);
    for (const logicalId of Object.keys(resources)) {
      const resource = resources[logicalId];
      if (!isObject(resource) || !STATE_MACHINE_TYPES.has(resource.Type as string)) continue;
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      found.push(fromProperties(logicalId, properties, resolver));
    }
    return found.length > 0 ? found : null;
  }
  if (own(document, 'Definition') !== undefined || own(document, 'DefinitionString') !== undefined || own(document, 'DefinitionUri') !== undefined) {
    return [fromProperties(null, document, new IntrinsicResolver(null))];
  }
  if (typeof own(document, 'definition') === 'string' && typeof own(document, 'stateMachineArn') === 'string') {
    return [{ resource: null, source: { kind: 'text', text: document.definition as string }, substitute: (d) => d }];
  }
  return null;
}

function fromProperties(logicalId: string | null, properties: Record<string, unknown>, resolver: IntrinsicResolver): FoundStateMachine {
  const substitutions = isObject(properties.DefinitionSubstitutions) ? properties.DefinitionSubstitutions : {};
  const substitute = (definition: unknown) => resolver.substituteStrings(definition, substitutions);
  const definition = own(properties, 'Definition');
  if (definition !== undefined) return { resource: logicalId, source: { kind: 'object', definition: resolver.resolveValues(definition, 0) }, substitute };
  const text = own(properties, 'DefinitionString');
  if (text !== undefined) return { resource: logicalId, source: { kind: 'text', text: resolver.resolveString(text, 0) }, substitute };
  const uri = own(properties, 'DefinitionUri');
  if (typeof uri === 'string' && !/^s3:\/\//.test(uri)) return { resource: logicalId, source: { kind: 'file', path: uri }, substitute };
  const where = uri !== undefined ? 'in S3 (DefinitionUri)' : own(properties, 'DefinitionS3Location') !== undefined ? 'in S3 (DefinitionS3Location)' : 'nowhere: it has no Definition, DefinitionString or DefinitionUri';
  return { resource: logicalId, source: { kind: 'unusable', reason: `its definition is ${where}; point statemill at the definition file itself` }, substitute };
}

/** Resolves intrinsic functions to strings, as far as a template alone can. */
class IntrinsicResolver {
  private readonly parameters: Record<string, unknown>;
  private readonly resources: Record<string, unknown>;
  constructor(template: Record<string, unknown> | null) {
    this.parameters = template !== null && isObject(template.Parameters) ? template.Parameters : {};
    this.resources = template !== null && isObject(template.Resources) ? template.Resources : {};
  }

  /** A copy of a value with every intrinsic-function object replaced by its string. */
  resolveValues(value: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => this.resolveValues(item, depth + 1));
    if (!isObject(value)) return value;
    if (intrinsicName(value) !== null) return this.resolveString(value, depth);
    return Object.fromEntries(Object.keys(value).map((key) => [key, this.resolveValues(value[key], depth + 1)]));
  }

  resolveString(value: unknown, depth: number): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!isObject(value) || depth > MAX_DEPTH) return '';
    const name = intrinsicName(value);
    const argument = name === null ? undefined : value[name];
    switch (name) {
      case 'Ref':
        return typeof argument === 'string' ? this.reference(argument, null) : '';
      case 'Fn::GetAtt': {
        const [target, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : Array.isArray(argument) ? argument : [];
        return typeof target === 'string' ? this.reference(target, typeof attribute === 'string' ? attribute : null) : '';
      }
      case 'Fn::Join': {
        if (!Array.isArray(argument) || !Array.isArray(argument[1])) return '';
        const separator = typeof argument[0] === 'string' ? argument[0] : '';
        return argument[1].map((part) => this.resolveString(part, depth + 1)).join(separator);
      }
      case 'Fn::Sub': {
        const [template, variables] = Array.isArray(argument) ? argument : [argument, {}];
        if (typeof template !== 'string') return '';
        const locals = isObject(variables) ? variables : {};
        return replacePlaceholders(template, (placeholder) => {
          const local = own(locals, placeholder);
          if (local !== undefined) return this.resolveString(local, depth + 1);
          const [target, attribute] = splitOnce(placeholder, '.');
          return this.reference(target, attribute ?? null);
        });
      }
      case 'Fn::Select': {
        if (!Array.isArray(argument) || !Array.isArray(argument[1])) return '';
        return this.resolveString(argument[1][Number(argument[0])], depth + 1);
      }
      default:
        return name === null ? '' : `\${${name}}`;
    }
  }

  /** A definition with `${Name}` placeholders in its strings replaced from DefinitionSubstitutions. */
  substituteStrings(definition: unknown, substitutions: Record<string, unknown>): unknown {
    const names = Object.keys(substitutions);
    if (names.length === 0) return definition;
    const values = new Map(names.map((name) => [name, this.resolveString(substitutions[name], 0)]));
    const walk = (value: unknown, depth: number): unknown => {
      if (depth > MAX_DEPTH) return value;
      if (typeof value === 'string') return value.includes('${') ? replacePlaceholders(value, (name) => values.get(name) ?? `\${${name}}`) : value;
      if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
      if (!isObject(value)) return value;
      return Object.fromEntries(Object.keys(value).map((key) => [key, walk(value[key], depth + 1)]));
    };
    return walk(definition, 0);
  }

  /** What `Ref Name` or `Fn::GetAtt Name.Attribute` would give, as far as the template tells. */
  private reference(name: string, attribute: string | null): string {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (attribute === null && pseudo !== undefined) return pseudo;
    const parameter = own(this.parameters, name);
    if (attribute === null && isObject(parameter) && (typeof parameter.Default === 'string' || typeof parameter.Default === 'number')) {
      return String(parameter.Default);
    }
    const resource = own(this.resources, name);
    if (isObject(resource) && FUNCTION_TYPES.has(resource.Type as string)) {
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      const functionName = typeof properties.FunctionName === 'string' ? properties.FunctionName : name;
      if (attribute === null) return functionName;
      if (attribute === 'Arn') return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
    }
    if (isObject(resource) && attribute === null) return name;
    return attribute === null ? `\${${name}}` : `\${${name}.${attribute}}`;
  }
}

function intrinsicName(value: Record<string, unknown>): string | null {
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const key = keys[0]!;
  return key === 'Ref' || key.startsWith('Fn::') ? key : null;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Replaces `${Name}` placeholders; `${!Literal}` stands for the text `${Literal}`, as in Fn::Sub. */
function replacePlaceholders(text: string, valueOf: (name: string) => string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => (inner.startsWith('!') ? `\${${inner.slice(1)}}` : valueOf(inner.trim())));
}
