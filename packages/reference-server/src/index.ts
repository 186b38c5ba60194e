/**
 * @tmis/server — the reference HTTP server of tmis and the `tmis` command line: the API with its OpenAPI 3.1
 * document and reference page, authentication with sessions and client certificates, the audit of every request.
 *
 * @since 0.1.0
 */
export * as Api from "./Api.js"
export * as ApiError from "./ApiError.js"
export * as Authentication from "./Authentication.js"
export * as Cli from "./Cli.js"
export * as Database from "./Database.js"
export * as Demo from "./Demo.js"
export * as Handlers from "./Handlers.js"
export * as Imports from "./Imports.js"
export * as LocalModule from "./LocalModule.js"
export * as RequestContext from "./RequestContext.js"
export * as Server from "./Server.js"
