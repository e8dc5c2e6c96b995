// pytest's JUnit XML (xunit1 flavour, which carries file and line) → TestRunResult.
// The XML pytest writes is regular (no CDATA, no DTD), so a small reader is enough and keeps
// the bundle free of an XML dependency.
import type { TestCaseResult, TestOutcome, TestRunResult } from './types';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Parses the JUnit report; `undefined` when the text is not a JUnit document. */
export function parseJUnit(xml: string, extra: { pytestExitCode?: number; durationMs?: number } = {}): TestRunResult | undefined {
  const root = readXml(xml);
  if (!root || (root.name !== 'testsuites' && root.name !== 'testsuite')) return undefined;
  const tests: TestCaseResult[] = [];
  const visit = (el: XmlElement) => {
    if (el.name === 'testcase') tests.push(toResult(el));
    else for (const c of el.children) visit(c);
  };
  visit(root);
  const count = (o: TestOutcome) => tests.filter((t) => t.outcome === o).length;
  return {
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    errors: count('error'),
    tests,
    pytestExitCode: extra.pytestExitCode ?? 0,
    durationMs: extra.durationMs ?? 0,
  };
}

function toResult(tc: XmlElement): TestCaseResult {
  const file = (tc.attrs.file ?? '').replace(/\\/g, '/');
  const name = tc.attrs.name ?? '';
  const classname = tc.attrs.classname ?? '';
  // xunit1's line is 0-based (pytest's item.location).
  const defLine = tc.attrs.line !== undefined && /^\d+$/.test(tc.attrs.line) ? Number(tc.attrs.line) + 1 : 0;
  const problem = tc.children.find((c) => c.name === 'failure' || c.name === 'error' || c.name === 'skipped');
  const outcome: TestOutcome = !problem ? 'passed' : problem.name === 'failure' ? 'failed' : problem.name === 'error' ? 'error' : 'skipped';
  const result: TestCaseResult = {
    id: nodeId(file, classname, name),
    name,
    outcome,
    message: problem ? problemMessage(problem) : '',
    file,
    line: defLine,
    durationMs: Math.round(Number(tc.attrs.time ?? 0) * 1000),
  };
  if (problem) {
    result.details = problem.text;
    if (outcome === 'failed' || outcome === 'error') {
      const at = failureLocation(problem.text, file);
      if (at) {
        result.line = at.line;
        if (!file) result.file = at.file;
      }
    }
  }
  return result;
}

/**
 * pytest's node id from xunit1 attributes: the classname is the module's dotted path followed by
 * the class names, so the part after the file's own dotted path is the class chain.
 */
function nodeId(file: string, classname: string, name: string): string {
  // A module that failed to import has no file; pytest names the case after the module path.
  if (!file) return classname ? `${classname.replace(/\./g, '/')}.py::${name}` : name;
  const dotted = file.replace(/\.py$/, '').replace(/\//g, '.');
  const rest = classname.startsWith(dotted + '.') ? classname.slice(dotted.length + 1) : '';
  return [file, ...(rest ? rest.split('.') : []), name].join('::');
}

function problemMessage(el: XmlElement): string {
  const m = el.attrs.message;
  if (m) return m.trim();
  // Without a message attribute, the last line of the traceback is the most telling one.
  const lines = el.text.trim().split('\n').filter((l) => l.trim());
  return lines.length ? lines[lines.length - 1]!.trim() : '';
}

/**
 * The crash site from pytest's traceback: lines like `tests/test_x.py:14: AssertionError`, one per
 * frame shown. The last one in the test's own file is the line to flag (the assert, or the call
 * into the helper that failed); a frame elsewhere counts only if the test file has none.
 */
export function failureLocation(traceback: string, testFile: string): { file: string; line: number } | undefined {
  let inTestFile: { file: string; line: number } | undefined;
  let last: { file: string; line: number } | undefined;
  for (const m of traceback.matchAll(/^([^\s:][^:\n]*\.py):(\d+):/gm)) {
    const at = { file: m[1]!.replace(/\\/g, '/'), line: Number(m[2]) };
    last = at;
    if (testFile && (at.file === testFile || at.file.endsWith('/' + testFile))) inTestFile = at;
  }
  return inTestFile ?? (testFile ? undefined : last);
}

// ---- a minimal XML reader ------------------------------------------------------------------

function readXml(xml: string): XmlElement | undefined {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const re = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (const m of xml.matchAll(re)) {
    const top = stack[stack.length - 1];
    if (m[1] !== undefined) {
      if (top) top.text += m[1];
    } else if (m[2] !== undefined) {
      if (!top || top.name !== m[2]) return undefined;
      stack.pop();
    } else if (m[3] !== undefined) {
      const el: XmlElement = { name: m[3], attrs: readAttrs(m[4] ?? ''), children: [], text: '' };
      if (top) top.children.push(el);
      else if (!root) root = el;
      else return undefined;
      if (!m[5]) stack.push(el);
    } else if (m[6] !== undefined) {
      if (top) top.text += decodeEntities(m[6]);
    }
  }
  return stack.length ? undefined : root;
}

function readAttrs(s: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[m[1]!] = decodeEntities(m[2] ?? m[3] ?? '');
  return attrs;
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|lt|gt|amp|quot|apos);/g, (_, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[e]!;
  });
}
