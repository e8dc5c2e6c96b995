// The verify stage end to end on the sample paper: the scripted model writes a repository
// with deliberate defects (a module that does not import, a test whose expected value is
// wrong), verification finds them with Debian's python3 + pytest + torch, the repair answers
// fix them, and the repository handed over passes. Consent refused runs nothing; an
// interpreter without the requirements is named and nothing is sent to repair.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createOpenAIProvider } from '../../../src/core/llm/openaiProvider';
import { DEFAULT_PRICES } from '../../../src/core/llm/pricing';
import { DEFAULT_OPTIONS } from '../../../src/core/pipeline/options';
import type { PipelineEvent } from '../../../src/core/pipeline/pipeline';
import { runPipeline } from '../../../src/core/pipeline/pipeline';
import { startRun } from '../../../src/core/pipeline/session';
import type { VerifySetup } from '../../../src/core/pipeline/verifyStage';
import { lintPython } from '../../../src/core/verify/lint';
import { configProblems } from '../../../src/core/verify/configKeys';
import { sandboxEnv } from '../../../src/core/verify/sandbox';
import { repoFile, sampleScript } from '../../fixtures/llm/sample-transcript';
import type { ScriptedServer } from '../../fixtures/llm/scriptedServer';
import { startScriptedServer } from '../../fixtures/llm/scriptedServer';
import { writeSamplePaper } from '../../fixtures/synthetic/sample-paper';

const PYTHON = '/usr/bin/python3';
const skip = fs.existsSync(PYTHON) ? false : `${PYTHON} is missing (scripts/install-tools.sh installs it)`;
let tmp = '';
let paper = '';
const servers: ScriptedServer[] = [];

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-verify-'));
  paper = path.join(tmp, 'paper.pdf');
  await writeSamplePaper(paper);
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  fs.rmSync(tmp, { recursive: true, force: true });
});

const ATTENTION = 'budget_attention/attention.py';
const TEST_ATTENTION = 'tests/test_attention.py';

/** The sample transcript with two defects in its first answers, and the answers that fix them. */
function defectiveScript() {
  const script = sampleScript();
  const goodModule = repoFile(ATTENTION);
  const goodTest = repoFile(TEST_ATTENTION);
  const badModule = goodModule.replace(
    'import torch\n',
    'import torch\nfrom budget_attention.kernels import fused_softmax  # [ASSUMPTION] a helper that was never written\n',
  );
  const badTest = goodTest.replace(/assert weights\.shape == \(2, 3, 5\)/, 'assert weights.shape == (2, 5, 3)');
  assert.notEqual(badModule, goodModule);
  assert.notEqual(badTest, goodTest);
  for (const r of script.replies) {
    if (r.when === `## Task: code ${ATTENTION}`) r.content = { path: ATTENTION, content: badModule };
    if (r.when === `## Task: code ${TEST_ATTENTION}`) r.content = { path: TEST_ATTENTION, content: badTest };
  }
  script.replies.push(
    { when: `## Task: fix ${ATTENTION}`, content: { path: ATTENTION, content: goodModule } },
    {
      when: `## Task: fix ${TEST_ATTENTION}`,
      content: {
        path: TEST_ATTENTION,
        content: goodTest.replace(
          'def test_eq1_shapes():',
          '# FIXED TEST: the weights are (B, T_q, T_k), as Eq. 1 gives them\ndef test_eq1_shapes():',
        ),
      },
    },
  );
  return script;
}

