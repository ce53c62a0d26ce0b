// What the global setup hands to test files (vitest provide/inject), and the
// clients built from it. Test files call `connect()`; nothing here starts a cluster.
import { inject } from 'vitest';
import { makeClient, makeKubectl, type KubeClient, type Kubectl } from './kube.ts';

export interface TestClusterInfo {
  /** local: the control plane this run started; kubeconfig: FLOE_TEST_KUBECONFIG; kind: a Kind cluster. */
  provider: 'local' | 'kubeconfig' | 'kind';
  kubeconfig: string;
  kubectl: string;
  /** A per-run scratch directory (kubectl's discovery cache lives here). */
  workDir: string;
  /** Whether a namespace controller runs; without one, namespace deletion must be finalized by hand. */
  hasNamespaceController: boolean;
  description: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    floeCluster: TestClusterInfo;
  }
}

export interface Connection {
  info: TestClusterInfo;
  api: KubeClient;
  kubectl: Kubectl;
}

let cached: Promise<Connection> | undefined;

export function connect(): Promise<Connection> {
  cached ??= (async () => {
    const info = inject('floeCluster');
    const kubectl = makeKubectl(info.kubectl, info.kubeconfig, `${info.workDir}/kube-cache`);
    return { info, kubectl, api: await makeClient(kubectl) };
  })();
  return cached;
}
