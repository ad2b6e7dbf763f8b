/** A self-signed certificate for HTTPS tests, made by openssl (installed by `.ci/run`). */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Writes `key.pem` and `cert.pem` into `dir` for `name` (also its subjectAltName) and returns their paths. */
export function selfSignedCert(dir: string, name: string, ip?: string): { key: string; cert: string } {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  const altNames = [`DNS:${name}`, ...(ip ? [`IP:${ip}`] : [])].join(',');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${name}`].concat([
      '-addext',
      `subjectAltName=${altNames}`,
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { key, cert };
}
