// The makespan floor without phased: the same number of setTimeout units through a plain pool of the same
// width. What it loses to timer lateness and the event loop, the engine cannot win back.

export async function timerPoolMs(units: number, unitMs: number, width: number): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < units) {
      next++;
      await new Promise((r) => setTimeout(r, unitMs));
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: width }, worker));
  return performance.now() - t0;
}
