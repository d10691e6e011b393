/**
 * Timestamps as ASL accepts them: the RFC 3339 profile of ISO 8601 that AWS calls an
 * "ISO-8601 extended offset date-time", with an uppercase `T` and an uppercase `Z` or a
 * numeric `±hh:mm` offset, e.g. `2016-03-14T01:59:00Z` or `2016-03-14T01:59:00.123+01:00`.
 *
 * The shape is checked by a strict hand-written scanner, never `Date.parse` (which accepts
 * `2016-03-14`, `2016-03-14 01:59:00` and other forms AWS refuses). Bounds follow the Java
 * `ISO_OFFSET_DATE_TIME` parser that AWS's error messages name: 4-digit years, real calendar
 * days (no 31 April, 29 February only in leap years), hours 00–23, seconds 00–59 (no leap
 * second), 1–9 fraction digits, offsets up to ±18:00. Seconds are required, as RFC 3339 says.
 *
 * Precision: AWS compares timestamps at nanosecond precision. `readTimestamp` keeps every
 * digit (epoch milliseconds plus the nanoseconds inside that millisecond), so Choice rules
 * compare exactly; `parseTimestamp` returns whole epoch milliseconds (rounded down), which
 * is what a millisecond clock can wait for: a Wait may end up to 1 ms before a timestamp that
 * has sub-millisecond digits.
 */

/** An instant at nanosecond precision. Mutable so hot paths can reuse one as scratch. */
export class Instant {
  /** Milliseconds since 1970-01-01T00:00:00Z, rounded down. */
  epochMs: number;
  /** Nanoseconds past `epochMs`, 0 to 999,999. */
  nanos: number;
  constructor() {
    this.epochMs = 0;
    this.nanos = 0;
  }
}

const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const MAX_OFFSET_MINUTES = 18 * 60;

/**
 * Reads `text` into `into` when it is a timestamp AWS accepts; returns false (leaving `into`
 * unspecified) otherwise. Allocates nothing.
 */
export function readTimestamp(text: unknown, into: Instant): boolean {
  if (typeof text !== 'string') return false;
  const length = text.length;
  if (length < 20) return false;
  if (text.charCodeAt(4) !== 0x2d || text.charCodeAt(7) !== 0x2d) return false; // '-'
  if (text.charCodeAt(10) !== 0x54) return false; // 'T'
  if (text.charCodeAt(13) !== 0x3a || text.charCodeAt(16) !== 0x3a) return false; // ':'
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;

  let at = 19;
  let nanosOfSecond = 0;
  if (text.charCodeAt(at) === 0x2e) {
    // '.': 1 to 9 digits, scaled to nanoseconds.
    at++;
    const start = at;
    while (at < length && isDigit(text.charCodeAt(at))) {
      if (at - start === 9) return false;
      nanosOfSecond = nanosOfSecond * 10 + (text.charCodeAt(at) - 0x30);
      at++;
    }
    const count = at - start;
    if (count === 0) return false;
    for (let i = count; i < 9; i++) nanosOfSecond *= 10;
  }

  let offsetMinutes: number;
  const zone = text.charCodeAt(at);
  if (zone === 0x5a) {
    // 'Z'
    if (at + 1 !== length) return false;
    offsetMinutes = 0;
  } else if (zone === 0x2b || zone === 0x2d) {
    // '+hh:mm' or '-hh:mm'
    if (at + 6 !== length || text.charCodeAt(at + 3) !== 0x3a) return false;
    const offsetHours = digitsAt(text, at + 1, 2);
    const offsetMins = digitsAt(text, at + 4, 2);
    if (offsetHours < 0 || offsetMins < 0 || offsetMins > 59) return false;
    offsetMinutes = offsetHours * 60 + offsetMins;
    if (offsetMinutes > MAX_OFFSET_MINUTES) return false;
    if (zone === 0x2d) offsetMinutes = -offsetMinutes;
  } else {
    return false;
  }

  const days = daysSinceEpoch(year, month, day);
  const seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetMinutes * 60;
  const wholeMs = Math.floor(nanosOfSecond / 1e6);
  into.epochMs = seconds * 1000 + wholeMs;
  into.nanos = nanosOfSecond - wholeMs * 1e6;
  return true;
}

/** A timestamp's instant, or null when `text` is not a timestamp AWS accepts. */
export function parseInstant(text: unknown): Instant | null {
  const instant = new Instant();
  return readTimestamp(text, instant) ? instant : null;
}

const scratch = new Instant();

/** Epoch milliseconds (rounded down), or NaN when `text` is not a timestamp AWS accepts. */
export function parseTimestamp(text: unknown): number {
  return readTimestamp(text, scratch) ? scratch.epochMs : NaN;
}

export function isTimestamp(text: unknown): boolean {
  return readTimestamp(text, scratch);
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  if (a.epochMs !== b.epochMs) return a.epochMs < b.epochMs ? -1 : 1;
  return a.nanos === b.nanos ? 0 : a.nanos < b.nanos ? -1 : 1;
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

/** The decimal number in `count` digits at `start`, or -1 if any of them is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Leap days in the proleptic Gregorian years before `year` (counted from a fixed origin). */
function leapDaysBefore(year: number): number {
  const previous = year - 1;
  return Math.floor(previous / 4) - Math.floor(previous / 100) + Math.floor(previous / 400);
}

const LEAP_DAYS_BEFORE_1970 = leapDaysBefore(1970);

/** Days from 1970-01-01 to the given calendar date (negative before 1970). */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const leapDay = month > 2 && isLeapYear(year) ? 1 : 0;
  return (year - 1970) * 365 + leapDaysBefore(year) - LEAP_DAYS_BEFORE_1970 + DAYS_BEFORE_MONTH[month - 1]! + leapDay + day - 1;
}
