/**
 * `npx tsx scripts/workflows.ts`: write docs/workflows.md, the state diagrams and step tables of the transfer (M23)
 * and rotation (M24) machines, generated from the machine definitions in @tmis/core.
 * `npx tsx scripts/workflows.ts --check`: exit 1 when the committed docs/workflows.md differs from what it would write.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type * as Refusal from "../packages/core/src/kernel/Refusal.js"
import * as Regulation from "../packages/core/src/kernel/Regulation.js"
import * as Rotation from "../packages/core/src/processes/Rotation.js"
import * as Transfer from "../packages/core/src/processes/Transfer.js"
import * as SharingRequest from "../packages/core/src/sharing/SharingRequest.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const target = join(root, "docs", "workflows.md")

/** What the generator reads of an XState machine: its states and, per state, the transitions of each event. */
interface MachineShape {
  readonly config: { readonly initial?: unknown }
  readonly states: Readonly<
    Record<
      string,
      {
        readonly type: string
        readonly on: Readonly<
          Record<
            string,
            ReadonlyArray<{
              readonly target?: ReadonlyArray<{ readonly key: string }> | undefined
              readonly guard?: unknown
            }>
          >
        >
      }
    >
  >
}

/** What the generator needs of one workflow module besides its machine. */
interface Workflow {
  readonly machine: MachineShape
  /** Who sends `type` in `state`: the module's own `whoActs`, which its decisions use. */
  readonly whoActs: (state: string, type: string) => string | undefined
  readonly parties: Readonly<Record<string, { readonly zh: string; readonly en: string }>>
  readonly initiator: string
}

const kindOf = (guard: unknown): string | undefined => {
  if (typeof guard !== "object" || guard === null || !("params" in guard)) return undefined
  const params = (guard as { readonly params: unknown }).params
  if (typeof params !== "object" || params === null || !("route" in params)) return undefined
  return String((params as { readonly route: unknown }).route)
}

const kindLabel: Record<string, string> = {
  "M24.1": "M24.1 personnel relation unchanged",
  "M24.2": "M24.2 personnel relation changes"
}

/** A Mermaid state diagram walked from the machine definition: every state, every transition and its target. */
const diagram = (workflow: Workflow): string => {
  const { machine, whoActs, parties } = workflow
  const lines = ["```mermaid", "stateDiagram-v2"]
  const initial = String(machine.config.initial)
  lines.push(`  [*] --> ${initial} : initiate by ${parties[workflow.initiator]!.en}`)
  for (const [state, node] of Object.entries(machine.states)) {
    for (const [type, transitions] of Object.entries(node.on)) {
      const party = whoActs(state, type)
      if (party === undefined) throw new Error(`workflows: ${state} accepts ${type} but nobody may send it`)
      for (const t of transitions) {
        for (const next of t.target ?? []) {
          const kind = kindOf(t.guard)
          const when = kind === undefined ? "" : ` [${kindLabel[kind] ?? kind}]`
          lines.push(`  ${state} --> ${next.key} : ${type} by ${parties[party]!.en}${when}`)
        }
      }
    }
    if (node.type === "final") lines.push(`  ${state} --> [*]`)
  }
  lines.push("```")
  return lines.join("\n")
}

const ruleText = (id: Refusal.RuleId) => Regulation.get(id).en

interface Row {
  readonly state: string
  readonly party: string
  readonly event: string
  readonly rule: Refusal.RuleId
}

const table = (rows: ReadonlyArray<Row>, parties: Workflow["parties"]): string =>
  [
    "| # | in state | who acts (an info admin of) | event | rule |",
    "| - | -------- | --------------------------- | ----- | ---- |",
    ...rows.map(
      (r, i) => `| ${i} | ${r.state} | ${parties[r.party]!.zh} — ${parties[r.party]!.en} | ${r.event} | \`${r.rule}\` |`
    )
  ].join("\n")

const transfer: Workflow = {
  machine: Transfer.machine,
  whoActs: (state, type) => Transfer.whoActs(state as Transfer.State, type as Transfer.EventType),
  parties: Transfer.parties,
  initiator: Transfer.initiation.party
}

const rotation: Workflow = {
  machine: Rotation.machine,
  whoActs: (state, type) => Rotation.whoActs(state as Rotation.State, type as Rotation.EventType),
  parties: Rotation.parties,
  initiator: Rotation.initiation.party
}

const sharing: Workflow = {
  machine: SharingRequest.machine,
  whoActs: (state, type) =>
    SharingRequest.whoActs(state as SharingRequest.State, type as SharingRequest.Event["type"], "M31.1"),
  parties: SharingRequest.parties,
  initiator: SharingRequest.chain.definition.initiator
}

