/**
 * The `tmis` command line: `password`.
 *
 * @since 0.1.0
 */
import { createInterface } from "node:readline"
import { Writable } from "node:stream"
import { parseArgs } from "node:util"
import { Auth } from "@tmis/core"
import { type Command, type Io, loggedIn, run, Usage } from "./Command.js"

/**
 * Read passwords from `io.in`: on a terminal each after a prompt on stderr, without echo; otherwise one a line, with
 * no prompt (so that a script can pipe them). A missing line is a wrong command line (exit 2).
 */
const readPasswords = async (
  io: Io,
  prompts: ReadonlyArray<string>,
  confirm: ReadonlyArray<boolean>
): Promise<Array<string>> => {
  const input = io.in ?? process.stdin
  const tty = input.isTTY === true
  // On a terminal readline echoes what is typed to its output: a sink, so that the password is not shown.
  const muted = new Writable({ write: (_chunk, _encoding, callback) => callback() })
  const lines = createInterface({
    input,
    crlfDelay: Number.POSITIVE_INFINITY,
    ...(tty ? { output: muted, terminal: true } : { terminal: false })
  })
  const iterator = lines[Symbol.asyncIterator]()
  const line = async (prompt: string) => {
    if (tty) io.err.write(`${prompt}: `)
    const next = await iterator.next()
    if (tty) io.err.write("\n")
    if (next.done === true) throw new Usage(`stdin ended before ${prompt.toLowerCase()}: give it one a line`)
    return next.value
  }
  try {
    const passwords: Array<string> = []
    for (const [k, prompt] of prompts.entries()) {
      const password = await line(prompt)
      if (password === "") throw new Usage(`${prompt} is empty`)
      if (tty && confirm[k] === true && (await line(`${prompt} (again)`)) !== password) {
        throw new Usage(`the two entries of ${prompt.toLowerCase()} differ`)
      }
      passwords.push(password)
    }
    return passwords
  } finally {
    lines.close()
  }
}

const passwordChange = async (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({ args: [...args], options: { account: { type: "string" } }, strict: true })
  const accountId = values.account
  if (accountId === undefined) throw new Usage("--account accountId is required: the account whose password changes")
  const [current, next] = await readPasswords(
    io,
    [`Current password of ${accountId}`, `New password of ${accountId}`],
    [false, true]
  )
  return run(io, Auth.changePassword(accountId, current!, next!), (changed) => {
    io.out.write(
      `password changed: ${changed.accountId} (credential version ${changed.version}); its sessions have ended\n`
    )
    return 0
  })
}

const passwordReset = async (io: Io, args: ReadonlyArray<string>) => {
  const { values } = parseArgs({
    args: [...args],
    options: { by: { type: "string" }, account: { type: "string" } },
    strict: true
  })
  const by = values.by
  const accountId = values.account
  if (by === undefined) throw new Usage("--by accountId is required: the system admin who resets the password")
  if (accountId === undefined) throw new Usage("--account accountId is required: the account whose password is reset")
  const [own, initial] = await readPasswords(
    io,
    [`Password of ${by}`, `New initial password of ${accountId}`],
    [false, true]
  )
  return run(
    io,
    loggedIn(by, own!, (actor) => Auth.resetPassword(actor, accountId, initial!)),
    (reset) => {
      io.out.write(
        `password reset: ${reset.accountId} by ${by} (credential version ${reset.version}); unlocked, its sessions have ended, and the new password must be changed at the first login\n`
      )
      return 0
    }
  )
}

/**
 * `tmis password`: change one's own password, or reset an account's as its system admin (M37.2), without a server.
 *
 * @since 0.1.0
 */
export const password: Command = {
  name: "password",
  summary: "change one's own password, or reset an account's as its system admin (M37.2), without a server",
  help: `tmis password change --account accountId
tmis password reset --by systemAdminAccountId --account accountId
  change: the account changes its own password (M37.2); asks for the current password, then the new one. A wrong
  current password counts as a failed login (and can lock the account); refusals are audited.
  reset: the account's manager — its unit's system admin (M13.2), the system admin above for a system admin (M15.1),
  a school's system admin for teachers (M13.5) — resets the password without its version, which also unlocks it
  (M37.2); asks for the --by account's own password (it logs in as that account), then the new initial password,
  which the account must change at its next login.
  Passwords are read from stdin: hidden prompts on a terminal, else one a line (current or --by password first),
  never from the command line.`,
  run: (io, args) => {
    const [action, ...options] = args
    if (action === "change") return passwordChange(io, options)
    if (action === "reset") return passwordReset(io, options)
    throw new Usage('the password command is "tmis password change" or "tmis password reset"')
  }
}
