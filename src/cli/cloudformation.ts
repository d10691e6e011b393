import { isObject, own } from '../json.js';
/**
 * Finding the ASL inside CloudFormation, SAM and CDK output. A state machine resource holds
 * its definition as an object (`Definition`), as JSON text built with intrinsic functions
 * (`DefinitionString`, CDK's `Fn::Join`), or in another file (`DefinitionUri`). References are
 * resolved as far as a template alone allows: pseudo parameters get statemill's defaults, a
 * Lambda function's ARN is built from its FunctionName (or logical id), and anything else
 * stays a `${Name}` placeholder, so the definition still validates.
 */

const STATE_MACHINE_TYPES = new Set(['AWS::StepFunctions::StateMachine', 'AWS::Serverless::StateMachine']);
const FUNCTION_TYPES = new Set(['AWS::Lambda::Function', 'AWS::Serverless::Function']);
const ACTIVITY_TYPE = 'AWS::StepFunctions::Activity';

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

export type WorkflowType = 'EXPRESS' | 'STANDARD';

export interface FoundStateMachine {
  /** Logical id in the template; null for a bare definition. */
  readonly resource: string | null;
  /** The state machine's name: its Name / StateMachineName, else the logical id; null for a bare definition. */
  readonly name: string | null;
  /** Its type as the template declares it (STANDARD when a template leaves it out, as AWS does); null for a bare definition. */
  readonly type: WorkflowType | null;
  readonly source: DefinitionSource;
  /** Applies DefinitionSubstitutions to every string of the parsed definition (an inline Definition). */
  substitute(definition: unknown): unknown;
  /**
   * Applies DefinitionSubstitutions to definition text before it is parsed, as AWS does for
   * DefinitionString and DefinitionUri: `"Seconds": ${Timeout}` becomes a number.
   */
  substituteText(text: string): string;
}

/**
 * The state machines a document holds: itself when it is ASL, each state machine resource of
 * a template, or the definition in a bare resource Properties object or in the output of
 * `aws stepfunctions describe-state-machine`. Null when it holds none of these.
 */
export function findStateMachines(document: unknown, values: ReadonlyMap<string, string> = new Map()): FoundStateMachine[] | null {
  if (!isObject(document)) return null;
  const bare = {
    resource: null,
    name: null,
    type: null,
    substitute: (definition: unknown) => substituteValues(definition, values),
    substituteText: (text: string) => fillParams(text, values),
  };
  if (own(document, 'StartAt') !== undefined || own(document, 'States') !== undefined) {
    return [{ ...bare, source: { kind: 'object', definition: document } }];
  }
  const resources = own(document, 'Resources');
  if (isObject(resources)) {
    const found: FoundStateMachine[] = [];
    const resolver = new IntrinsicResolver(document, values);
    for (const logicalId of Object.keys(resources)) {
      const resource = resources[logicalId];
      if (!isObject(resource) || !STATE_MACHINE_TYPES.has(resource.Type as string)) continue;
      const properties = isObject(resource.Properties) ? resource.Properties : {};
      found.push(fromProperties(logicalId, properties, resolver, resource.Type === 'AWS::Serverless::StateMachine'));
    }
    return found.length > 0 ? found : null;
  }
  if (own(document, 'Definition') !== undefined || own(document, 'DefinitionString') !== undefined || own(document, 'DefinitionUri') !== undefined) {
    return [{ ...fromProperties(null, document, new IntrinsicResolver(null, values), own(document, 'DefinitionUri') !== undefined), name: null, type: null }];
  }
  if (typeof own(document, 'definition') === 'string' && typeof own(document, 'stateMachineArn') === 'string') {
    const type = own(document, 'type');
    return [
      {
        ...bare,
        name: typeof own(document, 'name') === 'string' ? (document.name as string) : null,
        type: type === 'EXPRESS' || type === 'STANDARD' ? type : null,
        source: { kind: 'text', text: document.definition as string },
      },
    ];
  }
  return null;
}

