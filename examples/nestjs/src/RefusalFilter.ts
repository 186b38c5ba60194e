/**
 * Refusals to HTTP (docs/embedding.md, "Refusals to HTTP"): one table from a refusal's closed `kind` to a status,
 * never a match on messages; the body names the rule. The store's own errors: NotFound 404, Conflict 409. Anything
 * else (Storage.StorageError included) is left to Nest's default handler: a 500 that shows nothing of the cause.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter } from "@nestjs/common"
import { Storage, Tmis } from "@tmis/core"
import type { Response } from "express"

const status = { unauthenticated: 401, forbidden: 403, notFound: 404, conflict: 409, invalid: 422 } as const

@Catch(Tmis.RefusalError, Storage.NotFound, Storage.Conflict)
export class RefusalFilter implements ExceptionFilter {
  catch(error: Tmis.RefusalError | Storage.NotFound | Storage.Conflict, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<Response>()
    if (error instanceof Tmis.RefusalError) {
      const { rule, zh, en, details } = error
      response.status(status[error.kind]).json({ rule, zh, en, details })
    } else if (error instanceof Storage.NotFound) {
      response.status(404).json({ entity: error.entity, id: error.id })
    } else {
      response.status(409).json({ entity: error.entity, id: error.id, expectedVersion: error.expectedVersion })
    }
  }
}
