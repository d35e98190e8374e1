import { AssemblyModel, loadAssemblyModel } from '../../lib/behaviour/assembly-model';
import { interactionCatalogue, reachabilityCatalogue } from '../../lib/behaviour/catalogue';
import { Interaction, Reachability } from '../../lib/behaviour/interaction';
import { evaluateReachability, ReachabilityResult } from '../../lib/behaviour/network';
import { DeploymentConfig } from '../../lib/config/schema';
import { HipaaStage } from '../../lib/stage';
import { synthReference, testConfig } from '../helpers/synth';
import { evaluateInteraction, evaluatePath, Verdict } from './evaluate';

/** The reference deployment of the behavioural checks: the default config, an account, three tenants. */
export const REFERENCE_TENANTS = [
  { id: 'acme', slot: 0 },
  { id: 'globex', slot: 1 },
  { id: 'initech', slot: 2 },
];
export const REFERENCE_ACCOUNT = '111111111111';

export interface BehaviourRun {
  readonly assemblyDir: string;
  readonly config: DeploymentConfig;
  readonly model: AssemblyModel;
  readonly interactions: Interaction[];
  readonly paths: Reachability[];
  interaction(id: string): Promise<Verdict>;
  path(id: string): Promise<ReachabilityResult>;
}

/** Synthesize the reference deployment (optionally mutated) and load its behavioural model. */
export function behaviourRun(mutate?: (stage: HipaaStage) => void, overrides: Record<string, unknown> = {}): BehaviourRun {
  const r = synthReference(testConfig({ account: REFERENCE_ACCOUNT, tenants: REFERENCE_TENANTS, ...overrides }), {
    complianceGate: false,
    mutate,
  });
  const model = loadAssemblyModel(r.assemblyDir);
  const interactions = interactionCatalogue(model);
  const paths = reachabilityCatalogue(model);
  const byId = <T extends { id: string }>(list: T[], id: string): T => {
    const found = list.find((x) => x.id === id);
    if (!found) throw new Error(`no '${id}' in the catalogue (ids: ${list.map((x) => x.id).join(', ')})`);
    return found;
  };
  return {
    assemblyDir: r.assemblyDir,
    config: r.config,
    model,
    interactions,
    paths,
    interaction: (id) => evaluateInteraction(model, byId(interactions, id)),
    path: (id) => evaluatePath(model, evaluateReachability(model, [byId(paths, id)])[0]),
  };
}