function fromProperties(logicalId: string | null, properties: Record<string, unknown>, resolver: IntrinsicResolver, sam: boolean): FoundStateMachine {
  const substitutions = isObject(properties.DefinitionSubstitutions) ? properties.DefinitionSubstitutions : {};
  const substitute = (definition: unknown) => resolver.substituteStrings(definition, substitutions);
  const substituteText = (text: string) => resolver.substituteText(text, substitutions);
  // SAM names these Name and Type; CloudFormation StateMachineName and StateMachineType. Both default to STANDARD.
  const declaredName = own(properties, sam ? 'Name' : 'StateMachineName');
  const declaredType = resolver.resolveString(own(properties, sam ? 'Type' : 'StateMachineType'), 0).toUpperCase();
  const name = declaredName === undefined ? logicalId : resolver.resolveString(declaredName, 0) || logicalId;
  const found = { resource: logicalId, name, type: (declaredType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD') as WorkflowType, substitute, substituteText };
  const definition = own(properties, 'Definition');
  if (definition !== undefined) return { ...found, source: { kind: 'object', definition: resolver.resolveValues(definition, 0) } };
  const text = own(properties, 'DefinitionString');
  if (text !== undefined) return { ...found, source: { kind: 'text', text: resolver.resolveString(text, 0) } };
  const uri = own(properties, 'DefinitionUri');
  if (typeof uri === 'string' && !/^s3:\/\//.test(uri)) return { ...found, source: { kind: 'file', path: uri } };
  const where =
    uri !== undefined
      ? 'in S3 (DefinitionUri)'
      : own(properties, 'DefinitionS3Location') !== undefined
        ? 'in S3 (DefinitionS3Location)'
        : 'nowhere: it has no Definition, DefinitionString or DefinitionUri';
  return { ...found, source: { kind: 'unusable', reason: `its definition is ${where}; point statemill at the definition file itself` } };
}

/** `${Name}` placeholders of definition text replaced by --param values; others are left as they are. */
export function fillParams(text: string, values: ReadonlyMap<string, string>): string {
  return values.size === 0 || !text.includes('${') ? text : replacePlaceholders(text, (name) => values.get(name) ?? `\${${name}}`);
}

/** `${Name}` placeholders of a bare definition replaced by --param values; others are left as they are. */
function substituteValues(definition: unknown, values: ReadonlyMap<string, string>): unknown {
  if (values.size === 0) return definition;
  return mapStrings(definition, (text) => replacePlaceholders(text, (name) => values.get(name) ?? `\${${name}}`));
}

/** A copy with `change` applied to every string value (keys stay as they are). */
function mapStrings(value: unknown, change: (text: string) => string, depth = 0): unknown {
  if (depth > MAX_DEPTH) return value;
  if (typeof value === 'string') return value.includes('${') ? change(value) : value;
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, change, depth + 1));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).map((key) => [key, mapStrings(value[key], change, depth + 1)]));
}

/** Resolves intrinsic functions to strings, as far as a template alone can. */
class IntrinsicResolver {
  private readonly parameters: Record<string, unknown>;
  private readonly resources: Record<string, unknown>;
  /** Values given on the command line (--param Name=Value): parameters, or any `${Name}`. */
  private readonly values: ReadonlyMap<string, string>;
  /** Resources whose name property is being resolved, to stop a reference cycle. */
  private readonly resolving = new Set<string>();
  constructor(template: Record<string, unknown> | null, values: ReadonlyMap<string, string> = new Map()) {
    this.parameters = template !== null && isObject(template.Parameters) ? template.Parameters : {};
    this.resources = template !== null && isObject(template.Resources) ? template.Resources : {};
    this.values = values;
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
        const [target, attribute] = typeof argument === 'string' ? splitAtFirstDot(argument) : Array.isArray(argument) ? argument : [];
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
          const [target, attribute] = splitAtFirstDot(placeholder);
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
    if (Object.keys(substitutions).length === 0 && this.values.size === 0) return definition;
    const valueOf = this.substitutionValues(substitutions);
    return mapStrings(definition, (text) => replacePlaceholders(text, valueOf));
  }

