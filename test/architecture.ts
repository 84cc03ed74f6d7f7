import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The dependency rules of the code base, checked from the imports themselves (test/architecture.test.ts):
 *   - events/ imports nothing of the project: it is the contract every service shares;
 *   - libs/ imports no service and no infrastructure;
 *   - a service imports no other service; the one published exception is the registry's consumer
 *     kit (services/registry/kit/), through which services keep their copy of compounds and rolls,
 *     and the meta service, which reads every declaration (services/index.ts) to publish OpenAPI;
 *   - topology declarations load no AWS SDK, directly or through what they import (both runtimes and
 *     the CDK app read them cheaply);
 *   - a service names no table but its own (`tableName('<its name>')`); at run time the local
 *     runtime and IAM enforce the same;
 *   - nothing under services/, libs/ or events/ imports infra/ or test/.
 */
export interface Violation {
  file: string;
  rule: string;
  detail: string;
}

const SOURCE_DIRS = ['events', 'libs', 'services', 'infra', 'test', 'bench'];

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, path));
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  return out.sort();
}

/** Project files a file imports (repo-relative, with extension) and the packages it imports. */
function importsOf(root: string, file: string): { files: string[]; packages: string[] } {
  const text = readFileSync(join(root, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  const files: string[] = [];
  const packages: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (fileName.startsWith('.')) {
      const base = resolve(root, dirname(file), fileName);
      const found = [base, `${base}.ts`, join(base, 'index.ts'), base.replace(/\.js$/, '.ts')].find((p) => existsSync(p) && statSync(p).isFile());
      if (found) files.push(relative(root, found));
    } else {
      packages.push(fileName);
    }
  }
  return { files, packages };
}

const serviceOf = (file: string) => /^services\/([^/]+)\//.exec(file)?.[1];
const topDir = (file: string) => file.split('/')[0]!;

export function checkArchitecture(root: string): Violation[] {
  const files = sourceFiles(root).filter((f) => !f.endsWith('.test.ts'));
  const graph = new Map(files.map((f) => [f, importsOf(root, f)]));
  const violations: Violation[] = [];
  const flag = (file: string, rule: string, detail: string) => violations.push({ file, rule, detail });

  for (const [file, { files: deps }] of graph) {
    const top = topDir(file);
    for (const dep of deps) {
      const depTop = topDir(dep);
      if (top === 'events' && depTop !== 'events') flag(file, 'events/ imports nothing of the project', dep);
      if (top === 'libs' && (depTop === 'services' || depTop === 'infra')) flag(file, 'libs/ imports no service and no infrastructure', dep);
      if (['services', 'libs', 'events'].includes(top) && (depTop === 'infra' || depTop === 'test' || depTop === 'bench')) flag(file, 'production code imports no infra/, test/ or bench/', dep);
      const service = serviceOf(file);
      const depService = serviceOf(dep);
      if (service && depService && service !== depService) {
        const kit = dep.startsWith('services/registry/kit/');
        if (!kit) flag(file, 'no service imports another (except the registry consumer kit)', dep);
      }
      if (service && dep === 'services/index.ts' && service !== 'meta') flag(file, 'only meta reads every declaration', dep);
    }
  }

  // Topology declarations, with everything they import, load no AWS SDK.
  const awsReach = new Map<string, string | undefined>();
  const reachesAws = (file: string, seen = new Set<string>()): string | undefined => {
    if (awsReach.has(file)) return awsReach.get(file);
    if (seen.has(file)) return undefined;
    seen.add(file);
    const node = graph.get(file);
    let found = node?.packages.find((p) => p.startsWith('@aws-sdk/') || p === 'aws-sdk') ? file : undefined;
    for (const dep of node?.files ?? []) found ??= reachesAws(dep, seen) ? `${file} → ${reachesAws(dep, seen)}` : undefined;
    awsReach.set(file, found);
    return found;
  };
  for (const file of files.filter((f) => /^services\/[^/]+\/topology\.ts$/.test(f) || f === 'libs/topology.ts' || f === 'services/index.ts')) {
    const path = reachesAws(file);
    if (path) flag(file, 'topology declarations load no AWS SDK', path);
  }

  // A service names only its own table.
  for (const file of files.filter((f) => serviceOf(f))) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const m of text.matchAll(/tableName\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      if (m[1] !== serviceOf(file)) flag(file, 'a service touches only its own table', `tableName('${m[1]}')`);
    }
  }
  return violations;
}
