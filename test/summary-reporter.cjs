// Progress as the suite goes (one line per finished test, so a long end-to-end file is never
// silent in CI), and at the end the plain "N passed, N failed" line that CI reads.
const { relative } = require('node:path');

class SummaryReporter {
  constructor() {
    this.done = 0;
  }
  onTestCaseResult(test, result) {
    this.done++;
    const mark = result.status === 'passed' ? 'ok  ' : result.status === 'failed' ? 'FAIL' : 'skip';
    const name = [...result.ancestorTitles, result.title].join(' › ');
    process.stderr.write(`[${String(this.done).padStart(4)}] ${mark} ${relative(process.cwd(), test.path)} › ${name} (${result.duration ?? 0} ms)\n`);
  }
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stderr.write(`\nTests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
module.exports = SummaryReporter;
