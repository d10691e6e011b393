import { siblingModule } from '../support/modules.js';
import type { Workload } from '../types.js';
import { runVideoTranscode } from './baseline.js';
import definition from './definition.asl.json' with { type: 'json' };
import jsonataDefinition from './definition.jsonata.asl.json' with { type: 'json' };
import { generateInput } from './generator.js';
import { handlers } from './handlers.js';

export const videoTranscode: Workload = {
  name: 'video-transcode',
  summary: 'keyframes → 3 s segments → Map transcode (Retry on a busy encoder) → concatenate → publish',
  definition,
  jsonataDefinition,
  handlers,
  handlersModule: siblingModule(import.meta.url, 'handlers'),
  generatorModule: siblingModule(import.meta.url, 'generator'),
  generateInput,
  sizes: {
    quick: { segments: 12, frameBytes: 64, transientFailureRate: 0.05 },
    standard: { segments: 40, frameBytes: 512, transientFailureRate: 0.02 },
  },
  baseline: runVideoTranscode,
};
