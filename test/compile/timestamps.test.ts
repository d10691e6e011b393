import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compareInstants, Instant, isTimestamp, parseInstant, parseTimestamp, readTimestamp } from '../../src/compile/timestamps.js';

interface ValidRow {
  text: string;
  epochMs: number;
  nanos: number;
}
interface InvalidRow {
  text: string;
  why: string;
}
const cases = JSON.parse(readFileSync(new URL('./timestamps.cases.json', import.meta.url), 'utf8')) as {
  valid: ValidRow[];
  invalid: InvalidRow[];
};

for (const row of cases.valid) {
  test(`accepts ${row.text}`, () => {
    assert.is(parseTimestamp(row.text), row.epochMs);
    assert.ok(isTimestamp(row.text));
    const instant = parseInstant(row.text);
    assert.ok(instant);
    assert.is(instant!.epochMs, row.epochMs);
    assert.is(instant!.nanos, row.nanos);
  });
}

for (const row of cases.invalid) {
  test(`refuses ${JSON.stringify(row.text)} (${row.why})`, () => {
    assert.ok(Number.isNaN(parseTimestamp(row.text)));
    assert.not.ok(isTimestamp(row.text));
    assert.is(parseInstant(row.text), null);
  });
}

test('refuses values that are not strings', () => {
  for (const value of [undefined, null, 0, 1457920740000, true, {}, [], ['2016-03-14T01:59:00Z']]) {
    assert.ok(Number.isNaN(parseTimestamp(value)), String(value));
    assert.not.ok(isTimestamp(value));
  }
});

test('agrees with Date on ISO strings across years 0000-9999', () => {
  // A fixed pseudo-random walk, so a failure reproduces.
  let seed = 12345;
  const span = 253402300799999 + 62167219200000;
  for (let i = 0; i < 20000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const ms = Math.floor((seed / 2147483648) * span) - 62167219200000;
    const iso = new Date(ms).toISOString();
    assert.is(parseTimestamp(iso), ms, iso);
  }
});

test('every day of a leap and a common year maps to consecutive days', () => {
  for (const year of [1900, 2000, 2023, 2024]) {
    let previous = parseTimestamp(`${year - 1}-12-31T00:00:00Z`);
    const start = Date.UTC(year, 0, 1);
    for (let day = 0; day < 366; day++) {
      const date = new Date(start + day * 86400000);
      if (date.getUTCFullYear() !== year) break;
      const text = date.toISOString().slice(0, 10) + 'T00:00:00Z';
      const ms = parseTimestamp(text);
      assert.is(ms - previous, 86400000, text);
      previous = ms;
    }
  }
});

test('readTimestamp reuses the instant it is given', () => {
  const instant = new Instant();
  assert.ok(readTimestamp('2016-03-05T21:29:29.243167252Z', instant));
  assert.is(instant.epochMs, 1457213369243);
  assert.is(instant.nanos, 167252);
  assert.ok(readTimestamp('1970-01-01T00:00:01Z', instant));
  assert.is(instant.epochMs, 1000);
  assert.is(instant.nanos, 0);
  assert.not.ok(readTimestamp('1970-01-01T00:00:01', instant));
});

test('compareInstants orders at nanosecond precision', () => {
  const at = (text: string) => parseInstant(text)!;
  assert.is(compareInstants(at('2012-10-09T19:00:55.000000001Z'), at('2012-10-09T19:00:55Z')), 1);
  assert.is(compareInstants(at('2012-10-09T19:00:55Z'), at('2012-10-09T19:00:55.000000001Z')), -1);
  assert.is(compareInstants(at('2012-10-09T19:00:55.999999999Z'), at('2012-10-09T19:00:56Z')), -1);
  assert.is(compareInstants(at('2012-10-09T20:00:55+01:00'), at('2012-10-09T19:00:55.000Z')), 0);
  assert.is(compareInstants(at('1969-12-31T23:59:59.9999Z'), at('1969-12-31T23:59:59.999Z')), 1);
});

test.run();
