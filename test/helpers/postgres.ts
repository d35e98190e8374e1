import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';

/**
 * A throw-away PostgreSQL server (Debian's `postgresql` package) that models the privilege model of Amazon
 * RDS for PostgreSQL, started and stopped by the test that uses it:
 *
 * - the master user (`hipaa_admin`) is NOT a superuser: `LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE`, a
 *   member of an `rds_superuser` role, as AWS documents it
 *   (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html);
 *   it may create schemas in the `postgres` database (assumed: `rds_superuser` holds CREATE on it);
 * - an `rds_iam` role exists and `rds_superuser` holds it WITH ADMIN OPTION, so the master may grant it;
 * - pgAudit is preloaded (`shared_preload_libraries`, as the parameter group does) and the master may create
 *   the extension, as `rds_superuser` may on RDS: the model marks pgaudit `trusted` in a private copy of the
 *   extension directory (the server binary is copied beside it so that PostgreSQL finds that directory);
 * - TLS only (`hostssl` with SCRAM, no plain connections), like `rds.force_ssl = 1`, with a certificate
 *   for 127.0.0.1 signed by itself, which clients verify.
 *
 * Not modelled: RDS's own roles and hooks (`rdsadmin`, `rds_password`, the extension allow-list,
 * `rds.restrict_password_commands`), IAM authentication (a tenant login here logs in with a password the
 * test sets, standing in for an IAM token), and any PostgreSQL major other than the one installed.
 */
export interface RdsModel {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** PostgreSQL major version of the server. */
  readonly major: number;
  readonly master: { readonly username: string; readonly password: string };
  /** TLS options a client needs to verify the server. */
  readonly tls: { readonly ca: string; readonly rejectUnauthorized: true };
  /** A connection as the bootstrap superuser (the "RDS" side of the model: setup and inspection only). */
  superuser(): Promise<Client>;
  /** A connection as any login role with a password. */
  connect(user: string, password: string): Promise<Client>;
  stop(): void;
}

const MASTER = 'hipaa_admin';

