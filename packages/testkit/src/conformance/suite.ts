/**
 * The storage conformance suite: what every implementation of the storage port must do, checked through the port
 * and the services, one module per area of the regulation (see {@link Area}). {@link storageConformance} runs them
 * all, or the `areas` asked for; each area's function registers that area alone.
 *
 * @since 0.1.0
 */
import { afterAll, describe } from "vitest"
import { accountsConformance } from "./accounts.js"
import { auditConformance } from "./audit.js"
import { credentialsConformance } from "./auth.js"
import { batchImportConformance } from "./batchImport.js"
import { changesConformance } from "./changes.js"
import { crashConformance } from "./crash.js"
import { creditsConformance } from "./credits.js"
import { efilesConformance } from "./efiles.js"
import { exchangeConformance } from "./exchange.js"
import { hierarchyConformance } from "./hierarchy.js"
import { idempotencyConformance } from "./idempotency.js"
import { inboxConformance } from "./inbox.js"
import { modelConformance } from "./model.js"
import * as Race from "./race.js"
import { registrationsConformance } from "./registrations.js"
import { reviewConformance } from "./review.js"
import { rotationsConformance } from "./rotations.js"
import { searchConformance } from "./search.js"
import { sharingConformance } from "./sharing.js"
import { spotChecksConformance } from "./spotChecks.js"
import { statisticsConformance } from "./statistics.js"
import { subscriptionsConformance } from "./subscriptions.js"
import type { AreaConformance } from "./support.js"
import { tokenNoncesConformance } from "./tokenNonces.js"
import { trainingConformance } from "./training.js"
import { transfersConformance } from "./transfers.js"
import { transfersAcrossConformance } from "./transfersAcross.js"
import type { Area, ConformanceOptions, TestDatabase } from "./types.js"
import { updateCyclesConformance } from "./updateCycles.js"

/**
 * Every area of the suite with its function, in the order the suite runs them.
 *
 * @since 0.1.0
 */
export const areaConformance: { readonly [A in Area]: AreaConformance } = {
  model: modelConformance,
  hierarchy: hierarchyConformance,
  accounts: accountsConformance,
  audit: auditConformance,
  efiles: efilesConformance,
  review: reviewConformance,
  changes: changesConformance,
  batchImport: batchImportConformance,
  transfers: transfersConformance,
  rotations: rotationsConformance,
  inbox: inboxConformance,
  idempotency: idempotencyConformance,
  crash: crashConformance,
  credentials: credentialsConformance,
  credits: creditsConformance,
  training: trainingConformance,
  updateCycles: updateCyclesConformance,
  spotChecks: spotChecksConformance,
  registrations: registrationsConformance,
  sharing: sharingConformance,
  tokenNonces: tokenNoncesConformance,
  subscriptions: subscriptionsConformance,
  exchange: exchangeConformance,
  transfersAcross: transfersAcrossConformance,
  statistics: statisticsConformance,
  search: searchConformance
}

/**
 * Define the storage conformance suite (vitest `describe`/`it`) for a storage: `makeDatabase` makes a fresh,
 * empty database for each test (and for each run of the model-based test). Every area runs, each in a `describe`
 * of its name, unless `options.areas` names some; the areas share one pool of child processes for their races.
 * The tests' names start with the rule they check.
 *
 * @example
 * storageConformance("sqlite", sqliteDatabase)
 * storageConformance("mydb", myDatabase, { areas: ["hierarchy", "accounts"] })
 *
 * @since 0.1.0
 */
export const storageConformance = (
  name: string,
  makeDatabase: () => Promise<TestDatabase>,
  options: ConformanceOptions = {}
): void => {
  const unknown = (options.areas ?? []).filter((a) => !Object.hasOwn(areaConformance, a))
  if (unknown.length > 0) {
    throw new Error(
      `storage conformance: no area ${unknown.join(", ")}; the areas: ${Object.keys(areaConformance).join(", ")}`
    )
  }
  const selected = (Object.keys(areaConformance) as Array<Area>).filter((a) => options.areas?.includes(a) ?? true)

  describe.skipIf(options.skip === true)(`storage conformance: ${name}`, () => {
    const races = Race.pool(options)
    afterAll(() => races.close())
    for (const area of selected) areaConformance[area](makeDatabase, options, races)
  })
}