const sharingRows: ReadonlyArray<Row> = [
  { state: "(new)", party: SharingRequest.chain.definition.initiator, event: "initiate", rule: "M31.1" },
  ...SharingRequest.steps.map((s) => ({ state: s.state, party: s.party, event: "confirm", rule: "M31.1" as const }))
]

const transferRows: ReadonlyArray<Row> = [
  { state: "(new)", party: Transfer.initiation.party, event: "initiate", rule: Transfer.initiation.rule },
  ...Transfer.steps.map((s) => ({ state: s.state, party: s.party, event: "confirm", rule: s.rule }))
]

const rotationRows = (kind: Rotation.Kind): ReadonlyArray<Row> => [
  { state: "(new)", party: Rotation.initiation.party, event: "initiate", rule: kind },
  ...Rotation.steps[kind].map((s) => ({ state: s.state, party: s.party, event: "confirm", rule: s.rule }))
]

const render = (): string =>
  `# Transfer and rotation (M23, M24)

<!-- Generated by \`npx tsx scripts/workflows.ts\` from the machines in packages/core/src/processes/Transfer.ts and
Rotation.ts; do not edit by hand. \`npx tsx scripts/workflows.ts --check\` fails when this file is stale. -->

A teacher changes school through one of two processes, each an XState v5 machine in \`@tmis/core\`, evaluated with
the pure \`transition\` function (\`Transfer.send\`, \`Rotation.send\`) and persisted as its state and context
(\`persist\`, \`restore\`). Every event (\`confirm\`, \`reject\` and \`withdraw\`, the last two with a reason) carries
the acting account and an instant; the guards and \`send\` share one decision, so a refused event names the rule it
breaks and changes nothing, and an event the state does not accept (anything at all once the process has ended) is
refused, never ignored. Every accepted step is kept in the context's \`history\`: who, with which role, from which
unit, when, and the reason where there is one. The diagrams below are walked from the machine definitions; the
"by" of each edge is the module's own \`whoActs\`, which its decisions use. A completed process carries everything
the e-file needs to follow it (O4.1, accompanying collection): a completed transfer or M24.2 rotation moves the
e-file to the receiving school (\`Rotation.movesEFile\`), a completed M24.1 rotation leaves it at the dispatching
school with the exchange recorded.

## Transfer (调动), M23

${ruleText("M23.1")}

${diagram(transfer)}

${table(transferRows, Transfer.parties)}

In every open state the party that may confirm may instead \`reject\` (with a reason), which ends the transfer
(\`rejected\`), and an info admin of ${Transfer.parties[Transfer.withdrawal.party].en} may \`withdraw\` it (with a
reason) before the last confirmation (\`withdrawn\`) — \`${Transfer.withdrawal.rule}\`: ${ruleText("M23.2")}

## Exchange and rotation (交流轮岗), M24

One machine serves both kinds; the guard on \`personnelRelationChanges\`, fixed at initiation, picks the path out of
\`awaitingDispatchingBureau\`.

${diagram(rotation)}

Without change of personnel relation — \`M24.1\`: ${ruleText("M24.1")}

${table(rotationRows("M24.1"), Rotation.parties)}

With change of personnel relation — \`M24.2\`: ${ruleText("M24.2")}

${table(rotationRows("M24.2"), Rotation.parties)}

As for a transfer, the party that may confirm may instead \`reject\` (with a reason), and an info admin of
${Rotation.parties[Rotation.withdrawal.party].en} may \`withdraw\` (with a reason) before the last confirmation.

## Both

\`M24.3\`: ${ruleText("M24.3")} The initiation of either process refuses a teacher who is not active. At most one
open process per teacher spans many processes, so it is the store's to enforce (\`Transfer.isOpen\`,
\`Rotation.isOpen\`).

## Decisions where the regulation is silent

- **"A transfer that is really a rotation" (M23.3).** The software cannot tell a rotation from a transfer; the
  initiator says which it is (\`kind\` of a transfer's initiation). A transfer initiated as a \`"rotation"\` is refused
  with \`M23.3\` and a message pointing to the rotation process (M24), which the dispatching school initiates, not
  the receiving school.
- **Both schools under one competent bureau.** Both bureau steps are still taken, each in its place in the order (no
  step is skipped, M23.2), possibly by the same account: the bureau confirms once as the receiving side and once as
  the sending side.
- **A teacher of a secondary department (二级部门, M20.1).** The school steps of the teacher's side (the sending
  school of a transfer, the dispatching school of a rotation) are taken by the department's info admin or the
  school's; a process into a department is taken by that department's info admin or the receiving school's. The
  bureau of a department is its school's competent bureau. A move between departments of one school is neither a
  transfer nor a rotation and is refused.
- **Across provinces.** The machines are the same. In a national deployment all steps happen in one store; in a
  provincial deployment the other province's steps arrive through the national exchange and are sent to the
  machine as the same events.
- **Who withdraws.** Any info admin of the initiating school (or department), not only the account that initiated:
  the school initiated, and staff change.
- **Reasons.** An initiation, a rejection and a withdrawal each give a reason: the sides that already confirmed are
  owed one.
- **Rejecting and withdrawing a rotation.** Article 24 names no way out, but a confirmation that cannot be refused
  is no confirmation: a rotation is rejected and withdrawn as a transfer is (M23.2), and its refusals name the
  rotation's own rule (M24.1 or M24.2).
- **Days.** The effective day of a transfer and the period of a rotation (which ends after it starts) are recorded,
  not checked against the clock: a process may be recorded after the fact.

## Persistence: the \`Workflows\` service

\`Workflows.initiateTransfer\`, \`Workflows.initiateRotation\` and \`Workflows.act(actor, id, { type, reason? },
expectedVersion)\` each run in one transaction: load, check the version the caller saw (stale → \`Conflict\`),
let the machine decide, write the snapshot (state and context, with its history) and its version, and append the
audit record and the outbox event.

- **One open process per teacher (M24.3)** is a partial unique index of the store, \`workflows_one_open\` on
  \`teacher_id where open = 1\`: two initiations racing for one teacher commit once, the other is refused with
  M24.3. A process that ends (completed, rejected, withdrawn) releases it.
- **Concurrent confirmations of one step** all name the same expected version; the store's \`update … where
  version = ?\` lets exactly one commit, the others get \`Conflict\`.
- **Completion updates the e-file itself (O4.1)**, in the transaction of the last confirmation: a transfer or an
  M24.2 rotation moves the e-file to the receiving unit — its path follows, so it leaves the sending school's
  subtree and enters the receiving one's — and adds its 工作经历 record; a rotation adds its 交流轮岗 record (the
  receiving school, the period; primary and secondary schools only, where the group exists). These records are
  effective at once: the process was their review. Nobody enters them a second time.
- **Idempotency keys.** Every command takes an optional key: a retried command with the same key returns the stored
  result and changes nothing; the same key with another command is refused (\`IdempotencyKeyReused\`). The key
  and the result are written in the command's transaction, so a crash leaves either both the change and its key or
  neither.
- **Crash safety.** The conformance suite kills a process running transfers with SIGKILL at random moments and
  resumes it with the same keys: no acknowledged step is lost or doubled, no e-file is half-moved, the audit chain
  verifies.

## Sharing request (共享申请), M31.1

${ruleText("M31.1")}

The same kernel drives the sharing request (\`SharingRequest\`, one step). An info admin files it for the
requesting organisation, naming the purpose, the fields (indicator paths), the units (a subtree) and the period; an
info admin of the bureau that owns the data (the subtree's root when administrative, else the school's competent
bureau) decides — never the filer itself.

${diagram(sharing)}

${table(sharingRows, SharingRequest.parties)}

The bureau's \`confirm\` carries what it grants: the requested scope, or a part of it (fewer fields, a smaller
subtree, a shorter period — \`SharingRequest.decideApprove\`); a scope beyond the request is refused. \`reject\` is
the refusal, with its reason; the filer may \`withdraw\` (with a reason) while the request waits. A completed request
yields a grant (\`Grant\`): see docs/sharing.md.
`

const args = process.argv.slice(2)
const unknownArgs = args.filter((arg) => arg !== "--check")
if (unknownArgs.length > 0) {
  console.error(`workflows: unknown argument(s) ${unknownArgs.join(" ")}; usage: tsx scripts/workflows.ts [--check]`)
  process.exit(2)
}

const content = render()
if (args.includes("--check")) {
  const current = existsSync(target) ? readFileSync(target, "utf8") : undefined
  if (current !== content) {
    console.error(
      current === undefined
        ? "workflows: docs/workflows.md is missing; run `npx tsx scripts/workflows.ts`"
        : "workflows: docs/workflows.md differs from the machines; run `npx tsx scripts/workflows.ts`"
    )
    process.exit(1)
  }
  console.log("workflows: docs/workflows.md is up to date")
} else {
  writeFileSync(target, content)
  console.log("workflows: wrote docs/workflows.md")
}
