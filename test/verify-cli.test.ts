import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm run verify` given a file that is not what it was told to check: it says what it expected and
 * what the file holds, and exits 2 (bad use), never "first.entries is not iterable".
 */
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'gongzhi-verify-cli-'));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function verify(kind: string, path: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'infra/cli/verify.ts', kind, path]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const ledgerExport = { compoundId: 'C1', fund: 'maintenance', entries: [] };
const ballotLog = { vote: { compoundId: 'C1', voteId: 'V1' }, head: '0'.repeat(64), view: 'public', result: {}, entries: [] };

describe('npm run verify, given the wrong file', () => {
  test('a JSON object of another kind: what was expected, what came, exit 2', async () => {
    const path = file('votes-list.json', { items: [{ voteId: 'V1' }], nextCursor: 'abc' });
    const result = await verify('vote', path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path} is not a ballot log. Expected a ballot log: a JSON object with "vote", "head", "view", "result" and an "entries" array`);
    expect(result.stderr).toContain('got a JSON object with "items", "nextCursor"');
    expect(result.stderr).not.toMatch(/not iterable/);
  });

  test('a ledger export given as a ballot log, and a ballot log as a ledger: each says which kind it looks like', async () => {
    const asVote = await verify('vote', file('ledger.json', ledgerExport));
    expect(asVote.code).toBe(2);
    expect(asVote.stderr).toContain('It looks like a ledger export: npm run verify -- ledger <file>.');
    const asLedger = await verify('ledger', file('log.json', ballotLog));
    expect(asLedger.code).toBe(2);
    expect(asLedger.stderr).toMatch(/is not a ledger export\. Expected a ledger export: .*; got a JSON object with "vote", "head", "view", "result", "entries"\. It looks like a ballot log/);
  });

  test('an array, an object whose entries is no array, and a file that is not JSON at all', async () => {
    expect((await verify('vote', file('array.json', [1, 2, 3]))).stderr).toContain('got a JSON array of 3 item(s)');
    const broken = await verify('vote', file('broken.json', { ...ballotLog, entries: { count: 3 } }));
    expect(broken).toMatchObject({ code: 2 });
    expect(broken.stderr).toContain('("entries" is a JSON object with "count", not an array)');
    const html = await verify('ledger', file('page.html', '<!doctype html><html><body>Not found</body></html>'));
    expect(html.code).toBe(2);
    expect(html.stderr).toMatch(/page\.html is not JSON \(.*\); it begins "<!doctype html><html><body>Not found<\/bo"/);
  });
});
