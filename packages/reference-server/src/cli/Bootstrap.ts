/**
 * The `tmis` command line: `bootstrap`.
 *
 * @since 0.1.0
 */
import { X509Certificate } from "node:crypto"
import { readFileSync } from "node:fs"
import { parseArgs } from "node:util"
import { Accounts, Auth, Day, Unit } from "@tmis/core"
import { Effect } from "effect"
import { type Command, deploymentOf, type Io, run, Usage } from "./Command.js"

/** The binding of a PEM certificate file: its SHA-256 fingerprint and validity (M14.2). */
const certificateOf = (path: string) => {
  const certificate = new X509Certificate(readFileSync(path))
  return {
    fingerprint: certificate.fingerprint256.replaceAll(":", "").toLowerCase(),
    notBefore: new Date(certificate.validFrom).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString()
  }
}

const bootstrapRun = (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      "unit-id": { type: "string" },
      "unit-name": { type: "string" },
      "unit-code": { type: "string" },
      "unit-kind": { type: "string" },
      "valid-from": { type: "string" },
      "admin-id": { type: "string" },
      "admin-name": { type: "string" },
      "admin-identity-number": { type: "string" },
      "admin-certificate": { type: "string" }
    },
    strict: true
  })
  const required = ["unit-id", "unit-name", "unit-code", "admin-id", "admin-name", "admin-identity-number"] as const
  const missing = required.filter((name) => values[name] === undefined)
  if (missing.length > 0) throw new Usage(`missing ${missing.map((m) => `--${m}`).join(", ")}`)
  const password = io.env.TMIS_BOOTSTRAP_PASSWORD
  if (password === undefined)
    throw new Usage("TMIS_BOOTSTRAP_PASSWORD must hold the root system admin's first password")
  const certificate = values["admin-certificate"] === undefined ? undefined : certificateOf(values["admin-certificate"])
  const deployment = deploymentOf(io.env)
  const kind = values["unit-kind"] ?? (deployment._tag === "National" ? "national" : "province")
  if (!Unit.Kind.literals.includes(kind as Unit.Kind))
    throw new Usage(`--unit-kind ${JSON.stringify(kind)} is not a unit kind`)
  return run(
    io,
    Effect.gen(function* () {
      const stored = yield* Accounts.bootstrap(
        {
          id: values["unit-id"] as string,
          kind: kind as Unit.Kind,
          name: values["unit-name"] as string,
          code: values["unit-code"] as string,
          validFrom: values["valid-from"] ?? Day.of(new Date())
        },
        {
          id: values["admin-id"] as string,
          person: { name: values["admin-name"] as string, identityNumber: values["admin-identity-number"] as string },
          ...(certificate === undefined ? {} : { certificate })
        }
      )
      yield* Auth.bootstrapPassword(stored.value.id, password)
      return stored.value
    }),
    (account) => {
      io.out.write(
        `bootstrapped: ${account.id} is the system admin of ${account.unitId}; change the password at the first login\n`
      )
      return 0
    }
  )
}

/**
 * `tmis bootstrap`: create the deployment's root unit and its system admin, once (M15.1).
 *
 * @since 0.1.0
 */
export const bootstrap: Command = {
  name: "bootstrap",
  summary: "create the deployment's root unit and its system admin, once (M15.1)",
  help: `tmis bootstrap --unit-id id --unit-name name --unit-code code [--unit-kind national|province]
               --admin-id id --admin-name name --admin-identity-number number [--valid-from YYYY-MM-DD]
               [--admin-certificate cert.pem]
  Create the root unit and its system admin once (M15.1); the admin's first password comes from
  TMIS_BOOTSTRAP_PASSWORD and must be changed at the first login. Where the deployment requires certificates for
  system admins (M14.2), bind the admin's CA certificate here: nobody above the root can bind it later.`,
  run: (io, args) => bootstrapRun(io, args)
}
