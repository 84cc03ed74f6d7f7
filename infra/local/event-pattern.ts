/**
 * EventBridge event-pattern matching for the local bus: exact values, prefix, suffix,
 * equals-ignore-case, anything-but, exists and numeric ranges, nested to any depth (the content
 * filters gongzhi's topology may use). No npm package implements EventBridge's semantics, so the
 * subset lives here, with tests that pin it to AWS's documented behaviour.
 */
type Json = unknown;

export function matchesPattern(pattern: Record<string, Json>, event: Record<string, Json>): boolean {
  return Object.entries(pattern).every(([key, rule]) => matchField(rule, event[key], key in event));
}

function matchField(rule: Json, value: Json, present: boolean): boolean {
  if (Array.isArray(rule)) {
    // An existence test is about the field, not about each of its values.
    const exists = rule.find((r) => isObject(r) && 'exists' in r) as { exists: boolean } | undefined;
    if (exists) return exists.exists === (present && value !== undefined);
    if (!present || value === undefined) return false;
    const values = Array.isArray(value) ? value : [value];
    return values.some((v) => rule.some((r) => matchValue(r, v)));
  }
  if (isObject(rule)) {
    if (!isObject(value)) return false;
    return matchesPattern(rule, value);
  }
  throw new Error(`invalid event pattern: leaf ${JSON.stringify(rule)} must be an array`);
}

function matchValue(rule: Json, value: Json): boolean {
  if (!isObject(rule)) return rule === value;
  if ('prefix' in rule) return typeof value === 'string' && value.startsWith(String(rule.prefix));
  if ('suffix' in rule) return typeof value === 'string' && value.endsWith(String(rule.suffix));
  if ('equals-ignore-case' in rule) {
    return typeof value === 'string' && value.toLowerCase() === String(rule['equals-ignore-case']).toLowerCase();
  }
  if ('anything-but' in rule) {
    const but = rule['anything-but'];
    if (isObject(but) && 'prefix' in but) return typeof value === 'string' && !value.startsWith(String(but.prefix));
    const list = Array.isArray(but) ? but : [but];
    return !list.includes(value);
  }
  if ('numeric' in rule) {
    if (typeof value !== 'number') return false;
    const ops = rule.numeric as (string | number)[];
    for (let i = 0; i < ops.length; i += 2) {
      const op = ops[i];
      const bound = Number(ops[i + 1]);
      const ok = op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : false;
      if (!ok) return false;
    }
    return true;
  }
  throw new Error(`unsupported event pattern operator ${JSON.stringify(rule)}`);
}

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
