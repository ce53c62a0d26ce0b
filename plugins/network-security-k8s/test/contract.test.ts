import { runPluginContract } from '@floe/core/testing';
import { K8sNetworkSecurityPlugin } from '../src/index.js';

runPluginContract('k8s', () => new K8sNetworkSecurityPlugin());
