/**
 * The compliance kit catches violations (issue 17): deliberately broken variants of the reference server
 * (`test/variants/*.ts`, each one fault, built from the real components), each run on its own SQLite file. For each:
 * first a direct example showing that the variant really misbehaves — where the reference server refuses — so that
 * the kit's verdict cannot be vacuous; then the kit, restricted to the variant's rule, must report that rule failed.
 */
import { type EFile, IdentityNumber, Storage, Units, Workflows } from "@tmis/core"
import { exampleBasicInfo } from "@tmis/testkit/arbitraries"
import * as Regulation from "@tmis/testkit/regulation"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import * as Demo from "../src/Demo.js"
import { client, identityNumber, login } from "./support.js"
import {
  creditBookedTwice,
  duplicateIdentity,
  maskingOff,
  type Running,
  reference,
  retryAppliedTwice,
  scopeOff,
  secondSystemAdmin,
  start,
  swappedTransferConfirmations,
  unauditedRead,
  type Variant,
  variants
} from "./variants/index.js"

/** Teachers of the demo: enough for every school the examples use (jaxx, whez, xlzx). */
const demoTeachers = 40

/** Clients of a server acting as demo accounts, each logged in once. */
const actingOn = (running: () => Running) => {
  const tokens = new Map<string, string>()
  return async (accountId: string) => {
    let token = tokens.get(accountId)
    if (token === undefined) {
      token = await login(running().url, accountId)
      tokens.set(accountId, token)
    }
    return client(running().url, token)
  }
}

/** The e-files kept by a unit itself, but the demo transfer's teacher, by id. */
const teachersOf = async (running: Running, unitId: string): Promise<ReadonlyArray<EFile.EFile>> =>
  running.run(
    Effect.gen(function* () {
      const storage = yield* Storage.Storage
      const unit = yield* Units.load(unitId)
      const transfer = yield* storage.workflows.get(Demo.demoTransfer.id)
      const teacher = transfer._tag === "Some" ? transfer.value.value.teacherId : undefined
      const page = yield* storage.teachers.subtree(unit.value.path, { limit: 1000 })
      return page.items.filter((t) => t.unitId === unitId && t.id !== teacher)
    })
  )

/** The kit's seed in this file: a run is reproducible from it. */
const seed = 20261206

/** Run the compliance kit against a running server, restricted to `rules`. */
const runKit = (running: Running, rules: ReadonlyArray<string>) => {
  const [admin] = running.accounts
  return Regulation.run({
    driver: Regulation.httpDriver({ target: running.url, accounts: { systemAdmin: admin! } }),
    seed,
    rules
  })
}

/**
 * The kit, restricted to the variant's rule, reports that rule failed — for the violation itself: not because it
 * could not build its units and accounts or set the case up (a failure that would say nothing about the rule).
 */
const kitCatches = (variant: Variant, running: () => Running, violation: RegExp) =>
  it(`${variant.rule} the kit catches a server where ${variant.broken}`, async () => {
    let result = await runKit(running(), [variant.rule])
    const setUp = result.results[0]?.message?.match(/could not build .*/)?.[0]
    if (setUp !== undefined) {
      // Not a verdict on the rule (the kit never reached it): say why, and run the kit once more.
      console.warn(`${variant.rule}: ${setUp}; running the kit once more`)
      result = await runKit(running(), [variant.rule])
    }
    expect(result.results.map((r) => [r.rule, r.status])).toEqual([[variant.rule, "failed"]])
    const [found] = result.results
    expect(found!.message).toBeDefined()
    expect(found!.message).not.toMatch(/could not (build|set up)/)
    expect(found!.message).toMatch(violation)
    expect(found!.evidence.length).toBeGreaterThan(0)
    expect(found!.counterexample ?? "").not.toBe("")
  }, 90_000)

/** The reference server, started once for every comparison (each example acts on teachers of its own). */
let referenceServer: Running | undefined
const referenceAs = actingOn(() => {
  if (referenceServer === undefined) throw new Error("the reference server did not start")
  return referenceServer
})

beforeAll(async () => {
  referenceServer = await start(reference, { demo: demoTeachers })
}, 60_000)

afterAll(async () => {
  await referenceServer?.close()
})

