/**
 * The handlers of the province → national exchange (M32.1): check the caller runs the exchange
 * (`Exchange.authorizeOperator`), read the package's files, call the `Exchange` service with the configured keys
 * (`ExchangeKeys`), and write the package's files back.
 *
 * @since 0.1.0
 */

import { randomUUID } from "node:crypto"
import { HttpApiBuilder, type HttpApiGroup } from "@effect/platform"
import { Exchange, ExchangePackage, Refusal, type Settings, type Storage, TransfersAcross } from "@tmis/core"
import { Effect, Either, type Layer, Option } from "effect"
import * as Api from "./Api.js"
import { refusals } from "./ApiError.js"
import { ExchangeKeys } from "./ExchangeKeys.js"

const notConfigured = (variable: string) =>
  Refusal.invalid("M32.1", "本系统未配置交换密钥", `this deployment has no exchange key configured (${variable})`, {
    field: variable
  })

const key = (pick: (keys: ExchangeKeys["Type"]) => string | undefined, variable: string) =>
  Effect.flatMap(ExchangeKeys, (keys) => {
    const value = pick(keys)
    return value === undefined ? Effect.fail(notConfigured(variable)) : Effect.succeed(value)
  })

const privateKey = key((k) => k.privateKey, "TMIS_EXCHANGE_PRIVATE_KEY")

/** The operator's command: the caller runs the exchange of this deployment (M32.1), then `f`. */
const asOperator = <A, E, R>(f: Effect.Effect<A, E, R>) =>
  Effect.flatMap(Api.CurrentActor, (actor) => Effect.zipRight(Exchange.authorizeOperator(actor), f))

const filesOf = (pkg: ExchangePackage.Package) => ({ files: ExchangePackage.toFiles(pkg) })

const packageOf = (payload: { readonly files: { readonly [name: string]: string } }) =>
  Either.match(ExchangePackage.fromFiles(payload.files), { onLeft: Effect.fail, onRight: Effect.succeed })

const transferAcrossView = ({ value: t, version }: Storage.Versioned<Storage.TransferAcross>) => ({
  id: t.id,
  province: t.province,
  teacherId: t.context.teacher.id,
  state: t.state,
  open: t.open,
  withdrawalAsked: t.context.across?.withdrawal !== undefined,
  ...(t.context.across?.held === undefined
    ? {}
    : { held: { ...t.context.across.held, credits: t.context.across.held.credits.length } }),
  createdAt: t.createdAt,
  version
})

const exchange = HttpApiBuilder.group(Api.Api, "exchange", (handlers) =>
  handlers
    .handle("exchangeExport", ({ payload }) =>
      asOperator(
        Effect.flatMap(privateKey, (k) =>
          Exchange.exportNext({
            privateKey: k,
            ...(payload.maxEvents === undefined ? {} : { maxEvents: payload.maxEvents })
          })
        )
      ).pipe(Effect.map(Option.match({ onNone: () => ({}), onSome: (pkg) => ({ package: filesOf(pkg) }) })), refusals)
    )
    .handle("exchangeSent", ({ path }) =>
      asOperator(Exchange.sentPackage(Exchange.national, "changes", path.sequence)).pipe(Effect.map(filesOf), refusals)
    )
    .handle("exchangeImportFeedback", ({ payload }) =>
      asOperator(
        Effect.flatMap(
          Effect.zip(
            packageOf(payload),
            key((k) => k.nationalPublicKey, "TMIS_EXCHANGE_NATIONAL_KEY")
          ),
          ([pkg, nationalKey]) => Exchange.importFeedback(pkg, nationalKey)
        )
      ).pipe(refusals)
    )
    .handle("exchangeIngest", ({ payload }) =>
      asOperator(
        Effect.flatMap(Effect.zip(packageOf(payload), ExchangeKeys), ([pkg, keys]) =>
          Exchange.ingest(pkg, keys.provinces)
        )
      ).pipe(refusals)
    )
    .handle("exchangeFeedback", ({ payload }) =>
      asOperator(Effect.flatMap(privateKey, (k) => Exchange.feedback(payload.province, { privateKey: k }))).pipe(
        Effect.map(filesOf),
        refusals
      )
    )
    .handle("exchangeTransfersExport", ({ payload }) =>
      asOperator(
        Effect.flatMap(privateKey, (k) =>
          TransfersAcross.exportMessages(payload.province, {
            privateKey: k,
            ...(payload.maxMessages === undefined ? {} : { maxMessages: payload.maxMessages })
          })
        )
      ).pipe(Effect.map(Option.match({ onNone: () => ({}), onSome: (pkg) => ({ package: filesOf(pkg) }) })), refusals)
    )
    .handle("exchangeTransfersSent", ({ path }) =>
      asOperator(Exchange.sentPackage(path.province, "transfer", path.sequence)).pipe(Effect.map(filesOf), refusals)
    )
    .handle("exchangeTransfersIngest", ({ payload }) =>
      asOperator(
        Effect.flatMap(Effect.zip(packageOf(payload), ExchangeKeys), ([pkg, keys]) =>
          TransfersAcross.ingestMessages(pkg, keys.provinces)
        )
      ).pipe(refusals)
    )
    .handle("initiateTransferAcross", ({ payload, headers }) =>
      Effect.flatMap(Api.CurrentActor, (actor) =>
        TransfersAcross.initiate(
          actor,
          { id: randomUUID(), teacherId: randomUUID(), ...payload },
          { idempotencyKey: headers["idempotency-key"] }
        )
      ).pipe(Effect.map(transferAcrossView), refusals)
    )
    .handle("getTransferAcross", ({ path }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => TransfersAcross.read(actor, path.transferId)).pipe(
        Effect.map(transferAcrossView),
        refusals
      )
    )
    .handle("actTransferAcross", ({ path, payload }) =>
      Effect.flatMap(Api.CurrentActor, (actor) => {
        const { expectedVersion, ...action } = payload
        return TransfersAcross.act(actor, path.transferId, action, expectedVersion)
      }).pipe(Effect.map(transferAcrossView), refusals)
    )
)

/**
 * @since 0.1.0
 */
export const exchangeHandlers: Layer.Layer<
  HttpApiGroup.ApiGroup<"tmis", "exchange">,
  never,
  Storage.Storage | Settings.Settings | Api.Authentication | ExchangeKeys
> = exchange
