import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { collectTests, discoverTests, scanTestSource } from '../../../src/core/runner/discover';
import { failureLocation, parseJUnit } from '../../../src/core/runner/junit';
import { runLocal } from '../../../src/core/runner/local';
import { SYSTEM_PYTHON, jupyterUnavailable } from './jupyter-server';
import { SAMPLE_COUNTS, copySampleRepo } from './sample';

const noPython = jupyterUnavailable();
let dir = '';
before(() => {
  dir = copySampleRepo('pt-local-');
});

test('local run of the sample repository: exact counts, ids, failure messages and lines', { skip: noPython }, async () => {
  const lines: string[] = [];
  const r = await runLocal({ dir, python: SYSTEM_PYTHON, onOutput: (l) => lines.push(l) });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const v = r.value;
  assert.deepEqual({ passed: v.passed, failed: v.failed, skipped: v.skipped, errors: v.errors }, SAMPLE_COUNTS);
  assert.equal(v.pytestExitCode, 1);
  const byId = new Map(v.tests.map((t) => [t.id, t]));
  assert.deepEqual([...byId.keys()].sort(), [
    'tests/test_more.py::TestCaseStyle::test_equal',
    'tests/test_more.py::test_division_error',
    'tests/test_more.py::test_strings',
    'tests/test_more.py::test_uses_broken_fixture',
    'tests/test_ops.py::TestHelpers::test_negative_fails_in_helper',
    'tests/test_ops.py::TestHelpers::test_positive',
    'tests/test_ops.py::TestHelpers::test_skipped_inside',
    'tests/test_ops.py::test_needs_gpu',
    'tests/test_ops.py::test_scale_wrong_expectation',
    'tests/test_ops.py::test_shapes[1]',
    'tests/test_ops.py::test_shapes[2]',
    'tests/test_ops.py::test_softmax_sums_to_one',
  ]);
  const scale = byId.get('tests/test_ops.py::test_scale_wrong_expectation')!;
  assert.equal(scale.outcome, 'failed');
  assert.match(scale.message, /^assert \[2, 4\] == \[2, 5\]/);
  assert.deepEqual([scale.file, scale.line], ['tests/test_ops.py', 14], 'the assert line');
  // The assertion fails in a helper module: the line to flag is the call in the test file.
  const helper = byId.get('tests/test_ops.py::TestHelpers::test_negative_fails_in_helper')!;
  assert.deepEqual([helper.file, helper.line, helper.message], ['tests/test_ops.py', 32, 'AssertionError: values must be positive']);
  const div = byId.get('tests/test_more.py::test_division_error')!;
  assert.deepEqual([div.file, div.line, div.message], ['tests/test_more.py', 10, 'ZeroDivisionError: division by zero']);
  const gpu = byId.get('tests/test_ops.py::test_needs_gpu')!;
  assert.deepEqual([gpu.outcome, gpu.message, gpu.line], ['skipped', 'needs a GPU', 17]);
  const fixture = byId.get('tests/test_more.py::test_uses_broken_fixture')!;
  assert.equal(fixture.outcome, 'error');
  assert.match(fixture.message, /failed on setup/);
  assert.equal(byId.get('tests/test_ops.py::test_softmax_sums_to_one')!.line, 7, 'a passing test points at its def');
  assert.ok(
    lines.some((l) => /3 failed, 6 passed, 2 skipped, 1 error/.test(l)),
    'pytest output streamed line by line',
  );
});

test('pytest arguments pass through (a node id selects one test)', { skip: noPython }, async () => {
  const r = await runLocal({ dir, python: SYSTEM_PYTHON, args: ['tests/test_ops.py::test_softmax_sums_to_one'] });
  assert.ok(r.ok);
  assert.deepEqual([r.value.passed, r.value.tests.length, r.value.pytestExitCode], [1, 1, 0]);
});

test('an interpreter without pytest: one line saying how to install it', async () => {
  // A Python with no site-packages stands for one without pytest.
  const fake = path.join(path.dirname(dir), 'nopytest-python');
  fs.writeFileSync(fake, `#!/bin/sh\nexec ${SYSTEM_PYTHON} -I -S "$@"\n`, { mode: 0o755 });
  const r = await runLocal({ dir, python: fake });
  assert.ok(!r.ok);
  assert.equal(r.error.message, `pytest is not installed for ${fake}; run \`${fake} -m pip install pytest\` or choose another interpreter`);
});

