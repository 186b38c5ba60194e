/**
 * A province's local module (地方特色功能模块, M27.1) mounted in the reference server: its own endpoints, served
 * behind the same guard as the API's (body checks, time limits, the audit of every refusal, M37.1) and the same
 * session authentication (`Api.Authentication`, the caller's actor as `Api.CurrentActor`), listed in the same OpenAPI
 * document.
 *
 * A module cannot take a path of the API's own: its endpoints live under `/modules/<name>/`, and each must carry the
 * API's authentication, so there is no anonymous way in. Its handlers act through the application services of
 * `@tmis/core` with the caller's actor, so authorization (M14.3), masking (M37.2) and the audit of reads (M37.1)
 * apply to it as to the API itself.
 *
 * ```ts
 * const Candidates = HttpApiGroup.make("titleEvaluation")
 *   .add(HttpApiEndpoint.get("candidates", "/modules/title-evaluation/candidates").addSuccess(…))
 *   .middleware(Api.Authentication)
 * const handlers = HttpApiBuilder.group(Api.Base.add(Candidates), "titleEvaluation", (h) => h.handle("candidates", …))
 * const titleEvaluation = LocalModule.make({ name: "title-evaluation", group: Candidates, handlers })
 * Server.layer({ modules: [titleEvaluation] })
 * ```
 *
 * @since 0.1.0
 */
import { HttpApi, type HttpApiGroup } from "@effect/platform"
import { LocalModules, type Settings, type Storage } from "@tmis/core"
import { Layer } from "effect"
import * as Api from "./Api.js"

/**
 * What a module's handlers may need from the server: the core's services for the request's actor
 * (`LocalModules.provide(name, actor)`), the session authentication the endpoints carry — not the store: handlers
 * that ask for `Storage` do not type-check here, so a module reads and writes only through the services (M27.1).
 *
 * @since 0.1.0
 */
export type HandlerContext = LocalModules.LocalModuleAccess | Api.Authentication

/**
 * A local module: a name, its group of endpoints and the layer of their handlers (`HttpApiBuilder.group` against
 * `Api.Base.add(group)`).
 *
 * @since 0.1.0
 */
export interface LocalModule {
  readonly name: string
  readonly group: HttpApiGroup.HttpApiGroup.Any
  // biome-ignore lint/suspicious/noExplicitAny: the group's service tag is the module's own type
  readonly handlers: Layer.Layer<any, never, HandlerContext>
}

/**
 * A module's name: lowercase letters, digits and dashes, as it appears in its paths.
 *
 * @since 0.1.0
 */
export const namePattern = /^[a-z][a-z0-9-]{0,39}$/

/**
 * The module a misconfiguration would make unsafe is refused when it is made, naming the endpoint.
 *
 * @since 0.1.0
 */
export class LocalModuleError extends Error {
  constructor(
    readonly module: string,
    message: string
  ) {
    super(`local module ${JSON.stringify(module)} (M27.1): ${message}`)
    this.name = "LocalModuleError"
  }
}

/**
 * A local module, checked: its name, every endpoint under `/modules/<name>/`, every endpoint authenticated.
 *
 * @since 0.1.0
 */
export const make = (module: LocalModule): LocalModule => {
  const { name, group } = module
  if (!namePattern.test(name)) {
    throw new LocalModuleError(name, `the name must match ${namePattern} (it is part of the module's paths)`)
  }
  const prefix = `/modules/${name}`
  let endpoints = 0
  HttpApi.reflect(HttpApi.make("module").add(group), {
    onGroup: () => {},
    onEndpoint: ({ endpoint, middleware }) => {
      endpoints++
      const at = `${endpoint.method} ${endpoint.path}`
      if (endpoint.path !== prefix && !endpoint.path.startsWith(`${prefix}/`)) {
        throw new LocalModuleError(name, `${at} is outside ${prefix}/: a module cannot take the API's own paths`)
      }
      if (!(middleware as ReadonlySet<unknown>).has(Api.Authentication)) {
        throw new LocalModuleError(name, `${at} does not carry Api.Authentication: every request needs a session`)
      }
    }
  })
  if (endpoints === 0) throw new LocalModuleError(name, "its group has no endpoint")
  return module
}

/**
 * The API with the modules' groups added: the data the router, the guard's method table and the OpenAPI document
 * are made from.
 *
 * @since 0.1.0
 */
export const api = (modules: ReadonlyArray<LocalModule>): typeof Api.Api => {
  const names = new Set<string>()
  const groups = new Set(Object.keys(Api.Api.groups))
  for (const module of modules) {
    make(module)
    if (names.has(module.name)) throw new LocalModuleError(module.name, "two modules have this name")
    if (groups.has(module.group.identifier)) {
      throw new LocalModuleError(module.name, `its group's name ${JSON.stringify(module.group.identifier)} is taken`)
    }
    names.add(module.name)
    groups.add(module.group.identifier)
  }
  // Typed as the API alone: the modules' groups are known only at run time, and their handlers come with them.
  // biome-ignore lint/suspicious/noExplicitAny: see above
  return modules.reduce<any>((api, module) => api.add(module.group), Api.Api)
}

/**
 * The layer of the modules' handlers.
 *
 * @since 0.1.0
 */
export const handlers = (
  modules: ReadonlyArray<LocalModule>
): Layer.Layer<never, never, Storage.Storage | Settings.Settings | Api.Authentication> =>
  modules
    .reduce<Layer.Layer<never, never, HandlerContext>>((all, module) => Layer.merge(all, module.handlers), Layer.empty)
    .pipe(Layer.provide(LocalModules.accessLayer))
