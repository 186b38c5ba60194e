/**
 * An existing Express service that embeds tmis. The service keeps its own login (here: bearer tokens of its own
 * users) and maps each user to a tmis account; tmis decides what that account may do (M13, M15) and answers every
 * refusal with its rule. One facade, one runtime, for the whole process.
 */
import { Storage, Tmis } from "@tmis/core"
import express, { type NextFunction, type Request, type Response } from "express"

/** The service's own users: a token per user, and the tmis account each user acts as. */
export interface Users {
  readonly accountOf: (token: string) => string | undefined
}

/** The one table from a refusal's kind to an HTTP status. */
const status = { unauthenticated: 401, forbidden: 403, notFound: 404, conflict: 409, invalid: 422 } as const

export const makeApp = (tmis: Tmis.Tmis, users: Users) => {
  const app = express()
  app.use(express.json())

  // A route the service had before tmis.
  app.get("/health", (_request, response) => {
    response.json({ ok: true })
  })

  /** The tmis actor of the request: the service's own login decides who it is; tmis only loads the account. */
  const actor = async (request: Request) => {
    const token = request.header("authorization")?.replace(/^Bearer /, "")
    const accountId = token === undefined ? undefined : users.accountOf(token)
    if (accountId === undefined) throw new Unauthenticated()
    return tmis.accounts.actorOf(accountId)
  }

  app.get("/teachers/:teacherId", async (request, response) => {
    response.json(await tmis.efiles.read(await actor(request), request.params.teacherId))
  })

  app.post("/teachers", async (request, response) => {
    const stored = await tmis.efiles.onboard(await actor(request), request.body)
    response
      .status(201)
      .json({ id: stored.efile.value.id, entryId: stored.entry.value.id, version: stored.entry.version })
  })

  app.post("/entries/:entryId/review", async (request, response) => {
    const { command, version } = request.body
    const stored = await tmis.efiles.review(await actor(request), request.params.entryId, command, version)
    response.json({ state: stored.value.review.state, version: stored.version })
  })

  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (error instanceof Unauthenticated) {
      response.status(401).json({ error: "log in first" })
    } else if (error instanceof Tmis.RefusalError) {
      const { rule, zh, en, details } = error
      response.status(status[error.kind]).json({ rule, zh, en, details })
    } else if (error instanceof Storage.NotFound) {
      response.status(404).json({ entity: error.entity, id: error.id })
    } else if (error instanceof Storage.Conflict) {
      response.status(409).json({ entity: error.entity, id: error.id, expectedVersion: error.expectedVersion })
    } else {
      next(error)
    }
  })
  return app
}

/** The service's own "not logged in", before tmis is asked anything. */
class Unauthenticated extends Error {}
