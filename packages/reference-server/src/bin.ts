#!/usr/bin/env node
/**
 * The `tmis` executable.
 *
 * @since 0.1.0
 */
import { main } from "./Cli.js"

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error)
    process.exit(4)
  }
)
