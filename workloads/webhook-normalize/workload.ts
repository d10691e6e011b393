import { siblingModule } from '../support/modules.js';
import type { Workload } from '../types.js';
import { runWebhookNormalize } from './baseline.js';
import definition from './definition.asl.json' with { type: 'json' };
import jsonataDefinition from './definition.jsonata.asl.json' with { type: 'json' };
import { generateInput } from './generator.js';
import { handlers } from './handlers.js';

export const webhookNormalize: Workload = {
  name: 'webhook-normalize',
  summary: 'HMAC-SHA256 verification → parse → Choice by provider → normalise (templates, intrinsics) → enrich (Retry) → publish',
  definition,
  jsonataDefinition,
  handlers,
  handlersModule: siblingModule(import.meta.url, 'handlers'),
  generatorModule: siblingModule(import.meta.url, 'generator'),
  generateInput,
  sizes: {
    quick: {},
    standard: {},
  },
  baseline: runWebhookNormalize,
};
