// The whole pipeline on the project's sample paper: the real openai client against the
// scripted server, the CLI as users run it, the generated repository run with Debian's
// python3 + pytest + torch, and the run record used to resume.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { CliIo } from '../../../src/cli/io';
import { main } from '../../../src/cli/main';
import { auditRepository } from '../../../src/core/citations/audit';
import { createOpenAIProvider } from '../../../src/core/llm/openaiProvider';
import { DEFAULT_PRICES } from '../../../src/core/llm/pricing';
import type { RunOptions } from '../../../src/core/pipeline/options';
import { DEFAULT_OPTIONS } from '../../../src/core/pipeline/options';
import type { PipelineEvent } from '../../../src/core/pipeline/pipeline';
import { runPipeline } from '../../../src/core/pipeline/pipeline';
import { reopenRun, startRun } from '../../../src/core/pipeline/session';
import type { VerifySetup } from '../../../src/core/pipeline/verifyStage';
import { RUNS_DIR } from '../../../src/core/pipeline/store';
import { writeFiles } from '../../../src/core/workspace/writer';
import { SAMPLE_FILES, sampleScript } from '../../fixtures/llm/sample-transcript';
import type { Script } from '../../fixtures/llm/script';
import type { ScriptedServer } from '../../fixtures/llm/scriptedServer';
import { startScriptedServer } from '../../fixtures/llm/scriptedServer';
import { writeSamplePaper } from '../../fixtures/synthetic/sample-paper';

const PYTHON = '/usr/bin/python3';
const FAST = { retries: 3, baseDelayMs: 10, maxDelayMs: 50 };
let tmp = '';
let paper = '';
const servers: ScriptedServer[] = [];

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-reimplement-'));
  paper = path.join(tmp, 'paper.pdf');
  await writeSamplePaper(paper);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

async function serve(script: Script = sampleScript()): Promise<ScriptedServer> {
  const s = await startScriptedServer(script);
  servers.push(s);
  return s;
}

async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: tmp, env: { PATH: process.env.PATH ?? '', ...env } };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** Every file under `dir` but the run records, as path → content. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(dir, { recursive: true }).map(String)) {
    const abs = path.join(dir, f);
    if (f.startsWith(RUNS_DIR) || f.split(path.sep)[0] === '.git' || !fs.statSync(abs).isFile()) continue;
    out[f.split(path.sep).join('/')] = fs.readFileSync(abs, 'utf8');
  }
  return out;
}

async function runDirect(
  outDir: string,
  baseURL: string,
  extra: { signal?: AbortSignal; onEvent?: (e: PipelineEvent) => void; verify?: VerifySetup } = {},
  options: Partial<RunOptions> = {},
) {
  const prepared = await startRun({
    source: paper,
    outDir,
    options: { ...DEFAULT_OPTIONS, models: { default: 'scripted-model' }, ...options },
    cwd: tmp,
  });
  assert.ok(prepared.ok);
  const run = prepared.value;
  const result = await runPipeline({
    ...run,
    provider: createOpenAIProvider({ baseURL, apiKey: 'k' }),
    prices: DEFAULT_PRICES,
    policy: FAST,
    ...extra,
  });
  return { run, result };
}

let reference: Record<string, string> = {};

