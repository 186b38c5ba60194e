/**
 * The `tmis` command line: `audit`.
 *
 * @since 0.1.0
 */
import { Audit } from "@tmis/core"
import { type Command, type Io, run, Usage } from "./Command.js"

const auditVerify = (io: Io) =>
  run(io, Audit.verifyAuditLog, (result) => {
    if (result._tag === "Intact") {
      io.out.write(`audit log intact: ${result.records} records, head ${result.head}\n`)
      return 0
    }
    io.out.write(`audit log BROKEN at record ${result.seq} (${result.reason}); ${result.records} records read\n`)
    return 1
  })

/**
 * `tmis audit`: verify the hash chain of the audit log (M37.1).
 *
 * @since 0.1.0
 */
export const audit: Command = {
  name: "audit",
  synopsis: "audit verify",
  summary: "verify the hash chain of the audit log (M37.1)",
  help: `tmis audit verify
  Verify the audit log's hash chain (M37.1). Exit 0 when intact, 1 when broken (the first bad record is printed).`,
  run: (io, args) => {
    if (args[0] !== "verify" || args.length > 1) throw new Usage('the audit command is "tmis audit verify"')
    return auditVerify(io)
  }
}
