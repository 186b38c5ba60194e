/**
 * What the exchange tests share (M32.1): the national deployment's settings (a cheap scrypt, as `cheapSettings`) and
 * its top unit with a system admin and an info admin who runs the exchange, with the demo's first password.
 */
import { Accounts, Auth, Deployment, Settings } from "@tmis/core"
import { Effect } from "effect"
import * as Demo from "../src/Demo.js"
import { identityNumber } from "./support.js"

export const nationalSettings = Settings.layer(Deployment.national, undefined, undefined, undefined, {
  N: 2 ** 10,
  r: 8,
  p: 1
})

/** The Ministry's unit `moe`, its system admin `sa-moe` and its info admin `ia-moe`. */
export const bootstrapNational = Effect.gen(function* () {
  const person = (n: number) => ({ name: "王建国", identityNumber: identityNumber("110105", "1970-01-01", n) })
  yield* Accounts.bootstrap(
    { id: "moe", kind: "national", name: "教育部", code: "000000", validFrom: "2020-01-01" },
    { id: "sa-moe", person: person(11) }
  )
  yield* Auth.bootstrapPassword("sa-moe", Demo.demoPassword)
  const admin = yield* Accounts.actorOf("sa-moe")
  yield* Accounts.create(admin, { id: "ia-moe", role: "infoAdmin", person: person(12) }, "moe")
  yield* Auth.setPassword(admin, "ia-moe", Demo.demoPassword)
})
