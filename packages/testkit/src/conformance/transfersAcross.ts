/**
 * The transfers-between-provinces area of the storage conformance suite (M23.1 across provincial deployments,
 * M32.1, O4.1): two provincial stores of the same kind — Hubei (42) keeps the teacher, Guangdong (44) receives her —
 * whose hierarchies have the same unit ids, so that the other province's units can be told apart only by the mark
 * the protocol gives them. The handshake travels as signed transfer packages between the two; each test reads back
 * what each store holds and verifies both audit chains.
 *
 * @since 0.1.0
 */
import {
  Accounts,
  CreditBank,
  Credits,
  Deployment,
  EFiles,
  type Exchange,
  ExchangePackage,
  type Storage,
  Training,
  type TransferAcross,
  TransfersAcross,
  type Unit,
  Units,
  type Workflows
} from "@tmis/core"
import { Effect, Option } from "effect"
import { expect, it } from "vitest"
import {
  accountChain,
  basicInfo,
  createAccounts,
  createUnits,
  entriesOf,
  getEFile,
  type Harness,
  hire,
  hubei,
  makeEffective,
  onboard,
  person,
  review,
  setup,
  storage,
  units,
  withDatabase,
  woman
} from "./fixtures.js"
import { act, confirm, getWorkflow, initiateTransfer, transferRequest } from "./processes.js"
import { type AreaConformance, area, expectIntact, refusal, type Suite } from "./support.js"

const hubeiKeys = ExchangePackage.generateKeys()
const guangdongKeys = ExchangePackage.generateKeys()
/** 广西 (45): a third province, known to both, with no store here — it only signs packages. */
const guangxiKeys = ExchangePackage.generateKeys()
/** Each province's registry of the others' public keys. */
const keysAt: Record<string, Exchange.KeyRegistry> = {
  "42": { "44": guangdongKeys.publicKey, "45": guangxiKeys.publicKey },
  "44": { "42": hubeiKeys.publicKey, "45": guangxiKeys.publicKey }
}
const privateKeyOf: Record<string, string> = {
  "42": hubeiKeys.privateKey,
  "44": guangdongKeys.privateKey,
  "45": guangxiKeys.privateKey
}
const guangdong = Deployment.provincial("44")

const codeOf = (h: Harness) => (h.deployment._tag === "Provincial" ? h.deployment.provinceCode : "")

/** The next transfer package of `h` to `recipient`, or undefined when no message waits. */
const exportTo = (h: Harness, recipient: string) =>
  h.run(TransfersAcross.exportMessages(recipient, { privateKey: privateKeyOf[codeOf(h)]! })).then(Option.getOrUndefined)

const ingest = (h: Harness, pkg: ExchangePackage.Package) =>
  h.result(TransfersAcross.ingestMessages(pkg, keysAt[codeOf(h)]!))

/** Carry the waiting messages of `from` to `to`: the package (undefined when none) after it was applied. */
const relay = async (from: Harness, to: Harness) => {
  const pkg = await exportTo(from, codeOf(to))
  if (pkg !== undefined) expect(await ingest(to, pkg)).toMatchObject({ ok: true, value: { outcome: "applied" } })
  return pkg
}

/** The messages of a transfer package. */
const messagesOf = (pkg: ExchangePackage.Package): Array<ExchangePackage.TransferMessage> =>
  (pkg.files["messages.ndjson"] ?? "")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l))

/** A transfer package of `issuer` to `recipient` numbered `sequence` after the outbox position `from`, signed. */
const signed = (
  issuer: string,
  recipient: string,
  sequence: number,
  from: number,
  messages: ReadonlyArray<Omit<ExchangePackage.TransferMessage, "seq">>
) =>
  ExchangePackage.transferMessages({
    issuer,
    recipient,
    sequence,
    from,
    to: from + messages.length,
    messages: messages.map((m, i) => ({ ...m, seq: from + i + 1 })),
    privateKey: privateKeyOf[issuer]!
  })

/** The audit records of `action`. */
const audited = async (h: Harness, action: string) =>
  (await h.run(Effect.flatMap(storage, (s) => s.audit.list({ limit: 1000 })))).items.filter((r) => r.action === action)

const request = (id: string, idNumber: string): TransfersAcross.Request => ({
  id,
  teacherId: `gd-${id}`,
  fromProvince: "42",
  idType: "1",
  idNumber,
  toUnitId: "s2",
  effective: "2026-09-01",
  reason: "夫妻团聚"
})

