import { once } from 'node:events';

/**
 * Writes chunks to stdout as they are produced, waiting for 'drain' whenever the
 * stream's buffer is full: output larger than memory (millions of connectivity
 * rows) flows at the reader's pace and is never assembled whole.
 */
export async function writeChunks(chunks: Iterable<string | Uint8Array>, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  for (const chunk of chunks) {
    if (chunk.length > 0 && !out.write(chunk)) await once(out, 'drain');
  }
}
