import { COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE, StrictRule } from './rule';

/** Every alarm has an action and every event rule a target: a security event reaches a person. */
export const AlarmsNotify: StrictRule = {
  id: 'AlarmsNotify',
  section: '164.308(a)(1)(ii)(D), 164.308(a)(6)(ii)',
  info: 'The alarm has no AlarmActions, or the event rule has no Targets: the event it watches notifies nobody.',
  explanation: 'Information system activity review depends on the alerts reaching the security topic.',
  check(r) {
    const list = r.type === 'AWS::CloudWatch::Alarm' ? r.props.AlarmActions : r.type === 'AWS::Events::Rule' ? r.props.Targets : undefined;
    if (r.type !== 'AWS::CloudWatch::Alarm' && r.type !== 'AWS::Events::Rule') return NOT_APPLICABLE;
    return Array.isArray(list) && list.length > 0 ? COMPLIANT : NON_COMPLIANT;
  },
};
