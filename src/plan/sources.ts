// The files a plan was read from (the plan file and the SQL files it names) and a digest of each, so a resume
// can tell in a millisecond that nothing changed instead of parsing and validating the plan again.
// Owns recording and checking the digests; what counts as a change of plan is plan-change's business.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One file a plan was loaded from, and the sha256 of its bytes then. */
export interface PlanSource {
  file: string;
  sha256: string;
}

function digest(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Collects the files read while one plan loads (each file once, in the order first read). */
export class SourceRecorder {
  private readonly seen = new Map<string, string>();

  /** Record that `file` was read with contents `text`. */
  read(file: string, text: string): void {
    if (!this.seen.has(file)) this.seen.set(file, digest(text));
  }

  list(): PlanSource[] {
    return [...this.seen].map(([file, sha256]) => ({ file, sha256 }));
  }
}

/**
 * True when every recorded file still has the bytes it had: the plan would load exactly as before. False when
 * a file changed, vanished or cannot be read, or when nothing was recorded (then the caller loads the plan).
 */
export function sourcesUnchanged(sources: readonly PlanSource[] | undefined): boolean {
  if (!sources || sources.length === 0) return false;
  for (const s of sources) {
    try {
      if (digest(readFileSync(s.file)) !== s.sha256) return false;
    } catch {
      return false;
    }
  }
  return true;
}
