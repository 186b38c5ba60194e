/**
 * `npm start --workspace @tmis/example-express`: the service on 127.0.0.1:3000 (PORT), its database in
 * TMIS_SQLITE (default ./data/express.sqlite), seeded with a small province on first start. Tokens of the demo:
 * `school` (the school's info admin) and `bureau` (the county's). Stops cleanly on SIGINT/SIGTERM.
 */
import { existsSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Deployment, Settings, Tmis } from "@tmis/core"
import { Layer } from "effect"
import { makeApp } from "./app.js"
import { seed } from "./province.js"

const filename = process.env.TMIS_SQLITE ?? "data/express.sqlite"
mkdirSync(dirname(filename), { recursive: true })
const fresh = !existsSync(filename)

// One facade, one runtime, for the whole process (docs/embedding.md).
const tmis = Tmis.make({
  layer: Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42")))
})
if (fresh) await seed(tmis)

const tokens = new Map([
  ["school", "ia-jaxx"],
  ["bureau", "ia-jiangan"]
])
const server = makeApp(tmis, { accountOf: (token) => tokens.get(token) }).listen(
  Number(process.env.PORT ?? 3000),
  "127.0.0.1"
)
server.on("listening", () => console.log(`listening on ${JSON.stringify(server.address())}`))

const stop = () => {
  server.close(async () => {
    await tmis.dispose()
    process.exit(0)
  })
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
