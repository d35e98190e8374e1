/** The compliance gate for any CDK app: rule packs, acknowledgements, the validation report, CI reports. */
export { registerComplianceGate, defaultCompliancePlugins, complianceCheckLog, DISABLED_CONTROL_TOWER_RULES } from './gate';
export type { ComplianceGateOptions } from './gate';
export { acceptFinding, acceptNagFinding, acceptedFindings, COMPENSATING_CONTROL_MARKER, NAG_PACKS } from '../baseline/acknowledge';
export type { AcceptedFinding, RecordedFinding } from '../baseline/acknowledge';
export { HipaaStrictChecks, STRICT_PACK_NAME } from './strict-pack';
export type { HipaaStrictChecksProps } from './strict-pack';
export { STRICT_RULES } from './rules';
export type { StrictRule, StrictThresholds } from './rules';
export { NagCheckLog } from './check-log';
export { readValidationReport, unacknowledgedFindings, formatFindings, VALIDATION_REPORT_FILE } from './report';
export type { Finding, ValidationReport } from './report';
export { writeComplianceReports, collectChecks, formatFindingsByResource, toSarif, toJUnit, SARIF_FILE, JUNIT_FILE } from '../reports';
