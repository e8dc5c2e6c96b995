// papertrail eval against the scripted server: the estimate first, one call, the report beside
// the repository; reference-based with the authors' code; bad input in one line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { writePlantedRepo } from '../../fixtures/citations/planted-repo';
import type { ScriptedServer } from '../../fixtures/llm/scriptedServer';
import { startScriptedServer } from '../../fixtures/llm/scriptedServer';
import { makeSamplePaper } from '../../fixtures/synthetic/sample-paper';

const ANSWER = {
  components: [
    { name: 'Scaled dot-product attention', paperPlace: '§2, Eq. 1', score: 4, critique: 'model.py follows Eq. 1; no mask.' },
    { name: 'Affine projection', paperPlace: '§4, Eq. 2', score: 1, critique: 'Missing: nothing implements Eq. 2.' },
  ],
  overall: 2.5,
  summary: 'Eq. 1 is reproduced; Eq. 2 is not.',
};

let dir = '';
let server: ScriptedServer;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-eval-'));
  fs.writeFileSync(path.join(dir, 'paper.pdf'), (await makeSamplePaper(2)).bytes);
  writePlantedRepo(path.join(dir, 'repro'), {
    '.papertrail/paper.json': JSON.stringify({ source: '../paper.pdf' }),
    'model.py': '# §2, Eq. 1\ndef attention(q, k, v):\n    return q\n',
  });
  writePlantedRepo(path.join(dir, 'authors'), {
    'official_attention.py': 'def official_attention(q, k, v):\n    return q  # the authors\n',
  });
  server = await startScriptedServer({
    replies: [
      { when: '## Task: evaluate (reference-free)', content: ANSWER },
      { when: '## Task: evaluate (reference-based)', content: { ...ANSWER, overall: 2 } },
    ],
  });
});
after(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  const io: CliIo & { out: string; err: string } = {
    out: '',
    err: '',
    cwd: dir,
    env: { ...process.env, PAPERTRAIL_CACHE_DIR: path.join(dir, 'cache') },
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
  };
  const code = await main(argv, io);
  return { code, out: io.out, err: io.err };
}

test('reference-free: the estimate first, one call, per-component scores and EVALUATION.md beside the repository', async () => {
  const dry = await run('eval', 'repro', '--base-url', server.url, '--model', 'gpt-4.1', '--dry-run');
  assert.equal(dry.code, 0, dry.err);
  assert.match(
    dry.out,
    /^judged against: "Attention on a Budget"\nestimate: 1 call to gpt-4\.1, ~\d+\.\dk prompt \+ ~1\.5k answer tokens, ~\$0\.\d{3}\n$/,
  );
  assert.equal(dry.err, '', 'said once, on stdout');
  assert.equal(server.requests.length, 0, 'a dry run asks nothing');
  const r = await run('eval', 'repro', '--base-url', server.url, '--model', 'gpt-4.1');
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /^judged against: "Attention on a Budget"\nestimate: 1 call to gpt-4\.1/);
  assert.match(
    r.out,
    /^overall 2\.5\/5 \(reference-free, 2 components\)\n {2}4\/5 {2}Scaled dot-product attention {2}\(§2, Eq\. 1\)\n {2}1\/5 {2}Affine projection/,
  );
  assert.equal(server.requests.length, 1);
  const prompt = JSON.stringify(server.requests[0]!.body);
  assert.ok(prompt.includes('<paper>') && prompt.includes('model.py:'), 'the paper and the code went to the model');
  const report = fs.readFileSync(path.join(dir, 'repro', 'EVALUATION.md'), 'utf8');
  assert.match(
    report,
    /^# Evaluation of this reimplementation of "Attention on a Budget"\n\nReference-free \(the paper alone\), by gpt-4\.1/,
  );
  assert.match(report, /\*\*Overall: 2\.5 \/ 5\*\* \(components: mean 2\.5 \/ 5\)/);
  assert.match(report, /\| Affine projection \| §4, Eq\. 2 \| 1 \/ 5 \| Missing: nothing implements Eq\. 2\. \|/);
  assert.equal(fs.readdirSync(path.join(dir, 'repro', '.papertrail', 'eval')).length, 1, 'the JSON record');
});

test("reference-based: the authors' folder goes into the prompt; --json is one document", async () => {
  const r = await run('eval', 'repro', '--reference', 'authors', '--base-url', server.url, '--model', 'gpt-4.1', '--json');
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.equal(j.mode, 'reference-based');
  assert.equal(j.evaluation.overall, 2);
  assert.ok(JSON.stringify(server.requests.at(-1)!.body).includes('official_attention.py'));
});

test('bad input: one line that says what to do, nothing written', async () => {
  fs.rmSync(path.join(dir, 'repro', 'EVALUATION.md'), { force: true });
  const noRef = await run('eval', 'repro', '--reference', 'nowhere', '--base-url', server.url);
  assert.equal(noRef.code, 2);
  assert.equal(noRef.err, "papertrail eval: nowhere: no such folder; give the authors' code as a folder or a git URL\n");
  const file = await run('eval', 'paper.pdf', '--base-url', server.url);
  assert.equal(file.err, "papertrail eval: paper.pdf is a file; give the repository's folder\n");
  // A dry run calls nothing: no key is asked for, even for a remote endpoint.
  const dry = await run('eval', 'repro', '--dry-run', '--base-url', 'https://api.example.com/v1', '--model', 'gpt-4.1');
  assert.equal(dry.code, 0, dry.err);
  const noPaper = await run('eval', '.', '--base-url', server.url);
  assert.equal(noPaper.code, 2);
  assert.match(noPaper.err, /names no paper .*pass --paper/);
  const mute = await startScriptedServer({ replies: [{ when: '## Task: evaluate', content: 'I cannot evaluate this.' }] });
  const bad = await run('eval', 'repro', '--base-url', mute.url, '--model', 'gpt-4.1');
  await mute.close();
  assert.equal(bad.code, 2);
  assert.match(bad.err.trim().split('\n').at(-1)!, /^papertrail eval: the evaluation call failed: .*\. Nothing was written\.$/);
  assert.ok(!fs.existsSync(path.join(dir, 'repro', 'EVALUATION.md')));
});