/** Start `variant` (on its own SQLite file, demo seeded) for a describe block. */
const pairOf = (variant: Variant) => {
  let running: Running | undefined
  beforeAll(async () => {
    running = await start(variant, { demo: demoTeachers })
  }, 60_000)
  afterAll(async () => {
    await running?.close()
  })
  const get = () => {
    if (running === undefined || referenceServer === undefined) throw new Error("the servers did not start")
    return { reference: referenceServer, variant: running }
  }
  return { get, reference: referenceAs, variant: actingOn(() => get().variant) }
}

describe(`the variant "${secondSystemAdmin.name}" (${secondSystemAdmin.rule})`, () => {
  const servers = pairOf(secondSystemAdmin)

  it("M14.4 the variant gives a unit a second active system admin, which the reference server refuses", async () => {
    const second = {
      id: "sa-jaxx-2",
      role: "systemAdmin",
      person: { name: "第二管理员", identityNumber: identityNumber("420102", "1985-01-01", 901) }
    }
    const refused = await (await servers.reference("sa-jiangan")).post("/units/jaxx/accounts", second)
    expect([refused.status, refused.body.rule]).toEqual([422, "M14.4"])

    const bureau = await servers.variant("sa-jiangan")
    const created = await bureau.post("/units/jaxx/accounts", second)
    expect(created.status).toBe(201)
    const listed = await bureau.get("/units/jaxx/accounts?limit=100")
    expect(listed.status).toBe(200)
    const admins = listed.body.items.filter(
      (a: { role: string; status: string }) => a.role === "systemAdmin" && a.status === "active"
    )
    expect(admins.map((a: { id: string }) => a.id).sort()).toEqual(["sa-jaxx", "sa-jaxx-2"])
  })

  kitCatches(
    secondSystemAdmin,
    () => servers.get().variant,
    /system admins? of .* (were accepted|active system admins)|second system admin/
  )
})

describe(`the variant "${swappedTransferConfirmations.name}" (${swappedTransferConfirmations.rule})`, () => {
  const servers = pairOf(swappedTransferConfirmations)

  it("M23.1 the variant takes the sending school's confirmation before the receiving bureau's, which the reference server refuses", async () => {
    const transfer = async (as: (id: string) => Promise<ReturnType<typeof client>>, running: Running) => {
      const teacher = (await teachersOf(running, "jaxx"))[0]!
      const body = { teacherId: teacher.id, toUnitId: "xlzx", effective: "2027-03-01", reason: "工作需要" }
      const initiated = await (await as("ia-xlzx")).post("/transfers", body)
      expect(initiated.status).toBe(201)
      return initiated.body as { id: string; version: number; state: string }
    }
    // The reference server: the sending school is refused before the receiving bureau, naming M23.2 (out of order).
    const onReference = await transfer(servers.reference, servers.get().reference)
    expect(onReference.state).toBe("awaitingReceivingBureau")
    const early = await (await servers.reference("ia-jaxx")).post(`/workflows/${onReference.id}/actions`, {
      type: "confirm",
      expectedVersion: onReference.version
    })
    expect([early.status, early.body.rule]).toEqual([403, "M23.2"])

    // The variant: sending school, then receiving bureau, then sending bureau — and the transfer completes.
    const onVariant = await transfer(servers.variant, servers.get().variant)
    let version = onVariant.version
    for (const account of ["ia-jaxx", "ia-xiling", "ia-jiangan"]) {
      const acted = await (await servers.variant(account)).post(`/workflows/${onVariant.id}/actions`, {
        type: "confirm",
        expectedVersion: version
      })
      expect([account, acted.status]).toEqual([account, 200])
      version = acted.body.version
    }
    const read = await (await servers.variant("ia-xlzx")).get(`/workflows/${onVariant.id}`)
    expect(read.body.state).toBe("completed")
    const stored = await servers.get().variant.run(Workflows.get(onVariant.id))
    expect(stored.value.context.history.map((step) => step.actor)).toEqual([
      "ia-xlzx",
      "ia-jaxx",
      "ia-xiling",
      "ia-jiangan"
    ])
  })

  kitCatches(swappedTransferConfirmations, () => servers.get().variant, /which the order allows|out of the fixed order/)
})

