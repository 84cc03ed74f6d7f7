import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/** A synthesized CloudFormation template, as far as the tests and the counts read it. */
export interface CfnTemplate {
  Resources?: Record<string, { Type: string; Properties?: Record<string, any>; [key: string]: unknown }>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
  [key: string]: unknown;
}

export interface SynthesizedTemplate {
  /** The stack's construct path: `Gongzhi-dev`, `Gongzhi-dev/Elections`. */
  path: string;
  stack: Stack;
  template: CfnTemplate;
  resources: number;
  /** The template's size as CloudFormation receives it (JSON). */
  bytes: number;
}

/** The stack and every stack nested in it, parent first. */
export function stacksOf(stack: Stack): Stack[] {
  return [stack, ...stack.node.findAll().filter((c): c is NestedStack => NestedStack.isNestedStack(c) && c !== stack)];
}

/** Every template the stack deploys: its own and each nested stack's. */
export function templatesOf(stack: Stack): SynthesizedTemplate[] {
  return stacksOf(stack).map((s) => {
    const template = Template.fromStack(s).toJSON() as CfnTemplate;
    return { path: s.node.path, stack: s, template, resources: Object.keys(template.Resources ?? {}).length, bytes: JSON.stringify(template).length };
  });
}

/**
 * The resources of the parent and all nested templates as if they were one template: a nested
 * stack's `{ Ref: <parameter> }` becomes the value the parent passes for it, and the parent's
 * `Fn::GetAtt: [<nested stack>, Outputs.<name>]` becomes that output's value. A reference then reads
 * the same whichever stack the two resources ended up in. Logical ids must be unique across
 * templates (the constructs are named after their service); a clash throws.
 */
export function mergedResources(stack: Stack): Record<string, { Type: string; Properties: Record<string, any>; [key: string]: unknown }> {
  const templates = templatesOf(stack);
  const byStack = new Map(templates.map((t) => [t.stack, t]));
  const merged: Record<string, any> = {};

  // Each template is resolved in the terms of its parent, which is resolved in the terms of its own.
  const resolve = (value: unknown, stackOf: Stack): unknown => {
    if (Array.isArray(value)) return value.map((v) => resolve(v, stackOf));
    if (!value || typeof value !== 'object') return value;
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object);
    if (keys.length === 1 && keys[0] === 'Ref' && typeof object.Ref === 'string') {
      const parameter = parameterValue(stackOf, object.Ref);
      if (parameter !== undefined) return resolve(parameter, (stackOf as NestedStack).nestedStackParent!);
    }
    if (keys.length === 1 && keys[0] === 'Fn::GetAtt' && Array.isArray(object['Fn::GetAtt'])) {
      const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
      const nested = nestedByLogicalId(stackOf, logicalId);
      if (nested && attribute.startsWith('Outputs.')) {
        const output = byStack.get(nested)!.template.Outputs?.[attribute.slice('Outputs.'.length)];
        if (!output) throw new Error(`${nested.node.path} has no output ${attribute}`);
        return resolve(output.Value, nested);
      }
    }
    return Object.fromEntries(keys.map((k) => [k, resolve(object[k], stackOf)]));
  };
  const parameterValue = (of: Stack, name: string): unknown => {
    if (!NestedStack.isNestedStack(of) || !byStack.get(of)!.template.Parameters?.[name]) return undefined;
    const parent = of.nestedStackParent!;
    const resource = byStack.get(parent)!.template.Resources![parent.getLogicalId(of.nestedStackResource!)]!;
    const value = (resource.Properties?.Parameters as Record<string, unknown> | undefined)?.[name];
    if (value === undefined) throw new Error(`${parent.node.path} passes no ${name} to ${of.node.path}`);
    return value;
  };
  const nestedByLogicalId = (parent: Stack, logicalId: string): NestedStack | undefined =>
    templates.map((t) => t.stack).find((s): s is NestedStack => NestedStack.isNestedStack(s) && s.nestedStackParent === parent && parent.getLogicalId(s.nestedStackResource!) === logicalId);

  for (const { stack: of, template, path } of templates) {
    for (const [id, resource] of Object.entries(template.Resources ?? {})) {
      if (merged[id]) throw new Error(`logical id ${id} is in ${path} and another template`);
      merged[id] = resolve(resource, of);
    }
  }
  return merged;
}

/** The merged resources (see `mergedResources`) as one template to assert on. */
export const mergedTemplate = (stack: Stack): Template => Template.fromJSON({ Resources: mergedResources(stack) });
