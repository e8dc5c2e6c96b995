import * as vscode from 'vscode';
import type { Services } from '../services';
import { requireTrust } from '../trust';
import { JUPYTER_TOKEN_SECRET } from './runTests';
import { registerTaskProvider } from './taskProvider';
import { registerTestController } from './testController';

/** Running the generated tests: the `papertrail` task, Test Explorer, and their commands. */
export function registerTasks(services: Services): void {
  registerTaskProvider(services);
  registerTestController(services);
  services.context.subscriptions.push(
    vscode.commands.registerCommand('papertrail.runTests', async () => {
      if (!(await requireTrust('Run Tests'))) return undefined;
      const tasks = await vscode.tasks.fetchTasks({ type: 'papertrail' });
      if (!tasks.length) {
        void vscode.window.showInformationMessage('PaperTrail: open a folder with a repository to run its tests.');
        return undefined;
      }
      const pick =
        tasks.length === 1
          ? tasks[0]
          : (
              await vscode.window.showQuickPick(
                tasks.map((t) => ({ label: t.name, description: typeof t.scope === 'object' ? t.scope.name : '', task: t })),
                { title: 'PaperTrail: Run Tests' },
              )
            )?.task;
      if (pick) await vscode.tasks.executeTask(pick);
      return pick?.name;
    }),
    vscode.commands.registerCommand('papertrail.setJupyterToken', async (given?: string) => {
      const token =
        given ??
        (await vscode.window.showInputBox({
          title: 'PaperTrail: Jupyter server token',
          prompt: 'Kept in the editor’s secret storage. Empty removes it.',
          password: true,
          ignoreFocusOut: true,
        }));
      if (token === undefined) return false;
      if (token.trim()) await services.context.secrets.store(JUPYTER_TOKEN_SECRET, token.trim());
      else await services.context.secrets.delete(JUPYTER_TOKEN_SECRET);
      services.log.info(token.trim() ? 'Jupyter token stored in secret storage' : 'Jupyter token removed');
      return true;
    }),
  );
}
