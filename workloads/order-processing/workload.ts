import { siblingModule } from '../support/modules.js';
import type { Workload } from '../types.js';
import { runOrderProcessing } from './baseline.js';
import definition from './definition.asl.json' with { type: 'json' };
import jsonataDefinition from './definition.jsonata.asl.json' with { type: 'json' };
import { generateInput } from './generator.js';
import { handlers } from './handlers.js';

export const orderProcessing: Workload = {
  name: 'order-processing',
  summary: 'lambda:invoke payment check (Catch on decline) → Map over items, MaxConcurrency 3 → summary',
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
  baseline: runOrderProcessing,
};
