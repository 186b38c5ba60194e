/**
 * A report over hand-made figures, for the rendering tests: the standard sections with a few values each, one small
 * cell suppressed, changes and a forecast.
 */
import { Forecast, Report, type StatisticsQuery } from "@tmis/core"

const dimensionName: Record<string, string> = {
  stage: "学段",
  gender: "性别",
  ageBand: "年龄段",
  education: "最高学历",
  title: "专业技术职务",
  subject: "任教学科",
  urbanRural: "城乡",
  region: "行政区划"
}

const values: Record<string, ReadonlyArray<readonly [string, string, number]>> = {
  stage: [
    ["primary", "小学", 120],
    ["juniorSecondary", "初中", 86],
    ["seniorSecondary", "普通高中", 41]
  ],
  gender: [
    ["1", "男", 97],
    ["2", "女", 150]
  ],
  ageBand: [
    ["lt30", "29岁及以下", 35],
    ["30to39", "30～39岁", 80],
    ["40to49", "40～49岁", 70],
    ["50to54", "50～54岁", 38],
    ["55to59", "55～59岁", 21],
    ["ge60", "60岁及以上", 3]
  ],
  education: [
    ["10", "研究生", 22],
    ["20", "大学本科", 181],
    ["30", "大学专科", 44]
  ],
  title: [
    ["senior", "副高级", 51],
    ["intermediate", "中级", 110],
    ["assistant", "助理级", 86]
  ],
  subject: [
    ["01", "语文", 70],
    ["02", "数学", 66],
    ["03", "英语", 51],
    ["none", "未任课", 60]
  ],
  urbanRural: [
    ["urban", "城区", 150],
    ["town", "镇区", 97]
  ],
  region: [
    ["110101", "东城区", 150],
    ["110102", "西城区", 97]
  ]
}

const cell = (row: string, column: string, count: number, total: number, k = 5): StatisticsQuery.Cell =>
  count > 0 && count < k
    ? { row, column, count: null, share: null, suppressed: true }
    : { row, column, count, share: count / total, suppressed: false }

const oneWay = (query: StatisticsQuery.Query, dimension: string): StatisticsQuery.Result => {
  const entries = values[dimension]!
  const total = entries.reduce((s, [, , n]) => s + n, 0)
  const hidden = entries.filter(([, , n]) => n > 0 && n < 5).length
  return {
    query,
    unit: { id: "u-bj", name: "北京市东城区教育委员会", path: "/n/p/u-bj/" },
    asOf: query.asOf!,
    rows: {
      dimension: dimension as StatisticsQuery.Dimension,
      label: dimensionName[dimension]!,
      values: entries.map(([value, label]) => ({ value, label }))
    },
    columns: { dimension: null, label: "", values: [] },
    // One small cell hides another (complementary), as the real suppression does.
    cells: entries.map(([value, , n], i) =>
      hidden > 0 && i === entries.length - 2
        ? { row: value, column: "", count: null, share: null, suppressed: true }
        : cell(value, "", n, total)
    ),
    rowTotals: [],
    columnTotals: [],
    total: cell("", "", total, total),
    suppression: { threshold: 5, primary: hidden, complementary: hidden > 0 ? 1 : 0 },
    source: "aggregates"
  }
}

const crossTab = (query: StatisticsQuery.Query): StatisticsQuery.Result => {
  const rows = values.stage!
  const cols = values.gender!
  const grid = [
    [40, 80],
    [36, 50],
    [21, 20]
  ]
  const total = 247
  return {
    query,
    unit: { id: "u-bj", name: "北京市东城区教育委员会", path: "/n/p/u-bj/" },
    asOf: query.asOf!,
    rows: { dimension: "stage", label: "学段", values: rows.map(([value, label]) => ({ value, label })) },
    columns: { dimension: "gender", label: "性别", values: cols.map(([value, label]) => ({ value, label })) },
    cells: rows.flatMap(([r], i) => cols.map(([c], j) => cell(r, c, grid[i]![j]!, total))),
    rowTotals: rows.map(([r], i) => cell(r, "", grid[i]![0]! + grid[i]![1]!, total)),
    columnTotals: cols.map(([c], j) =>
      cell(
        "",
        c,
        grid.reduce((s, row) => s + row[j]!, 0),
        total
      )
    ),
    total: cell("", "", total, total),
    suppression: { threshold: 5, primary: 0, complementary: 0 },
    source: "aggregates"
  }
}

export const period = { from: "2026-01-01", to: "2026-06-30" }

export const fixture = (generatedAt: string): Report.Report => {
  const queries = Report.queries("u-bj", period)
  return {
    title: "北京市东城区教育委员会教师队伍建设报告（2026-01-01至2026-06-30）",
    unit: { id: "u-bj", name: "北京市东城区教育委员会", path: "/n/p/u-bj/" },
    period,
    generatedAt,
    queries,
    tables: Report.sections.map((s, i) =>
      s.columns === undefined ? oneWay(queries[i]!, s.rows!) : crossTab(queries[i]!)
    ),
    changes: {
      onboardings: 12,
      leavers: { resigned: 2, retired: 5, deceased: 0, transferredOut: 1 },
      transfers: { in: 4, out: 3, within: 6 },
      rotations: { in: 2, out: 7, within: 9 }
    },
    forecast: Forecast.forecast({
      asOf: period.to,
      years: 5,
      people: [
        { region: "110101", level: "primary", subject: "01", birthDate: "1966-03-10", sex: "male", category: "cadre" },
        {
          region: "110101",
          level: "primary",
          subject: "01",
          birthDate: "1972-02-01",
          sex: "female",
          category: "cadre"
        },
        {
          region: "110101",
          level: "primary",
          subject: "02",
          birthDate: "1971-07-01",
          sex: "female",
          category: "cadre"
        },
        {
          region: "110102",
          level: "juniorSecondary",
          subject: "02",
          birthDate: "1967-11-11",
          sex: "male",
          category: "cadre"
        },
        {
          region: "110102",
          level: "juniorSecondary",
          subject: "03",
          birthDate: "1990-05-05",
          sex: "female",
          category: "cadre"
        }
      ],
      enrolment: [
        { region: "110101", level: "primary", students: 95 },
        { region: "110102", level: "juniorSecondary", students: 40 }
      ]
    })
  }
}
