// The commands that drive a run in this process: they start a spare SQLite warehouse worker as they begin.

export const DRIVING_COMMANDS: ReadonlySet<string> = new Set(['run', 'resume']);
