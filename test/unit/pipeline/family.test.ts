import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Extraction } from '../../../src/core/pipeline/family';
import { familyGraph, orderByFamily, renameKeys } from '../../../src/core/pipeline/family';
import { familyKeys } from '../../../src/core/pipeline/session';
import type { Logic } from '../../../src/core/pipeline/schemas';

const x = (key: string, buildsOn: [string, string][] = []): Extraction => ({
  key,
  equations: [],
  algorithms: [],
  architecture: '',
  hyperparameters: [],
  unspecified: [],
  buildsOn: buildsOn.map(([k, what]) => ({ key: k, what })),
});

test('the paper graph orders base papers first, ties in the order given', () => {
  const g = familyGraph(['stack', 'rgu', 'temp'], [x('stack', [['rgu', 'stacks it']]), x('rgu'), x('temp', [['rgu', 'changes Eq. 1']])]);
  assert.deepEqual(g.order, ['rgu', 'stack', 'temp']);
  assert.deepEqual(
    g.edges.map((e) => `${e.from}->${e.to}`),
    ['stack->rgu', 'temp->rgu'],
  );
});

test('an unknown paper and a cycle are left out of the graph, each with a warning', () => {
  const warnings: string[] = [];
  const g = familyGraph(
    ['a', 'b'],
    [
      x('a', [
        ['b', 'uses b'],
        ['zz', 'a paper not in the run'],
      ]),
      x('b', [
        ['a', 'uses a'],
        ['b', 'itself'],
      ]),
    ],
    (m) => warnings.push(m),
  );
  assert.deepEqual(
    g.edges.map((e) => `${e.from}->${e.to}`),
    ['a->b'],
  );
  assert.deepEqual(g.order, ['b', 'a']);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /\[zz\], which is not a paper of this run/);
  assert.match(warnings[1]!, /cycle is broken at \[b\] → \[a\]/);
});

test('the plan’s files are ordered by the graph, stable within a paper; a file without a paper is the main paper’s', () => {
  const file = (path: string, paper?: string) => ({ path, responsibilities: [], dependsOn: [], cites: [], ...(paper ? { paper } : {}) });
  const logic: Logic = {
    files: [file('enc.py', 'stack'), file('gate.py', '[RGU]'), file('tests/test_enc.py'), file('layer.py', 'rgu')],
    packages: [],
    shared: '',
  };
  const warnings: string[] = [];
  const ordered = orderByFamily(logic, { order: ['rgu', 'stack'], edges: [] }, 'stack', (m) => warnings.push(m));
  assert.deepEqual(
    ordered.files.map((f) => `${f.path}:${f.paper}`),
    ['gate.py:rgu', 'layer.py:rgu', 'enc.py:stack', 'tests/test_enc.py:stack'],
  );
  assert.deepEqual(warnings, ["plan: tests/test_enc.py names no paper; it is taken as [stack]'s"]);
});

test('a renamed key is renamed in tags and key fields, nowhere else', () => {
  const value = { cite: '[rgu] §2, Eq. 1 and [RGU] Eq. 2', paper: 'rgu', text: 'the rgu layer' };
  assert.deepEqual(renameKeys(value, new Map([['rgu', 'base']])), {
    cite: '[base] §2, Eq. 1 and [base] Eq. 2',
    paper: 'base',
    text: 'the rgu layer',
  });
});

test('keys for the papers: given ones checked, the rest from titles and unique', () => {
  const papers = [
    { title: 'Titans: Learning to Memorize', id: 'a' },
    { title: 'Titans: Revisited', id: 'b' },
  ];
  assert.deepEqual(familyKeys(papers, []), { ok: true, value: ['titans', 'titans-2'] });
  assert.deepEqual(familyKeys(papers, ['', 'titans']), { ok: true, value: ['titans-2', 'titans'] });
  const bad = familyKeys(papers, ['Titans', 'b1']);
  assert.ok(!bad.ok);
  assert.match(bad.error.message, /"Titans" is not a paper key: 2–24 lower-case letters/);
  // One key per paper, too few or too many.
  for (const given of [['a1'], ['a1', 'b1', 'c1']]) {
    const r = familyKeys(papers, given);
    assert.ok(!r.ok);
    assert.match(r.error.message, /keys? for 2 papers; give one key per paper/);
  }
});
