// Which command an argument list names, read before commander (and the command's modules) load.

/** Global options that take a value, so their value is not mistaken for the command name. */
const VALUED = new Set(['--db', '--log-level']);

export function commandName(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (VALUED.has(a)) i++;
    else if (!a.startsWith('-')) return a;
  }
  return undefined;
}
