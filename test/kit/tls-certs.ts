/**
 * Test kit: a throwaway PKI made with the `openssl` CLI in a temp dir (Node's
 * crypto can make keys but cannot sign certificates).
 *
 *   ca        self-signed CA
 *   server    signed by ca, for localhost / 127.0.0.1 / ::1 (serverAuth)
 *   client    signed by ca (clientAuth), for mutual TLS
 *   otherCa   an unrelated self-signed CA (a client trusting it must fail)
 *
 * Each entry has the file paths and the PEM contents. EC P-256 keys: quick to make.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface CertFiles {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

export interface TestPki {
  dir: string;
  ca: CertFiles;
  server: CertFiles;
  client: CertFiles;
  otherCa: CertFiles;
  /** Removes the temp dir. */
  remove(): void;
}

const OPENSSL = process.env.OPENSSL ?? 'openssl';

function openssl(args: string[], cwd: string): void {
  execFileSync(OPENSSL, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function files(dir: string, name: string): CertFiles {
  const certFile = path.join(dir, `${name}.crt`);
  const keyFile = path.join(dir, `${name}.key`);
  return { certFile, keyFile, cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
}

function selfSignedCa(dir: string, name: string, subject: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(
    ['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '2', '-subj', subject, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', `${name}.crt`],
    dir,
  );
}

function signedLeaf(dir: string, name: string, subject: string, extensions: string): void {
  openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}.key`], dir);
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], dir);
  fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.crt`], dir);
}

/** Makes the PKI in a new temp dir (about 100 ms). */
export function makeTestPki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logfun-tls-'));
  selfSignedCa(dir, 'ca', '/CN=logfun test CA');
  selfSignedCa(dir, 'other-ca', '/CN=unrelated test CA');
  signedLeaf(
    dir,
    'server',
    '/CN=localhost',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1\n',
  );
  signedLeaf(dir, 'client', '/CN=logfun test client', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  return {
    dir,
    ca: files(dir, 'ca'),
    server: files(dir, 'server'),
    client: files(dir, 'client'),
    otherCa: files(dir, 'other-ca'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