const initiate = (h: Harness, by: string, r: TransfersAcross.Request) =>
  h.result(Effect.flatMap(Accounts.actorOf(by), (a) => TransfersAcross.initiate(a, r)))

const actHere = (h: Harness, by: string, id: string, action: Workflows.Action, version: number) =>
  h.result(Effect.flatMap(Accounts.actorOf(by), (a) => TransfersAcross.act(a, id, action, version)))

const received = (h: Harness, id: string) =>
  h.run(Effect.flatMap(storage, (s) => s.transfersAcross.get(id))).then(Option.getOrUndefined)

/** Guangdong with Hubei's hierarchy and accounts of `setup`: the same unit ids, its own codes (44…). */
const setupGuangdong = async (gd: Harness) => {
  // 广州市 440100, 荔湾区 440103 (GB/T 2260); the schools' codes with Guangdong's digits.
  const codes: Record<string, string> = { hubei: "440000", wuhan: "440100", jiangan: "440103" }
  const own = <U extends Unit.NewUnit>(unit: U): U => ({
    ...unit,
    code: codes[unit.id] ?? unit.code.replace("42", "44")
  })
  await gd.run(
    Effect.gen(function* () {
      yield* Accounts.bootstrap(own(units.province), { id: "sa-root", person })
      const admin = yield* Accounts.actorOf("sa-root")
      yield* Accounts.create(admin, { id: "ia-root", role: "infoAdmin", person }, units.province.id)
    })
  )
  await createUnits(gd, [
    [own(units.wuhan), "hubei"],
    [own(units.jiangan), "wuhan"],
    [own(units.school1), "jiangan"],
    [own(units.school2), "jiangan"],
    [own(units.department), "s1"]
  ])
  await createAccounts(gd, accountChain)
}

/** Hubei with the teacher `t<n>` at s1, her basic information effective; Guangdong with the same hierarchy. */
const twoProvinces = async (hb: Harness, gd: Harness, teachers: ReadonlyArray<number>) => {
  await setup(hb)
  await setupGuangdong(gd)
  for (const n of teachers) {
    await onboard(hb, "ia-s1", hire(`t${n}`, "s1", basicInfo({ idNumber: woman(n) })))
    await makeEffective(hb, `t${n}-basic`, "ia-s1", "ia-jiangan")
  }
}

/** Guangdong's school s2 initiates and its bureau confirms: the request waits in Guangdong's outbox. */
const requested = async (gd: Harness, id: string, n: number) => {
  expect(refusal(await initiate(gd, "ia-s2", request(id, woman(n))))).toBe("ok")
  expect(refusal(await actHere(gd, "ia-jiangan", id, confirm, 1))).toBe("ok")
}

const both = (f: (hb: Harness, gd: Harness) => Promise<void>) => (makeDatabase: Suite["makeDatabase"]) =>
  withDatabase(makeDatabase, hubei, (hb) => withDatabase(makeDatabase, guangdong, (gd) => f(hb, gd)))

