import { storageConformance } from "@tmis/testkit/conformance"
import { postgresDatabase, postgresReachable } from "./database.js"

storageConformance("postgres", postgresDatabase, { skip: !(await postgresReachable()) })
