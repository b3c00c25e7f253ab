// Finds a policy or scenario file: a path as given, else a template id looked up under templates/.
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: this file is engine/src/cli/ (tsx, vitest) or engine/dist/cli/ (built). */
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const TEMPLATE_ID = /^[a-z0-9][a-z0-9-]*$/;

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

function templateDirs(id: string): string[] {
  if (!TEMPLATE_ID.test(id)) return [];
  return [resolve('templates', id), join(repoRoot, 'templates', id)];
}

export interface PolicyInput {
  file: string;
  /** Set when the argument was a template id rather than a file. */
  templateDir?: string;
}

/** `arg` itself when it is a file; else `templates/<arg>/policy.json` (cwd first, then the repo). */
export function resolvePolicy(arg: string): PolicyInput {
  if (isFile(arg)) return { file: arg };
  for (const dir of templateDirs(arg)) {
    const file = join(dir, 'policy.json');
    if (isFile(file)) return { file, templateDir: dir };
  }
  return { file: arg };
}

/** `arg` itself when it is a file; for a template policy also `scenarios/<arg>[.json]` there. */
export function resolveScenario(arg: string, policy: PolicyInput): string {
  if (isFile(arg) || policy.templateDir === undefined || arg.includes('/')) return arg;
  for (const name of [arg, `${arg}.json`]) {
    const file = join(policy.templateDir, 'scenarios', name);
    if (isFile(file)) return file;
  }
  return arg;
}
