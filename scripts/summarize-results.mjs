// Totals the result files of the test layers and prints the closing line CI reads.
// usage: node scripts/summarize-results.mjs unit itest ui
import fs from 'node:fs';

let passed = 0;
let failed = 0;
const rows = [];
for (const layer of process.argv.slice(2)) {
  let p = 0;
  let f = 0;
  if (layer === 'unit' || layer === 'webview') {
    const tap = readOr(`test-results/${layer}.tap`);
    // The TAP reporter ends with "# pass N" / "# fail N" (cancelled counts as failed).
    p = num(tap, /^# pass (\d+)/m);
    f = num(tap, /^# fail (\d+)/m) + num(tap, /^# cancelled (\d+)/m);
    if (!tap) f += 1;
  } else {
    const raw = readOr(`test-results/${layer}.json`);
    if (!raw) {
      f = 1;
      rows.push(`${layer}: no results (the layer did not run to the end)`);
    } else {
      const { outcomes } = JSON.parse(raw);
      p = outcomes.filter((o) => o.ok).length;
      f = outcomes.length - p;
      for (const o of outcomes.filter((o) => !o.ok)) rows.push(`${layer} FAILED: ${o.name}`);
    }
  }
  rows.push(`${layer}: ${p} passed, ${f} failed`);
  passed += p;
  failed += f;
}
console.log(rows.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function readOr(f) {
  try {
    return fs.readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}
function num(text, re) {
  const m = re.exec(text);
  return m ? Number(m[1]) : 0;
}