async function run(name: string, verify: VerifySetup | undefined, script = defectiveScript()) {
  const server = await startScriptedServer(script);
  servers.push(server);
  const prepared = await startRun({
    source: paper,
    outDir: path.join(tmp, name),
    options: { ...DEFAULT_OPTIONS, models: { default: 'scripted-model' } },
    cwd: tmp,
  });
  assert.ok(prepared.ok);
  const lines: string[] = [];
  const result = await runPipeline({
    ...prepared.value,
    provider: createOpenAIProvider({ baseURL: server.url, apiKey: 'k' }),
    prices: DEFAULT_PRICES,
    policy: { retries: 1, baseDelayMs: 5, maxDelayMs: 10 },
    onEvent: (e: PipelineEvent) => {
      if (e.type === 'verify') lines.push(e.line);
    },
    ...(verify ? { verify } : {}),
  });
  assert.ok(result.ok, result.ok ? '' : result.error.message);
  const asked = server.requests.map((r) => JSON.stringify(r.body).match(/## Task: (\w+[- ][^"\\]*)/)?.[1] ?? '');
  return { result: result.value, lines, asked, runDir: prepared.value.store.dir };
}

test('verify finds a module that does not import and a wrong assertion; the repairs fix them; the repository passes', {
  skip,
}, async () => {
  const { result, lines, asked, runDir } = await run('defects', { python: PYTHON, env: process.env });
  const v = result.verify!;
  assert.equal(v.ran, true);
  // Round 1: the missing module stops every import and the collection of the tests that need it.
  // Round 2: with it fixed, the wrong assertion shows. Round 3 (after the second and last repair): all pass.
  assert.equal(v.rounds.length, 3);
  const [first, second, third] = v.rounds;
  assert.ok(first!.imports.length >= 1);
  assert.ok(first!.imports.every((i) => i.message === "ModuleNotFoundError: No module named 'budget_attention.kernels'"));
  assert.ok(first!.tests!.errors > 0);
  assert.deepEqual(second!.imports, []);
  assert.deepEqual(
    second!.tests!.tests.filter((t) => t.outcome !== 'passed').map((t) => t.id),
    [`${TEST_ATTENTION}::test_eq1_shapes`],
  );
  assert.match(second!.tests!.tests.find((t) => t.outcome === 'failed')!.message, /assert torch\.Size\(\[2, 3, 5\]\) == \(2, 5, 3\)/);
  assert.equal(asked.filter((a) => a === `fix ${ATTENTION}`).length, 1, asked.join('\n'));
  assert.equal(asked.filter((a) => a === `fix ${TEST_ATTENTION}`).length, 1, asked.join('\n'));
  assert.equal(third!.tests!.failed + third!.tests!.errors, 0);
  assert.ok(third!.tests!.passed >= 19);
  assert.equal(v.passed, true);
  assert.deepEqual(v.testsChanged, [`${TEST_ATTENTION} (round 2)`]);
  const files = new Map(result.files.map((f) => [f.path, f.content]));
  assert.ok(!files.get(ATTENTION)!.includes('budget_attention.kernels'));
  assert.match(
    files.get('README.md')!,
    /## Implementation status\n\nFrom PaperTrail's last verify round \(round 3 of 3\): \d+\/\d+ tests passed\./,
  );
  assert.match(files.get('README.md')!, /\| `budget_attention\/attention\.py` \| §2, Eq\. 1 .*\| \d+ \/ \d+ \|/);
  assert.match(files.get('README.md')!, /Tests changed by repair: tests\/test_attention\.py \(round 2\)\./);
  // The first line says what runs and where, as the CLI prints it.
  assert.match(
    lines[0]!,
    /^verify: lint, then import every module and run the tests, the smoke command \(python -m budget_attention --preset small\) with \/usr\/bin\/python3 in /,
  );
  assert.match(lines[1]!, /^verify round 1: lint 0 errors, imports \d\/6, tests \d+\/\d+ passed, smoke failed$/);
  assert.ok(lines.some((l) => /^verify: repairing .*budget_attention\/attention\.py/.test(l)));
  // The run record keeps every round's output.
  const record = JSON.parse(fs.readFileSync(path.join(runDir, 'verify.json'), 'utf8'));
  assert.equal(record.rounds.length, 3);
  // Formatted by ruff: running ruff again changes nothing.
  const again = lintPython(files);
  for (const [p, c] of files) if (p.endsWith('.py')) assert.equal(again.files.get(p), c, `${p} is formatted`);
});

test('consent refused: no generated code runs (lint only), and the README says the tests were not run', { skip }, async () => {
  const asked: string[] = [];
  const { result } = await run('declined', { python: PYTHON, consent: async (note) => (asked.push(note), false) });
  assert.equal(asked.length, 1);
  assert.match(
    asked[0]!,
    /^verify: lint, then import every module and run the tests, the smoke command \(python -m budget_attention --preset small\) with \/usr\/bin\/python3 in /,
  );
  assert.equal(result.verify!.ran, false);
  assert.equal(result.verify!.rounds[0]!.tests, undefined);
  assert.equal(result.verify!.rounds[0]!.modules, 0);
  assert.match(
    result.files.find((f) => f.path === 'README.md')!.content,
    /Not run: the tests were not run when this repository was written \(consent declined\)/,
  );
});

test('an interpreter without the requirements is named with what it lacks, and nothing goes to repair', { skip }, async () => {
  // Debian's python3 without its site packages: no pytest, yaml or torch.
  const bare = path.join(tmp, 'bare-python');
  fs.writeFileSync(bare, `#!/bin/sh\nexec ${PYTHON} -S "$@"\n`, { mode: 0o755 });
  const { result, lines, asked } = await run('bare', { python: bare });
  const r = result.verify!.rounds[0]!;
  assert.deepEqual([...r.missing].sort(), ['pytest', 'pyyaml', 'torch']);
  assert.equal(result.verify!.rounds.length, 1);
  assert.ok(!asked.some((a) => a.startsWith('fix ')), 'no repair for a missing package');
  assert.ok(
    lines.some((l) => l.includes(`${bare} lacks`) && l.includes('--python')),
    lines.join('\n'),
  );
});

test("generated code runs without the user's secrets in its environment", () => {
  const env = sandboxEnv({
    PATH: '/usr/bin',
    HOME: '/home/u',
    OPENAI_API_KEY: 'sk-x',
    JUPYTER_TOKEN: 't',
    AWS_SECRET_ACCESS_KEY: 's',
    GITHUB_TOKEN: 'g',
    MY_PASSWORD: 'p',
    PYTHONPATH: '.',
    LANG: 'C.UTF-8',
    CUDA_VISIBLE_DEVICES: '0',
  });
  assert.deepEqual(Object.keys(env).sort(), [
    'CUDA_VISIBLE_DEVICES',
    'HOME',
    'LANG',
    'MPLBACKEND',
    'PATH',
    'PYTHONDONTWRITEBYTECODE',
    'PYTHONPATH',
    'PYTHONUNBUFFERED',
  ]);
});

test('config and code name the same keys: a key the code reads and the YAML lacks, and one nobody reads, are both found', () => {
  const files = new Map([
    ['configs/paper.yaml', 'model:\n  d_model: 512  # §3\n  max_seq_length: 128  # [ASSUMPTION]\n'],
    ['pkg/model.py', 'def build(cfg):\n    return cfg["model"]["d_model"], cfg["model"].get("max_length", 64)\n'],
  ]);
  const problems = configProblems(files).map((p) => p.message);
  assert.deepEqual(problems, [
    'pkg/model.py reads the config key "max_length", which configs/paper.yaml does not have (the config has "max_seq_length")',
    'configs/paper.yaml has the key "max_seq_length", which no code reads (the code reads "max_length")',
  ]);
});

test('a preset may change only keys the paper config has: a misspelt preset key is found, with the key it resembles', () => {
  const files = new Map([
    ['configs/paper.yaml', 'model:\n  d_model: 512  # §3\ntrain:\n  steps: 100000  # §5\n'],
    ['configs/small.yaml', 'model:\n  d_model: 8\ntrain:\n  step: 1\n'],
    ['configs/medium.yaml', 'model: {d_model: 128}\n'],
    ['pkg/model.py', 'def build(cfg):\n    return cfg["model"]["d_model"], cfg["train"]["steps"]\n'],
  ]);
  assert.deepEqual(
    configProblems(files).map((p) => `${p.file}: ${p.message}`),
    ['configs/small.yaml: configs/small.yaml sets "step", which configs/paper.yaml does not have (it has "steps")'],
  );
  // The plan may name another config (an older run's configs/base.yaml): its presets are checked beside it.
  const base = new Map([...files].map(([p, c]) => [p === 'configs/paper.yaml' ? 'configs/base.yaml' : p, c]));
  assert.equal(configProblems(base, 'configs/base.yaml').length, 1);
  assert.deepEqual(configProblems(base), [], 'nothing is checked without the config');
});

test('ruff in-process: a syntax error and an undefined name are errors, an unused import a warning, imports sorted', () => {
  const r = lintPython(
    new Map([
      ['a.py', 'import sys\nimport os\nprint(undefined_name)\n'],
      ['b.py', 'def f(:\n    pass\n'],
    ]),
  );
  const kinds = new Set(r.problems.map((p) => `${p.file} ${p.code} ${p.severity}`));
  assert.deepEqual([...kinds].sort(), ['a.py F401 warning', 'a.py F821 error', 'b.py invalid-syntax error']);
  assert.equal(r.files.get('a.py'), 'import os\nimport sys\n\nprint(undefined_name)\n');
  assert.equal(r.files.get('b.py'), 'def f(:\n    pass\n', 'a file that does not parse is left as written');
});

test('under bubblewrap, generated code reaches no network and cannot write outside its folder', async (t) => {
  const { confine } = await import('../../../src/core/verify/sandbox');
  const { spawnSync } = await import('node:child_process');
  const net = await import('node:net');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-confine-'));
  const c = confine(PYTHON, [], dir);
  if (!c.note.includes('bubblewrap')) {
    t.skip('bubblewrap is not installed or cannot start here (scripts/install-tools.sh installs it)');
    return;
  }
  const server = net.createServer((s) => s.end('hello')).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const port = (server.address() as { port: number }).port;
  const script = [
    'import os, socket, sys',
    `try:\n    socket.create_connection(("127.0.0.1", ${port}), timeout=2)\n    print("network: reached")\nexcept OSError:\n    print("network: none")`,
    `try:\n    open(os.path.join(os.path.expanduser("~"), ".papertrail-probe"), "w")\n    print("home: written")\nexcept OSError:\n    print("home: read-only")`,
    'open("inside.txt", "w").write("ok")\nprint("folder: written")',
  ].join('\n');
  const run = confine(PYTHON, ['-c', script], dir);
  const r = spawnSync(run.command, run.args, { cwd: dir, encoding: 'utf8' });
  server.close();
  assert.equal(r.stdout.trim(), 'network: none\nhome: read-only\nfolder: written', r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'inside.txt'), 'utf8'), 'ok');
});

