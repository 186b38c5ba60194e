import { run as core } from "./core.js"
import { run as credits } from "./credits.js"
import { run as exchange } from "./exchange.js"
import { run as hierarchy } from "./hierarchy.js"
import { run as importBench } from "./import.js"
import { run as registration } from "./registration.js"
import { run as server } from "./server.js"
import { run as statistics } from "./statistics.js"
import { run as statisticsNational } from "./statisticsNational.js"
import { run as workflows } from "./workflows.js"

/** Every benchmark, by the name `npm run bench -- <name>` selects it with. */
export const benchmarks: Record<string, (args: ReadonlyArray<string>) => Promise<void>> = {
  core,
  credits,
  exchange,
  hierarchy,
  import: importBench,
  registration,
  server,
  statistics,
  "statistics-national": statisticsNational,
  workflows
}

/** The benchmarks `npm run bench` runs only when named (they take long or much disk). */
export const byNameOnly: ReadonlySet<string> = new Set(["statistics-national"])