test('papertrail reimplement writes a repository whose tests pass and whose citations all resolve', async () => {
  const server = await serve();
  const r = await cli(['reimplement', 'paper.pdf', '--out', 'repro', '--base-url', server.url, '--model', 'scripted-model']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^wrote \d+ files to repro/m);
  assert.match(r.stdout, /citations: \d+ tags, 0 broken, repaired budget_attention\/projection\.py/);
  const out = path.join(tmp, 'repro');
  for (const f of [
    'README.md',
    'REPRODUCTION_NOTES.md',
    'ARCHITECTURE.md',
    'IMPLEMENTATION_PLAN.md',
    'requirements.txt',
    'pyproject.toml',
    '.python-version',
    '.gitignore',
    'configs/paper.yaml',
    'configs/small.yaml',
    'configs/medium.yaml',
    'configs/large.yaml',
    'budget_attention/attention.py',
    'tests/test_attention.py',
  ]) {
    assert.ok(fs.existsSync(path.join(out, f)), `${f} written`);
  }
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(out, '.papertrail/paper.json'), 'utf8')).source, '../paper.pdf');

  const audit = await auditRepository(out);
  assert.ok(audit.ok);
  assert.equal(audit.value.counts.broken, 0, JSON.stringify(audit.value.broken));
  assert.ok(audit.value.counts.tags > 30, `${audit.value.counts.tags} tags`);

  const pytest = spawnSync(PYTHON, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider'], {
    cwd: out,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(pytest.status, 0, pytest.stdout + pytest.stderr);
  assert.match(pytest.stdout, /\d+ passed/);
  // The small preset runs a forward and backward pass on the CPU, as the README's quick start says.
  const smoke = spawnSync(PYTHON, ['-m', 'budget_attention', '--preset', 'small'], {
    cwd: out,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  assert.equal(smoke.status, 0, smoke.stderr);
  assert.match(smoke.stdout, /preset small on cpu: loss \d/);
  const readme = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
  assert.ok(readme.indexOf('## Quick start') < readme.indexOf('## Layout'), 'quick start first');
  assert.match(readme, /uv sync\nuv run pytest\nuv run python -m budget_attention --preset small/);
  assert.match(readme, /## Hardware\n\nEverything runs on a CPU/);
  // The paper's side of the status, from the tags: both equations implemented and tested.
  assert.match(readme, /Paper coverage, from the citation tags: 2\/2 equations implemented, 2\/2 tested · \d\/4 sections implemented/);
  assert.match(
    readme,
    /```bibtex\n@article\{lovelace\w*,\n {2}title = \{Attention on a Budget\},\n {2}author = \{Ada Lovelace and Alan Turing\}/,
  );
  const arch = fs.readFileSync(path.join(out, 'ARCHITECTURE.md'), 'utf8');
  assert.match(arch, /```mermaid\nclassDiagram\n/);
  assert.match(arch, /```mermaid\nsequenceDiagram\n/);
  assert.match(arch, /\| `budget_attention\/encoder\.py` \|/);
  const planMd = fs.readFileSync(path.join(out, 'IMPLEMENTATION_PLAN.md'), 'utf8');
  assert.match(planMd, /- wave 1: `budget_attention\/config\.py`/);
  assert.match(planMd, /\*\*training objective\*\* \(`budget_attention\/__main__\.py`\): a stand-in loss/);
  const ignored = fs.readFileSync(path.join(out, '.gitignore'), 'utf8').split('\n');
  for (const pattern of [
    '.venv/',
    '__pycache__/',
    'checkpoints/',
    '*.ckpt',
    'logs/',
    '.env',
    '.env.*',
    '*credentials*',
    '.papertrail/runs/',
  ])
    assert.ok(ignored.includes(pattern), `.gitignore has ${pattern}`);
  // pyproject.toml (read by Python's own TOML parser) and requirements.txt name the same runtime dependencies.
  const project = spawnSync(PYTHON, ['-c', 'import json, sys, tomllib; print(json.dumps(tomllib.load(open("pyproject.toml", "rb"))))'], {
    cwd: out,
    encoding: 'utf8',
  });
  assert.equal(project.status, 0, project.stderr);
  const toml = JSON.parse(project.stdout);
  const reqs = fs
    .readFileSync(path.join(out, 'requirements.txt'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  assert.deepEqual([...toml.project.dependencies, 'pytest>=7.0'], reqs);
  assert.deepEqual(toml['dependency-groups'].dev.slice(0, 1), ['pytest>=7.0']);
  assert.deepEqual(toml.tool.setuptools.packages, ['budget_attention']);
  assert.deepEqual(toml.tool.pytest.ini_options, { pythonpath: ['.'], testpaths: ['tests'] });
  // The first commit lists what was implemented; the run record stays out of it.
  const log = spawnSync('git', ['log', '--format=%B', '-1'], { cwd: out, encoding: 'utf8' });
  assert.equal(log.status, 0, log.stderr);
  assert.match(log.stdout, /^Reimplement "Attention on a Budget" \(PaperTrail\)\n\nSections: §2 [^\n]*§4/);
  assert.match(log.stdout, /\nEquations: Eq\. 1, Eq\. 2\n/);
  assert.match(r.stdout, /^git: committed [0-9a-f]{7}/m);
  const tracked = spawnSync('git', ['ls-files'], { cwd: out, encoding: 'utf8' }).stdout.split('\n');
  assert.ok(tracked.includes('budget_attention/encoder.py') && tracked.includes('.papertrail/paper.json'));
  assert.ok(!tracked.some((f) => f.startsWith('.papertrail/runs/')), 'the run record is not committed');

  // The run record: every call with its prompt, answer and token counts.
  const runs = fs.readdirSync(path.join(out, RUNS_DIR));
  assert.equal(runs.length, 1);
  const calls = fs.readdirSync(path.join(out, RUNS_DIR, runs[0]!, 'calls'));
  assert.equal(calls.length, server.requests.length, 'one record per call');
  const record = JSON.parse(fs.readFileSync(path.join(out, RUNS_DIR, runs[0]!, 'calls', calls[0]!), 'utf8'));
  assert.ok(record.messages[0].content.includes('<paper>'));
  assert.ok(record.usage.promptTokens > 0);
  reference = tree(out);
});

test('the written repository installs with pip install -e . (setuptools, offline) and imports from anywhere', () => {
  const venv = path.join(tmp, 'venv');
  const made = spawnSync(PYTHON, ['-m', 'venv', '--system-site-packages', venv], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const pip = spawnSync(
    path.join(venv, 'bin/python'),
    ['-m', 'pip', 'install', '-q', '--no-index', '--no-build-isolation', '--no-deps', '-e', path.join(tmp, 'repro')],
    { encoding: 'utf8', env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } },
  );
  assert.equal(pip.status, 0, pip.stdout + pip.stderr);
  const run = spawnSync(path.join(venv, 'bin/python'), ['-m', 'budget_attention', '--preset', 'small'], {
    cwd: os.tmpdir(),
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /preset small on cpu/);
});

test('calls after planning share one byte-identical prefix: system message, then the plan', () => {
  const bodies = servers[0]!.requests.map((r) => r.body as { messages: { role: string; content: string }[] });
  const systems = new Set(bodies.map((b) => b.messages[0]!.content));
  assert.equal(systems.size, 1);
  const after = bodies.filter((b) => /## Task: (analyze|code|docs|repair)/.test(b.messages.at(-1)!.content));
  assert.ok(after.length >= 17);
  assert.equal(new Set(after.map((b) => b.messages[1]!.content)).size, 1);
  // Coding a file carries the code of what it depends on, not every earlier file.
  const encoder = bodies.find((b) => b.messages.at(-1)!.content.startsWith('## Task: code budget_attention/encoder.py'))!;
  assert.ok(encoder.messages.at(-1)!.content.includes('budget_attention/attention.py:\n```'));
  assert.ok(!encoder.messages.at(-1)!.content.includes('tests/test_attention.py:\n```'));
});

test('429, 500, a reset stream, a truncated answer and invalid JSON are all survived, with the same repository', async () => {
  const script = sampleScript();
  script.faults = [
    { when: '## Task: plan-overview', kind: '429', retryAfter: 0 },
    { when: '## Task: analyze budget_attention/attention.py', kind: '500' },
    { when: '## Task: code budget_attention/encoder.py', kind: 'reset' },
    { when: '## Task: code tests/test_attention.py', kind: 'truncate' },
    { when: '## Task: plan-logic', kind: 'invalid-json' },
  ];
  const server = await serve(script);
  const retries: string[] = [];
  const { run, result } = await runDirect(path.join(tmp, 'faults'), server.url, {
    onEvent: (e) => e.type === 'retry' && retries.push(e.key),
  });
  assert.ok(result.ok, !result.ok ? result.error.message : '');
  assert.deepEqual(retries.sort(), ['analyze:budget_attention/attention.py', 'code:budget_attention/encoder.py', 'plan-overview']);
  assert.ok(server.requests.some((r) => r.status === 429));
  assert.ok(writeFiles(run.outDir, result.value.files, { allowToolDirs: true }).ok);
  assert.deepEqual(tree(run.outDir), reference);
});

test('educational mode adds a walkthrough notebook that Jupyter can open; the scope reaches the prompt', async () => {
  const server = await serve();
  const { result } = await runDirect(path.join(tmp, 'edu'), server.url, {}, { mode: 'educational', scope: ['2'] });
  assert.ok(result.ok);
  const nb = result.value.files.find((f) => f.path === 'notebooks/walkthrough.ipynb');
  assert.ok(nb, 'notebook generated');
  const json = JSON.parse(nb.content);
  assert.equal(json.nbformat, 4);
  assert.ok(json.cells.some((c: { cell_type: string }) => c.cell_type === 'code'));
  const system = (server.requests[0]!.body as { messages: { content: string }[] }).messages[0]!.content;
  assert.match(system, /Implement only §2 and what they need/);
  assert.match(system, /Mode educational/);
  // Verified, the notebook runs top to bottom on an IPython kernel (nbclient), from notebooks/.
  const verified = await runDirect(
    path.join(tmp, 'edu-verified'),
    server.url,
    { verify: { python: PYTHON } },
    { mode: 'educational', scope: ['2'] },
  );
  assert.ok(verified.result.ok, verified.result.ok ? '' : verified.result.error.message);
  const last = verified.result.value.verify!.rounds.at(-1)!;
  assert.deepEqual(
    { notebook: last.notebook?.ok, smoke: last.smoke?.ok, passed: verified.result.value.verify!.passed },
    { notebook: true, smoke: true, passed: true },
    JSON.stringify(last.notebook),
  );
  const readme = verified.result.value.files.find((f) => f.path === 'README.md')!.content;
  assert.match(readme, /`notebooks\/walkthrough\.ipynb` executed top to bottom \(\d+ code cells ran\)/);
});

test('a path that leaves the folder is refused and reported; the rest is written inside', async () => {
  const script = sampleScript();
  for (const reply of script.replies) {
    if (reply.when === '## Task: plan-architecture' || reply.when === '## Task: plan-logic') {
      const c = reply.content as { files: { path: string }[] };
      reply.content = { ...c, files: [...c.files, { ...c.files[0]!, path: '../../escape.py' }] };
    }
  }
  const server = await serve(script);
  const { result } = await runDirect(path.join(tmp, 'escape'), server.url);
  assert.ok(result.ok);
  assert.deepEqual(
    result.value.refused.map((r) => r.path),
    ['../../escape.py'],
  );
  assert.ok(!result.value.files.some((f) => f.path.includes('escape')));
  assert.ok(!server.requests.some((r) => JSON.stringify(r.body).includes('## Task: code ../../escape.py')));
  assert.ok(!fs.existsSync(path.join(tmp, '..', 'escape.py')));
});

test('plan paths from a real answer: normalised, the duplicate merged, hostile ones refused with a reason, in the dry run', async () => {
  const bug = path.resolve(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), '../shared/bugreports/plan-paths/plan.json');
  if (!fs.existsSync(bug)) return;
  // PaperCoder's key names put into PaperTrail's own plan answers.
  const taskList = (JSON.parse(fs.readFileSync(bug, 'utf8')) as { 'Task list': string[] })['Task list'];
  const script = sampleScript();
  for (const reply of script.replies) {
    // New objects: the sample transcript's answers are shared by every test.
    if (reply.when === '## Task: plan-architecture')
      reply.content = { ...(reply.content as object), files: taskList.map((p) => ({ path: p, purpose: `implements ${p}` })) };
    if (reply.when === '## Task: plan-logic') {
      reply.content = {
        ...(reply.content as object),
        files: taskList.map((p, i) => ({ path: p, responsibilities: [`part ${i}`], dependsOn: i ? [taskList[i - 1]] : [], cites: [] })),
      };
    }
  }
  const server = await serve(script);
  const dry = await cli([
    'reimplement',
    'paper.pdf',
    '--out',
    'paths',
    '--dry-run',
    '--json',
    '--base-url',
    server.url,
    '--model',
    'scripted-model',
  ]);
  assert.equal(dry.code, 0, dry.stderr);
  const result = JSON.parse(dry.stdout.trim().split('\n').at(-1)!);
  const files = result.plan.logic.files as { path: string; responsibilities: string[]; dependsOn: string[] }[];
  assert.deepEqual(
    files.map((f) => f.path),
    ['config.yaml', 'src/model.py', 'src/trainer.py', 'src/data/loader.py', 'tests/test_model.py', 'utils/ñ_helpers.py', 'main.py'],
  );
  assert.deepEqual(files[1]!.responsibilities, ['part 1', 'part 5'], 'the second src/model.py merged into the first');
  assert.ok(
    files.every((f) => f.dependsOn.every((d) => files.some((x) => x.path === d))),
    'dependencies name kept files only',
  );
  const refused = result.refused as { path: string; reason: string }[];
  assert.deepEqual(
    refused.map((r) => r.path),
    [
      '../../.bashrc',
      'src/../../outside.py',
      '/etc/cron.d/paper-job',
      '~/.ssh/authorized_keys',
      'C:\\Users\\someone\\evil.py',
      'models\\..\\..\\win.py',
      'src/%2e%2e/%2e%2e/encoded.py',
      '.git/hooks/post-checkout',
    ],
  );
  assert.match(refused[0]!.reason, /climbs above/);
  assert.match(refused[3]!.reason, /home folder/);
  assert.match(refused[6]!.reason, /percent-encoding/);
  assert.match(refused[7]!.reason, /tool folder/);
  assert.ok(refused.every((r) => r.reason.length > 10));
  // The same list in words, and each change noted.
  const text = await cli(['reimplement', '--resume', '--out', 'paths', '--base-url', server.url, '--model', 'scripted-model', '--dry-run']);
  assert.equal(text.code, 0, text.stderr);
  assert.equal(text.stdout.match(/^refused path /gm)?.length, 8);
  assert.match(dry.stderr + text.stderr, /"main\.py " → "main\.py" \(spaces around it trimmed\)/);
  assert.match(dry.stderr + text.stderr, /"\.\/src\/trainer\.py" → "src\/trainer\.py"/);
  assert.match(dry.stderr + text.stderr, /"src\/model\.py" was planned twice/);
  assert.deepEqual(Object.keys(tree(path.join(tmp, 'paths'))), []);
});

test('a run cancelled half-way writes nothing; resumed, it repeats no finished call and gives the same repository', async () => {
  const server = await serve();
  const outDir = path.join(tmp, 'resumed');
  const ac = new AbortController();
  const finished: string[] = [];
  const first = await runDirect(outDir, server.url, {
    signal: ac.signal,
    onEvent: (e) => {
      if (e.type === 'call' && e.state === 'done' && finished.push(e.key) === 7) ac.abort();
    },
  });
  assert.equal(first.result.ok, false);
  assert.equal(!first.result.ok && first.result.error.code, 'cancelled');
  assert.deepEqual(Object.keys(tree(outDir)), [], 'nothing but the run record');

  const reopened = await reopenRun(path.join(outDir, RUNS_DIR));
  assert.ok(reopened.ok);
  const replayed: string[] = [];
  const asked: string[] = [];
  const second = await runPipeline({
    ...reopened.value,
    provider: createOpenAIProvider({ baseURL: server.url, apiKey: 'k' }),
    prices: DEFAULT_PRICES,
    policy: FAST,
    onEvent: (e) => {
      if (e.type === 'call' && e.state === 'replayed') replayed.push(e.key);
      if (e.type === 'call' && e.state === 'start') asked.push(e.key);
    },
  });
  assert.ok(second.ok);
  assert.deepEqual(replayed.sort(), [...finished].sort(), 'every finished call replayed');
  assert.deepEqual(
    asked.filter((k) => finished.includes(k)),
    [],
    'no finished call asked again',
  );
  assert.ok(writeFiles(outDir, second.value.files, { allowToolDirs: true }).ok);
  assert.deepEqual(tree(outDir), reference);
});

test('--dry-run plans, prints the estimate and writes no file; existing files stop the run after planning unless --force', async () => {
  const server = await serve();
  const dry = await cli(['reimplement', 'paper.pdf', '--out', 'dry', '--dry-run', '--base-url', server.url, '--model', 'gpt-4.1-mini']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^planned 9 files: /m);
  assert.match(dry.stdout, /estimate for the rest: \d+ calls, ~[\d.]+k prompt \+ ~[\d.]+k answer tokens, ~\$\d/);
  assert.deepEqual(Object.keys(tree(path.join(tmp, 'dry'))), []);

  fs.mkdirSync(path.join(tmp, 'taken'));
  fs.writeFileSync(path.join(tmp, 'taken', 'README.md'), 'mine\n');
  // A dry run says so; a run stops after planning, before the analysis and code are paid for.
  const before = server.requests.length;
  const dryTaken = await cli(['reimplement', 'paper.pdf', '--out', 'taken', '--dry-run', '--base-url', server.url, '--model', 'm']);
  assert.match(
    dryTaken.stderr,
    /note: 1 file of the plan already exist in taken \(README\.md\); the run will write them only with --force/,
  );
  const taken = await cli(['reimplement', 'paper.pdf', '--out', 'taken', '--base-url', server.url, '--model', 'scripted-model']);
  assert.equal(taken.code, 2);
  assert.match(taken.stderr, /README\.md\); nothing more was asked of the model\. Pass --force/);
  assert.equal(fs.readFileSync(path.join(tmp, 'taken', 'README.md'), 'utf8'), 'mine\n');
  const asked = server.requests.slice(before).map((r) => String(r.body.messages.at(-1).content).split('\n')[0]);
  assert.ok(
    asked.every((t) => t.startsWith('## Task: plan-')),
    `only planning calls: ${asked.join(', ')}`,
  );
  const forced = await cli(['reimplement', '--resume', '--out', 'taken', '--force', '--base-url', server.url, '--model', 'scripted-model']);
  assert.equal(forced.code, 0, forced.stderr);
  assert.notEqual(fs.readFileSync(path.join(tmp, 'taken', 'README.md'), 'utf8'), 'mine\n');
});

test('--verify local: the note says what runs where, each round is one line, the summary says it passed', async () => {
  const server = await serve();
  const r = await cli([
    'reimplement',
    'paper.pdf',
    '--out',
    'verified',
    '--base-url',
    server.url,
    '--model',
    'scripted-model',
    '--verify',
    'local',
    '--python',
    PYTHON,
  ]);
  assert.equal(r.code, 0, r.stderr);
  const all = r.stdout + r.stderr;
  assert.match(
    all,
    /verify: lint, then import every module and run the tests, the smoke command \(python -m budget_attention --preset small\) with \/usr\/bin\/python3 in .*verify/,
  );
  assert.match(r.stdout, /^verify round 1: lint 0 errors, imports 6\/6, tests 21\/21 passed, smoke ok$/m);
  assert.match(r.stdout, /^verify: passed$/m);
  assert.match(fs.readFileSync(path.join(tmp, 'verified', 'README.md'), 'utf8'), /## Implementation status/);
  const plain = await cli(['reimplement', 'paper.pdf', '--out', 'unverified', '--base-url', server.url, '--model', 'scripted-model']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^verify: not run \(add --verify local to lint, import and test the repository before it is written\)$/m);
  const bad = await cli(['reimplement', 'paper.pdf', '--out', 'x', '--verify', 'docker', '--base-url', server.url]);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'papertrail reimplement: --verify is one of local, jupyter, none\n');
  // Found before any model call is paid for.
  const asked = server.requests.length;
  const noPython = await cli([
    'reimplement',
    'paper.pdf',
    '--out',
    'x',
    '--verify',
    'local',
    '--python',
    '/nonexistent/python',
    '--base-url',
    server.url,
  ]);
  assert.equal(noPython.code, 2);
  assert.equal(noPython.stderr, 'papertrail reimplement: /nonexistent/python does not start (ENOENT); give an interpreter with --python\n');
  const noSection = await cli([
    'reimplement',
    'paper.pdf',
    '--out',
    'x',
    '--scope',
    '99.9',
    '--base-url',
    server.url,
    '--model',
    'scripted-model',
  ]);
  assert.equal(noSection.code, 2);
  assert.match(noSection.stderr, /^papertrail reimplement: the paper has no §99\.9 \(its sections: 1, 2, 3, 4\); check --scope\n$/);
  assert.equal(server.requests.length, asked, 'no model call');
  assert.ok(!fs.existsSync(path.join(tmp, 'x')), 'a refused run leaves no folder behind');
  // A run named by its folder writes where it was started.
  const runs = path.join(tmp, 'verified', '.papertrail', 'runs');
  const runDir = path.join(runs, fs.readdirSync(runs)[0]!);
  const elsewhere = await cli([
    'reimplement',
    '--resume',
    runDir,
    '--out',
    'somewhere-else',
    '--base-url',
    server.url,
    '--model',
    'scripted-model',
  ]);
  assert.equal(elsewhere.code, 2);
  assert.equal(
    elsewhere.stderr,
    'papertrail reimplement --resume: that run writes to verified; give --out verified (or start a new run for somewhere-else)\n',
  );
});

test('a call that fails stops the run only after the calls under way have answered: their answers are kept for the resume', async () => {
  const failing = '## Task: analyze budget_attention/attention.py';
  const script = sampleScript();
  // The failing call is answered at once; the other analyses are still being written.
  script.replies = script.replies
    .filter((r) => r.when !== failing)
    .map((r) => (r.when.startsWith('## Task: analyze') ? { ...r, latencyMs: 600 } : r));
  const server = await serve(script);
  const args = ['reimplement', 'paper.pdf', '--out', 'stopped', '--base-url', server.url, '--model', 'scripted-model'];
  const first = await cli(args);
  assert.equal(first.code, 2);
  const lines = first.stderr.trimEnd().split('\n');
  assert.match(
    lines.at(-1)!,
    /^papertrail reimplement: .*no reply for ## Task: analyze budget_attention\/attention\.py.*continue with: papertrail reimplement --resume --out stopped$/,
  );
  assert.match(first.stderr, /! stopping: \d+ calls are still under way; waiting for their answers, kept for the resume/);
  const answered = lines.filter((l) => /^ {2}✓ analyze:/.test(l)).length;
  assert.ok(answered >= 2, `the analyses under way answered before the last line (${answered})`);
  // The resume asks only for what is missing: the analyses answered before the stop are replayed.
  const fixed = await serve(sampleScript());
  const resumed = await cli(['reimplement', '--resume', '--out', 'stopped', '--base-url', fixed.url, '--model', 'scripted-model']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.stderr.split('\n').filter((l) => /^ {2}↺ analyze:/.test(l)).length, answered);
  const asked = fixed.requests.filter((r) => JSON.stringify(r.body).includes('## Task: analyze')).length;
  assert.equal(asked, SAMPLE_FILES.length - answered, 'no answered analysis asked again');
});

test('bad input: one line that says what to do', async () => {
  const noKey = await cli(['reimplement', 'paper.pdf', '--out', 'x', '--base-url', 'https://api.example.com/v1']);
  assert.equal(noKey.code, 2);
  assert.equal(
    noKey.stderr,
    'papertrail reimplement: no API key in $OPENAI_API_KEY; export it, name another variable with --api-key-env, or use a local endpoint with --base-url\n',
  );
  const badMode = await cli(['reimplement', 'paper.pdf', '--out', 'x', '--mode', 'huge']);
  assert.match(badMode.stderr, /--mode is one of minimal, full, educational/);
  const server = await serve({ replies: [] });
  const noReply = await cli(['reimplement', 'paper.pdf', '--out', 'x', '--base-url', server.url, '--model', 'scripted-model']);
  assert.equal(noReply.code, 2);
  // Progress goes to stderr too; the error is the one last line.
  assert.match(
    noReply.stderr.trimEnd().split('\n').at(-1)!,
    /^papertrail reimplement: planning \(the overview\): the model server refused the request \(400 scripted server: no reply for ## Task: plan-overview\)\. Nothing was written; after fixing it, continue with: papertrail reimplement --resume --out x/,
  );
  // Nothing listening: said at once, not after a minute of retries.
  const closed = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(port));
    });
  });
  const started = Date.now();
  const refused = await cli(['reimplement', 'paper.pdf', '--out', 'z', '--base-url', `http://127.0.0.1:${closed}/v1`]);
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr.trimEnd().split('\n').at(-1)!,
    new RegExp(`nothing answers at http://127\\.0\\.0\\.1:${closed}/v1 \\(ECONNREFUSED\\): start the model server or check the base URL`),
  );
  assert.ok(Date.now() - started < 5000, 'no retries against a refused connection');
  const corrupt = path.join(tmp, 'corrupt.pdf');
  fs.writeFileSync(corrupt, '%PDF-1.7 garbage');
  const bad = await cli(['reimplement', 'corrupt.pdf', '--out', 'y', '--base-url', server.url]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^papertrail reimplement: corrupt\.pdf/);
  assert.ok(!fs.existsSync(path.join(tmp, 'y')));
});
