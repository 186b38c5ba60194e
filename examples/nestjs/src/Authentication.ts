/**
 * Actors from the service's own authentication (docs/embedding.md, "Actors from your own authentication"): the
 * service's login decides WHO the caller is (here: bearer tokens of its own users) and names the tmis account each
 * user acts as; tmis only loads that account (`actorOf`) and decides what it may do (M13, M15).
 */
import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  Inject,
  Injectable,
  UnauthorizedException
} from "@nestjs/common"
import type { Authorization, Tmis } from "@tmis/core"
import type { Request } from "express"
import { TMIS } from "./TmisModule.js"

/** The service's own users: a token per user, and the tmis account each user acts as. */
export interface Users {
  readonly accountOf: (token: string) => string | undefined
}
/** The injection token of the service's user directory. */
export const USERS = Symbol("users")

type WithActor = Request & { tmisActor?: Authorization.Actor }

/** `@UseGuards(Authenticated)`: no known user, a 401 before tmis is asked anything; else the request's actor. */
@Injectable()
export class Authenticated implements CanActivate {
  constructor(
    @Inject(TMIS) private readonly tmis: Tmis.Tmis,
    @Inject(USERS) private readonly users: Users
  ) {}
  async canActivate(context: ExecutionContext) {
    const request = context.switchToHttp().getRequest<WithActor>()
    const token = request.header("authorization")?.replace(/^Bearer /, "")
    const accountId = token === undefined ? undefined : this.users.accountOf(token)
    if (accountId === undefined) throw new UnauthorizedException("log in first")
    // A disabled account is a tmis refusal here, answered by the RefusalFilter like any other.
    request.tmisActor = await this.tmis.accounts.actorOf(accountId)
    return true
  }
}

/** The actor the guard loaded: `@CurrentActor() actor: Authorization.Actor`. */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const actor = context.switchToHttp().getRequest<WithActor>().tmisActor
  if (actor === undefined) throw new Error("@CurrentActor() on a route without @UseGuards(Authenticated)")
  return actor
})
