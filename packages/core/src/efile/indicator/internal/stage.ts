/**
 * The school stages as the indicators use them: whether a group or field belongs to a stage's e-file, and the
 * stages' Chinese names for messages.
 */
import type { Stage } from "../../../codes/SchoolType.js"

export const inStage = (stages: ReadonlyArray<Stage> | undefined, stage: Stage): boolean =>
  stages === undefined || stages.includes(stage)

export const stageZh: Record<Stage, string> = {
  kindergarten: "幼儿园",
  primary: "小学",
  juniorSecondary: "初中",
  seniorSecondary: "高中",
  secondaryVocational: "中等职业学校",
  specialEducation: "特殊教育学校",
  higherEducation: "高等学校",
  adult: "成人中小学",
  reform: "工读学校",
  other: "其他机构"
}
