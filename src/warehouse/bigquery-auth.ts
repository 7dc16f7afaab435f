// Credentials for the BigQuery backend: checked at open time, before any unit starts.
// It owns the CREDENTIALS error text and the fixed-token client used against a local endpoint; no job logic.

import { access } from 'node:fs/promises';
import type { BigQuery, BigQueryOptions } from '@google-cloud/bigquery';
import { type BigQueryWarehouseSpec, PhasedError } from '../../machines/index.js';

export type AuthClientOption = BigQueryOptions['authClient'];

/** An auth client that sends a fixed bearer token and never probes the network or the metadata server. */
export function fixedTokenAuth(token: string): AuthClientOption {
  const client = {
    getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }),
    getAccessToken: async () => ({ token }),
    getCredentials: async () => ({}),
    getProjectId: async () => null,
  };
  return client as unknown as AuthClientOption;
}

const HOW_TO =
  'set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file, or run ' +
  '`gcloud auth application-default login`';

/** The plan must name its project; phased never guesses one from the environment. */
export function requireProjectId(spec: BigQueryWarehouseSpec): void {
  if (typeof spec.projectId !== 'string' || spec.projectId.trim() === '') {
    throw new PhasedError(
      'CREDENTIALS',
      'warehouse.projectId is not set: add `projectId: <your-gcp-project>` under `warehouse:` in the plan ' +
        '(kind: bigquery needs it to name jobs and tables)',
    );
  }
}

/** Fail fast when the environment names a key file that does not exist. */
export async function checkKeyFile(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const file = env.GOOGLE_APPLICATION_CREDENTIALS;
  if (file === undefined || file === '') return;
  try {
    await access(file);
  } catch {
    throw new PhasedError(
      'CREDENTIALS',
      `GOOGLE_APPLICATION_CREDENTIALS names ${file}, which cannot be read: point it at a service-account ` +
        'key file, or unset it and run `gcloud auth application-default login`',
    );
  }
}

/** Resolve Application Default Credentials now, so a missing login fails before any unit starts. */
export async function checkDefaultCredentials(bq: BigQuery): Promise<void> {
  try {
    await bq.authClient.getClient();
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new PhasedError('CREDENTIALS', `no Google Cloud credentials found (${reason}): ${HOW_TO}`, {
      cause: err,
    });
  }
}
