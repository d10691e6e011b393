import { siblingModule } from '../support/modules.js';
import type { Workload } from '../types.js';
import { runAccountOpening } from './baseline.js';
import definition from './definition.asl.json' with { type: 'json' };
import jsonataDefinition from './definition.jsonata.asl.json' with { type: 'json' };
import { generateInput } from './generator.js';
import { handlers } from './handlers.js';

export const accountOpening: Workload = {
  name: 'account-opening',
  summary: 'Parallel identity/credit/sanctions checks → Choice (And/Or/Not) → open account, manual review or decline',
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
  baseline: runAccountOpening,
};
