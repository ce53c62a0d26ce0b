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

/**
 * Free text inside a Markdown document, made inert for Markdown and for the
 * HTML it renders to: one line (escapeControl), every ASCII punctuation
 * character that Markdown reads backslash-escaped, and <, >, & as entities,
 * so the text can open no heading, list, link, code span, HTML tag or comment.
 */
export function escapeMarkdown(text: string): string {
  return escapeControl(text)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
