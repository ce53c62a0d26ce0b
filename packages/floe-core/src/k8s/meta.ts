/**
 * Object metadata, label selectors and the object envelope: the parts of the
 * Kubernetes API (apimachinery's metav1) that every kind shares. Plain data,
 * the API's own field names, so objects parsed from YAML or JSON fit as they
 * are; no Kubernetes client library.
 *
 * Declared as type aliases, not interfaces: a value of an object-literal type
 * is assignable to `Record<string, unknown>` and to `KubeObject`, so an
 * object floe writes can be read back, diffed or emitted without a cast.
 */
import { isRecord } from '../util/shape.js';

export type Labels = Record<string, string>;

/** The label the API server sets on every namespace, to its name (so a namespaceSelector can name one namespace). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export type OwnerReference = {
  apiVersion: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
};

/** The metadata floe writes (name, namespace, labels, annotations) and the fields it reads back from the API server. */
export type ObjectMeta = {
  name: string;
  namespace?: string;
  labels?: Labels;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  /** Set while the object is being deleted. */
  deletionTimestamp?: string;
};

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type LabelSelectorOperator = (typeof SELECTOR_OPERATORS)[number];

export type LabelSelectorRequirement = {
  key: string;
  operator: LabelSelectorOperator;
  values?: string[];
};

/** matchLabels and matchExpressions are ANDed; an empty selector selects everything. */
export type LabelSelector = {
  matchLabels?: Labels;
  matchExpressions?: LabelSelectorRequirement[];
};

/** What floe writes, of any kind: the core reads only apiVersion, kind and metadata, and writes the whole object. */
export type KubernetesObject = {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
};

/** Metadata as the API server returns it: the typed fields above and whatever else it holds. */
export type KubeObjectMeta = ObjectMeta & { [field: string]: unknown };

/** An object exactly as the API server returned it or a file held it (JSON), never a typed model. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: KubeObjectMeta;
  [field: string]: unknown;
};

/** `kind: List` or a typed list (`PodList`, ...): the envelope `kubectl get -o yaml` writes. */
export type KubeList = {
  apiVersion?: string;
  kind: string;
  items: unknown[];
  [field: string]: unknown;
};

/** The envelope every object has: apiVersion and kind strings, metadata with a name. Checks exactly that, nothing of the body. */
export function isKubeObject(value: unknown): value is KubeObject {
  return isRecord(value) && typeof value.apiVersion === 'string' && typeof value.kind === 'string' && isRecord(value.metadata) && typeof value.metadata.name === 'string';
}