  /** Definition text with `${Name}` placeholders replaced from DefinitionSubstitutions. */
  substituteText(text: string, substitutions: Record<string, unknown>): string {
    if (Object.keys(substitutions).length === 0 && this.values.size === 0) return text;
    return replacePlaceholders(text, this.substitutionValues(substitutions));
  }

  /** A placeholder's value: --param first, then the template's substitution; unknown ones stay. */
  private substitutionValues(substitutions: Record<string, unknown>): (name: string) => string {
    const values = new Map(Object.keys(substitutions).map((name) => [name, this.values.get(name) ?? this.resolveString(substitutions[name], 0)]));
    return (name) => values.get(name) ?? this.values.get(name) ?? `\${${name}}`;
  }

  /** What `Ref Name` or `Fn::GetAtt Name.Attribute` would give, as far as the template tells. */
  private reference(name: string, attribute: string | null): string {
    const pseudo = PSEUDO_PARAMETERS[name];
    if (attribute === null && pseudo !== undefined) return pseudo;
    const given = this.values.get(attribute === null ? name : `${name}.${attribute}`);
    if (given !== undefined) return given;
    const parameter = own(this.parameters, name);
    if (attribute === null && isObject(parameter) && (typeof parameter.Default === 'string' || typeof parameter.Default === 'number')) {
      return String(parameter.Default);
    }
    const resource = own(this.resources, name);
    if (isObject(resource) && FUNCTION_TYPES.has(resource.Type as string)) {
      const functionName = this.propertyOr(name, resource, 'FunctionName');
      if (attribute === null) return functionName;
      if (attribute === 'Arn') return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`;
    }
    if (isObject(resource) && resource.Type === ACTIVITY_TYPE) {
      // Ref of an activity is its ARN; GetAtt .Name its name.
      const activityName = this.propertyOr(name, resource, 'Name');
      if (attribute === null || attribute === 'Arn') return `arn:aws:states:${REGION}:${ACCOUNT}:activity:${activityName}`;
      if (attribute === 'Name') return activityName;
    }
    if (isObject(resource) && attribute === null) return name;
    return attribute === null ? `\${${name}}` : `\${${name}.${attribute}}`;
  }

  /**
   * A resource's name property (FunctionName, Name), resolved (it may be a `!Sub`), or its
   * logical id when it has none; a property that refers back to its own resource gives the
   * logical id too.
   */
  private propertyOr(logicalId: string, resource: Record<string, unknown>, property: string): string {
    const properties = isObject(resource.Properties) ? resource.Properties : {};
    const value = own(properties, property);
    if (value === undefined || this.resolving.has(logicalId)) return logicalId;
    this.resolving.add(logicalId);
    try {
      const resolved = this.resolveString(value, 0);
      return resolved === '' ? logicalId : resolved;
    } finally {
      this.resolving.delete(logicalId);
    }
  }
}

function intrinsicName(value: Record<string, unknown>): string | null {
  const keys = Object.keys(value);
  if (keys.length !== 1) return null;
  const key = keys[0]!;
  return key === 'Ref' || key.startsWith('Fn::') ? key : null;
}

/** `Resource.Attribute` as GetAtt's string form and Fn::Sub's `${Resource.Attribute}` write it. */
function splitAtFirstDot(text: string): [string, string | undefined] {
  const at = text.indexOf('.');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

/** Replaces `${Name}` placeholders; `${!Literal}` stands for the text `${Literal}`, as in Fn::Sub. */
function replacePlaceholders(text: string, valueOf: (name: string) => string): string {
  return text.replace(/\$\{([^}]*)\}/g, (_match, inner: string) => (inner.startsWith('!') ? `\${${inner.slice(1)}}` : valueOf(inner.trim())));
}
