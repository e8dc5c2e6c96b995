import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { forgetPapers, getPaper } from '../../../src/core/citations/papers';
import { makeSamplePaper } from '../../fixtures/synthetic/sample-paper';

test('a paper is parsed once and kept until its file changes', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-papers-'));
  const pdf = path.join(dir, 'p.pdf');
  fs.writeFileSync(pdf, (await makeSamplePaper(1)).bytes);
  const opts = { cwd: dir, noCache: true };
  const a = await getPaper('p.pdf', opts);
  const b = await getPaper(pdf, opts);
  assert.ok(a.ok && b.ok);
  assert.equal(a.value, b.value, 'the same Paper object (and so the same index)');
  fs.writeFileSync(pdf, (await makeSamplePaper(2)).bytes);
  fs.utimesSync(pdf, new Date(), new Date(Date.now() + 5000));
  const c = await getPaper('p.pdf', opts);
  assert.ok(c.ok);
  assert.notEqual(c.value, a.value);
  assert.equal(c.value.pageCount, 2);
  forgetPapers();
});

test('a failed parse is not kept', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-papers-'));
  const r = await getPaper('later.pdf', { cwd: dir });
  assert.ok(!r.ok);
  fs.writeFileSync(path.join(dir, 'later.pdf'), (await makeSamplePaper(1)).bytes);
  const again = await getPaper('later.pdf', { cwd: dir, noCache: true });
  assert.ok(again.ok);
});