describe(`the variant "${scopeOff.name}" (${scopeOff.rule})`, () => {
  const servers = pairOf(scopeOff)

  it("M14.3 the variant lets a school's info admin read a sibling school's e-file on one endpoint, which the reference server refuses", async () => {
    const [onReference] = await teachersOf(servers.get().reference, "whez")
    const refused = await (await servers.reference("ia-jaxx")).get(`/efiles/${onReference!.id}`)
    expect([refused.status, refused.body.rule]).toEqual([403, "M14.3"])

    const [onVariant] = await teachersOf(servers.get().variant, "whez")
    const school = await servers.variant("ia-jaxx")
    const read = await school.get(`/efiles/${onVariant!.id}`)
    expect(read.status).toBe(200)
    expect(read.body.efile.unitId).toBe("whez")
    // Only that endpoint: the listing of the sibling school is still refused.
    const listed = await school.get("/units/whez/efiles")
    expect([listed.status, listed.body.rule]).toEqual([403, "M14.3"])
  })

  kitCatches(scopeOff, () => servers.get().variant, /readEFile at .*outside its subtree: accepted/)
})

describe(`the variant "${maskingOff.name}" (${maskingOff.rule})`, () => {
  const servers = pairOf(maskingOff)

  it("M37.2 the variant shows an info query-er the whole identity number, which the reference server masks", async () => {
    const [onReference] = await teachersOf(servers.get().reference, "jaxx")
    const masked = await (await servers.reference("iq-jaxx")).get(`/efiles/${onReference!.id}`)
    expect(masked.status).toBe(200)
    expect(masked.body.efile.idNumber).not.toBe(onReference!.idNumber)

    const [onVariant] = await teachersOf(servers.get().variant, "jaxx")
    const queryer = await servers.variant("iq-jaxx")
    const read = await queryer.get(`/efiles/${onVariant!.id}`)
    expect(read.status).toBe(200)
    expect(read.body.efile.idNumber).toBe(onVariant!.idNumber)
    expect(read.body.efile.idNumber).not.toBe(IdentityNumber.mask(onVariant!.idNumber))
    const listed = await queryer.get("/units/jaxx/efiles?limit=100")
    expect(listed.status).toBe(200)
    const item = listed.body.items.find((e: { id: string }) => e.id === onVariant!.id)
    expect(item.idNumber).toBe(onVariant!.idNumber)
  })

  kitCatches(maskingOff, () => servers.get().variant, /in full/)
})

describe(`the variant "${duplicateIdentity.name}" (${duplicateIdentity.rule})`, () => {
  const servers = pairOf(duplicateIdentity)

  it("M17.4 the variant keeps a second active e-file of one identity number, which the reference server refuses", async () => {
    const hire = (running: Running) => async () => {
      const [existing] = await teachersOf(running, "whez")
      return {
        unitId: "jaxx",
        basicInfo: exampleBasicInfo({
          name: existing!.name,
          idType: existing!.idType,
          idNumber: existing!.idNumber
        }),
        employment: { onEstablishment: true, postCategory: "1" }
      }
    }
    const refused = await (await servers.reference("ia-jaxx")).post("/efiles", await hire(servers.get().reference)())
    expect([refused.status, refused.body.rule]).toEqual([409, "M17.4"])

    const accepted = await (await servers.variant("ia-jaxx")).post("/efiles", await hire(servers.get().variant)())
    expect(accepted.status).toBe(201)
  })

  kitCatches(duplicateIdentity, () => servers.get().variant, /second e-file .* was accepted/)
})

describe(`the variant "${unauditedRead.name}" (${unauditedRead.rule})`, () => {
  const servers = pairOf(unauditedRead)

  const readsOf = async (as: (id: string) => Promise<ReturnType<typeof client>>, teacherId: string) => {
    const found = await (await as("sa-hubei")).get(`/audit?object=${encodeURIComponent(`teacher:${teacherId}`)}`)
    expect(found.status).toBe(200)
    return found.body.items.filter((r: { action: string }) => r.action === "efile.read")
  }

  it("M37.1 the variant leaves no audit record of a read of an e-file, which the reference server records", async () => {
    const [onReference] = await teachersOf(servers.get().reference, "jaxx")
    expect((await (await servers.reference("ia-jaxx")).get(`/efiles/${onReference!.id}`)).status).toBe(200)
    // (The reference server is shared: other examples read its e-files too.)
    expect(
      (await readsOf(servers.reference, onReference!.id)).filter((r: { actor: string }) => r.actor === "ia-jaxx")
    ).toEqual([expect.objectContaining({ actor: "ia-jaxx", outcome: "ok" })])

    const [onVariant] = await teachersOf(servers.get().variant, "jaxx")
    expect((await (await servers.variant("ia-jaxx")).get(`/efiles/${onVariant!.id}`)).status).toBe(200)
    // A refused read is still audited: only the successful read goes unrecorded.
    expect((await (await servers.variant("ia-xlzx")).get(`/efiles/${onVariant!.id}`)).status).toBe(403)
    expect(await readsOf(servers.variant, onVariant!.id)).toEqual([
      expect.objectContaining({ actor: "ia-xlzx", outcome: "refused" })
    ])
  })

  kitCatches(unauditedRead, () => servers.get().variant, /left 0 audit records of a read/)
})

