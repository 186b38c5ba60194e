import { storageConformance } from "@tmis/testkit/conformance"
import { sqliteDatabase } from "./database.js"

storageConformance("sqlite", sqliteDatabase)
