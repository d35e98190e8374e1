import { DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import { MS_PER_DAY } from '../../baseline/durations';
import { errorName, errorRow } from '../errors';
import { Check, CheckResult } from '../types';

/** ACM gives up on DNS validation after 72 hours (status VALIDATION_TIMED_OUT). */
export const ACM_VALIDATION_HOURS = 72;

/** Whether a certificate name (possibly `*.example.com`) covers a host name. */
export function nameCovers(certName: string, host: string): boolean {
  const c = certName.toLowerCase();
  const h = host.toLowerCase();
  if (c === h) return true;
  if (!c.startsWith('*.')) return false;
  const rest = h.slice(h.indexOf('.') + 1);
  return h.includes('.') && rest === c.slice(2);
}

const strip = (zone: string) => zone.replace(/\.$/, '').toLowerCase();

/**
 * The TLS certificate of the load balancer. `existing`: it exists in the stack's region (an ALB only takes
 * a certificate from its own region), is issued and covers domainName. `create`: the hosted zone for DNS
 * validation exists, is public and holds domainName; without a zone the deploy waits for a person.
 */
export const checkCertificate: Check = async ({ config, clients, account }) => {
  const cert = config.certificate;
  const region = config.region;
  if (cert.mode === 'existing') {
    const check = 'certificate';
    const certRegion = cert.arn.split(':')[3];
    const certAccount = cert.arn.split(':')[4];
    if (certRegion !== region) {
      return [
        {
          check,
          result: 'fail',
          finding: `the certificate is in ${certRegion}; the load balancer is in ${region}`,
          action: `request or import the certificate in ${region} and set certificate.arn`,
        },
      ];
    }
    if (certAccount !== account) {
      return [
        {
          check,
          result: 'fail',
          finding: `the certificate belongs to account ${certAccount}, not ${account}`,
          action: `use a certificate of account ${account}`,
        },
      ];
    }
    try {
      const c = (await clients.acm(region).send(new DescribeCertificateCommand({ CertificateArn: cert.arn }))).Certificate;
      const names = [c?.DomainName, ...(c?.SubjectAlternativeNames ?? [])].filter((n): n is string => !!n);
      if (!names.some((n) => nameCovers(n, config.domainName))) {
        return [
          {
            check,
            result: 'fail',
            finding: `the certificate names ${names.join(', ')}; it does not cover ${config.domainName}`,
            action: 'use a certificate for domainName, or correct domainName',
          },
        ];
      }
      if (c?.Status === 'ISSUED') {
        const days = c.NotAfter ? Math.floor((c.NotAfter.getTime() - Date.now()) / MS_PER_DAY) : undefined;
        const imported = c.Type === 'IMPORTED';
        if (imported && days !== undefined && days < 30) {
          return [
            {
              check,
              result: 'warn',
              finding: `issued, imported, expires in ${days} days (ACM renews only certificates it issued)`,
              action: 're-import a renewed certificate',
            },
          ];
        }
        return [{ check, result: 'pass', finding: `issued for ${names.join(', ')}`, action: '' }];
      }
      if (c?.Status === 'PENDING_VALIDATION') {
        return [
          {
            check,
            result: 'warn',
            finding: 'pending DNS validation: the HTTPS listener needs an issued certificate',
            action: `add the validation CNAME shown by "aws acm describe-certificate --certificate-arn ${cert.arn} --region ${region}" (ACM waits ${ACM_VALIDATION_HOURS} hours), then deploy`,
          },
        ];
      }
      return [
        { check, result: 'fail', finding: `status ${c?.Status ?? 'unknown'}`, action: 'request a new certificate and set certificate.arn' },
      ];
    } catch (e) {
      if (errorName(e) === 'ResourceNotFoundException') {
        return [{ check, result: 'fail', finding: `no certificate ${cert.arn}`, action: 'correct certificate.arn' }];
      }
      return [errorRow(check, 'acm:DescribeCertificate', e)];
    }
  }
  if (!(cert.hostedZoneId && cert.hostedZoneName)) {
    return [
      {
        check: 'certificate',
        result: 'warn',
        finding: 'no hosted zone configured: the Edge stack creates the certificate and waits until its DNS validation record exists',
        action: `during the deploy, add the CNAME shown in the Edge stack's events (or ACM console) to the DNS of ${config.domainName}; ACM gives up after ${ACM_VALIDATION_HOURS} hours. Or set certificate.hostedZoneId and hostedZoneName`,
      },
    ];
  }
  const check = `hosted zone ${cert.hostedZoneId}`;
  try {
    const z = (await clients.route53().send(new GetHostedZoneCommand({ Id: cert.hostedZoneId }))).HostedZone;
    const rows: CheckResult[] = [];
    const name = strip(z?.Name ?? '');
    if (name !== strip(cert.hostedZoneName)) {
      rows.push({
        check,
        result: 'fail',
        finding: `the zone is ${name}, config says hostedZoneName ${cert.hostedZoneName}`,
        action: 'correct certificate.hostedZoneName or hostedZoneId',
      });
    } else if (z?.Config?.PrivateZone) {
      rows.push({
        check,
        result: 'fail',
        finding: `${name} is a private zone: ACM validates through public DNS`,
        action: 'use the public hosted zone of the domain',
      });
    } else {
      rows.push({
        check,
        result: 'pass',
        finding: `public zone ${name} exists; ACM validates ${config.domainName} through it (usually minutes, if the zone is delegated)`,
        action: '',
      });
    }
    return rows;
  } catch (e) {
    if (errorName(e) === 'NoSuchHostedZone') {
      return [
        {
          check,
          result: 'fail',
          finding: `no hosted zone ${cert.hostedZoneId} in account ${account}`,
          action: 'create the zone and delegate the domain to it, or correct certificate.hostedZoneId',
        },
      ];
    }
    return [errorRow(check, 'route53:GetHostedZone', e)];
  }
};
