/**
 * A streaming JSON syntax check (RFC 8259 grammar), for outputs larger than
 * any string JSON.parse could take: the file is read in chunks and checked
 * byte by byte with a stack of open containers. Counts the items of the arrays
 * directly under the top-level object (the rows of `{"connectivity": [...]}`).
 * `node bench/json-check.ts FILE` prints the result as JSON and exits 1 when invalid.
 */
import { closeSync, openSync, readSync } from 'node:fs';

export interface JsonCheck {
  valid: boolean;
  /** Why it is not, with the byte offset. */
  error?: string;
  bytes: number;
  /** Items of the arrays that are values of the top-level object. */
  rows: number;
}

/** Where the parser is between tokens. */
const S = {
  Value: 0, // a value is expected
  ValueOrEnd: 1, // after '[': a value or ']'
  KeyOrEnd: 2, // after '{': a key or '}'
  Key: 3, // after ',' in an object
  Colon: 4,
  CommaOrEnd: 5, // after a value inside a container
  Done: 6, // after the top-level value
} as const;

const WS = new Uint8Array(256);
for (const c of [0x20, 0x09, 0x0a, 0x0d]) WS[c] = 1;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

export function checkJsonFile(path: string): JsonCheck {
  const fd = openSync(path, 'r');
  const buf = Buffer.allocUnsafe(1 << 22);
  const stack: number[] = []; // 0x7b '{' or 0x5b '['
  // A number, not the union of S's values: closures change it, which narrowing would not see.
  let state: number = S.Value;
  let offset = 0;
  let rows = 0;
  // Token states that span chunks: inside a string (and after '\' or in \uXXXX), a number, a literal.
  let inString = false;
  let stringIsKey = false;
  let escape = 0; // 0 none, 1 after '\', 2..5 hex digits of \u still expected (+1)
  let number = 0; // 0 none, else the number sub-state
  let literal = '';
  let literalAt = 0;
  const fail = (at: number, why: string): JsonCheck => ({ valid: false, error: `byte ${at}: ${why}`, bytes: at, rows });
  /** A value ended: where does that leave the container? */
  const valueDone = () => {
    if (stack.length === 2 && stack[0] === 0x7b && stack[1] === 0x5b) rows++;
    state = stack.length === 0 ? S.Done : S.CommaOrEnd;
  };
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      let i = 0;
      while (i < n) {
        const c = buf[i] as number;
        const at = offset + i;
        if (inString) {
          if (escape === 1) {
            if (c === 0x75) escape = 5;
            else if ('"\\/bfnrt'.includes(String.fromCharCode(c))) escape = 0;
            else return fail(at, 'bad escape');
            i++;
            continue;
          }
          if (escape > 1) {
            if (!isHex(c)) return fail(at, 'bad \\u escape');
            escape = escape === 2 ? 0 : escape - 1;
            i++;
            continue;
          }
          // The common case: run to the next quote or backslash.
          while (i < n) {
            const d = buf[i] as number;
            if (d === 0x22 || d === 0x5c) break;
            if (d < 0x20) return fail(offset + i, 'control character in a string');
            i++;
          }
          if (i === n) continue;
          if (buf[i] === 0x5c) escape = 1;
          else {
            inString = false;
            if (stringIsKey) state = S.Colon;
            else valueDone();
          }
          i++;
          continue;
        }
        if (number !== 0) {
          // 1 after '-', 2 after leading 0, 3 in integer digits, 4 after '.', 5 in fraction, 6 after e, 7 after e sign, 8 in exponent
          const next = (() => {
            switch (number) {
              case 1: return c === 0x30 ? 2 : c >= 0x31 && c <= 0x39 ? 3 : -1;
              case 2: return c === 0x2e ? 4 : c === 0x65 || c === 0x45 ? 6 : 0;
              case 3: return isDigit(c) ? 3 : c === 0x2e ? 4 : c === 0x65 || c === 0x45 ? 6 : 0;
              case 4: return isDigit(c) ? 5 : -1;
              case 5: return isDigit(c) ? 5 : c === 0x65 || c === 0x45 ? 6 : 0;
              case 6: return c === 0x2b || c === 0x2d ? 7 : isDigit(c) ? 8 : -1;
              case 7: return isDigit(c) ? 8 : -1;
              default: return isDigit(c) ? 8 : 0;
            }
          })();
          if (next === -1) return fail(at, 'bad number');
          if (next > 0) {
            number = next;
            i++;
            continue;
          }
          number = 0;
          valueDone();
          continue; // this byte ends the number and is read again
        }
        if (literal !== '') {
          if (c !== literal.charCodeAt(literalAt)) return fail(at, `bad literal ${literal}`);
          literalAt++;
          i++;
          if (literalAt === literal.length) {
            literal = '';
            valueDone();
          }
          continue;
        }
        if (WS[c]) {
          i++;
          continue;
        }
        switch (state) {
          case S.Done:
            return fail(at, 'text after the top-level value');
          case S.Colon:
            if (c !== 0x3a) return fail(at, "':' expected");
            state = S.Value;
            i++;
            continue;
          case S.KeyOrEnd:
          case S.Key:
            if (c === 0x7d && state === S.KeyOrEnd) {
              stack.pop();
              i++;
              valueDone();
              continue;
            }
            if (c !== 0x22) return fail(at, 'a key (string) expected');
            inString = true;
            stringIsKey = true;
            i++;
            continue;
          case S.CommaOrEnd: {
            const top = stack[stack.length - 1];
            if (c === 0x2c) {
              state = top === 0x7b ? S.Key : S.Value;
              i++;
              continue;
            }
            if ((c === 0x7d && top === 0x7b) || (c === 0x5d && top === 0x5b)) {
              stack.pop();
              i++;
              valueDone();
              continue;
            }
            return fail(at, "',' or the end of the container expected");
          }
          case S.ValueOrEnd:
          case S.Value:
            if (c === 0x5d && state === S.ValueOrEnd) {
              stack.pop();
              i++;
              valueDone();
              continue;
            }
            i++;
            if (c === 0x7b) {
              stack.push(0x7b);
              state = S.KeyOrEnd;
            } else if (c === 0x5b) {
              stack.push(0x5b);
              state = S.ValueOrEnd;
            } else if (c === 0x22) {
              inString = true;
              stringIsKey = false;
            } else if (c === 0x2d) number = 1;
            else if (c === 0x30) number = 2;
            else if (c >= 0x31 && c <= 0x39) number = 3;
            else if (c === 0x74 || c === 0x66 || c === 0x6e) {
              literal = c === 0x74 ? 'true' : c === 0x66 ? 'false' : 'null';
              literalAt = 1;
            } else return fail(at, 'a value expected');
            continue;
        }
      }
      offset += n;
    }
  } finally {
    closeSync(fd);
  }
  if (number !== 0 && number !== 1 && number !== 4 && number !== 6 && number !== 7) {
    number = 0;
    valueDone();
  }
  if (inString || number !== 0 || literal !== '' || state !== S.Done) return fail(offset, 'the document ends early');
  return { valid: true, bytes: offset, rows };
}

if (process.argv[1] === import.meta.filename && process.argv[2]) {
  const r = checkJsonFile(process.argv[2]);
  console.log(JSON.stringify(r));
  process.exitCode = r.valid ? 0 : 1;
}
