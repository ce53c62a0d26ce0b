import { EnvironmentError } from '../errors.js';

/** What went wrong talking to the API server; every one is exit 3. */
export type ClusterFault = 'config' | 'credentials' | 'unreachable' | 'tls' | 'unauthorized' | 'forbidden' | 'timeout' | 'server' | 'not-found';

/**
 * One clear line about a cluster failure. The message never carries a token,
 * password, key or certificate: it is built from the server URL, the HTTP
 * status and the API server's own Status message only.
 */
export class ClusterError extends EnvironmentError {
  constructor(
    readonly fault: ClusterFault,
    message: string,
    readonly status?: number,
    /** The API server's own Status.message, when it sent one (a refused object's reason, verbatim). */
    readonly apiMessage?: string,
  ) {
    super(message);
  }
}
