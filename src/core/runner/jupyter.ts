// Runs a repository's tests on a Jupyter server: sync through the Contents API, a kernel of our
// own (one session per remote folder, reused across runs), pytest in a child of that kernel.
import type { Kernel, KernelMessage, Session } from '@jupyterlab/services';
import { KernelAPI, KernelConnection, ServerConnection, SessionAPI } from '@jupyterlab/services';
import path from 'node:path';
import WebSocket from 'ws';
import type { Result, UserError } from '../errors';
import { fail, isPaperTrailError, ok, userError } from '../errors';
import { contentsRemote } from './contents';
import type { JupyterHttp } from './http';
import { apiUrl, jsonError, redactUrl, request, unexpectedAnswer } from './http';
import { parseJUnit } from './junit';
import { lineSplitter, pytestMissingMessage } from './local';
import { MAX_SYNC_BYTES, readManifest, syncRepo, writeManifest } from './sync';
import type { JupyterRunResult, RunJupyterOptions } from './types';

/** The mime type our kernel code uses to hand structured facts back (device, JUnit XML). */
const MIME = 'application/vnd.papertrail.run+json';
/** The session path that names "our" kernel for a remote folder (need not exist as a file). */
const SESSION_FILE = '.papertrail-tests';
/** How often the kernel is checked on during a run, to notice that it died. */
const WATCH_MS = 1000;

export { redactUrl } from './http';

/** The base URL (ending in `/`) and a token taken from `?token=` when none was given. */
export function parseServerUrl(serverUrl: string, token: string): Result<{ baseUrl: string; token: string }> {
  let u: URL;
  try {
    u = new URL(serverUrl.trim());
  } catch {
    return fail('bad-input', `not a server URL: ${redactUrl(serverUrl)} (expected e.g. http://gpu-box:8888/)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail('bad-input', `not an http(s) URL: ${redactUrl(serverUrl)}`);
  const fromQuery = u.searchParams.get('token') ?? '';
  u.search = '';
  u.hash = '';
  u.username = '';
  u.password = '';
  // A pasted `…/lab` or `…/tree` page URL means the server at its parent.
  u.pathname = u.pathname.replace(/\/(lab|tree|notebooks)(\/.*)?$/, '/');
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return ok({ baseUrl: u.toString(), token: token || fromQuery });
}

/**
 * Connection settings for @jupyterlab/services in Node: Node's own fetch, `ws` for WebSockets.
 * The token travels in an Authorization header on both (never in a URL), so no URL we could
 * print or log carries it.
 */
export function jupyterSettings(baseUrl: string, token: string): ServerConnection.ISettings {
  class AuthWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: token ? { Authorization: `token ${token}` } : {} });
    }
  }
  return ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token,
    appendToken: false,
    WebSocket: AuthWebSocket as unknown as typeof globalThis.WebSocket,
    fetch: globalThis.fetch.bind(globalThis),
    Request: globalThis.Request,
    Headers: globalThis.Headers,
  });
}

/** One clear line for whatever a server call threw; never the token. */
export function serverError(e: unknown, baseUrl: string, token: string): UserError {
  const where = redactUrl(baseUrl);
  const status = e instanceof ServerConnection.ResponseError ? e.response.status : undefined;
  let err: UserError;
  if (isPaperTrailError(e)) err = { code: e.code, message: e.message };
  else if (status === 401 || status === 403)
    err = userError('bad-input', `the Jupyter server refused the token (${status}); check the token`);
  else if (e instanceof ServerConnection.NetworkError || (e instanceof TypeError && /fetch failed/.test(e.message)) || isSocketError(e)) {
    err = userError('network', `could not reach the Jupyter server at ${where}; is it running?`);
  } else if (e instanceof ServerConnection.ResponseError) {
    err = responseError(e, where);
  } else if (e instanceof SyntaxError) {
    // The client library parsed a 2xx answer as JSON and it was not (a login or proxy page).
    err = userError(
      'network',
      `the Jupyter server at ${where} answered with something that is not JSON (a login or proxy page?); check that ${where} is the Jupyter server's base URL (for JupyterHub: https://<hub>/user/<name>/) and that the token is right`,
    );
  } else err = userError('internal', `Jupyter: ${e instanceof Error ? e.message : String(e)}`);
  return redactError(err, token);
}

/** A non-2xx answer the client library turned into an error; its body is already read. */
function responseError(e: ServerConnection.ResponseError, where: string): UserError {
  const contentType = e.response.headers.get('content-type') ?? '';
  if (!/json/i.test(contentType)) return unexpectedAnswer({ where, what: 'talking to it', status: e.response.status, contentType });
  const status = e.response.status;
  const detail = (e.message || 'no detail').replace(/\s+/g, ' ').slice(0, 200);
  if (status >= 500)
    return userError('network', `the Jupyter server at ${where} failed (${status}: ${detail}); see the server's log, then try again`);
  return userError('network', `the Jupyter server at ${where} answered ${status}: ${detail}`);
}

