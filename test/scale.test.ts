import * as fs from 'fs';
import { Stack } from 'aws-cdk-lib';
import { synthReference, testConfig } from './helpers/synth';

/** Our own ceilings, well under CloudFormation's hard limits (500 resources, 1 MB template). */
const MAX_RESOURCES = 400;
const MAX_TEMPLATE_BYTES = 800 * 1024;

describe('200 tenants', () => {
  test('no stack passes 400 resources or 800 KB of template', () => {
    const tenants = Array.from({ length: 200 }, (_, i) => ({ id: `t${String(i).padStart(4, '0')}` }));
    const r = synthReference(testConfig({ tenants }), { complianceGate: false });
    const assembly = r.stage.synth();
    const sizes = r.stage.node.children
      .filter((c): c is Stack => Stack.isStack(c))
      .map((s) => {
        const artifact = assembly.getStackArtifact(s.artifactId);
        return {
          stack: s.node.id,
          resources: Object.keys((artifact.template as { Resources: object }).Resources).length,
          bytes: fs.statSync(artifact.templateFullPath).size,
        };
      });
    expect(sizes.filter((s) => s.stack.startsWith('Tenants')).length).toBe(8);
    expect(r.stage.tenants.flatMap((s) => Object.keys(s.tenants)).sort()).toEqual(tenants.map((t) => t.id));
    const over = sizes.filter((s) => s.resources > MAX_RESOURCES || s.bytes > MAX_TEMPLATE_BYTES);
    expect(over).toEqual([]);
    // The figures, for the README.
    console.log(sizes.map((s) => `${s.stack}: ${s.resources} resources, ${Math.round(s.bytes / 1024)} KB`).join('\n'));
  });
});
