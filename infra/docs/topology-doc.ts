import { catalogue } from '../../events/catalogue';
import { DEFAULT_TIME_ZONE, functionsOf, schedulesOf, type ServiceTopology } from '../../libs/topology';
import { matchesPattern } from '../local/event-pattern';

/**
 * docs/topology.md, generated from the services' declarations (`npm run docs:topology`); a test
 * fails when the committed file is stale, so the manifest a reader sees is the one that runs.
 */
export function topologyMarkdown(services: readonly ServiceTopology[]): string {
  const lines: string[] = [];
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  lines.push('# Topology', '');
  lines.push('Generated from `services/*/topology.ts` by `npm run docs:topology`; do not edit by hand (a test compares).', '');

  lines.push('## Services', '', '| service | table | files | routes | consumers | schedules | queues | publishes |', '|---|---|---|---|---|---|---|---|');
  for (const s of services) {
    lines.push(
      `| ${s.name} | ${s.ownsTable ? `gongzhi-<stage>-${s.name}` : '—'} | ${s.files ? 'bucket' : '—'} | ${s.api?.routes.length ?? 0} | ${s.consumers.length} | ${schedulesOf(s).length} | ${(s.queues ?? []).length} | ${s.publishes.length} |`,
    );
  }

  lines.push('', '## Events: who publishes, who consumes', '', '| event | publisher | consumers |', '|---|---|---|');
  for (const event of [...catalogue].sort((a, b) => a.detailType.localeCompare(b.detailType))) {
    const publisher = services.find((s) => s.publishes.includes(event.detailType))?.name ?? `(${event.source}, not yet built)`;
    const probe = { source: event.source, 'detail-type': event.detailType, detail: {} };
    const consumers = services.flatMap((s) => s.consumers.filter((c) => matchesPattern(c.pattern, probe)).map((c) => `${s.name}-${c.name}`));
    lines.push(`| ${event.detailType} | ${publisher} | ${consumers.join(', ') || '—'} |`);
  }

  lines.push('', '## Routes', '');
  for (const s of services.filter((s) => s.api)) {
    lines.push(`### ${s.name}`, '', '| method | path | who may call | what |', '|---|---|---|---|');
    for (const r of s.api!.routes) lines.push(`| ${r.method} | \`${r.path}\` | ${r.allow === 'public' ? 'public' : r.allow.join(', ')} | ${cell(r.summary)} |`);
    lines.push('');
  }

  lines.push('## Schedules', '', '| schedule | when | time zone | what | sends to |', '|---|---|---|---|---|');
  for (const s of services) {
    for (const d of schedulesOf(s)) lines.push(`| ${s.name}/${d.name} | \`${d.expression}\` | ${d.timeZone ?? DEFAULT_TIME_ZONE} | ${cell(d.description)} | ${(d.sendsTo ?? []).join(', ') || '—'} |`);
  }

  lines.push('', '## Queues (fanned-out work)', '', '| queue | worker batch | deliveries before DLQ | concurrency | what |', '|---|---|---|---|---|');
  for (const s of services) {
    for (const q of s.queues ?? []) lines.push(`| ${s.name}/${q.name} | ${q.batchSize ?? 10} | ${q.maxReceives ?? 5} | ${q.maxConcurrency ?? 5} | ${cell(q.description)} |`);
  }

  lines.push('', '## Consumers', '', '| consumer | pattern | what |', '|---|---|---|');
  for (const s of services) {
    for (const c of s.consumers) lines.push(`| ${s.name}-${c.name} | \`${JSON.stringify(c.pattern)}\` | ${cell(c.description)} |`);
  }

  lines.push('', '## Functions', '', '| function | kind | entry | timeout | memory |', '|---|---|---|---|---|');
  for (const s of services) for (const f of functionsOf(s)) lines.push(`| ${f.name} | ${f.kind} | \`${f.entry}\` | ${f.timeoutSeconds} s | ${f.memoryMb} MB |`);
  lines.push('');
  return lines.join('\n');
}
