import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createService } from '../../src/index.js';
import { refusal } from './refusal.js';

/**
 * A Distributed Map's Label at CreateStateMachine, as AWS refuses it (recorded in LocalStack's
 * AWS-validated snapshot test_sfn_api_map_run: test_map_state_label_invalid_char_fail,
 * _empty_fail, _too_long_fail): InvalidDefinition naming the Label and what is wrong with it.
 */
const labels = suite('service: Map Label validation');
const ROLE = 'arn:aws:iam::123456789012:role/sfn';

function definition(label: unknown): string {
  return JSON.stringify({
    StartAt: 'MapState',
    States: {
      MapState: {
        Type: 'Map',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'IteratorInner',
          States: { IteratorInner: { Type: 'Pass', End: true } },
        },
        Label: label,
        End: true,
      },
    },
  });
}

const at = "at /States/MapState/Label'";
/** The characters AWS's recording refuses, each after `label_`. */
const forbidden = [
  ...' ?*<>{}[]:;,\\|^~$#%&`"',
  ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)),
  ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i)),
];

const refused: { name: string; label: unknown; message: string }[] = [
  { name: 'empty', label: '', message: `SCHEMA_VALIDATION_FAILED: Label cannot be empty ${at}` },
  { name: '41 characters', label: '12345678901234567890123456789012345678901', message: `SCHEMA_VALIDATION_FAILED: Label cannot exceed 40 characters ${at}` },
  { name: '41 emoji', label: '😀'.repeat(41), message: `SCHEMA_VALIDATION_FAILED: Label cannot exceed 40 characters ${at}` },
  { name: 'a number', label: 7, message: `SCHEMA_VALIDATION_FAILED: Label must be a string; found the number 7 ${at}` },
  ...forbidden.map((c) => ({
    name: `label_${JSON.stringify(c)}`,
    label: `label_${c}`,
    message: `SCHEMA_VALIDATION_FAILED: Label contains invalid character: ${JSON.stringify(c)} ${at}`,
  })),
];

labels('CreateStateMachine refuses each Label AWS refuses: InvalidDefinition naming the Label and the reason', async () => {
  assert.is(forbidden.length, 87, 'the recording has 87 forbidden characters');
  const s = createService();
  try {
    for (const c of refused) {
      const error = await refusal(s.createStateMachine({ name: 'labels', roleArn: ROLE, definition: definition(c.label) }));
      assert.is(error.name, 'InvalidDefinition', c.name);
      assert.is(error.message, `Invalid State Machine Definition: '${c.message}`, c.name);
    }
  } finally {
    await s.close();
  }
});

// Characters, as AWS counts them: 40 emoji (80 UTF-16 units) were refused as too long.
labels('a Label of 40 characters is taken, emoji counted one character each', async () => {
  const s = createService();
  try {
    for (const label of ['x'.repeat(40), '😀'.repeat(40)])
      await s
        .createStateMachine({ name: 'labels', roleArn: ROLE, definition: definition(label) })
        .then(({ stateMachineArn }) => s.deleteStateMachine({ stateMachineArn }));
  } finally {
    await s.close();
  }
});

labels('ValidateStateMachineDefinition and UpdateStateMachine judge the Label the same way', async () => {
  const s = createService();
  try {
    const validated = await s.validateStateMachineDefinition({ definition: definition('label_?') });
    assert.is(validated.result, 'FAIL');
    assert.equal(validated.diagnostics, [
      { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Label contains invalid character: "?"', location: '/States/MapState/Label' },
    ]);
    const { stateMachineArn } = await s.createStateMachine({ name: 'update-label', roleArn: ROLE, definition: definition('fine') });
    const error = await refusal(s.updateStateMachine({ stateMachineArn, definition: definition('') }));
    assert.is(error.name, 'InvalidDefinition');
    assert.match(error.message, "SCHEMA_VALIDATION_FAILED: Label cannot be empty at /States/MapState/Label'");
  } finally {
    await s.close();
  }
});

labels('Labels AWS accepts: 1 and 40 characters, letters, digits, - _ . / + = @ ! ( ) and non-ASCII', async () => {
  const s = createService();
  try {
    for (const label of ['a', '1234567890123456789012345678901234567890', 'Thumbnails-v2_rows.csv/part+1=@!()', 'étiquette']) {
      const { stateMachineArn } = await s.createStateMachine({ name: `ok-${label.length}`, roleArn: ROLE, definition: definition(label) });
      assert.ok(stateMachineArn, label);
    }
  } finally {
    await s.close();
  }
});

labels.run();
