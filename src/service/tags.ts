import { ServiceError } from './errors.js';
import type { Registry } from './registry.js';
import { checkTags, missing, parseArn, requireString, shown } from './requests.js';
import type * as T from './types.js';

/** Tags of state machines and activities: TagResource, UntagResource, ListTagsForResource. */
export class Tags {
  constructor(private readonly registry: Registry) {}

  /** The tag map of an existing state machine or activity, or ResourceNotFound. */
  private tagsOf(arn: unknown): Map<string, string> {
    const parsed = parseArn(arn, 'resourceArn', ['stateMachine', 'activity']);
    const exists =
      parsed.kind === 'activity' ? this.registry.activities.has(arn as string) : parsed.parts.length === 1 && this.registry.stateMachines.has(arn as string);
    if (!exists) throw new ServiceError('ResourceNotFound', `Resource not found: '${shown(arn)}'`);
    let tags = this.registry.tags.get(arn as string);
    if (tags === undefined) {
      tags = new Map();
      this.registry.tags.set(arn as string, tags);
    }
    return tags;
  }

  async tagResource(request: T.TagResourceInput): Promise<T.EmptyOutput> {
    const tags = this.tagsOf(request?.resourceArn);
    const added = checkTags(request.tags ?? missingTags());
    const keys = new Set([...tags.keys(), ...added.map((t) => t.key)]);
    if (keys.size > 50) throw new ServiceError('TooManyTags', `Too many tags: a resource can have at most 50 ('${request.resourceArn}')`);
    for (const t of added) tags.set(t.key, t.value);
    return {};
  }

  async untagResource(request: T.UntagResourceInput): Promise<T.EmptyOutput> {
    const tags = this.tagsOf(request?.resourceArn);
    if (!Array.isArray(request.tagKeys)) throw missing('tagKeys');
    // Every key is checked before any is removed: a refused request changes nothing.
    request.tagKeys.forEach((key: unknown, i) => requireString(key, `tagKeys.${i + 1}.member`));
    for (const key of request.tagKeys) tags.delete(key);
    return {};
  }

  async listTagsForResource(request: T.ListTagsForResourceInput): Promise<T.ListTagsForResourceOutput> {
    const tags = this.tagsOf(request?.resourceArn);
    return { tags: [...tags].map(([key, value]) => ({ key, value })) };
  }
}

function missingTags(): never {
  throw missing('tags');
}
