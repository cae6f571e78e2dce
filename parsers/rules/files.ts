/** Finding rule files: cheap to load, for commands that only list them. */

import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** The `.yaral` files under each path (a file, or a directory walked in sorted order). */
export function ruleFiles(paths: string[]): string[] {
  return paths.flatMap((given) => {
    if (!statSync(given).isDirectory()) return [given];
    return readdirSync(given, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.endsWith('.yaral'))
      .sort()
      .map((name) => path.join(given, name));
  });
}