/** The newest installed PostgreSQL whose pgaudit extension is installed too. */
function findInstall(): { bin: string; share: string; major: number } {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .map(Number)
        .filter((m) => Number.isInteger(m) && fs.existsSync(path.join(root, String(m), 'bin', 'postgres')))
        .sort((a, b) => b - a)
    : [];
  for (const major of majors) {
    const share = `/usr/share/postgresql/${major}`;
    if (fs.existsSync(path.join(share, 'extension', 'pgaudit.control')))
      return { bin: path.join(root, String(major), 'bin'), share, major };
  }
  throw new Error(
    `no PostgreSQL server with pgaudit under ${root} (found majors: ${majors.join(', ') || 'none'}); ` +
      'install them as .ci/run does: apt-get install postgresql postgresql-15-pgaudit',
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startRdsModel(): Promise<RdsModel> {
  const { bin, share, major } = findInstall();
  const asRoot = process.getuid?.() === 0;
  // PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user.
  const run = (cmd: string, args: string[]) =>
    execFileSync(asRoot ? 'runuser' : cmd, asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args, { stdio: 'pipe' });
  const own = (p: string) => asRoot && execFileSync('chown', ['-R', 'postgres:postgres', p]);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hipaa-rds-model-'));
  fs.chmodSync(dir, 0o755);
  // A private installation tree: PostgreSQL finds its share directory relative to the binary it runs from.
  const relBin = path.join(dir, 'lib', 'postgresql', String(major), 'bin');
  const relShare = path.join(dir, 'share', 'postgresql', String(major));
  fs.mkdirSync(relBin, { recursive: true });
  fs.mkdirSync(path.join(relShare, 'extension'), { recursive: true });
  for (const exe of ['postgres', 'pg_ctl']) fs.copyFileSync(path.join(bin, exe), path.join(relBin, exe));
  for (const exe of ['postgres', 'pg_ctl']) fs.chmodSync(path.join(relBin, exe), 0o755);
  fs.symlinkSync(path.join(bin, '..', 'lib'), path.join(relBin, '..', 'lib'));
  for (const f of fs.readdirSync(share)) if (f !== 'extension') fs.symlinkSync(path.join(share, f), path.join(relShare, f));
  for (const f of fs.readdirSync(path.join(share, 'extension'))) {
    const target = path.join(relShare, 'extension', f);
    if (f === 'pgaudit.control') {
      fs.writeFileSync(target, `${fs.readFileSync(path.join(share, 'extension', f), 'utf8')}\ntrusted = true\n`);
    } else fs.symlinkSync(path.join(share, 'extension', f), target);
  }

  const data = path.join(dir, 'data');
  const sock = path.join(dir, 'sock');
  fs.mkdirSync(data, { mode: 0o700 });
  fs.mkdirSync(sock);
  const superPassword = `su-${process.pid}-${Date.now()}`;
  const masterPassword = `master-${process.pid}-${Date.now()}`;
  fs.writeFileSync(path.join(dir, 'pw'), superPassword, { mode: 0o600 });
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ].concat(['-keyout', path.join(dir, 'server.key'), '-out', path.join(dir, 'server.crt')]),
    { stdio: 'pipe' },
  );
  fs.chmodSync(path.join(dir, 'server.key'), 0o600);
  for (const p of [data, sock, path.join(dir, 'pw'), path.join(dir, 'server.key'), path.join(dir, 'server.crt')]) own(p);

  run(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--pwfile', path.join(dir, 'pw'), '--auth=scram-sha-256', '-E', 'UTF8']);
  fs.writeFileSync(path.join(data, 'pg_hba.conf'), 'hostssl all all 127.0.0.1/32 scram-sha-256\n');
  own(path.join(data, 'pg_hba.conf'));
  const port = await freePort();
  const options = [
    `-p ${port}`,
    `-k ${sock}`,
    "-c listen_addresses='127.0.0.1'",
    '-c ssl=on',
    `-c ssl_cert_file=${path.join(dir, 'server.crt')}`,
    `-c ssl_key_file=${path.join(dir, 'server.key')}`,
    "-c shared_preload_libraries='pgaudit'",
    '-c fsync=off',
  ].join(' ');
  const pgCtl = path.join(relBin, 'pg_ctl');
  run(pgCtl, ['-D', data, '-l', path.join(data, 'server.log'), '-o', options, '-w', '-t', '60', 'start']);

  const tls = { ca: fs.readFileSync(path.join(dir, 'server.crt'), 'utf8'), rejectUnauthorized: true as const };
  const connect = async (user: string, password: string): Promise<Client> => {
    const c = new Client({ host: '127.0.0.1', port, user, password, database: 'postgres', ssl: tls });
    await c.connect();
    return c;
  };
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  // Stop the server even if the test process ends without afterAll (a crash, a timeout).
  process.once('exit', stop);

  try {
    const su = await connect('postgres', superPassword);
    try {
      await su.query(`CREATE ROLE rds_superuser NOLOGIN`);
      await su.query(`CREATE ROLE rds_iam NOLOGIN`);
      await su.query(`GRANT rds_iam TO rds_superuser WITH ADMIN OPTION`);
      await su.query(`GRANT CREATE ON DATABASE postgres TO rds_superuser`);
      await su.query(`CREATE ROLE ${MASTER} WITH LOGIN NOSUPERUSER INHERIT CREATEDB CREATEROLE PASSWORD '${masterPassword}'`);
      await su.query(`GRANT rds_superuser TO ${MASTER}`);
    } finally {
      await su.end();
    }
  } catch (e) {
    stop();
    throw e;
  }

  return {
    host: '127.0.0.1',
    port,
    major,
    master: { username: MASTER, password: masterPassword },
    tls,
    superuser: () => connect('postgres', superPassword),
    connect,
    stop,
  };
}
