/**
 * @floe/core/workloads (internal): the one place that names a workload
 * (`ns/name[Kind]`) from pods and their owners.
 */

export { controllerOf, POD_TEMPLATE_HASH_LABEL, WorkloadIdentity, workloadName, type OwnedObject, type OwnerRef, type WorkloadRef } from './identity.js';
