// A run on a family of three related papers (test/fixtures/family): the CLI as users run it,
// the real openai client against the scripted server answering as a good model, the written
// repository read back (paper.json, the plan, the README), audited per paper and run with
// Debian's python3 + pytest.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { auditRepository } from '../../../src/core/citations/audit';
import { FAMILY_FILES, FAMILY_KEYS, familyScript } from '../../fixtures/family/family-transcript';
import type { ScriptedServer } from '../../fixtures/llm/scriptedServer';
import { startScriptedServer } from '../../fixtures/llm/scriptedServer';

const ROOT = process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd();
const PYTHON = '/usr/bin/python3';
let tmp = '';
let server: ScriptedServer;
let run: { code: number; stdout: string; stderr: string };
const out = () => path.join(tmp, 'repro');

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: tmp, env: { PATH: process.env.PATH ?? '' } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-family-run-'));
  // The papers beside the repository, as a user keeps them.
  for (const k of FAMILY_KEYS)
    fs.cpSync(path.join(ROOT, 'test/fixtures/family/papers', k), path.join(tmp, 'papers', k), { recursive: true });
  server = await startScriptedServer(familyScript());
  run = await cli([
    'reimplement',
    ...FAMILY_KEYS.map((k) => `papers/${k}`),
    '--out',
    'repro',
    '--base-url',
    server.url,
    '--model',
    'scripted-model',
    '--framework',
    'numpy',
    '--no-git',
  ]);
});
after(async () => {
  await server?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('several papers: the run names each with its key, writes the repository, and every tag resolves against its paper', () => {
  assert.equal(run.code, 0, run.stderr + run.stdout);
  for (const k of FAMILY_KEYS) assert.match(run.stderr, new RegExp(`^ {2}\\[${k}\\] `, 'm'));
  assert.match(run.stdout, /citations: \d+ tags, 0 broken/);
  for (const f of FAMILY_FILES) assert.ok(fs.existsSync(path.join(out(), f)), `${f} written`);
});

test('each paper is extracted in its own call, all before planning, each with the same system message', () => {
  const tasks = server.requests.map((r) => {
    const user = r.body.messages.filter((m: { role: string }) => m.role === 'user').at(-1)?.content ?? '';
    return String(user).split('\n')[0];
  });
  const extracts = tasks.map((t, i) => [t, i] as const).filter(([t]) => t.startsWith('## Task: extract '));
  assert.deepEqual(extracts.map(([t]) => t.slice('## Task: extract '.length)).sort(), [...FAMILY_KEYS].sort());
  const overview = tasks.indexOf('## Task: plan-overview');
  assert.ok(
    extracts.every(([, i]) => i < overview),
    'the extractions come before the overview',
  );
  // The shared prefix: one system message for every call of the run, holding all three papers by key.
  const systems = new Set(server.requests.map((r) => r.body.messages.find((m: { role: string }) => m.role === 'system')?.content));
  assert.equal(systems.size, 1);
  const [system] = [...systems];
  for (const k of FAMILY_KEYS) assert.match(system!, new RegExp(`<paper key="${k}" title="`));
  assert.match(system!, /# \[key\] §3\.2, Eq\. 4/);
});

test('paper.json lists the papers with their keys, the main one first, and what each builds on', () => {
  const json = JSON.parse(fs.readFileSync(path.join(out(), '.papertrail/paper.json'), 'utf8'));
  assert.equal(json.source, '../papers/stackrgu');
  assert.deepEqual(
    json.papers.map((p: { key: string; source: string; buildsOn: string[] }) => [p.key, p.source, p.buildsOn]),
    [
      ['stackrgu', '../papers/stackrgu', ['rgu']],
      ['rgu', '../papers/rgu', []],
      ['tempgate', '../papers/tempgate', ['rgu']],
    ],
  );
});

test('IMPLEMENTATION_PLAN.md records the papers, the graph and each file’s paper, base paper first', () => {
  const plan = fs.readFileSync(path.join(out(), 'IMPLEMENTATION_PLAN.md'), 'utf8');
  assert.match(plan, /## Papers\n/);
  assert.match(plan, /\| `\[rgu\]` \| RGU: Residual Gated Units for Sequence Encoding \| — \|/);
  assert.match(plan, /\| `\[stackrgu\]` \| StackRGU: Deep Encoders from Residual Gated Units \| \[rgu\]: /);
  assert.match(plan, /```mermaid\nflowchart BT\n/);
  assert.match(plan, / {2}stackrgu -->\|[^|]+\| rgu/);
  // Every file in the order of implementation says its paper.
  const order = [...plan.matchAll(/^- wave \d+: `([^`]+)` \[(\w+)\]/gm)].map((m) => m[1]);
  assert.deepEqual([...order].sort(), [...FAMILY_FILES].sort());
  const readme = fs.readFileSync(path.join(out(), 'README.md'), 'utf8');
  assert.equal((readme.match(/^@\w+\{/gm) ?? []).length, 3, 'one BibTeX entry per paper');
  // The status says how much of each paper the code covers.
  for (const k of FAMILY_KEYS) assert.match(readme, new RegExp(`^\\[${k}\\] Paper coverage, from the citation tags: `, 'm'));
});

test('the audit of the written repository reads its paper.json: tags per paper, coverage per paper', async () => {
  const report = await auditRepository(out(), { parse: { noCache: true } });
  assert.ok(report.ok, report.ok ? '' : report.error.message);
  assert.equal(report.value.counts.broken, 0, JSON.stringify(report.value.broken.slice(0, 3)));
  // The run's own summary counts the repository as written, README included.
  assert.match(run.stdout, new RegExp(`citations: ${report.value.counts.tags} tags, 0 broken`));
  const keys = new Set(report.value.tags.filter((t) => t.refs.length).map((t) => t.paperKey));
  assert.deepEqual([...keys].sort(), [...FAMILY_KEYS].sort());
  const cov = await cli(['audit', 'repro', '--coverage']);
  for (const k of FAMILY_KEYS) assert.match(cov.stdout, new RegExp(`^\\[${k}\\] `, 'm'));
  // --scope names sections of the main paper: its coverage alone, in the same list shape.
  const scoped = JSON.parse((await cli(['audit', 'repro', '--coverage', '--scope', '2', '--json'])).stdout);
  assert.deepEqual(
    scoped.map((c: { key: string }) => c.key),
    ['stackrgu'],
  );
  assert.match((await cli(['audit', 'repro'])).stdout, /against \[stackrgu\] \(main\) "StackRGU/);
  // A typo in a key is broken, with the key it probably meant.
  const file = path.join(out(), 'rgu_family/rgu.py');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace('[rgu]', '[rug]'));
  const bad = await cli(['audit', 'repro']);
  fs.writeFileSync(file, text);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /no paper has the key \[rug\] \(did you mean \[rgu\]\?\)/);
});

test('resolve takes the repository: each tag in the paper its key names, an untagged one in the main paper', async () => {
  const keyed = await cli(['resolve', 'repro', '[tempgate] §2.1', '--json']);
  assert.equal(keyed.code, 0, keyed.stderr);
  const doc = JSON.parse(keyed.stdout);
  assert.equal(doc.paperKey, 'tempgate');
  assert.match(doc.paper.title, /^TempGate: /);
  assert.match(doc.text, /temperature-scaled gate/i);
  const plain = await cli(['resolve', 'repro', '§3']);
  assert.match(plain.stdout, /^ {2}in \[stackrgu\] StackRGU: /m);
  const typo = await cli(['resolve', 'repro', '[rug] §2.1']);
  assert.equal(typo.code, 1);
  assert.match(typo.stdout, /no paper has the key \[rug\] \(did you mean \[rgu\]\?\)/);
  const typoJson = JSON.parse((await cli(['resolve', 'repro', '[rug] §2.1', '--json'])).stdout);
  assert.deepEqual(typoJson.unknownPaper, { key: 'rug', known: FAMILY_KEYS, closest: 'rgu' });
  assert.equal(typoJson.paper, undefined, 'no paper was resolved against');
  // A folder inside the repository (its package) is read as the repository.
  const inside = await cli(['resolve', 'repro/rgu_family', '[rgu] §2.2']);
  assert.equal(inside.code, 0, inside.stderr);
  assert.match(inside.stdout, /^ {2}in \[rgu\] RGU: /m);
  // One paper given: a key cannot choose among papers, and the user is told so.
  const single = await cli(['resolve', 'papers/rgu', '[tempgate] Eq. 2']);
  assert.equal(single.code, 0);
  assert.match(single.stderr, /^note: \[tempgate\] names a paper of a repository; with one paper given it is not used/);
});

test('eval judges the family whole: every paper in the prompt under its key, the report names them', async () => {
  const judge = await startScriptedServer({
    replies: [
      {
        when: '## Task: evaluate',
        content: {
          components: [
            { name: 'Residual gated unit', paperPlace: '[rgu] §2.2, Eq. 2', score: 5, critique: 'rgu_family/rgu.py mixes as Eq. 2 says.' },
          ],
          overall: 4,
          summary: 'The stack and both gates follow their papers.',
        },
      },
    ],
  });
  try {
    const r = await cli(['eval', 'repro', '--base-url', judge.url, '--model', 'scripted-model']);
    assert.equal(r.code, 0, r.stderr);
    const system = String(judge.requests[0]!.body.messages[0].content);
    for (const k of FAMILY_KEYS) assert.match(system, new RegExp(`<paper key="${k}" title="`));
    assert.match(system, /\[stackrgu\] is the main one/);
    const report = fs.readFileSync(path.join(out(), 'EVALUATION.md'), 'utf8');
    assert.match(report, /^# Evaluation of this reimplementation of "StackRGU: /m);
    assert.match(report, /^With the papers it builds on: \[rgu\] RGU: .*; \[tempgate\] TempGate: /m);
  } finally {
    fs.rmSync(path.join(out(), 'EVALUATION.md'), { force: true });
    await judge.close();
  }
});

test('the written repository’s tests pass', () => {
  const r = spawnSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], { cwd: out(), encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /\d+ passed/);
});

test('a dry run prints the graph and plans the files base paper first', async () => {
  const dry = await cli([
    'reimplement',
    ...FAMILY_KEYS.map((k) => `papers/${k}`),
    '--out',
    'dry',
    '--base-url',
    server.url,
    '--model',
    'scripted-model',
    '--dry-run',
    '--json',
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  const result = JSON.parse(dry.stdout.trim().split('\n').at(-1)!);
  assert.deepEqual(result.plan.family.graph.order, ['rgu', 'stackrgu', 'tempgate']);
  const rank = (k: string) => result.plan.family.graph.order.indexOf(k);
  const ranks = result.plan.logic.files.map((f: { paper: string }) => rank(f.paper));
  assert.ok(
    ranks.every((r: number, i: number) => r >= 0 && (i === 0 || r >= ranks[i - 1])),
    `files by paper: ${ranks.join(',')}`,
  );
});

test('keys given with --keys are the ones the papers get; a bad one is refused before any call', async () => {
  const bad = await cli([
    'reimplement',
    'papers/stackrgu',
    'papers/rgu',
    '--keys',
    'Stack Net,rgu',
    '--out',
    'k',
    '--base-url',
    server.url,
  ]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"Stack Net" is not a paper key/);
  // The same paper twice would be extracted and paid for twice.
  const twice = await cli(['reimplement', 'papers/stackrgu', 'papers/rgu', './papers/rgu/', '--out', 'k', '--base-url', server.url]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /paper 3 \(\.\/papers\/rgu\/\) is the same paper as paper 2 \(papers\/rgu\); give each paper once/);
  // Something that does not read as a paper is refused before any call.
  fs.writeFileSync(path.join(tmp, 'papers', 'junk.tex'), 'garbage\n');
  const junk = await cli(['reimplement', 'papers/stackrgu', 'papers/junk.tex', '--out', 'k', '--base-url', server.url]);
  assert.equal(junk.code, 2);
  assert.match(junk.stderr, /papers\/junk\.tex has no title, no numbered section, no equation and almost no text/);
  const resumeKeys = await cli(['reimplement', '--resume', '--out', 'repro', '--keys', 'a,b,c', '--base-url', server.url]);
  assert.match(resumeKeys.stderr, /a run keeps its paper keys; leave out --keys/);
  const resumePaper = await cli(['reimplement', 'papers/rgu', '--resume', '--out', 'repro', '--base-url', server.url]);
  assert.match(resumePaper.stderr, /papers\/rgu is not a run folder .*--resume takes no paper/);
  assert.ok(!fs.existsSync(path.join(tmp, 'k')), 'nothing written');
  const one = await cli(['reimplement', 'papers/stackrgu', '--keys', 'stack', '--out', 'k', '--base-url', server.url]);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /--keys names the papers of a run of several/);
});
