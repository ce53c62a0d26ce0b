import { InputError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * kubectl's --request-timeout: a bare integer is seconds ("30"), otherwise a Go
 * duration ("1m30s", "500ms", "2h"). "0" means no timeout.
 */
export function parseDuration(text: string, flag = '--request-timeout'): number {
  const s = text.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed = re.lastIndex;
  }
  if (s === '' || consumed !== s.length) {
    throw new InputError(`${flag}: invalid duration "${text}": use a number of seconds or a duration such as 30s, 1m30s, 500ms (0 for no timeout)`);
  }
  return Math.round(total);
}
