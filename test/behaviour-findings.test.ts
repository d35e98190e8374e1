import { strictThresholds } from '../lib/compliance/strict-pack';
import { buildEvidence } from '../lib/evidence';
import { behaviourRun } from './behaviour/reference';
import {
  alertsTopicPolicyWithoutCloudWatch,
  apiInDatabaseSecurityGroup,
  auditBucketWithoutRetentionFloor,
  consumerReadsMasterSecret,
  noS3Egress,
  phiBucketDeniesDirectRequests,
  wrongResponseBucketName,
} from './behaviour/mutations';

// Each finding of the deployability review (issue 11) passed every rule pack. Reintroduced into the reference
// deployment, each must make the behavioural checks fail with a message naming the interaction, the principal,
// the resource and the statement or rule that blocks it.

test('alerts topic policy without a CloudWatch allow: no alarm can notify', async () => {
  const v = await behaviourRun(alertsTopicPolicyWithoutCloudWatch).interaction('alarms-publish-alerts');
  expect(v.pass).toBe(false);
  expect(v.message).toMatch(
    /^\[alarms-publish-alerts\] cloudwatch\.amazonaws\.com → sns:Publish on Monitoring\/Alerts\/Topic: expected allow, got denied: .*no statement allows it.*resource: Monitoring\/Alerts\/Topic\/Policy \(AWS::SNS::TopicPolicy\)/,
  );
});

test('PHI bucket denying direct object requests: AWS Backup can neither back up nor restore', async () => {
  const run = behaviourRun(phiBucketDeniesDirectRequests);
  for (const id of ['backup-reads-phi-objects', 'backup-restores-phi-objects']) {
    const v = await run.interaction(id);
    expect(v.pass).toBe(false);
    expect(v.message).toMatch(
      new RegExp(
        `^\\[${id}\\] Data/Backup/Role → .* on Data/PhiData/Secure/Bucket/tenants/acme/record\\.json: expected allow, got denied: .*explicitly denied by resource policy Data/PhiData/Secure/Bucket/Policy \\(AWS::S3::BucketPolicy\\): Deny DenyObjectAccessOutsideAccessPoints`,
      ),
    );
  }
});

test('no security-group egress to S3: workers reach neither the tenant access points nor the audit bucket; the provisioner cannot answer CloudFormation', async () => {
  const run = behaviourRun(noS3Egress);
  for (const id of [
    'consumer-reaches-PHI-bucket-tenant-access-points-through-the-S3-gateway-endpoint',
    'consumer-reaches-audit-bucket-audit-writer-through-the-S3-gateway-endpoint',
    'provisioner-reaches-CloudFormation-response-bucket',
  ]) {
    const r = await run.path(id);
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(
      new RegExp(
        `^\\[${id}\\] .* expected reachable, got unreachable: no egress rule of sg-\\S+ allows tcp 443 to the S3 prefix list \\(pl-63a5400a\\)`,
      ),
    );
  }
});

test('S3 endpoint policy naming the response bucket with hyphens in the region: custom resources never answer', async () => {
  const r = await behaviourRun(wrongResponseBucketName).path('provisioner-reaches-CloudFormation-response-bucket');
  expect(r.pass).toBe(false);
  expect(r.message).toMatch(
    /the endpoint policy blocks s3:PutObject on arn:aws:s3:::cloudformation-custom-resource-response-useast1\/\*: .*endpoint: ImplicitlyDenied.*Network\/Network\/Vpc\/S3 \(endpoint policy\)/,
  );
});

test("the API function in the database's security group: the internet-facing function reaches the database, and the evidence says so", async () => {
  const run = behaviourRun(apiInDatabaseSecurityGroup);
  const r = await run.path('api-cannot-reach-database-port-5433');
  expect(r.pass).toBe(false);
  expect(r.message).toMatch(
    /^\[api-cannot-reach-database-port-5433\] Workers\/Api\/Function → database port \d+: expected unreachable, got reachable: egress .*\(tcp (\d+)-\1 sg-\S+\); ingress .*\(tcp \1-\1 sg-\S+\)$/,
  );

  // The evidence pack evaluates network paths itself (no test-only evaluator): the control relying on this one is not met.
  const evidence = buildEvidence({
    assemblyDir: run.assemblyDir,
    configName: 'reference',
    config: run.config,
    thresholds: strictThresholds(run.config),
    accepted: [],
    findings: [],
    git: { commit: null, dirty: null },
  });
  const record = evidence.behaviour!.records.find((b) => b.id === 'api-cannot-reach-database-port-5433')!;
  expect(record).toMatchObject({ method: 'network', status: 'failed', controls: ['database-private'] });
  const control = evidence.controls.find((c) => c.id === 'database-private')!;
  expect(control.interactions).toContain('api-cannot-reach-database-port-5433');
  expect(control.status).toBe('not-met');
  // Permission checks are listed as evaluated by the test suite, never as proven by the pack.
  expect(evidence.behaviour!.records.find((b) => b.id === 'alarms-publish-alerts')).toMatchObject({
    method: 'policy',
    status: 'evaluated-in-ci',
  });
  expect(evidence.behaviour!.records.find((b) => b.id === 'nobody-deletes-locked-audit-versions')).toMatchObject({
    method: 'object-lock',
    status: 'proven',
  });
  expect(evidence.behaviour!.notProvableOffline.length).toBeGreaterThan(0);
});

test('the queue consumer reading the master secret', async () => {
  const v = await behaviourRun(consumerReadsMasterSecret).interaction('consumer-cannot-read-master-secret');
  expect(v.pass).toBe(false);
  expect(v.message).toMatch(
    /^\[consumer-cannot-read-master-secret\] Workers\/Consumer\/Role → secretsmanager:GetSecretValue on Data\/Postgres\/Instance\/Secret: expected deny, got allowed: .*allowed by .*Workers\/Consumer\/Role/,
  );
});

test('the audit bucket without the retention floor: a writer stores records that the lifecycle removes after 30 days', async () => {
  const run = behaviourRun(auditBucketWithoutRetentionFloor);
  const v = await run.interaction('writer-cannot-shorten-audit-retention');
  expect(v.pass).toBe(false);
  expect(v.message).toMatch(
    /^\[writer-cannot-shorten-audit-retention\] Workers\/Consumer\/Role → s3:PutObject on Audit\/.*: expected deny, got allowed: .*allowed by .*Workers\/Consumer/,
  );
  expect((await run.interaction('writer-appends-with-default-retention')).pass).toBe(true);
});