test('a missing interpreter and a missing folder are clear failures', async () => {
  const r = await runLocal({ dir, python: '/nonexistent/python3' });
  assert.ok(!r.ok);
  assert.match(r.error.message, /could not start \/nonexistent\/python3: no such program/);
  const d = await runLocal({ dir: '/nonexistent-dir', python: SYSTEM_PYTHON });
  assert.ok(!d.ok);
  assert.match(d.error.message, /no such folder/);
});

test('AbortSignal stops a long run promptly, killing the process group', { skip: noPython }, async () => {
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 800);
  const t0 = Date.now();
  const r = await runLocal({ dir, python: SYSTEM_PYTHON, args: ['slow/test_sleep.py'], signal: ac.signal });
  assert.ok(!r.ok);
  assert.deepEqual(r.error, { code: 'cancelled', message: 'the test run was cancelled' });
  assert.ok(Date.now() - t0 < 4000, `stopped after ${Date.now() - t0} ms`);
});

test('static discovery finds functions, classes and methods with their lines', async () => {
  const found = await discoverTests(dir);
  assert.deepEqual(
    found.map((t) => `${t.id}:${t.line}`),
    [
      'slow/test_sleep.py::test_sleeps:4',
      'tests/test_more.py::test_strings:4',
      'tests/test_more.py::test_division_error:8',
      'tests/test_more.py::TestCaseStyle::test_equal:14',
      'tests/test_more.py::test_uses_broken_fixture:26',
      'tests/test_ops.py::test_softmax_sums_to_one:7',
      'tests/test_ops.py::test_scale_wrong_expectation:12',
      'tests/test_ops.py::test_needs_gpu:18',
      'tests/test_ops.py::test_shapes:23',
      'tests/test_ops.py::TestHelpers::test_positive:28',
      'tests/test_ops.py::TestHelpers::test_negative_fails_in_helper:31',
      'tests/test_ops.py::TestHelpers::test_skipped_inside:34',
    ],
  );
  const src =
    'class TestA:\n    def test_x(self):\n        def test_inner():\n            pass\n\ndef helper():\n    pass\n\nasync def test_async():\n    pass\nclass Other:\n    def test_not(self):\n        pass\n';
  assert.deepEqual(
    scanTestSource('t.py', src).map((t) => t.id),
    ['t.py::TestA::test_x', 't.py::test_async'],
  );
});

test('pytest collection lists parametrized cases with the lines of their functions', { skip: noPython }, async () => {
  const r = await collectTests(dir, { python: SYSTEM_PYTHON });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.length, 12);
  const p = r.value.find((t) => t.id === 'tests/test_ops.py::test_shapes[2]')!;
  assert.deepEqual([p.file, p.name, p.line], ['tests/test_ops.py', 'test_shapes[2]', 23]);
  const m = r.value.find((t) => t.id === 'tests/test_ops.py::TestHelpers::test_positive')!;
  assert.equal(m.className, 'TestHelpers');
});

test('JUnit reader: entities, a module that failed to import, non-JUnit text', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="0" skipped="0" tests="1" time="0.1"><testcase classname="" name="tests.test_broken" time="0.000"><error message="collection failure">tests/test_broken.py:1: in &lt;module&gt;
    import missing_mod
E   ModuleNotFoundError: No module named 'missing_mod'</error></testcase></testsuite></testsuites>`;
  const r = parseJUnit(xml)!;
  assert.equal(r.errors, 1);
  assert.deepEqual(
    [r.tests[0]!.id, r.tests[0]!.outcome, r.tests[0]!.message, r.tests[0]!.file, r.tests[0]!.line],
    ['tests/test_broken.py', 'error', "collection failure: ModuleNotFoundError: No module named 'missing_mod'", 'tests/test_broken.py', 1],
  );
  assert.equal(parseJUnit('<html><body>no</body></html>'), undefined);
  assert.equal(parseJUnit('not xml at all <'), undefined);
  assert.deepEqual(failureLocation('a/b.py:3: in f\nsrc/x.py:9: AssertionError', 'a/b.py'), { file: 'a/b.py', line: 3 });
});
