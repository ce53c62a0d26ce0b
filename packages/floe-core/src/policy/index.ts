export { POLICY_PROTOCOLS, type CiliumPolicyObject, type PolicyProtocol, type NetworkPolicySpec, type PolicyObject, type NamespaceInfo, type ContainerPort, type PodInfo, type ClusterModel, type ClusterPolicyObject, type IpBlockPodIps, type EngineOptions, type Direction } from './types.js';
export { compileSelector, type CompiledSelector } from './selector.js';
export { PortSets, connectionsText, type Connection, type PortRange } from './ports.js';
export { parseIp, formatRange, type IpRange } from './ip.js';
export { compilePolicy, defaultPolicyTypes, describeRule, effectivePolicyTypes, type CompiledPolicy, type CompiledRule, type CompiledPeer } from './compile.js';
export {
  type ClosestRule,
  type Connectivity,
  type ConnectivityRow,
  type ConnectivityScope,
  connectivityRows,
  type Endpoint,
  endpointName,
  externalEndpoint,
  hostEndpoint,
  NAMESPACE_NAME_LABEL,
  PolicyEngine,
  type PortQuery,
  type RuleVerdict,
  type SideVerdict,
  type SourceRow,
  type Verdict,
} from './engine.js';
export { buildInventory, type Inventory } from './inventory.js';
export {
  compileTierPolicy,
  decideSide,
  TierIndex,
  tierRuleRef,
  tierRuleText,
  tierVerdict,
  type CompiledTierPolicy,
  type CompiledTierRule,
  type TierAction,
  type TierDecision,
  type TierName,
  type TierRuleRef,
  type TierSide,
  type TierStage,
  type TierVerdict,
} from './tiers.js';
export { CILIUM_KINDS, ciliumPolicyId, compileCiliumPolicy, type CompiledCilium, type NotEvaluatedPolicy } from './cilium.js';
export { nameMatcher, parseHostName } from './hostname.js';
// Where these were found before src/k8s/ held them.
export { flattenLists, WORKLOAD_KINDS, type SourcedObject } from '../k8s/objects.js';
export { peerAdmitsPod, ruleAdmitsPod, ruleAdmitsPort, type PodRef } from './admit.js';
export { resolveEndpoint, type ResolvedEndpoint } from './resolve.js';
export { tierFindings } from './tier-findings.js';
export { auditFindings, notEvaluatedSummaries, summarisePolicies, type NotEvaluatedSummary, type PolicyFinding, type PolicySummary, type FindingSeverity, type AuditOptions } from './findings.js';
export {
  AUDIT_RULES,
  auditJson,
  auditMarkdown,
  type AuditReport,
  auditSarif,
  auditText,
  hostNetworkNote,
} from './audit-report.js';
export {
  compactJsonChunks,
  compactTextChunks,
  compactYamlChunks,
  connectivityDot,
  connectivityDotChunks,
  connectivityJsonChunks,
  connectivityMermaidChunks,
  connectivityTextChunks,
  connectivityYamlChunks,
  namespaceGraph,
} from './connectivity-report.js';
export { compactConnectivity, type CompactConnectivity, type CompactGroup, type CompactRow } from './compact.js';
export { proveIntents, type ProofFlow, type ProofResult } from './prove.js';
export { policyWidens, semanticDiff, type SemanticDiff, type SemanticChange } from './semantic-diff.js';
