/**
 * The tmis HTTP API as data: every endpoint with its path, its request and response Schemas and its errors, one group
 * a module (`UnitsApi.ts`, `EFilesApi.ts`, …, each built from `ApiBase.ts`). The handlers live in `Handlers.ts` and
 * the groups' `*Handlers.ts`; the OpenAPI 3.1 document at `/openapi.json` is generated from this definition.
 *
 * Request bodies refuse unknown keys (no mass assignment); the core decides everything else and its refusals come
 * back with their rule ids (see `ApiError.ts`).
 *
 * @since 0.1.0
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { AccountsGroup } from "./AccountsApi.js"
import * as ApiError from "./ApiError.js"
import { AuditGroup } from "./AuditApi.js"
import { AuthGroup } from "./AuthApi.js"
import { ChangeRequestsGroup } from "./ChangeRequestsApi.js"
import { EFilesGroup } from "./EFilesApi.js"
import { ExchangeGroup } from "./ExchangeApi.js"
import { ImportsGroup } from "./ImportsApi.js"
import { IndicatorsGroup } from "./IndicatorsApi.js"
import * as OpenApiDocument from "./OpenApiDocument.js"
import { RegistrationGroup } from "./RegistrationApi.js"
import { ReportsGroup } from "./ReportsApi.js"
import { SharedEFilesGroup, SharingGroup } from "./SharingApi.js"
import { StatisticsGroup } from "./StatisticsApi.js"
import { TrainingGroup, TrainingProvidersGroup } from "./TrainingApi.js"
import { UnitsGroup } from "./UnitsApi.js"
import { WorkflowsGroup } from "./WorkflowsApi.js"

export * from "./AccountsApi.js"
export { Authentication, CurrentActor, PageParams, sessionCookie } from "./ApiBase.js"
export * from "./AuditApi.js"
export * from "./AuthApi.js"
export * from "./EFilesApi.js"
export * from "./ImportsApi.js"
export * from "./UnitsApi.js"
export * from "./WorkflowsApi.js"

/**
 * The API without its groups: its id and the errors every endpoint may answer. A local module (M27.1,
 * `LocalModule.ts`) builds its handlers against `Base.add(itsGroup)`, so that its handlers may fail with the same
 * errors as the API's own.
 *
 * @since 0.1.0
 */
export const Base = HttpApi.make("tmis")
  .addError(ApiError.BadRequest)
  .addError(ApiError.Unauthenticated)
  .addError(ApiError.Forbidden)
  .addError(ApiError.NotFound)
  .addError(ApiError.Conflict)
  .addError(ApiError.PayloadTooLarge)
  .addError(ApiError.Unprocessable)
  .addError(ApiError.Timeout)
  .addError(ApiError.MethodNotAllowed)
  .addError(ApiError.LengthRequired)
  .addError(ApiError.UnsupportedMediaType)

/**
 * The whole API.
 *
 * @since 0.1.0
 */
export class Api extends Base.add(AuthGroup)
  .add(UnitsGroup)
  .add(AccountsGroup)
  .add(EFilesGroup)
  .add(ImportsGroup)
  .add(WorkflowsGroup)
  .add(AuditGroup)
  .add(IndicatorsGroup)
  .add(RegistrationGroup)
  .add(ReportsGroup)
  .add(StatisticsGroup)
  .add(TrainingGroup)
  .add(TrainingProvidersGroup)
  .add(SharingGroup)
  .add(SharedEFilesGroup)
  .add(ExchangeGroup)
  .add(ChangeRequestsGroup)
  .annotate(OpenApi.Title, "tmis — National Teacher Management Information System (全国教师管理信息系统)")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "The reference server of the tmis SDK. Every refusal names the rule of the regulation it enforces (rule, zh, en). " +
      "Each operation says who may call it; besides, every call with a session is refused when the account is " +
      "disabled (M14.3) or when the deployment requires a bound CA certificate for its role and the connection does " +
      "not present it (M14.2)."
  )
  // 405 with `Allow` on every operation; 411, 413, 415 only where a body is read; 503 only on reads (`Server.ts`).
  .annotate(OpenApi.Transform, OpenApiDocument.serverStatuses) {}
