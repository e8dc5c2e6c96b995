import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callDescription } from '../../../src/core/pipeline/recordedCall';
import { arxivFailure } from '../../../src/extension/viewer/messages';

test('a failed arXiv download is said in the editor’s words, with what to do there', () => {
  const offline = arxivFailure('1706.03762', {
    code: 'network',
    message: 'could not reach arXiv (getaddrinfo ENOTFOUND arxiv.org); check your connection or pass a downloaded PDF',
  });
  assert.equal(
    offline,
    'PaperTrail: arXiv 1706.03762 could not be downloaded (arXiv is not reachable). Choose a PDF you downloaded, or try again when online.',
  );
  assert.doesNotMatch(offline, /pass a downloaded PDF/);
  assert.match(
    arxivFailure('2501.99999', { code: 'not-found', message: 'arXiv has no 2501.99999' }),
    /arXiv has no paper 2501\.99999\. Check the id/,
  );
});

test('a model call is named in the user’s terms: the step and the file', () => {
  assert.equal(callDescription('plan-logic'), 'planning (the logic)');
  assert.equal(callDescription('code:pkg/model.py'), 'writing pkg/model.py');
  assert.equal(callDescription('repair-2:tests/test_x.py'), 'repairing the citations of tests/test_x.py (round 2)');
  assert.equal(callDescription('fix-1:pkg/a.py'), 'fixing pkg/a.py after running it (round 1)');
  assert.equal(callDescription('docs'), 'writing the README and the reproduction notes');
});
