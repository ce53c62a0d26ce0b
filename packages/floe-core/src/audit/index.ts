/**
 * @floe/core/audit: `floe network audit` over the model: the report for the
 * namespaces in scope, its outcome, and the Pod Security check by the API server.
 * Listed by name: an internal helper never becomes API by accident.
 */

export { AuditFindings, auditOutcome, auditReport, configuredPodSecurity, connectivityScope, findingSource, namespaceScope, type AuditReportOptions, type FailOn } from './report.js';
export { pssServerCheck, serverCheckVerdict } from './server-check.js';
