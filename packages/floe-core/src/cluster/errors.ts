import { EnvironmentError } from '../errors.js';
import { escapeControl } from '../util/escape.js';

/** What went wrong talking to the API server; every one is exit 3. */
export type ClusterFault = 'config' | 'credentials' | 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'timeout' | 'server' | 'not-found';

/**
 * One clear line about a cluster failure. The message never carries a token,
 * password, key or certificate: it is built from the server URL, the HTTP
 * status and the API server's own Status message only. Both are written with
 * their control characters escaped: a Status message can echo what a request
 * carried (an admission policy quoting an annotation), and a TLS error the
 * server's certificate names, so neither may colour the terminal or forge a
 * line of output or log.
 */
export class ClusterError extends EnvironmentError {
  /** The API server's own Status.message, when it sent one (a refused object's reason), escaped. */
  readonly apiMessage?: string;

  constructor(
    readonly fault: ClusterFault,
    message: string,
    readonly status?: number,
    apiMessage?: string,
  ) {
    super(escapeControl(message));
    if (apiMessage !== undefined) this.apiMessage = escapeControl(apiMessage);
  }
}