const happyPath = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.1 M32.1 O4.1 a transfer between two provincial stores: the receiving school initiates and its bureau confirms, the sending school and bureau confirm, the e-file is released there and created here with its core records and its credits converted by the receiving province's rule",
    { timeout },
    () =>
      both(async (hb, gd) => {
        await twoProvinces(hb, gd, [1])
        await requested(gd, "x1", 1)
        expect(await received(gd, "x1")).toMatchObject({ value: { state: "awaitingSendingSchool", open: true } })
        // The sending side's steps are not Guangdong's to take (M23.2).
        expect(refusal(await actHere(gd, "ia-s1", "x1", confirm, 2))).toEqual(["forbidden", "M23.2"])

        const req = await exportTo(gd, "42")
        expect(req?.manifest).toMatchObject({ kind: "transfer", issuer: "44", province: "42", sequence: 1, from: 0 })
        expect(
          req?.files["messages.ndjson"]
            ?.split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l).type)
        ).toEqual(["request"])
        expect(await ingest(hb, req!)).toMatchObject({ ok: true, value: { outcome: "applied" } })
        const opened = await getWorkflow(hb, "x1")
        expect(opened?.value).toMatchObject({ state: "awaitingSendingSchool", teacherId: "t1", open: true })
        expect(opened?.value.context.from.id).toBe("s1")
        expect(opened?.value.context.to.path.startsWith("/@44/")).toBe(true)
        // Hubei's own s2 (the same id as Guangdong's receiving school) is not the receiving school: the other
        // province's unit lies outside every subtree of Hubei's (M14.3).
        expect(refusal(await act(hb, "ia-s2", "x1", { type: "withdraw", reason: "冒名撤回" }, 1))).toEqual([
          "forbidden",
          "M14.3"
        ])

        // Credits confirmed in Hubei, by Hubei's rule: they follow the e-file (O4.1, O9.1).
        const hubeiRule: CreditBank.CreditRule = {
          id: "hubei-2024",
          version: 1,
          province: "hubei",
          hoursPerCredit: { course: 12, practice: 24 }
        }
        const made = { id: "cr1", key: "result:r1", unitId: "jiangan", actor: "ia-jiangan", at: "2026-03-02T00:00:00Z" }
        const held = CreditBank.confirmation(made, {
          teacherId: "t1",
          projectId: "c1",
          form: "course",
          hours: 36,
          day: "2026-03-01",
          rule: hubeiRule
        })
        await hb.run(Effect.flatMap(storage, (s) => s.credits.append([held])))

        expect(refusal(await act(hb, "ia-s1", "x1", confirm, 1))).toBe("ok")
        expect(refusal(await act(hb, "ia-jiangan", "x1", confirm, 2))).toBe("ok")
        expect((await getWorkflow(hb, "x1"))?.value).toMatchObject({ state: "completed", open: false })
        const released = await getEFile(hb, "t1")
        expect(released?.value).toMatchObject({ status: "transferredOut", unitId: "s1" })

        const rel = await relay(hb, gd)
        expect(rel?.manifest).toMatchObject({ kind: "transfer", issuer: "42", province: "44", sequence: 1 })
        const done = await received(gd, "x1")
        expect(done?.value).toMatchObject({ state: "completed", open: false })
        expect(done?.value.context.from).toMatchObject({ id: "s1", path: "/@42/hubei/wuhan/jiangan/s1/" })
        expect(done?.value.context.history.map((i) => [i.type, i.actor])).toEqual([
          ["initiate", "ia-s2"],
          ["confirm", "ia-jiangan"],
          ["confirm", "@42/ia-s1"],
          ["confirm", "@42/ia-jiangan"]
        ])
        const created = await getEFile(gd, "gd-x1")
        expect(created?.value).toMatchObject({ unitId: "s2", status: "serving", idNumber: woman(1), name: "李老师" })
        const entries = await entriesOf(gd, "gd-x1")
        expect(entries.map((e) => [e.value.group, e.value.review.state]).sort()).toEqual([
          ["basicInfo", "effective"],
          ["workHistory", "effective"]
        ])
        const ledger = await gd.run(Credits.ledger("gd-x1"))
        const guangdongRule = await gd.run(Effect.flatMap(Units.load("s2"), (u) => Training.ruleOfTeacher(u.value)))
        expect(ledger.entries.map((e) => [e.kind, e.id, e.hours, e.credits, e.rule.id, e.settles?.id])).toEqual([
          ["confirm", "@42/cr1", 36, held.credits, "hubei-2024", undefined],
          [
            "convert",
            "convert-x1.@42/cr1",
            36,
            CreditBank.convert(guangdongRule, 36, "course"),
            guangdongRule.id,
            "@42/cr1"
          ]
        ])
        expect(ledger.balance.available.credits).toBe(CreditBank.convert(guangdongRule, 36, "course"))
        // Guangdong's s2 reads the new e-file like any of its own.
        const read = await gd.result(Effect.flatMap(Accounts.actorOf("ia-s2"), (a) => EFiles.read(a, "gd-x1")))
        expect(refusal(read)).toBe("ok")

        // Nothing more to say either way; both chains verify.
        expect(await exportTo(gd, "42")).toBeUndefined()
        expect(await exportTo(hb, "44")).toBeUndefined()
        await expectIntact(hb)
        await expectIntact(gd)
      })(makeDatabase)
  )
}

