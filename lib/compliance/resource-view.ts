import { CfnResource, Stack } from 'aws-cdk-lib';
import { ResourceView, StackView, TemplateResource } from './rules/rule';

const CDK_PATH = 'aws:cdk:path';

/** Views of the resources of one parsed CloudFormation template. */
export function templateStackView(
  template: { Resources?: Record<string, TemplateResource> },
  name?: string,
): StackView & { all(): ResourceView[] } {
  const views: ResourceView[] = [];
  const stack = {
    name,
    resourcesOfType: (type: string) => views.filter((v) => v.type === type),
    all: () => views,
  };
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    views.push({
      type: resource.Type,
      logicalId,
      path: String(resource.Metadata?.[CDK_PATH] ?? ''),
      resource,
      props: resource.Properties ?? {},
      stack,
    });
  }
  return stack;
}

const treeStacks = new WeakMap<Stack, StackView>();

/**
 * Render a resource the way it goes into the template, escape-hatch overrides included (the typed L1
 * properties alone would miss `addPropertyOverride`), with same-stack tokens resolved.
 */
function render(node: CfnResource): TemplateResource {
  const out = (node as unknown as { _toCloudFormation(): { Resources: Record<string, TemplateResource> } })._toCloudFormation();
  const resources = (Stack.of(node).resolve(out) as { Resources: Record<string, TemplateResource> }).Resources;
  return Object.values(resources)[0];
}

/** The view of a construct-tree resource, as the gate sees it during synthesis. */
export function treeResourceView(node: CfnResource): ResourceView {
  const stackConstruct = Stack.of(node);
  let stack = treeStacks.get(stackConstruct);
  if (!stack) {
    // Validation runs on the finished tree: the stack's resources are listed once, grouped by type.
    let byType: Map<string, ResourceView[]> | undefined;
    const s: StackView = {
      name: stackConstruct.stackName,
      resourcesOfType: (type) => {
        if (!byType) {
          byType = new Map();
          for (const c of stackConstruct.node.findAll()) {
            if (!CfnResource.isCfnResource(c) || Stack.of(c) !== stackConstruct) continue;
            const list = byType.get(c.cfnResourceType) ?? [];
            list.push(treeResourceView(c));
            byType.set(c.cfnResourceType, list);
          }
        }
        return byType.get(type) ?? [];
      },
    };
    treeStacks.set(stackConstruct, s);
    stack = s;
  }
  let resource: TemplateResource | undefined;
  const view: ResourceView = {
    type: node.cfnResourceType,
    get logicalId() {
      return stackConstruct.resolve(node.logicalId) as string;
    },
    path: node.node.path,
    get resource() {
      resource ??= render(node);
      return resource;
    },
    get props() {
      return this.resource.Properties ?? {};
    },
    stack,
  };
  return view;
}
