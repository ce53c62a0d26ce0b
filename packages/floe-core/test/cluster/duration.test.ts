import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseDuration } from '../../src/cluster/duration.js';
import { retryAfterMs } from '../../src/cluster/client.js';

describe('--request-timeout durations (kubectl syntax)', () => {
  it.each([
    ['30', 30_000],
    ['0', 0],
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1.5s', 1500],
    ['2h', 7_200_000],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '30x', '-5s', '1m 30s', 's'])('refuses %j as bad input naming the flag', (text) => {
    expect(() => parseDuration(text)).toThrow(InputError);
    expect(() => parseDuration(text)).toThrow(/--request-timeout: invalid duration/);
  });
});

describe('Retry-After', () => {
  it('reads delta seconds', () => expect(retryAfterMs('3')).toBe(3000));
  it('reads an HTTP date relative to now', () => expect(retryAfterMs('Sat, 28 Nov 2026 08:00:05 GMT', Date.parse('2026-11-28T08:00:00Z'))).toBe(5000));
  it('ignores absent or unreadable values', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});