describe(`the variant "${retryAppliedTwice.name}" (${retryAppliedTwice.rule})`, () => {
  const servers = pairOf(retryAppliedTwice)

  it("M23.2 the variant runs a retried command again instead of answering the first answer, as the reference server does", async () => {
    const retried = async (as: (id: string) => Promise<ReturnType<typeof client>>, running: Running) => {
      const teacher = (await teachersOf(running, "jaxx"))[1]!
      const body = { teacherId: teacher.id, toUnitId: "xlzx", effective: "2027-03-01", reason: "工作需要" }
      const receiving = await as("ia-xlzx")
      const first = await receiving.post("/transfers", body, { "idempotency-key": "retry-1" })
      expect(first.status).toBe(201)
      const again = await receiving.post("/transfers", body, { "idempotency-key": "retry-1" })
      return { first, again }
    }
    const onReference = await retried(servers.reference, servers.get().reference)
    expect([onReference.again.status, onReference.again.body]).toEqual([
      onReference.first.status,
      onReference.first.body
    ])

    // The variant decides the retry again: the store's one-open-process index (M24.3) refuses its second application.
    const onVariant = await retried(servers.variant, servers.get().variant)
    expect([onVariant.again.status, onVariant.again.body.rule]).toEqual([409, "M24.3"])
  })

  kitCatches(retryAppliedTwice, () => servers.get().variant, /retried .* not the first answer|applied twice/)
})

describe(`the variant "${creditBookedTwice.name}" (${creditBookedTwice.rule})`, () => {
  const servers = pairOf(creditBookedTwice)

  const confirmed = async (as: (id: string) => Promise<ReturnType<typeof client>>) => {
    const county = await as("ia-jiangan")
    const result = await county.get("/training/results/tr-demo-2")
    expect(result.status).toBe(200)
    const done = await county.post("/training/results/tr-demo-2/confirm", { version: result.body.version })
    expect(done.status).toBe(200)
    const ledger = await county.get(`/efiles/${result.body.teacherId}/credits`)
    expect(ledger.status).toBe(200)
    return ledger.body as { entries: ReadonlyArray<{ kind: string; hours: number }>; balance: { credits: number } }
  }

  it("O9.1 the variant books a confirmed result's credits twice, which the reference server books once", async () => {
    const onReference = await confirmed(servers.reference)
    expect(onReference.entries.filter((e) => e.kind === "confirm")).toHaveLength(1)
    const onVariant = await confirmed(servers.variant)
    expect(onVariant.entries.filter((e) => e.kind === "confirm")).toHaveLength(2)
    expect(onVariant.balance).not.toEqual(onReference.balance)
  })

  kitCatches(creditBookedTwice, () => servers.get().variant, /books 2 confirmations of one result/)
})

describe("the reference server", () => {
  it(`${variants.map((v) => v.rule).join(" ")} the reference server passes the checks that catch the variants`, async () => {
    if (referenceServer === undefined) throw new Error("the reference server did not start")
    const result = await runKit(
      referenceServer,
      variants.map((v) => v.rule)
    )
    const byRule = (a: ReadonlyArray<unknown>, b: ReadonlyArray<unknown>) => String(a[0]).localeCompare(String(b[0]))
    expect(result.results.map((r) => [r.rule, r.status, r.message]).sort(byRule)).toEqual(
      variants.map((v) => [v.rule, "passed", undefined]).sort(byRule)
    )
  }, 90_000)
})
