// extensionTestsPath entry for the code-server route (and for @vscode/test-electron):
// runs every *.test.js beside this file with mocha inside the real extension host,
// and writes a result file the test script totals.
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';

interface Outcome {
  name: string;
  ok: boolean;
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30000 });
  for (const f of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort())
    mocha.addFile(path.join(__dirname, f));
  const outcomes: Outcome[] = [];
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const out = process.env.PAPERTRAIL_ITEST_RESULT;
      if (out) fs.writeFileSync(out, JSON.stringify({ outcomes }, null, 2));
      if (failures) reject(new Error(`${failures} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => outcomes.push({ name: t.fullTitle(), ok: true }));
    runner.on('fail', (t, err: Error) => outcomes.push({ name: t.fullTitle(), ok: false, error: String(err?.stack ?? err) }));
  });
}
