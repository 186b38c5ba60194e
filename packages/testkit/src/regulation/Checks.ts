/**
 * The checks of the compliance kit, one per rule id: each drives the system through the {@link Driver.Driver} on the
 * kit's {@link Fixture.Fixture} and decides passed, failed or not applicable (see `Check.ts`).
 *
 * @since 0.1.0
 */
import * as AccountChecks from "./AccountChecks.js"
import type { Check } from "./Check.js"
import * as EFileChecks from "./EFileChecks.js"
import * as ProcessChecks from "./ProcessChecks.js"
import * as SecurityChecks from "./SecurityChecks.js"

export type { Check, Context, Outcome } from "./Check.js"

/**
 * Every check of the kit, in the order of the regulation.
 *
 * @since 0.1.0
 */
export const all: ReadonlyArray<Check> = [
  AccountChecks.checks.m13_2,
  AccountChecks.checks.m14_3,
  AccountChecks.checks.m14_4,
  AccountChecks.checks.m15_1,
  EFileChecks.checks.m17_1,
  EFileChecks.checks.m17_3,
  EFileChecks.checks.m17_4,
  ProcessChecks.checks.m23_1,
  ProcessChecks.checks.m23_2,
  ProcessChecks.checks.m24_1,
  ProcessChecks.checks.m24_2,
  SecurityChecks.checks.m37_1,
  SecurityChecks.checks.m37_2,
  SecurityChecks.checks.o9_1
]
