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
  const cases: TestCaseResult[] = [];
  const visit = (el: XmlElement) => {
    if (el.name === 'testcase') cases.push(toResult(el));
    else for (const c of el.children) visit(c);
  };
  visit(root);
  const tests = mergeSameId(cases);
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

/**
 * pytest writes a second <testcase> for a test that failed and then errored in teardown (JUnit
 * allows one outcome per case). One test is one result: the failure, its message noting the
 * teardown error, both tracebacks in the details.
 */
function mergeSameId(cases: TestCaseResult[]): TestCaseResult[] {
  const byId = new Map<string, TestCaseResult>();
  for (const c of cases) {
    const seen = byId.get(c.id);
    if (!seen) byId.set(c.id, c);
    else byId.set(c.id, mergeTwo(seen, c));
  }
  return [...byId.values()];
}

const SEVERITY: Record<TestOutcome, number> = { passed: 0, skipped: 1, error: 2, failed: 3 };

function mergeTwo(a: TestCaseResult, b: TestCaseResult): TestCaseResult {
  const [main, other] = SEVERITY[b.outcome] > SEVERITY[a.outcome] ? [b, a] : [a, b];
  const merged: TestCaseResult = { ...main, durationMs: a.durationMs + b.durationMs };
  if (other.outcome !== 'passed') {
    merged.message = main.message && other.message ? `${main.message}; then ${other.message}` : main.message || other.message;
    merged.details = [main.details, other.details].filter(Boolean).join('\n\n');
  }
  return merged;
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
  if (isModuleCase(classname, name, result.file)) return moduleResult(result, problem);
  return result;
}

/**
 * A collection report: pytest names the case after the module (`tests.test_x`, empty
 * classname). Its node id is the file's; a module-level skip carries its reason and line in a
 * printed tuple `('/abs/tests/test_x.py', 3, 'Skipped: why')`.
 */
function isModuleCase(classname: string, name: string, file: string): boolean {
  if (classname || !name || name.includes('[')) return false;
  return !file || name === dottedModule(file) || name === dottedModule(file).replace(/\.__init__$/, '');
}

function moduleResult(r: TestCaseResult, problem: XmlElement | undefined): TestCaseResult {
  const file = r.file || `${r.name.replace(/\./g, '/')}.py`;
  const out: TestCaseResult = { ...r, id: file, file };
  if (r.outcome === 'skipped' && problem) {
    // Python's repr quotes with ' unless the text holds one.
    const m = /^\(\s*(['"])(?:(?!\1)[^\\]|\\.)*\1,\s*(\d+),\s*(['"])(?:Skipped: )?([\s\S]*?)\3\s*\)$/.exec(problem.text.trim());
    if (m) {
      out.message = m[4]!;
      out.line = Number(m[2]);
    }
  }
  if (r.outcome === 'error' && problem && out.message === 'collection failure') {
    const last = lastErrorLine(problem.text);
    if (last) out.message = `collection failure: ${last}`;
  }
  return out;
}

/** pytest's `E   ExcType: message` line (the last one), or '' when the text has none. */
function lastErrorLine(text: string): string {
  const lines = [...text.matchAll(/^E\s+(.+)$/gm)].map((m) => m[1]!.trim());
  return lines.length ? lines[lines.length - 1]! : '';
}

function dottedModule(file: string): string {
  return file.replace(/\.py$/, '').replace(/\//g, '.');
}

/**
 * pytest's node id from xunit1 attributes: the classname is the module's dotted path followed by
 * the class names, so the part after the file's own dotted path is the class chain.
 */
function nodeId(file: string, classname: string, name: string): string {
  // Older pytest writes no file for a module that failed to import (see moduleResult).
  if (!file) return classname ? `${classname.replace(/\./g, '/')}.py::${name}` : name;
  const dotted = dottedModule(file);
  const rest = classname.startsWith(dotted + '.') ? classname.slice(dotted.length + 1) : '';
  return [file, ...(rest ? rest.split('.') : []), name].join('::');
}

function problemMessage(el: XmlElement): string {
  const m = el.attrs.message?.trim();
  // An expected failure is reported as a skip; say so, or it reads like any other skip.
  if (el.name === 'skipped' && el.attrs.type === 'pytest.xfail') return m ? `xfail: ${m}` : 'xfail';
  if (m) return m;
  // Without a message attribute, the last line of the traceback is the most telling one.
  const lines = el.text
    .trim()
    .split('\n')
    .filter((l) => l.trim());
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
  const re =
    /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<!DOCTYPE[^>]*>|<\/([\w:.-]+)\s*>|<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
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
