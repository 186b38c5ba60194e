/**
 * An existing NestJS service that embeds tmis: its own routes (`/health`) and login, tmis as one global provider,
 * the refusal filter for the whole app.
 */
import { Controller, type DynamicModule, Get, Module } from "@nestjs/common"
import { APP_FILTER } from "@nestjs/core"
import type { Tmis } from "@tmis/core"
import { Authenticated, USERS, type Users } from "./Authentication.js"
import { RefusalFilter } from "./RefusalFilter.js"
import { TeachersController } from "./TeachersController.js"
import { TmisModule } from "./TmisModule.js"

/** A route the service had before tmis. */
@Controller("health")
class HealthController {
  @Get()
  health() {
    return { ok: true }
  }
}

@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with a static factory
export class AppModule {
  static forRoot(options: { readonly tmis: Parameters<typeof Tmis.make>[0]; readonly users: Users }): DynamicModule {
    return {
      module: AppModule,
      imports: [TmisModule.forRoot(options.tmis)],
      controllers: [HealthController, TeachersController],
      providers: [
        { provide: USERS, useValue: options.users },
        { provide: APP_FILTER, useClass: RefusalFilter },
        Authenticated
      ]
    }
  }
}
