import { storageConformance } from "@tmis/testkit/conformance"
import { mariadbDatabase, mariadbReachable } from "./database.js"

// Each test makes its databases with some 80 DDL statements, each waiting for the disk: more time than the default.
storageConformance("mariadb", mariadbDatabase, { skip: !(await mariadbReachable()), timeoutMs: 600_000 })
