/**
 * Text that came from outside (the cluster, a kubeconfig, a file, an exec
 * plugin) made safe for a terminal or a one-line log: control characters
 * (C0, DEL, C1, and the bidi and line/paragraph separators that reorder or
 * break what a reader sees) are written as escapes, so a string can neither
 * forge a new line nor send an escape sequence.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
