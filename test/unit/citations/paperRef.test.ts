import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { findPaperRef, findRepositoryPaper } from '../../../src/core/citations/paperRef';

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-ref-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

test('.papertrail/paper.json is found upward from the file; its source is relative to the repository', () => {
  const dir = repo({
    '.papertrail/paper.json': '{"source": "papers/attn.pdf", "id": "arxiv:1706.03762v5"}',
    'papers/attn.pdf': '%PDF',
    'src/model/a.py': 'x = 1\n',
  });
  const r = findPaperRef(path.join(dir, 'src/model/a.py'));
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    source: path.join(dir, 'papers/attn.pdf'),
    origin: 'paper.json',
    where: path.join(dir, '.papertrail/paper.json'),
    id: 'arxiv:1706.03762v5',
  });
});

test('an arXiv source is handed on as an id', () => {
  const dir = repo({ '.papertrail/paper.json': '{"source": "arXiv:1706.03762"}' });
  const r = findRepositoryPaper(dir);
  assert.ok(r.ok);
  assert.equal(r.value?.source, '1706.03762');
});

test('a header comment in the first lines wins over paper.json', () => {
  const dir = repo({
    '.papertrail/paper.json': '{"source": "a.pdf"}',
    'b.pdf': '%PDF',
    'x.py': '#!/usr/bin/env python\n# paper: b.pdf\nimport torch\n',
    'y.ts': '// paper: arXiv:2004.07180\n',
  });
  const r = findPaperRef(path.join(dir, 'x.py'));
  assert.ok(r.ok);
  assert.equal(r.value?.origin, 'header');
  assert.equal(r.value?.line, 2);
  assert.equal(r.value?.source, path.join(dir, 'b.pdf'));
  const t = findPaperRef(path.join(dir, 'y.ts'));
  assert.ok(t.ok);
  assert.equal(t.value?.source, '2004.07180');
});

test('the workspace setting is the last resort; nothing at all is undefined, not an error', () => {
  const dir = repo({ 'x.py': 'x = 1\n' });
  const withSetting = findPaperRef(path.join(dir, 'x.py'), { root: dir, setting: 'papers/p.pdf' });
  assert.ok(withSetting.ok);
  assert.deepEqual(withSetting.value, { source: path.join(dir, 'papers/p.pdf'), origin: 'setting' });
  const none = findPaperRef(path.join(dir, 'x.py'), { root: dir });
  assert.deepEqual(none, { ok: true, value: undefined });
});

test('a broken paper.json is an error value that says what it should hold', () => {
  const dir = repo({ '.papertrail/paper.json': '{"id": 1}' });
  const r = findRepositoryPaper(dir);
  assert.ok(!r.ok);
  assert.match(r.error.message, /no "source"; it should be \{"source": "<pdf path or arXiv id>"/);
});
