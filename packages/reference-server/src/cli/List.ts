/**
 * The `tmis` command line: `list`.
 *
 * @since 0.1.0
 */
import { parseArgs } from "node:util"
import {
  Accounts,
  Audit,
  type Authorization,
  ChangeRequest,
  EFileFilter,
  EFiles,
  type Storage,
  Units,
  Workflows
} from "@tmis/core"
import { Effect, Either, ParseResult, Schema } from "effect"
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
  efiles: (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest, filters: Filters) =>
    EFiles.list(actor, unitId, page, filters.efiles),
  "change-requests": (actor: Authorization.Actor, unitId: string, page: Storage.PageRequest, filters: Filters) =>
    Effect.map(EFiles.changeRequests(actor, unitId, filters.state, page), (p) => ({
      ...p,
      items: p.items.map(changeRequestLine)
    })),
  inbox: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Workflows.inbox(actor, {}, page), (p) => ({ ...p, items: p.items.map(workflowLine) })),
  workflows: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Workflows.partyTo(actor, {}, page), (p) => ({ ...p, items: p.items.map(workflowLine) })),
  audit: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) =>
    Effect.map(Audit.search(actor, {}, page), (p) => ({ ...p, items: p.items.map(({ prevHash: _, ...r }) => r) })),
  duplicates: (actor: Authorization.Actor, _unitId: string, page: Storage.PageRequest) => EFiles.duplicates(actor, page)
} as const

/** What `--name`, `--id-number`, `--status`, `--stage`, `--[no-]pending-review` and `--state` ask for. */
interface Filters {
  readonly efiles: EFileFilter.Filter
  readonly state: ChangeRequest.Status | undefined
}

/** The filters of the command line, decoded by the core's Schemas as the server decodes its URL parameters. */
const filtersOf = (values: Readonly<Record<string, string | boolean | undefined>>): Filters => {
  const given = (key: string) => (typeof values[key] === "string" ? { [key]: values[key] } : {})
  const pending =
    values["pending-review"] === true ? "true" : values["no-pending-review"] === true ? "false" : undefined
  const efiles = Schema.decodeUnknownEither(EFileFilter.Filter)({
    ...given("name"),
    ...(typeof values["id-number"] === "string" ? { idNumber: values["id-number"] } : {}),
    ...given("status"),
    ...given("stage"),
    ...(pending === undefined ? {} : { pendingReview: pending })
  })
  if (Either.isLeft(efiles))
    throw new Usage(`a filter is wrong: ${ParseResult.TreeFormatter.formatErrorSync(efiles.left)}`)
  const state = Schema.decodeUnknownEither(Schema.UndefinedOr(ChangeRequest.Status))(values.state)
  if (Either.isLeft(state)) throw new Usage(`--state is one of ${ChangeRequest.Status.literals.join(", ")}`)
  return { efiles: efiles.right, state: state.right }
}

/** A change request as a listing line: its entry, e-file, change and decision, not the teacher's identity number. */
const changeRequestLine = ({ value, version, teacherId }: Storage.ListedChangeRequest) => {
  const { teacher: _, unit, ...request } = value
  return { ...request, teacherId, unitId: unit.id, version }
}

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
    throw new Usage(`tmis list ${Object.keys(listings).join("|")} --as accountId [--unit unitId] [filters]`)
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      unit: { type: "string" },
      as: { type: "string" },
      name: { type: "string" },
      "id-number": { type: "string" },
      status: { type: "string" },
      stage: { type: "string" },
      "pending-review": { type: "boolean" },
      "no-pending-review": { type: "boolean" },
      state: { type: "string" }
    },
    strict: true
  })
  const needsUnit = ["units", "accounts", "efiles", "change-requests"].includes(what)
  if (needsUnit && values.unit === undefined)
    throw new Usage(`--unit unitId is required: the unit whose ${what} to list`)
  const filtered = ["name", "id-number", "status", "stage", "pending-review", "no-pending-review"].filter(
    (k) => values[k as keyof typeof values] !== undefined
  )
  if (filtered.length > 0 && what !== "efiles") throw new Usage(`--${filtered[0]} filters e-files only`)
  if (values.state !== undefined && what !== "change-requests") throw new Usage("--state filters change requests only")
  const filters = filtersOf(values)
  const listing = listings[what as keyof typeof listings]
  return run(
    io,
    asAccount(io, values.as, (actor) =>
      Effect.gen(function* () {
        let count = 0
        let after: string | undefined
        do {
          const page = yield* listing(actor, values.unit ?? "", { after, limit: 1000 }, filters)
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
  summary:
    "list units, accounts, e-files, change requests, the inbox, processes, the audit or duplicates as JSON lines",
  help: `tmis list units|accounts|efiles|change-requests|inbox|workflows|audit|duplicates --as accountId [--unit unitId]
  Every page of a listing as the account may see it (its password in TMIS_PASSWORD), one JSON object per line on
  stdout: a unit's subtree (M12.2), its accounts (M13.2), its e-files (masked for a query-er, M13.4), the change
  requests on its e-files (M19.2, info admins of the unit or above), the processes waiting for the account's unit
  and those it is party to (M23.1), the audit log (M37.1), the duplicate report (M17.4). --unit is required for
  units, accounts, e-files and change requests. Reads are audited as on the server.
  E-files: --name <prefix of 姓名> --id-number <whole number, not for a query-er: M37.2> --status <code>
  --stage <stage> --pending-review | --no-pending-review (an entry submitted or school-approved, M17.1).
  Change requests: --state requested|approved|refused|applied.`,
  run: (io, args) => listRun(io, args)
}
