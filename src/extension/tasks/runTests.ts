// One way for the task, the Test Explorer and the command to run a repository's tests.
import * as vscode from 'vscode';
import type { Result } from '../../core/errors';
import { fail } from '../../core/errors';
import { runJupyter } from '../../core/runner/jupyter';
import { runLocal } from '../../core/runner/local';
import type { OutputListener, TestRunResult } from '../../core/runner/types';
import type { Services } from '../services';
import { scopedLog } from '../log';

export type RunTarget = 'local' | 'jupyter';
export const JUPYTER_TOKEN_SECRET = 'papertrail.jupyter.token';

export interface RunRequest {
  target: RunTarget;
  dir: string;
  args?: string[];
  signal?: AbortSignal;
  onOutput?: OutputListener;
  onInfo?: (line: string) => void;
}

/** The interpreter chosen in the Python extension, when it is installed; else undefined (python3). */
export async function pythonExtensionInterpreter(resource: vscode.Uri): Promise<string | undefined> {
  interface PythonApi {
    environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined };
  }
  const ext = vscode.extensions.getExtension<PythonApi>('ms-python.python');
  if (!ext) return undefined;
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    return api.environments?.getActiveEnvironmentPath(resource)?.path || undefined;
  } catch {
    return undefined;
  }
}

export async function runTests(services: Services, req: RunRequest): Promise<Result<TestRunResult>> {
  const config = vscode.workspace.getConfiguration('papertrail', vscode.Uri.file(req.dir));
  const common = {
    dir: req.dir,
    args: req.args ?? [],
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.onOutput ? { onOutput: req.onOutput } : {}),
  };
  if (req.target === 'local') {
    const python = config.get<string>('python.path') || (await pythonExtensionInterpreter(vscode.Uri.file(req.dir)));
    scopedLog(services.log, 'tests').info(`local run in ${req.dir}${python ? ` with ${python}` : ''}`);
    return runLocal({ ...common, ...(python ? { python } : {}) });
  }
  const serverUrl = config.get<string>('jupyter.serverUrl');
  if (!serverUrl) return fail('bad-input', 'no Jupyter server is set: put its URL in the setting papertrail.jupyter.serverUrl');
  const token = (await services.context.secrets.get(JUPYTER_TOKEN_SECRET)) ?? '';
  scopedLog(services.log, 'tests').info(`Jupyter run of ${req.dir}`);
  return runJupyter({ ...common, serverUrl, token, ...(req.onInfo ? { onInfo: req.onInfo } : {}) });
}
