/**
 * The service's routes over tmis: each handler a line or two of the facade, the actor from the service's own login,
 * every refusal left to the RefusalFilter.
 */
import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from "@nestjs/common"
import type { Authorization, EFiles, Tmis } from "@tmis/core"
import { Authenticated, CurrentActor } from "./Authentication.js"
import { TMIS } from "./TmisModule.js"

type Onboarding = Parameters<typeof EFiles.onboard>[1]
type Review = { readonly command: Parameters<typeof EFiles.review>[2]; readonly version: number }

@Controller()
@UseGuards(Authenticated)
export class TeachersController {
  constructor(@Inject(TMIS) private readonly tmis: Tmis.Tmis) {}

  @Get("teachers/:teacherId")
  read(@CurrentActor() actor: Authorization.Actor, @Param("teacherId") teacherId: string) {
    return this.tmis.efiles.read(actor, teacherId)
  }

  @Post("teachers")
  async onboard(@CurrentActor() actor: Authorization.Actor, @Body() body: Onboarding) {
    const stored = await this.tmis.efiles.onboard(actor, body)
    return { id: stored.efile.value.id, entryId: stored.entry.value.id, version: stored.entry.version }
  }

  @Post("entries/:entryId/review")
  @HttpCode(200)
  async review(@CurrentActor() actor: Authorization.Actor, @Param("entryId") entryId: string, @Body() body: Review) {
    const stored = await this.tmis.efiles.review(actor, entryId, body.command, body.version)
    return { state: stored.value.review.state, version: stored.version }
  }
}