const refusals = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.1 M24.3 a refusal travels back: the sending school rejects with its reason, an unknown identity or an open process is refused by the sending store; the receiving transfer ends rejected, the e-file stays",
    { timeout },
    () =>
      both(async (hb, gd) => {
        await twoProvinces(hb, gd, [1, 2])
        await requested(gd, "x1", 1)
        await requested(gd, "x2", 9)
        await relay(gd, hb)
        // No e-file of identity 9 in Hubei: refused at once, no process opened.
        expect(await getWorkflow(hb, "x2")).toBeUndefined()
        expect(refusal(await act(hb, "ia-s1", "x1", { type: "reject", reason: "教学任务未完成" }, 1))).toBe("ok")
        await relay(hb, gd)
        const rejected = await received(gd, "x1")
        expect(rejected?.value).toMatchObject({ state: "rejected", open: false })
        expect(rejected?.value.context.rejection).toMatchObject({ actor: "@42/ia-s1", state: "awaitingSendingSchool" })
        expect(rejected?.value.context.rejection?.reason).toContain("教学任务未完成")
        expect((await received(gd, "x2"))?.value).toMatchObject({ state: "rejected", open: false })
        expect((await received(gd, "x2"))?.value.context.rejection?.reason).toContain("M23.1")
        expect((await getEFile(hb, "t1"))?.value.status).not.toBe("transferredOut")
        expect(await getEFile(gd, "gd-x1")).toBeUndefined()

        // A teacher in an open process is not requested twice (M24.3).
        await requested(gd, "x3", 2)
        await requested(gd, "x4", 2)
        await relay(gd, hb)
        expect((await getWorkflow(hb, "x3"))?.value.open).toBe(true)
        expect(await getWorkflow(hb, "x4")).toBeUndefined()
        await relay(hb, gd)
        expect((await received(gd, "x4"))?.value.context.rejection?.reason).toContain("M24.3")
        // An identity active in the receiving province is not transferred in (M17.4).
        await onboard(gd, "ia-s1", hire("g7", "s1", basicInfo({ idNumber: woman(7) })))
        expect(refusal(await initiate(gd, "ia-s2", request("x7", woman(7))))).toEqual(["conflict", "M17.4"])
        await expectIntact(hb)
        await expectIntact(gd)
      })(makeDatabase)
  )
}

const withdrawals = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M23.2 a withdrawal after the request left is the sending side's to decide: before its last confirmation the transfer ends withdrawn on both sides; after its release the release stands and the receiving side completes",
    { timeout },
    () =>
      both(async (hb, gd) => {
        await twoProvinces(hb, gd, [1, 2])
        await requested(gd, "x1", 1)
        await requested(gd, "x2", 2)
        await relay(gd, hb)
        // x1: withdrawn while Hubei's school has not confirmed.
        expect(refusal(await actHere(gd, "ia-s2", "x1", { type: "withdraw", reason: "本人放弃" }, 2))).toBe("ok")
        expect((await received(gd, "x1"))?.value).toMatchObject({ state: "awaitingSendingSchool", open: true })
        expect(refusal(await actHere(gd, "ia-s2", "x1", { type: "withdraw", reason: "再撤一次" }, 3))).toEqual([
          "invalid",
          "M23.2"
        ])
        // x2: Hubei releases while the withdrawal is on its way.
        expect(refusal(await act(hb, "ia-s1", "x2", confirm, 1))).toBe("ok")
        expect(refusal(await act(hb, "ia-jiangan", "x2", confirm, 2))).toBe("ok")
        expect(refusal(await actHere(gd, "ia-s2", "x2", { type: "withdraw", reason: "本人放弃" }, 2))).toBe("ok")
        await relay(gd, hb)
        expect((await getWorkflow(hb, "x1"))?.value).toMatchObject({ state: "withdrawn", open: false })
        expect((await getWorkflow(hb, "x2"))?.value).toMatchObject({ state: "completed" })
        const answer = await relay(hb, gd)
        expect(
          answer?.files["messages.ndjson"]
            ?.split("\n")
            .filter((l) => l !== "")
            .map((l) => [JSON.parse(l).transfer, JSON.parse(l).type])
        ).toEqual([
          ["x2", "released"],
          ["x1", "withdrawn"]
        ])
        expect((await received(gd, "x1"))?.value).toMatchObject({ state: "withdrawn", open: false })
        expect((await received(gd, "x1"))?.value.context.withdrawal).toMatchObject({
          actor: "ia-s2",
          reason: "本人放弃"
        })
        expect((await received(gd, "x2"))?.value).toMatchObject({ state: "completed", open: false })
        // M37.1: the school's request and the sending side's answer are told apart in the audit log.
        expect((await audited(gd, "transfer.withdraw")).map((r) => r.object)).toEqual(["transfer:x1", "transfer:x2"])
        expect((await audited(gd, "transfer.withdrawn")).map((r) => r.object)).toEqual(["transfer:x1"])
        expect((await getEFile(gd, "gd-x2"))?.value.status).toBe("serving")
        expect((await getEFile(hb, "t1"))?.value.status).not.toBe("transferredOut")
        await expectIntact(hb)
        await expectIntact(gd)
      })(makeDatabase)
  )
}

