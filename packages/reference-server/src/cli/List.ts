/**
 * The `tmis` command line: `list`.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import { Accounts, Audit, type Authorization, EFiles, type Storage, Units, Workflows } from "@tmis/core"
import { Effect } from "effect"
import { asAccount, type Command, type Io, run, Usage, write } from "./Command.js"

/** What `tmis listRun` lists, each as the account may see it, one JSON object per line, identity numbers left out. */
const listings = {
  units: (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest) =>
    Effect.map(Units.subtree(actor, unitId, page), (p) => ({
      ...p,
      items: p.items.map(({ id, kind, parentId, path, name, code, status, validFrom }) => ({
        id,
        kind,
        parentId,
        path,
        name,
        code,
        status,
        validFrom
      }))
    })),
  accounts: (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest) =>
    Effect.map(Accounts.list(actor, unitId, page), (p) => ({
      ...p,
      items: p.items.map(({ value, version }) => ({
        id: value.id,
        role: value.role,
        unitId: value.unitId,
        status: value.status,
        name: value.person.name,
        version
      }))
    })),
  efiles: (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest) => EFiles.list(actor, unitId, page),
  inbox: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Workflows.inbox(actor, {}, page), (p) => ({ ...p, items: p.items.map(workflowLine) })),
  workflows: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Workflows.partyTo(actor, {}, page), (p) => ({ ...p, items: p.items.map(workflowLine) })),
  audit: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Audit.search(actor, {}, page), (p) => ({ ...p, items: p.items.map(({ prevHash: _, ...r }) => r) })),
  duplicates: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) => EFiles.duplicates(actor, page)
} as const

/** A process as a listing line: its parties and state, not the teacher's identity number its context holds. */
const workflowLine = ({ value, version }: Storage.Versioned<Storage.Workflow>) => ({
  id: value.id,
  kind: value.kind,
  state: value.state,
  open: value.open,
  teacherId: value.teacherId,
  from: value.context.from.id,
  to: value.context.to.id,
  version
})

/** `tmis listRun <what>`: every page of a listing, for an operator's scripts. */
const listRun = (io: Io, args: ReadonlyArray<string>) => {
  const [what, ...rest] = args
  if (what === undefined || !(what in listings)) {
    throw new Usage(`tmis listRun ${Object.keys(listings).join("|")} --as accountId [--unit unitId]`)
  }
  const { values } = parseArgs({
    args: rest,
    options: { unit: { type: "string" }, as: { type: "string" } },
    strict: true
  })
  const needsUnit = what === "units" || what === "accounts" || what === "efiles"
  if (needsUnit && values.unit === undefined)
    throw new Usage(`--unit unitId is required: the unit whose ${what} to listRun`)
  const listing = listings[what as keyof typeof listings]
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Effect.gen(function* () {
        let count = 0
        let after: string | undefined
        do {
          const page = yield* listing(actor, values.unit ?? "", { after, limit: 1000 })
          for (const item of page.items as ReadonlyArray<unknown>) yield* write(io.out, `${JSON.stringify(item)}\n`)
          count += page.items.length
          after = page.next
        } while (after !== undefined)
        return count
      })
    ),
    (count) => {
      io.err.write(`listed ${count} ${what}\n`)
      return 0
    }
  )
}

/**
 * `tmis list`: list units, accounts, e-files, the inbox, processes, the audit or duplicates as JSON lines.
 *
 * @since 0.1.0
 */
export const list: Command = {
  name: "list",
  summary: "list units, accounts, e-files, the inbox, processes, the audit or duplicates as JSON lines",
  help: `tmis list units|accounts|efiles|inbox|workflows|audit|duplicates --as accountId [--unit unitId]
  Every page of a listing as the account may see it (its password in TMIS_PASSWORD), one JSON object per line on
  stdout: a unit's subtree (M12.2), its accounts (M13.2), its e-files (masked for a query-er, M13.4), the processes
  waiting for the account's unit and those it is party to (M23.1), the audit log (M37.1), the duplicate report
  (M17.4). --unit is required for units, accounts and e-files. Reads are audited as on the server.`,
  run: (io, args) => listRun(io, args)
}
