// Certificates for real mutual TLS in tests, made with the `openssl` CLI in a temp dir: a CA, a server
// certificate for 127.0.0.1, a client certificate with CN `metadata-service` (TOK-3), and a client certificate
// from another CA that the server must refuse.
import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** A key pair with its certificate: PEM contents and file paths. */
export interface TestCredential {
  readonly cert: string
  readonly key: string
  readonly certPath: string
  readonly keyPath: string
}

/** The PKI of one test run. */
export interface TestPki {
  readonly dir: string
  readonly ca: TestCredential
  /** Server certificate with `subjectAltName=IP:127.0.0.1`. */
  readonly server: TestCredential
  /** Client certificate `CN=<clientCommonName>` signed by `ca`. */
  readonly client: TestCredential
  /** Client certificate `CN=<clientCommonName>` signed by an unrelated CA. */
  readonly rogueClient: TestCredential
  /** Removes the directory. */
  cleanup(): Promise<void>
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/** Creates the PKI in a new temp dir; needs `openssl` on the PATH. */
export async function createTestPki(options: { readonly clientCommonName?: string } = {}): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'mds-pki-'))
  const p = (name: string) => join(dir, name)
  const cn = options.clientCommonName ?? 'metadata-service'

  const makeCa = async (name: string) => {
    await run('openssl', [
      'req', '-x509', ...EC, '-keyout', p(`${name}.key`), '-out', p(`${name}.crt`), '-days', '2', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ])
  }
  const issue = async (name: string, ca: string, subject: string, ext: string) => {
    await writeFile(p(`${name}.ext`), ext)
    await run('openssl', ['req', ...EC, '-keyout', p(`${name}.key`), '-out', p(`${name}.csr`), '-subj', subject])
    await run('openssl', [
      'x509', '-req', '-in', p(`${name}.csr`), '-CA', p(`${ca}.crt`), '-CAkey', p(`${ca}.key`),
      // Explicit serials: concurrent issues from one CA would race on a shared serial file.
      '-set_serial', String(Math.floor(Math.random() * 2 ** 48)),
      '-out', p(`${name}.crt`), '-days', '2', '-extfile', p(`${name}.ext`),
    ])
  }
  const load = async (name: string): Promise<TestCredential> => ({
    cert: await readFile(p(`${name}.crt`), 'utf8'),
    key: await readFile(p(`${name}.key`), 'utf8'),
    certPath: p(`${name}.crt`),
    keyPath: p(`${name}.key`),
  })

  await Promise.all([makeCa('ca'), makeCa('rogue-ca')])
  await Promise.all([
    issue('server', 'ca', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'),
    issue('client', 'ca', `/CN=${cn}`, 'extendedKeyUsage=clientAuth\n'),
    issue('rogue-client', 'rogue-ca', `/CN=${cn}`, 'extendedKeyUsage=clientAuth\n'),
  ])
  return {
    dir,
    ca: await load('ca'),
    server: await load('server'),
    client: await load('client'),
    rogueClient: await load('rogue-client'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}