const onceInOrder = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M32.1 M23.2 every transfer package is applied once and in sequence: a duplicate changes nothing, a gap is refused and named, another package under a used number, a changed file, another province's package or key are refused",
    { timeout },
    () =>
      both(async (hb, gd) => {
        await twoProvinces(hb, gd, [1, 2])
        await requested(gd, "x1", 1)
        const first = (await exportTo(gd, "42"))!
        await requested(gd, "x2", 2)
        const second = (await exportTo(gd, "42"))!
        expect([first.manifest.sequence, second.manifest.sequence]).toEqual([1, 2])
        expect(second.manifest.from).toBe(first.manifest.to)

        const gap = await ingest(hb, second)
        expect(refusal(gap)).toEqual(["invalid", "M32.1"])
        expect(!gap.ok && (gap.error as { details: unknown }).details).toMatchObject({ missing: [1] })
        expect(await getWorkflow(hb, "x2")).toBeUndefined()
        expect(await ingest(hb, first)).toMatchObject({ ok: true, value: { outcome: "applied" } })
        expect(await ingest(hb, first)).toMatchObject({ ok: true, value: { outcome: "already" } })
        expect(await ingest(hb, second)).toMatchObject({ ok: true, value: { outcome: "applied" } })
        expect(await ingest(hb, second)).toMatchObject({ ok: true, value: { outcome: "already" } })
        // Fetched again after a lost answer: the same bytes.
        const again = await gd.run(
          Effect.flatMap(storage, (s) => s.exchange.sentAt("42", "transfer", 1)).pipe(Effect.map(Option.getOrThrow))
        )
        expect(ExchangePackage.toFiles(again.pkg)).toEqual(ExchangePackage.toFiles(first))

        // Another package under number 2, signed by Guangdong: a conflict.
        const twin = ExchangePackage.transferMessages({
          issuer: "44",
          recipient: "42",
          sequence: 2,
          from: first.manifest.to,
          to: second.manifest.to,
          messages: [{ seq: second.manifest.to, transfer: "x9", type: "withdraw", body: {} }],
          privateKey: guangdongKeys.privateKey
        })
        expect(refusal(await ingest(hb, twin))).toEqual(["conflict", "M32.1"])
        const tampered = {
          ...second,
          files: { "messages.ndjson": second.files["messages.ndjson"]!.replace("夫妻团聚", "冒名顶替") }
        }
        expect(refusal(await ingest(hb, tampered))).toEqual(["invalid", "M32.1"])
        // Addressed to another province; signed by a key Hubei does not hold for 44.
        const elsewhere = ExchangePackage.transferMessages({
          issuer: "42",
          recipient: "45",
          sequence: 1,
          from: 0,
          to: 1,
          messages: [{ seq: 1, transfer: "x9", type: "withdraw", body: {} }],
          privateKey: hubeiKeys.privateKey
        })
        const misaddressed = await ingest(gd, elsewhere)
        expect(refusal(misaddressed)).toEqual(["invalid", "M32.1"])
        expect(!misaddressed.ok && (misaddressed.error as { details: unknown }).details).toMatchObject({
          field: "province",
          value: "45"
        })
        const forged = ExchangePackage.transferMessages({
          issuer: "44",
          recipient: "42",
          sequence: 3,
          from: second.manifest.to,
          to: second.manifest.to + 1,
          messages: [{ seq: second.manifest.to + 1, transfer: "x9", type: "withdraw", body: {} }],
          privateKey: hubeiKeys.privateKey
        })
        expect(refusal(await ingest(hb, forged))).toEqual(["invalid", "M32.1"])

        const requests = (await hb.run(Effect.flatMap(storage, (s) => s.audit.list({ limit: 1000 })))).items.filter(
          (r) => r.action === "transfer.request"
        )
        expect(requests.map((r) => r.object)).toEqual(["workflow:x1", "workflow:x2"])
        const ingests = (await hb.run(Effect.flatMap(storage, (s) => s.audit.list({ limit: 1000 })))).items.filter(
          (r) => r.action === "exchange.transfer.ingest"
        )
        expect(ingests).toHaveLength(2)
        await expectIntact(hb)
        await expectIntact(gd)
      })(makeDatabase)
  )
}

