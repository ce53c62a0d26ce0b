import { createHash } from 'node:crypto';

/** Hex sha256, as printed in `--output json` and the audit event. */
export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
