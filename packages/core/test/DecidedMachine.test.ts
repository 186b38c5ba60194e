import { Either } from "effect"
import { describe, expect, it } from "vitest"
import { assign, createMachine, initialTransition } from "xstate"
import * as DecidedMachine from "../src/kernel/DecidedMachine.js"
import * as Refusal from "../src/kernel/Refusal.js"

// The machine a chain is decided on (M23.2): an event is decided once, then taken; an event allowed but not taken
// is a bug of the machine, thrown, never a silent no-op.

interface Context {
  readonly n: number
}
type Event = { readonly type: "go" } | { readonly type: "stay" } | { readonly type: "count" }

const machine = createMachine({
  types: {} as { context: Context; events: Event },
  id: "toy",
  initial: "here",
  context: { n: 0 },
  states: {
    // `stay` is declared but goes nowhere and changes nothing: a machine inconsistent with its decisions.
    // `count` stays in the state but changes the context: taken.
    here: {
      on: { go: { target: "there" }, stay: {}, count: { actions: assign({ n: ({ context }) => context.n + 1 }) } }
    },
    there: { type: "final" }
  }
})
const decided = DecidedMachine.make<"here" | "there", Context, Event, null>({
  id: "toy",
  machine,
  decideEvent: () => undefined,
  notAccepted: (state, _context, event) =>
    Refusal.invalid("M23.2", "不接受", `${state} does not accept ${event.type}`, { state }),
  defaultPolicy: null
})
const start = initialTransition(machine)[0] as unknown as DecidedMachine.Snapshot<"here" | "there", Context>

describe("DecidedMachine", () => {
  it("M23.2 an allowed event is taken; one the state does not take is refused", () => {
    const next = Either.getOrThrow(decided.send(start, { type: "go" }))
    expect(next.value).toBe("there")
    const refused = decided.send(next, { type: "go" })
    expect(Either.isLeft(refused) && refused.left.en).toBe("there does not accept go")
  })

  it("M23.2 an event allowed but taken nowhere is a bug of the machine, thrown", () => {
    expect(() => decided.send(start, { type: "stay" })).toThrow("toy: stay allowed in here but not taken")
    const counted = Either.getOrThrow(decided.send(start, { type: "count" }))
    expect([counted.value, counted.context.n]).toEqual(["here", 1])
  })
})
