import { describe, expect, it } from 'vitest';
import { warningTexts } from '../../src/cluster/client.js';
import { ClusterError } from '../../src/cluster/errors.js';

// What an admission policy's message can echo back from the object a user sent (escape codes, forged lines).
const ECHOED = 'refused: \u001b[31mred\r\nfloe: error: forged line\u2028\u202e';
const ESCAPED = 'refused: \\u001b[31mred\\r\\nfloe: error: forged line\\u2028\\u202e';

describe('ClusterError', () => {
  it('escapes control characters in its message and in the API server Status message it keeps', () => {
    const err = new ClusterError('server', `the API server at https://127.0.0.1:6443 answered 422 to patch configmaps: ${ECHOED}`, 422, ECHOED);
    expect(err.message).toBe(`the API server at https://127.0.0.1:6443 answered 422 to patch configmaps: ${ESCAPED}`);
    expect(err.apiMessage).toBe(ESCAPED);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('leaves a plain message as it is', () => {
    const err = new ClusterError('not-found', 'daemonsets.apps in all namespaces: not found on the API server at https://127.0.0.1:6443', 404);
    expect(err.message).toBe('daemonsets.apps in all namespaces: not found on the API server at https://127.0.0.1:6443');
    expect(err.apiMessage).toBeUndefined();
  });
});

describe('warningTexts', () => {
  it('escapes control characters in the texts of Warning headers', () => {
    expect(warningTexts('299 - "a \u001b[2Jb"')).toEqual(['a \\u001b[2Jb']);
  });
});