/** Hubei's two confirmations of `id` (opened at version 1). */
const released = async (hb: Harness, id: string) => {
  expect(refusal(await act(hb, "ia-s1", id, confirm, 1))).toBe("ok")
  expect(refusal(await act(hb, "ia-jiangan", id, confirm, 2))).toBe("ok")
}

const content = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M32.1 M17.1 O4.1 a released record this province's indicators refuse does not fail the package: the e-file is created with the records that validate, the refused one is returned to the receiving school, which corrects it through the ordinary review; the channel goes on",
    { timeout },
    () =>
      both(async (hb, gd) => {
        await twoProvinces(hb, gd, [1, 2])
        await requested(gd, "x1", 1)
        await relay(gd, hb)
        await released(hb, "x1")
        // Hubei's release, with a record Guangdong's indicators refuse, signed by Hubei (its rules differ).
        const original = (await exportTo(hb, "44"))!
        const bad = { employer: "", startMonth: "二〇二〇年" }
        const messages = messagesOf(original).map((m) =>
          m.type === "released"
            ? {
                ...m,
                body: {
                  ...(m.body as TransferAcross.Released),
                  records: { ...(m.body as TransferAcross.Released).records, workHistory: [bad] }
                }
              }
            : m
        )
        const pkg = ExchangePackage.transferMessages({
          issuer: "42",
          recipient: "44",
          sequence: original.manifest.sequence,
          from: original.manifest.from,
          to: original.manifest.to,
          messages,
          privateKey: hubeiKeys.privateKey
        })
        expect(await ingest(gd, pkg)).toMatchObject({ ok: true, value: { outcome: "applied" } })
        expect((await received(gd, "x1"))?.value).toMatchObject({ state: "completed", open: false })
        const entries = await entriesOf(gd, "gd-x1")
        expect(entries.map((e) => [e.value.id, e.value.review.state]).sort()).toEqual([
          ["x1-basicInfo-1", "effective"],
          ["x1-workHistory", "effective"],
          ["x1-workHistory-1", "returned"]
        ])
        const returned = entries.find((e) => e.value.id === "x1-workHistory-1")!
        expect(returned.value.data).toEqual(bad)
        expect(returned.value.review.context.rejection).toMatchObject({ by: "system" })
        const complete = (await audited(gd, "transfer.complete")).filter((r) => r.object === "transfer:x1")
        expect(complete).toHaveLength(1)
        const refused = (complete[0]!.details as { returned: Array<{ entry: string; rule: string }> }).returned
        expect(refused.map((r) => r.entry)).toEqual(["x1-workHistory-1"])
        expect(returned.value.review.context.rejection?.reason).toContain(refused[0]!.rule)

        // The receiving school corrects it and it goes through the two reviews like any returned entry (M17.1).
        const edited = await review(
          gd,
          "ia-s2",
          "x1-workHistory-1",
          { type: "edit", data: { employer: "江岸区第一小学", startMonth: "2020-09" } },
          returned.version
        )
        expect(refusal(edited)).toBe("ok")
        await makeEffective(gd, "x1-workHistory-1", "ia-s2", "ia-jiangan", edited.ok ? edited.value.version : 0)

        // The channel goes on: the next transfer completes.
        await requested(gd, "x2", 2)
        await relay(gd, hb)
        await released(hb, "x2")
        await relay(hb, gd)
        expect((await getEFile(gd, "gd-x2"))?.value).toMatchObject({ status: "serving", unitId: "s2" })
        await expectIntact(hb)
        await expectIntact(gd)
      })(makeDatabase)
  )

  it(
    "M17.4 M32.1 M37.1 a release that cannot become an e-file here (an active e-file of the identity, the e-file id taken) completes held: the released e-file stays in the transfer, audited and readable; the channel goes on",
    { timeout },
    () =>
      both(async (hb, gd) => {
        await twoProvinces(hb, gd, [1, 2, 3])
        await requested(gd, "x1", 1)
        await requested(gd, "x2", 2)
        await relay(gd, hb)
        // Meanwhile Guangdong onboards the teacher of x1 itself, and an e-file under the id chosen for x2.
        await onboard(gd, "ia-s1", hire("g1", "s1", basicInfo({ idNumber: woman(1) })))
        await onboard(gd, "ia-s1", hire("gd-x2", "s1", basicInfo({ idNumber: woman(5) })))
        await released(hb, "x1")
        await released(hb, "x2")
        await relay(hb, gd)
        for (const [id, constraint] of [
          ["x1", "oneActiveEFilePerIdentity"],
          ["x2", "efileId"]
        ] as const) {
          const held = await received(gd, id)
          expect(held?.value).toMatchObject({ state: "completed", open: false })
          expect(held?.value.context.across?.held).toMatchObject({ rule: "M17.4", name: "李老师" })
          expect(held?.value.context.across?.held?.records.basicInfo).toHaveLength(1)
          const read = await gd.result(Effect.flatMap(Accounts.actorOf("ia-s2"), (a) => TransfersAcross.read(a, id)))
          expect(read.ok && read.value.value.context.across?.held?.rule).toBe("M17.4")
          const [record] = (await audited(gd, "transfer.held")).filter((r) => r.object === `transfer:${id}`)
          expect(record?.details).toMatchObject({ rule: "M17.4", constraint, from: "42" })
        }
        // Nothing created for x1; Guangdong's own e-files untouched.
        expect(await getEFile(gd, "gd-x1")).toBeUndefined()
        expect((await getEFile(gd, "gd-x2"))?.value.idNumber).toBe(woman(5))
        expect((await getEFile(gd, "g1"))?.value.status).toBe("serving")

        // The channel goes on.
        await requested(gd, "x3", 3)
        await relay(gd, hb)
        await released(hb, "x3")
        await relay(hb, gd)
        expect((await received(gd, "x3"))?.value.context.across?.held).toBeUndefined()
        expect((await getEFile(gd, "gd-x3"))?.value).toMatchObject({ status: "serving", unitId: "s2" })
        await expectIntact(hb)
        await expectIntact(gd)
      })(makeDatabase)
  )
}

