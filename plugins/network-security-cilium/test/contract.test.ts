import { runPluginContract } from '@floe/core/testing';
import { CiliumNetworkSecurityPlugin } from '../src/index.js';

runPluginContract('cilium', () => new CiliumNetworkSecurityPlugin());
