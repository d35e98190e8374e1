import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, refersTo, StrictRule } from './rule';

/** Parameter that forces TLS, per engine family. */
const FORCE_TLS: Record<string, string> = {
  postgres: 'rds.force_ssl',
  mysql: 'require_secure_transport',
  mariadb: 'require_secure_transport',
};
const ON = new Set(['1', 'ON', 'on', 'true', 1, true] as unknown[]);

/** The database refuses connections without TLS, through a parameter group of the same stack. */
export const RdsForcedTls: StrictRule = {
  id: 'RDSForcedTLS',
  section: '164.312(e)(1), 164.312(e)(2)(ii)',
  info: 'The database instance does not force TLS: its parameter group (in this stack) must set rds.force_ssl = 1 (PostgreSQL) or require_secure_transport = ON (MySQL/MariaDB).',
  explanation: 'Without it, clients may connect in clear text and PHI crosses the network unencrypted.',
  check(r) {
    if (r.type !== 'AWS::RDS::DBInstance') return NOT_APPLICABLE;
    const p = r.props;
    const engine = typeof p.Engine === 'string' ? p.Engine : '';
    const family = Object.keys(FORCE_TLS).find((f) => engine.startsWith(f));
    if (!family || engine.startsWith('aurora')) return NOT_APPLICABLE;
    const group = r.stack.resourcesOfType('AWS::RDS::DBParameterGroup').find((g) => refersTo(p.DBParameterGroupName, g.logicalId));
    const params = group ? (group.props.Parameters as Record<string, unknown> | undefined) : undefined;
    return params && ON.has(params[FORCE_TLS[family]]) ? COMPLIANT : NON_COMPLIANT;
  },
};