const ownership = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M32.1 M23.2 a package's issuer acts on its own transfers only: a withdraw of a local process or of another province's transfer is refused, a request under an id taken here is answered refused, an answer to another province's transfer is refused",
    { timeout },
    () =>
      both(async (hb, gd) => {
        await twoProvinces(hb, gd, [1, 2, 3])
        // A purely local transfer of Hubei, under the id Guangdong's next transfer happens to use.
        const local = await initiateTransfer(hb, "ia-s2", transferRequest("l1", "s2", { teacherId: "t2" }))
        expect(refusal(local)).toBe("ok")
        await requested(gd, "x1", 1)
        await requested(gd, "l1", 3)
        const first = (await relay(gd, hb))!
        expect((await getWorkflow(hb, "x1"))?.value).toMatchObject({ open: true })
        // The request under the taken id is answered: Guangdong's l1 ends rejected naming M32.1.
        expect((await getWorkflow(hb, "l1"))?.value).toMatchObject({ teacherId: "t2", open: true })
        await relay(hb, gd)
        const answered = await received(gd, "l1")
        expect(answered?.value).toMatchObject({ state: "rejected", open: false })
        expect(answered?.value.context.rejection?.reason).toContain("M32.1")
        expect(answered?.value.context.rejection?.reason).not.toContain("工作需要")

        // Guangdong (signed) withdraws Hubei's local l1; Guangxi withdraws Guangdong's x1: both refused.
        const byGuangdong = signed("44", "42", 2, first.manifest.to, [
          {
            transfer: "l1",
            type: "withdraw",
            body: {
              by: { actor: "ia-s2", role: "infoAdmin", actorUnit: "s2", at: "2026-03-01T00:00:00Z" },
              reason: "冒名撤回"
            }
          }
        ])
        const refusedLocal = await ingest(hb, byGuangdong)
        expect(refusal(refusedLocal)).toEqual(["invalid", "M32.1"])
        expect(!refusedLocal.ok && (refusedLocal.error as { details: unknown }).details).toMatchObject({
          field: "transfer",
          value: "l1"
        })
        const byGuangxi = signed("45", "42", 1, 0, [
          {
            transfer: "x1",
            type: "withdraw",
            body: {
              by: { actor: "ia-s9", role: "infoAdmin", actorUnit: "s9", at: "2026-03-01T00:00:00Z" },
              reason: "冒名撤回"
            }
          }
        ])
        expect(refusal(await ingest(hb, byGuangxi))).toEqual(["invalid", "M32.1"])
        expect((await getWorkflow(hb, "l1"))?.value).toMatchObject({ state: "awaitingReceivingBureau", open: true })
        expect((await getWorkflow(hb, "x1"))?.value).toMatchObject({ state: "awaitingSendingSchool", open: true })

        // Guangxi answers Guangdong's x1 (from Hubei) with a refusal: refused, x1 stays open.
        const answer = signed("45", "44", 1, 0, [
          {
            transfer: "x1",
            type: "refused",
            body: {
              rule: "M23.1",
              reason: "冒名拒绝",
              by: { actor: "system", role: "system", actorUnit: "system", at: "2026-03-01T00:00:00Z" }
            }
          }
        ])
        expect(refusal(await ingest(gd, answer))).toEqual(["invalid", "M32.1"])
        expect((await received(gd, "x1"))?.value).toMatchObject({ state: "awaitingSendingSchool", open: true })
        await expectIntact(hb)
        await expectIntact(gd)
      })(makeDatabase)
  )
}

