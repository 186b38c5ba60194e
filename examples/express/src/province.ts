/**
 * A small province through the facade, as a deployment sets one up once: Hubei's education department (bootstrap,
 * M15.1), a city, a county and a school, each with a system admin created by the level above and an info admin
 * created by its own system admin (M15.1, M13.2).
 */
import { IdentityNumber, type Tmis } from "@tmis/core"

const day = "2017-03-31"
let serial = 0
/** Demo people with valid identity numbers (GB 11643). */
const person = (name: string) => {
  const first17 = `42010219800101${String(100 + serial++).padStart(3, "0")}`
  return { name, identityNumber: first17 + IdentityNumber.checkCharacter(first17) }
}

export const seed = async (tmis: Tmis.Tmis) => {
  await tmis.accounts.bootstrap(
    { id: "hubei", kind: "province", name: "湖北省教育厅", code: "420000", validFrom: day },
    { id: "sa-hubei", person: person("王建国") }
  )
  await tmis.accounts.create(
    await tmis.accounts.actorOf("sa-hubei"),
    { id: "ia-hubei", role: "infoAdmin", person: person("李秀英") },
    "hubei"
  )
  const levels = [
    { parent: "hubei", unit: { id: "wuhan", kind: "city", name: "武汉市教育局", code: "420100", validFrom: day } },
    { parent: "wuhan", unit: { id: "jiangan", kind: "county", name: "江岸区教育局", code: "420102", validFrom: day } },
    {
      parent: "jiangan",
      unit: {
        id: "jaxx",
        kind: "school",
        name: "江岸区实验小学",
        code: "2142000101",
        validFrom: day,
        school: { schoolType: "211", sponsor: "21" }
      }
    }
  ] as const
  for (const { parent, unit } of levels) {
    await tmis.units.create(await tmis.accounts.actorOf(`ia-${parent}`), unit, parent)
    await tmis.accounts.create(
      await tmis.accounts.actorOf(`sa-${parent}`),
      { id: `sa-${unit.id}`, role: "systemAdmin", person: person("张伟") },
      unit.id
    )
    await tmis.accounts.create(
      await tmis.accounts.actorOf(`sa-${unit.id}`),
      { id: `ia-${unit.id}`, role: "infoAdmin", person: person("刘洋") },
      unit.id
    )
  }
}
