/** RE2 syntax checks shared by the rule checks and the engine, so both word a problem alike. */

import { RE2JS } from 're2js';

/** The RE2 error for a pattern, or undefined when it compiles. */
export function re2Error(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/** The diagnostic text for a pattern RE2 refuses. */
export function re2Refusal(pattern: string, error: string): string {
  return `RE2 rejects /${pattern}/: ${error}`;
}