function isSocketError(e: unknown): boolean {
  const code = (e as { code?: string; cause?: { code?: string } })?.cause?.code ?? (e as { code?: string })?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|EAI_AGAIN|UND_ERR_SOCKET)$/.test(code);
}

function redactError(err: UserError, token: string): UserError {
  if (!token) return err;
  return { code: err.code, message: err.message.split(token).join('***') };
}

/**
 * Syncs `dir` to the server, runs pytest there in a kernel of ours, streams its output and
 * returns the parsed JUnit results. Every failure to run is one line (see serverError).
 */
export async function runJupyter(opts: RunJupyterOptions): Promise<Result<JupyterRunResult>> {
  const started = Date.now();
  const parsed = parseServerUrl(opts.serverUrl, opts.token);
  if (!parsed.ok) return parsed;
  const { baseUrl, token } = parsed.value;
  const settings = jupyterSettings(baseUrl, token);
  const info = (line: string) => opts.onInfo?.(token ? line.split(token).join('***') : line);
  const failWith = (e: unknown): Result<never> => ({ ok: false, error: serverError(e, baseUrl, token) });
  const cancelled = () => fail('cancelled', 'the test run was cancelled');
  if (opts.signal?.aborted) return cancelled();

  // Reachability, the base URL and the token first: one cheap request with the clearest failure.
  const http: JupyterHttp = { baseUrl, token, fetch: settings.fetch };
  const status = await checkServer(http);
  if (!status.ok) return { ok: false, error: redactError(status.error, token) };

  const remoteDir = (opts.remoteDir ?? `papertrail/${path.basename(path.resolve(opts.dir))}`).replace(/^\/+|\/+$/g, '');
  const manifest = readManifest(opts.dir);
  const key = redactUrl(baseUrl);
  let sync;
  try {
    sync = await syncRepo({ dir: opts.dir, remoteDir, remote: contentsRemote(http, { onInfo: info }), previous: manifest.servers[key] });
  } catch (e) {
    return failWith(e);
  }
  manifest.servers[key] = sync.state;
  writeManifest(opts.dir, manifest);
  info(`synced ${opts.dir} to ${remoteDir} on ${key}: ${sync.uploaded.length} uploaded, ${sync.deleted.length} deleted`);
  if (sync.hidden.length)
    info(
      `left out ${sync.hidden.length} hidden file(s) (${sync.hidden.slice(0, 3).join(', ')}${sync.hidden.length > 3 ? ', …' : ''}): Jupyter refuses dot-files`,
    );
  if (sync.tooBig.length)
    info(`left out ${sync.tooBig.length} file(s) over ${MAX_SYNC_BYTES / (1024 * 1024)} MB: ${sync.tooBig.slice(0, 3).join(', ')}`);
  if (opts.signal?.aborted) return cancelled();

  let session: Session.IModel;
  let reused = false;
  try {
    const found = await findSession(settings, `${remoteDir}/${SESSION_FILE}`);
    if (found) {
      session = found;
      reused = true;
    } else {
      info(`starting a ${opts.kernelName ?? 'python3'} kernel`);
      session = await SessionAPI.startSession(
        {
          path: `${remoteDir}/${SESSION_FILE}`,
          type: 'console',
          name: 'PaperTrail tests',
          kernel: { name: opts.kernelName ?? 'python3' },
        } as Session.ISessionOptions,
        settings,
      );
    }
  } catch (e) {
    // Jupyter's own 500 (JSON) here means the kernel spec failed; a proxy's HTML page does not.
    if (
      e instanceof ServerConnection.ResponseError &&
      e.response.status >= 500 &&
      /json/i.test(e.response.headers.get('content-type') ?? '')
    ) {
      return fail(
        'unsupported',
        `the Jupyter server could not start a ${opts.kernelName ?? 'python3'} kernel; is ipykernel installed there?`,
      );
    }
    return failWith(e);
  }
  const kernelId = session.kernel!.id;
  manifest.servers[key] = { ...sync.state, kernelId };
  writeManifest(opts.dir, manifest);

  const kernel = new KernelConnection({ model: session.kernel!, serverSettings: settings, handleComms: false });
  try {
    const run = await executeRun(kernel, settings, baseUrl, token, opts, info);
    if (!run.ok) return run;
    const { device, exitCode, junit } = run.value;
    const results = parseJUnit(junit, { pytestExitCode: exitCode, durationMs: Date.now() - started });
    if (!results) return fail('internal', 'pytest on the server wrote a report that is not JUnit XML');
    return ok({ ...results, device, uploaded: sync.uploaded, deleted: sync.deleted, remoteDir, kernelId, kernelReused: reused });
  } finally {
    kernel.dispose();
    if (opts.shutdownKernel) await SessionAPI.shutdownSession(session.id, settings).catch(() => undefined);
  }
}

