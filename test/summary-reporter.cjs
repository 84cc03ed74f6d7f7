// Progress as the suite goes (one line per finished test, so a long end-to-end file is never
// silent in CI), and at the end the plain "N passed, N failed" line that CI reads.
//
// It also holds every mutating route to the audit trail: the local runtime logs, for each successful
// change through the API, how many events it published and units it queued
// (infra/local/mutation-log.ts). A creation (201) that caused neither leaves no audit record, and fails
// the run unless its route declares why (`unaudited`); a 200 or 204 that caused nothing is an
// "already so" answer (a grant given twice, a finding recorded again), which changes nothing. On a run of the whole suite, a mutating route that
// no test called successfully fails the run too: every route is exercised, not only declared.
const { mkdtempSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative } = require('node:path');

class SummaryReporter {
  constructor(globalConfig) {
    this.done = 0;
    this.globalConfig = globalConfig;
    this.error = undefined;
    // Workers start after the reporters exist, and inherit this.
    this.logFolder = mkdtempSync(join(tmpdir(), 'gongzhi-mutations-'));
    process.env.GONGZHI_MUTATION_LOG = this.logFolder;
  }
  onTestCaseResult(test, result) {
    this.done++;
    const mark = result.status === 'passed' ? 'ok  ' : result.status === 'failed' ? 'FAIL' : 'skip';
    const name = [...result.ancestorTitles, result.title].join(' › ');
    process.stderr.write(`[${String(this.done).padStart(4)}] ${mark} ${relative(process.cwd(), test.path)} › ${name} (${result.duration ?? 0} ms)\n`);
  }
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const audit = this.checkAuditTrail(results);
    process.stderr.write(`\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
    if (audit) process.stderr.write(`${audit}\n`);
  }
  checkAuditTrail(results) {
    const declared = new Map();
    const calls = new Map();
    for (const file of readdirSync(this.logFolder)) {
      for (const line of readFileSync(join(this.logFolder, file), 'utf8').split('\n')) {
        if (!line) continue;
        const record = JSON.parse(line);
        if (record.declared) {
          for (const d of record.declared) declared.set(d.route, d.unaudited);
          continue;
        }
        const seen = calls.get(record.route) ?? { calls: 0, silent: 0, example: '' };
        seen.calls++;
        if (record.events + record.units === 0 && record.status === 201) {
          seen.silent++;
          seen.example ||= `${record.path} → ${record.status}`;
        }
        calls.set(record.route, seen);
      }
    }
    rmSync(this.logFolder, { recursive: true, force: true });
    if (declared.size === 0) return undefined;
    const problems = [];
    for (const [route, seen] of calls) {
      if (seen.silent > 0 && !declared.get(route))
        problems.push(`  ${route}: ${seen.silent} of ${seen.calls} successful calls created something but published no event and queued no work (no audit record), e.g. ${seen.example}`);
    }
    const wholeSuite = !this.globalConfig.testPathPatterns?.isSet?.() && !this.globalConfig.testNamePattern && !this.globalConfig.onlyChanged && results.numFailedTests === 0;
    const never = wholeSuite ? [...declared.keys()].filter((route) => !calls.has(route)) : [];
    for (const route of never) problems.push(`  ${route}: no test called it successfully`);
    const summary = `Audit trail: ${calls.size} of ${declared.size} mutating routes exercised${wholeSuite ? '' : ' (part of the suite ran)'}`;
    if (problems.length === 0) return summary;
    this.error = new Error(`${summary}; every change must leave an audit record:\n${problems.join('\n')}`);
    return this.error.message;
  }
  getLastError() {
    return this.error;
  }
}
module.exports = SummaryReporter;
