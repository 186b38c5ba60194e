/**
 * Test support for mutual TLS (M14.2): a throwaway PKI made with the `openssl` CLI in a temp dir — a trusted CA, a
 * server certificate for 127.0.0.1, client certificates signed by that CA (one of them long expired), and one
 * signed by another CA the server does not trust — and an HTTPS JSON client that presents a client certificate.
 *
 * @since 0.1.0
 */
import { execFile } from "node:child_process"
import { X509Certificate } from "node:crypto"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import * as Https from "node:https"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TLSSocket } from "node:tls"
import { promisify } from "node:util"

const run = promisify(execFile)

/** The `openssl` binary; OpenSSL 3 (for `-addext` and `req -x509` of an EC key). */
export const openssl = process.env.OPENSSL ?? "/usr/bin/openssl"

/**
 * A certificate and its key, in PEM, with its SHA-256 fingerprint as the server compares it (the DER's digest,
 * lower-case hex without colons).
 *
 * @since 0.1.0
 */
export interface Identity {
  readonly key: string
  readonly cert: string
  readonly fingerprint: string
}

/**
 * The PKI of a test run.
 *
 * @since 0.1.0
 */
export interface Pki {
  /** The CA the server trusts for client certificates, and that signed the server's certificate. */
  readonly ca: string
  readonly server: Identity
  /** Client certificates signed by the trusted CA. */
  readonly alice: Identity
  readonly bob: Identity
  readonly carol: Identity
  /** Signed by the trusted CA, but its X.509 validity ended in 2021. */
  readonly erin: Identity
  /** Signed by another CA, which the server does not trust. */
  readonly mallory: Identity
  readonly cleanup: () => Promise<void>
}

/** `AB:CD:…` → `abcd…`, the form the server and the core compare. */
export const fingerprintOf = (pem: string): string =>
  new X509Certificate(pem).fingerprint256.replaceAll(":", "").toLowerCase()

const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]

const clientExtensions = "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n"
const serverExtensions =
  "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n" +
  "subjectAltName=IP:127.0.0.1\n"

/** `openssl ca`'s configuration, only to sign with chosen start and end dates (`x509 -req` of 3.0 cannot). */
const caConfig = `[ca]
default_ca = test
[test]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
x509_extensions = client
unique_subject = no
[any]
commonName = supplied
[client]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
`

/**
 * Make the PKI in a new temp dir (removed by `cleanup`). EC P-256 keys: quick to generate.
 *
 * @since 0.1.0
 */
export const makePki = async (): Promise<Pki> => {
  const dir = await mkdtemp(join(tmpdir(), "tmis-pki-"))
  const ssl = (...args: ReadonlyArray<string>) => run(openssl, args, { cwd: dir })
  const read = (name: string) => readFile(join(dir, name), "utf8")

  const makeCa = async (name: string, subject: string) => {
    await ssl(
      "req",
      "-x509",
      "-new",
      ...ecKey,
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.crt`,
      "-days",
      "2",
      "-subj",
      subject,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign"
    )
  }
  const request = (name: string) =>
    ssl("req", "-new", ...ecKey, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`)
  const identity = async (name: string): Promise<Identity> => {
    const cert = await read(`${name}.crt`)
    return { key: await read(`${name}.key`), cert, fingerprint: fingerprintOf(cert) }
  }
  const issue = async (name: string, ca: string, extensions: string) => {
    await request(name)
    await writeFile(join(dir, `${name}.ext`), extensions)
    await ssl(
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.crt`,
      "-CAkey",
      `${ca}.key`,
      "-set_serial",
      `0x${(await ssl("rand", "-hex", "8")).stdout.trim()}`,
      "-days",
      "2",
      "-extfile",
      `${name}.ext`,
      "-out",
      `${name}.crt`
    )
    return identity(name)
  }

  try {
    await makeCa("ca", "/CN=tmis test CA")
    await makeCa("rogue", "/CN=tmis rogue CA")
    const server = await issue("server", "ca", serverExtensions)
    const alice = await issue("alice", "ca", clientExtensions)
    const bob = await issue("bob", "ca", clientExtensions)
    const carol = await issue("carol", "ca", clientExtensions)
    const mallory = await issue("mallory", "rogue", clientExtensions)
    // Erin's certificate was valid in 2020 only: signed by the trusted CA, so only its dates make it unacceptable.
    await request("erin")
    await writeFile(join(dir, "ca.cnf"), caConfig)
    await writeFile(join(dir, "index.txt"), "")
    await writeFile(join(dir, "serial"), `${(await ssl("rand", "-hex", "8")).stdout.trim()}\n`)
    await ssl(
      "ca",
      "-batch",
      "-config",
      "ca.cnf",
      "-cert",
      "ca.crt",
      "-keyfile",
      "ca.key",
      "-in",
      "erin.csr",
      "-out",
      "erin.crt",
      "-notext",
      "-startdate",
      "20200101000000Z",
      "-enddate",
      "20210101000000Z"
    )
    const erin = await identity("erin")
    return {
      ca: await read("ca.crt"),
      server,
      alice,
      bob,
      carol,
      erin,
      mallory,
      cleanup: () => rm(dir, { recursive: true, force: true })
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * What an HTTPS JSON request gave back.
 *
 * @since 0.1.0
 */
export interface TlsReply {
  readonly status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies field by field
  readonly body: any
  readonly requestId: string | undefined
  /** Whether the TLS session of the connection was resumed. */
  readonly resumed: boolean
}

/**
 * A JSON client of an HTTPS server that trusts `ca` and presents `identity` (or no certificate), with an optional
 * session token. Each request opens its own connection (`agent: false`) unless an agent is given, so that what one
 * request presents never carries over to another.
 *
 * @since 0.1.0
 */
export const tlsClient = (
  url: string,
  options: {
    readonly ca: string
    readonly identity?: Pick<Identity, "key" | "cert"> | undefined
    readonly token?: string | undefined
    readonly agent?: Https.Agent | undefined
  }
) => {
  const base = new URL(url)
  const call = (method: string, path: string, body?: unknown): Promise<TlsReply> =>
    new Promise((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body)
      const request = Https.request(
        {
          hostname: base.hostname,
          port: base.port,
          path,
          method,
          ca: options.ca,
          ...(options.identity === undefined ? {} : { key: options.identity.key, cert: options.identity.cert }),
          agent: options.agent ?? false,
          headers: {
            ...(text === undefined
              ? {}
              : { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) }),
            ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` })
          }
        },
        (response) => {
          const resumed = (response.socket as TLSSocket).isSessionReused()
          const chunks: Array<Buffer> = []
          response.on("data", (chunk: Buffer) => chunks.push(chunk))
          response.on("error", reject)
          response.on("end", () => {
            const raw = Buffer.concat(chunks).toString("utf8")
            let parsed: unknown = raw
            try {
              parsed = raw === "" ? undefined : JSON.parse(raw)
            } catch {
              // not JSON: keep the text
            }
            const id = response.headers["x-request-id"]
            resolve({
              status: response.statusCode ?? 0,
              body: parsed,
              requestId: typeof id === "string" ? id : undefined,
              resumed
            })
          })
        }
      )
      request.on("error", reject)
      request.end(text)
    })
  return {
    get: (path: string) => call("GET", path),
    post: (path: string, body?: unknown) => call("POST", path, body ?? {}),
    put: (path: string, body?: unknown) => call("PUT", path, body ?? {}),
    call
  }
}