/** `GET api/status`: the server is there, at this base URL, and takes the token. */
async function checkServer(http: JupyterHttp): Promise<Result<void>> {
  const what = 'checking its status';
  const reply = await request(http, 'GET', apiUrl(http.baseUrl, 'api/status'), what);
  if (reply.kind === 'failed') return { ok: false, error: reply.error };
  if (reply.kind === 'too-large')
    return fail('network', `the Jupyter server at ${redactUrl(http.baseUrl)} answered ${reply.status} to a status check; check the URL`);
  if (reply.status >= 300) return { ok: false, error: jsonError(http, reply, what) };
  return ok(undefined);
}

/** True when the kernel is gone, dead or restarting within the next ~3 s. */
async function kernelGoing(id: string, settings: ServerConnection.ISettings): Promise<boolean> {
  for (let i = 0; i < 15; i++) {
    try {
      const m = await KernelAPI.getKernelModel(id, settings);
      if (!m || m.execution_state === 'dead' || m.execution_state === 'restarting' || m.execution_state === 'autorestarting') return true;
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Our session for that path whose kernel is alive, if any; a dead one is shut down. */
async function findSession(settings: ServerConnection.ISettings, sessionPath: string): Promise<Session.IModel | undefined> {
  const sessions = await SessionAPI.listRunning(settings);
  for (const s of sessions) {
    if (s.path !== sessionPath || !s.kernel) continue;
    const state = (s.kernel as Kernel.IModel).execution_state;
    if (state === 'dead') {
      await SessionAPI.shutdownSession(s.id, settings).catch(() => undefined);
      continue;
    }
    return s;
  }
  return undefined;
}

interface KernelRunOutcome {
  device: string;
  exitCode: number;
  junit: string;
}

async function executeRun(
  kernel: KernelConnection,
  settings: ServerConnection.ISettings,
  baseUrl: string,
  token: string,
  opts: RunJupyterOptions,
  info: (line: string) => void,
): Promise<Result<KernelRunOutcome>> {
  let device = '';
  let missingPytest = '';
  let junit: string | undefined;
  let exitCode = -1;
  let kernelError = '';
  const out = lineSplitter((l) => opts.onOutput?.(l));

  const future = kernel.requestExecute({
    code: runCode(opts.args ?? []),
    silent: false,
    store_history: false,
    stop_on_error: true,
    allow_stdin: false,
  });
  future.onIOPub = (msg: KernelMessage.IIOPubMessage) => {
    const t = msg.header.msg_type;
    if (t === 'stream') out.push((msg.content as KernelMessage.IStreamMsg['content']).text);
    else if (t === 'display_data') {
      const data = (msg.content as KernelMessage.IDisplayDataMsg['content']).data[MIME] as Record<string, unknown> | undefined;
      if (!data) return;
      if (typeof data.device === 'string') {
        device = data.device;
        info(`device: ${device}`);
      }
      if (typeof data.missing_pytest === 'string') missingPytest = data.missing_pytest;
      if ('junit' in data) {
        exitCode = typeof data.exit_code === 'number' ? data.exit_code : -1;
        junit = typeof data.junit === 'string' ? data.junit : undefined;
      }
    } else if (t === 'error') {
      const c = msg.content as KernelMessage.IErrorMsg['content'];
      kernelError = `${c.ename}: ${c.evalue}`;
    }
  };

  // The run ends with the reply, with the kernel's death, or with a cancel.
  let settle!: (r: Result<void>) => void;
  const ended = new Promise<Result<void>>((resolve) => (settle = resolve));
  future.done.then(
    () => settle(ok(undefined)),
    () => undefined, // a disposed future: the watcher says why
  );
  const died = () => settle(fail('network', "the Jupyter kernel died during the run; restart it or check the server's memory"));
  const onStatus = (_: unknown, s: KernelMessage.Status) => {
    if (s === 'dead' || s === 'autorestarting') died();
  };
  kernel.statusChanged.connect(onStatus);
  let watching = true;
  const watch = async () => {
    while (watching) {
      await new Promise((r) => setTimeout(r, WATCH_MS));
      if (!watching) return;
      try {
        const m = await KernelAPI.getKernelModel(kernel.id, settings);
        if (!m || m.execution_state === 'dead') died();
      } catch (e) {
        const err = serverError(e, baseUrl, token);
        settle({
          ok: false,
          error: err.code === 'network' ? { code: 'network', message: `lost the Jupyter server during the run: ${err.message}` } : err,
        });
      }
    }
  };
  void watch();
  let cancelling = false;
  const onAbort = () => {
    cancelling = true;
    KernelAPI.interruptKernel(kernel.id, settings).catch(() => undefined);
    // An interrupt the kernel ignores must not hang the caller.
    setTimeout(() => settle(fail('cancelled', 'the test run was cancelled')), 5000).unref();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const end = await ended;
    out.end();
    if (cancelling) return fail('cancelled', 'the test run was cancelled');
    if (!end.ok) return end;
    // A shutdown interrupts the kernel before it stops, so an interrupt we did not ask for
    // usually means the kernel is going away: give it a moment to say so.
    if (junit === undefined && !missingPytest && (await kernelGoing(kernel.id, settings))) {
      return fail('network', "the Jupyter kernel died during the run; restart it or check the server's memory");
    }
    if (missingPytest) return fail('not-found', pytestMissingMessage(missingPytest, ' on the Jupyter server'));
    if (junit === undefined) {
      if (exitCode >= 0) return fail('bad-input', `pytest did not run on the server (exit ${exitCode}); see its output above`);
      if (/^KeyboardInterrupt/.test(kernelError)) return fail('cancelled', 'the run was interrupted on the Jupyter server');
      return fail('internal', `the run on the Jupyter kernel failed: ${kernelError || 'no report came back'}`);
    }
    return ok({ device, exitCode, junit });
  } finally {
    watching = false;
    kernel.statusChanged.disconnect(onStatus);
    opts.signal?.removeEventListener('abort', onAbort);
    future.dispose();
  }
}

/**
 * The Python the kernel runs: report the device, check for pytest, run it in a child process
 * (in the kernel's process group, so an interrupt or a kernel shutdown reaches it too) with
 * output streamed, and hand the JUnit XML back as display data.
 */
export function runCode(args: string[]): string {
  return `${KERNEL_CODE}\n_papertrail_run(${JSON.stringify(args)})\n`;
}

const KERNEL_CODE = `
def _papertrail_device():
    import importlib.util, shutil, subprocess
    cached = globals().get('_papertrail_device_cache')
    if cached:
        return cached
    found = ''
    if shutil.which('nvidia-smi'):
        try:
            r = subprocess.run(['nvidia-smi', '--query-gpu=name,memory.total', '--format=csv,noheader'], capture_output=True, text=True, timeout=20)
            found = '; '.join(l.strip() for l in r.stdout.splitlines() if l.strip()) if r.returncode == 0 else ''
        except Exception:
            found = ''
    if not found and importlib.util.find_spec('torch') is not None:
        try:
            import torch
            if torch.cuda.is_available():
                found = '; '.join('%s, %d MiB' % (torch.cuda.get_device_name(i), torch.cuda.get_device_properties(i).total_memory // 2**20) for i in range(torch.cuda.device_count()))
        except Exception:
            found = ''
    globals()['_papertrail_device_cache'] = found or 'CPU only'
    return globals()['_papertrail_device_cache']

def _papertrail_run(args):
    import codecs, importlib.util, os, shutil, subprocess, sys, tempfile
    from IPython.display import display
    def tell(**kw):
        display({'${MIME}': kw}, raw=True)
    root = globals().setdefault('_papertrail_root', os.getcwd())
    tell(device=_papertrail_device())
    try:
        missing = importlib.util.find_spec('pytest') is None
    except Exception:
        missing = True
    if missing:
        tell(missing_pytest=sys.executable)
        return
    def die_with_kernel():
        # Linux: the child goes when the kernel goes, even if the kernel is killed outright.
        try:
            import ctypes, signal
            ctypes.CDLL('libc.so.6').prctl(1, signal.SIGKILL)
        except Exception:
            pass
    tmp = tempfile.mkdtemp(prefix='papertrail-')
    junit = os.path.join(tmp, 'junit.xml')
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    env.pop('MPLBACKEND', None)  # the kernel's inline backend means nothing to a child process
    cmd = [sys.executable, '-m', 'pytest', '-q', '-o', 'junit_family=xunit1', '--junitxml=' + junit] + list(args)
    p = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                         preexec_fn=die_with_kernel if sys.platform.startswith('linux') else None)
    decode = codecs.getincrementaldecoder('utf-8')('replace').decode
    try:
        while True:
            chunk = p.stdout.read1(65536)
            if not chunk:
                break
            sys.stdout.write(decode(chunk))
            sys.stdout.flush()
        code = p.wait()
    except KeyboardInterrupt:
        p.terminate()
        try:
            p.wait(5)
        except Exception:
            p.kill()
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    xml = None
    if os.path.exists(junit):
        with open(junit, encoding='utf-8') as f:
            xml = f.read()
    shutil.rmtree(tmp, ignore_errors=True)
    tell(exit_code=code, junit=xml)
`;
