import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeChunks } from '../src/write-out.js';

describe('writeChunks: output at the reader\'s pace', () => {
  it('takes the next chunk only once the stream has room (waits for drain), and delivers every chunk in order', async () => {
    const received: string[] = [];
    const out = new Writable({
      highWaterMark: 64,
      write(chunk: Buffer, _enc, done) {
        received.push(chunk.toString());
        setTimeout(done, 1); // a slow reader
      },
    });
    let produced = 0;
    let overfull = 0;
    function* chunks(): Generator<string | Uint8Array> {
      for (let i = 0; i < 200; i++) {
        // When the generator is asked for more, what is buffered must fit the stream's limit (plus the last chunk).
        if (out.writableLength > 64 + 40) overfull++;
        produced++;
        yield i % 2 === 0 ? `${String(i).padStart(39, '.')}\n` : Buffer.from(`${String(i).padStart(39, '.')}\n`);
      }
    }
    await writeChunks(chunks(), out);
    await new Promise<void>((r) => out.end(r));
    expect(produced).toBe(200);
    expect(overfull).toBe(0);
    expect(received.join('').split('\n').slice(0, -1).map((l) => Number(l.replace(/^\.+/, '')))).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
