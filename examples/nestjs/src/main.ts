/**
 * `npm start --workspace @tmis/example-nestjs`: the service on 127.0.0.1:3000 (PORT), its database in TMIS_SQLITE
 * (default ./data/nestjs.sqlite), seeded with the demo province of the Express example on first start. Tokens of the
 * demo: `school` (the school's info admin) and `bureau` (the county's). On SIGINT/SIGTERM Nest stops taking requests
 * and its shutdown hook disposes the runtime (closing the database).
 */
import "reflect-metadata"
import { existsSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { NestFactory } from "@nestjs/core"
import * as Sqlite from "@tmis/adapter-sqlite"
import { Deployment, Settings, type Tmis } from "@tmis/core"
import { Layer } from "effect"
import { seed } from "../../express/src/province.js"
import { AppModule } from "./AppModule.js"
import { TMIS } from "./TmisModule.js"

const filename = process.env.TMIS_SQLITE ?? "data/nestjs.sqlite"
mkdirSync(dirname(filename), { recursive: true })
const fresh = !existsSync(filename)

const tokens = new Map([
  ["school", "ia-jaxx"],
  ["bureau", "ia-jiangan"]
])
const app = await NestFactory.create(
  AppModule.forRoot({
    tmis: { layer: Layer.merge(Sqlite.layer({ filename }), Settings.layer(Deployment.provincial("42"))) },
    users: { accountOf: (token) => tokens.get(token) }
  })
)
app.enableShutdownHooks(["SIGINT", "SIGTERM"])
if (fresh) await seed(app.get<Tmis.Tmis>(TMIS))
await app.listen(Number(process.env.PORT ?? 3000), "127.0.0.1")
console.log(`listening on ${await app.getUrl()}`)
