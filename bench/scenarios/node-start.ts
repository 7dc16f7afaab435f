// node_start_ms: spawn → exit of `node -e 0`, the part of every resume figure that is Node's own start, in the
// environment the bench runs in. node_start_no_extra_ca_ms is the same with NODE_EXTRA_CA_CERTS emptied, measured
// interleaved: Node 20 reads and parses that certificate file before it runs any script, so a machine that sets it
// pays for it in every process start (the resume targets included), whatever the process does. Owns nothing else.

import { runNode } from '../support/child.js';
import { type BenchContext, repeat, result, type Scenario, stats } from '../support/measure.js';

const ROUNDS = 10;

async function startMs(env: NodeJS.ProcessEnv): Promise<number> {
  const r = await runNode('-e', ['0'], env);
  return r.exitedAt - r.spawnedAt;
}

export const nodeStart: Scenario = {
  id: 'node-start',
  names: ['node_start_ms', 'node_start_no_extra_ca_ms'],
  async run(ctx: BenchContext) {
    const extraCa = process.env.NODE_EXTRA_CA_CERTS;
    const withEnv: number[] = [];
    const without: number[] = [];
    // Spawns take ~50–150 ms: ten interleaved pairs per repetition keep the medians steady at little cost.
    await repeat(ctx.runs * ROUNDS, async (i) => {
      const a = await startMs({});
      const b = await startMs({ NODE_EXTRA_CA_CERTS: '' });
      if (i >= 0) {
        withEnv.push(a);
        without.push(b);
      }
      return a;
    });
    const set = extraCa ? 'NODE_EXTRA_CA_CERTS is set' : 'NODE_EXTRA_CA_CERTS is not set';
    return [
      result('node_start_ms', 'ms', stats(withEnv), undefined, `node -e 0, spawn → exit; ${set}`),
      result(
        'node_start_no_extra_ca_ms',
        'ms',
        stats(without),
        undefined,
        'the same with NODE_EXTRA_CA_CERTS emptied, interleaved',
      ),
    ];
  },
};