const initiation = ({ makeDatabase, timeout }: Suite): void => {
  it(
    "M17.4 M23.1 M23.2 initiation authorizes the caller before it looks at the identity, names no other e-file, refuses an e-file id in use, and is idempotent by key",
    { timeout },
    () =>
      withDatabase(makeDatabase, guangdong, async (gd) => {
        await setupGuangdong(gd)
        await onboard(gd, "ia-s1", hire("g7", "s1", basicInfo({ idNumber: woman(7) })))
        // s1's admin may not initiate a transfer to s2: forbidden, whatever the identity (no probing).
        expect(refusal(await initiate(gd, "ia-s1", request("x7", woman(7))))).toEqual(["forbidden", "M23.1"])
        const active = await initiate(gd, "ia-s2", request("x7", woman(7)))
        expect(refusal(active)).toEqual(["conflict", "M17.4"])
        expect(JSON.stringify(!active.ok && active.error)).not.toContain("g7")
        const taken = await initiate(gd, "ia-s2", { ...request("x8", woman(8)), teacherId: "g7" })
        expect(refusal(taken)).toEqual(["conflict", "M17.4"])
        expect(!taken.ok && (taken.error as { details: unknown }).details).toMatchObject({ constraint: "efileId" })
        expect(await received(gd, "x7")).toBeUndefined()
        expect(await received(gd, "x8")).toBeUndefined()

        // A retry under one key, with the ids generated again, gets the first answer; nothing is written twice.
        const once = (id: string) =>
          gd.result(
            Effect.flatMap(Accounts.actorOf("ia-s2"), (a) =>
              TransfersAcross.initiate(a, { ...request(id, woman(9)), teacherId: `gd-${id}` }, { idempotencyKey: "k1" })
            )
          )
        const firstTry = await once("x9")
        const retry = await once("x10")
        expect(retry).toEqual(firstTry)
        expect(await received(gd, "x10")).toBeUndefined()
        const other = await gd.result(
          Effect.flatMap(Accounts.actorOf("ia-s2"), (a) =>
            TransfersAcross.initiate(a, { ...request("x11", woman(10)), teacherId: "gd-x11" }, { idempotencyKey: "k1" })
          )
        )
        expect(refusal(other)).toEqual(["conflict", "M23.2"])
        await expectIntact(gd)
      })
  )
}

const port = ({ makeDatabase, timeout }: Suite): void => {
  it("M23.2 the receiving side's store: an id is used once, a stale version is a conflict", { timeout }, () =>
    withDatabase(makeDatabase, guangdong, async (gd) => {
      await setupGuangdong(gd)
      await requested(gd, "x1", 1)
      const held = (await received(gd, "x1"))!
      const again = await gd.result(Effect.flatMap(storage, (s) => s.transfersAcross.insert(held.value)))
      expect(!again.ok && again.error).toMatchObject({ _tag: "ConstraintError", constraint: "processId" })
      const stale = await gd.result(
        Effect.flatMap(storage, (s) => s.transfersAcross.update({ ...held.value, open: false }, held.version - 1))
      )
      expect(stale).toMatchObject({ ok: false, tag: "Conflict" })
      const moved: Storage.TransferAcross = { ...held.value, state: "rejected", open: false }
      const updated = await gd.run(Effect.flatMap(storage, (s) => s.transfersAcross.update(moved, held.version)))
      expect(updated.version).toBe(held.version + 1)
      expect((await received(gd, "x1"))?.value).toEqual(moved)
    })
  )
}

/**
 * The transfers-between-provinces area.
 *
 * @since 0.1.0
 */
export const transfersAcrossConformance: AreaConformance = area("transfersAcross", [
  happyPath,
  refusals,
  withdrawals,
  onceInOrder,
  content,
  ownership,
  initiation,
  port
])