test('--verify jupyter: the tests run on a real Jupyter kernel, and a failure there goes to repair too', async (t) => {
  const { jupyterUnavailable, startJupyter } = await import('../runner/jupyter-server');
  const why = jupyterUnavailable();
  if (why) {
    t.skip(why);
    return;
  }
  const server = await startJupyter();
  try {
    const script = defectiveScript();
    // Only the wrong assertion this time: the module imports.
    for (const r of script.replies)
      if (r.when === `## Task: code ${ATTENTION}`) r.content = { path: ATTENTION, content: repoFile(ATTENTION) };
    const { result, asked } = await run('jupyter', { python: PYTHON, jupyter: { serverUrl: server.url, token: server.token } }, script);
    const v = result.verify!;
    assert.equal(v.rounds.length, 2);
    assert.deepEqual(
      v.rounds[0]!.tests!.tests.filter((c) => c.outcome !== 'passed').map((c) => c.id),
      [`${TEST_ATTENTION}::test_eq1_shapes`],
    );
    assert.ok(asked.includes(`fix ${TEST_ATTENTION}`));
    assert.equal(v.rounds[1]!.tests!.failed, 0);
    assert.equal(v.passed, true);
    assert.match(v.note, /run the tests on the Jupyter server http:\/\/127\.0\.0\.1:\d+\//);
    assert.doesNotMatch(v.note, new RegExp(server.token));
  } finally {
    await server.stop();
  }
});
