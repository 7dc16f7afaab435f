// Partition lists as the log stores them: a BASELINE_RECORDED step's `toRun` holds YYYY-MM-DD dates and, for
// runs of consecutive days, `first..last` ranges (inclusive). Pure calendar arithmetic on day numbers (no clock, no I/O).

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RANGE = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/;
/** Runs shorter than this stay as single dates (a range saves nothing on two days). */
const MIN_RUN = 3;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The YYYY-MM-DD date of a day number (civil_from_days). */
function dateOf(n: number): string {
  const z = n + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The day number of a valid YYYY-MM-DD date, or undefined for anything else (kept as an opaque value). */
function dayOf(date: string): number | undefined {
  const m = DATE.exec(date);
  if (!m) return undefined;
  const n = dayNumber(Number(m[1]), Number(m[2]), Number(m[3]));
  return dateOf(n) === date ? n : undefined;
}

/** True for a real calendar date written YYYY-MM-DD (2021-02-30 is not). */
export function isCalendarDate(value: string): boolean {
  return dayOf(value) !== undefined;
}

/** A range entry's first and last day numbers, or undefined when the entry is a single partition. */
function rangeOf(entry: string): [number, number] | undefined {
  const m = RANGE.exec(entry);
  if (!m) return undefined;
  const first = dayOf(m[1]);
  const last = dayOf(m[2]);
  return first !== undefined && last !== undefined && last > first ? [first, last] : undefined;
}

/** `dates` with each run of at least three consecutive days written as one `first..last` entry; order kept. */
export function compactPartitions(dates: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < dates.length) {
    const start = dayOf(dates[i]);
    let j = i + 1;
    if (start !== undefined) while (j < dates.length && dayOf(dates[j]) === start + (j - i)) j++;
    if (start !== undefined && j - i >= MIN_RUN) out.push(`${dates[i]}..${dates[j - 1]}`);
    else for (let k = i; k < j; k++) out.push(dates[k]);
    i = j;
  }
  return out;
}

/** How many partitions a `toRun` list names (ranges count their days). */
export function countPartitions(entries: readonly string[]): number {
  let n = 0;
  for (const e of entries) {
    const r = rangeOf(e);
    n += r ? r[1] - r[0] + 1 : 1;
  }
  return n;
}

/** Every partition a `toRun` list names, ranges expanded, in order. */
export function* expandPartitions(entries: readonly string[]): Generator<string> {
  for (const e of entries) {
    const r = rangeOf(e);
    if (!r) yield e;
    else for (let d = r[0]; d <= r[1]; d++) yield dateOf(d);
  }
}
