/**
 * tmis as a Nest provider: ONE facade (one `ManagedRuntime`, one database pool) for the whole process, built when the
 * module is, and disposed by Nest's shutdown hook (docs/embedding.md, "One runtime per process", "Shutdown").
 */
import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from "@nestjs/common"
import { Tmis } from "@tmis/core"

/** The injection token of the facade: `@Inject(TMIS) tmis: Tmis.Tmis`. */
export const TMIS = Symbol("tmis")

/** Closes the runtime once, after Nest has stopped taking requests (`app.enableShutdownHooks()`, `app.close()`). */
class TmisShutdown implements OnApplicationShutdown {
  constructor(@Inject(TMIS) private readonly tmis: Tmis.Tmis) {}
  async onApplicationShutdown() {
    await this.tmis.dispose()
  }
}

@Global()
@Module({})
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with a static factory
export class TmisModule {
  /** The facade over `layer` (an adapter's layer merged with `Settings.layer`), for every module of the app. */
  static forRoot(options: Parameters<typeof Tmis.make>[0]): DynamicModule {
    return {
      module: TmisModule,
      providers: [{ provide: TMIS, useFactory: () => Tmis.make(options) }, TmisShutdown],
      exports: [TMIS]
    }
  }
}
