/**
 * The renderings of the periodic workforce report (M29.1): HTML with its charts drawn on the server to SVG by
 * Apache ECharts' server-side rendering (no browser, no script in the page), the same figures as an XLSX workbook,
 * and the HTML printed to PDF by Chromium.
 *
 * Each rendering is a function of the report alone, so the same report gives the same bytes: the chart ids ECharts
 * numbers per process are renumbered per chart, the workbook's dates are the period's last day, and the zip entries'
 * times are fixed. Only the report's `generatedAt` differs between two generations over the same data and period.
 *
 * @since 0.1.0
 */
import { existsSync } from "node:fs"
import { type StatisticsQuery as Query, Report } from "@tmis/core"
import { Spreadsheet } from "@tmis/import"
import * as echarts from "echarts"
import ExcelJS from "exceljs"

const fontFamily = `"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif`

/** The series colours, fixed here so that a report looks the same whatever ECharts' default theme. */
const palette = ["#5070dd", "#b6d634", "#505372", "#ff994d", "#0ca8df", "#ffd10a", "#fb628b", "#785db0", "#3fbe95"]

const escape = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const levelLabel = (level: string) => Report.label("stage", level)
const regionLabel = (region: string) => Report.label("region", region)
const subjectLabel = (subject: string) => Report.label("subject", subject)

/** The cell of a table's row (and column), `undefined` when absent. */
const cellOf = (result: Query.Result, row: string, column = "") =>
  column === "" && result.columns.dimension === null
    ? (result.rowTotals.find((c) => c.row === row) ?? result.cells.find((c) => c.row === row && c.column === ""))
    : result.cells.find((c) => c.row === row && c.column === column)

const shown = (cell: Query.Cell | undefined, suppression: Query.Result["suppression"]) =>
  cell === undefined ? "0" : cell.suppressed || cell.count === null ? `<${suppression.threshold}` : String(cell.count)

const percent = (cell: Query.Cell | undefined) =>
  cell === undefined || cell.suppressed || cell.share === undefined || cell.share === null
    ? "—"
    : `${(cell.share * 100).toFixed(1)}%`

/**
 * An SVG chart by ECharts' server-side renderer. `n` renumbers the ids ECharts gives per process (`zr<k>-`) so that
 * the same chart is the same string in any process.
 */
const svg = (n: number, option: Record<string, unknown>, width = 640, height = 300): string => {
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height })
  try {
    chart.setOption({ animation: false, color: palette, textStyle: { fontFamily }, ...option })
    const numbers = new Map<string, number>()
    const next = new Map<string, number>()
    // zrender numbers its instances, classes and defs per process: renumber them per chart, in order of appearance.
    return chart.renderToSVGString().replace(/\bzr\d+-([A-Za-z]+)-(\d+)|\bzr\d+-/g, (_, kind?: string, k?: string) => {
      if (kind === undefined) return `chart${n}-`
      const key = `${kind}-${k}`
      let m = numbers.get(key)
      if (m === undefined) {
        m = next.get(kind) ?? 0
        next.set(kind, m + 1)
        numbers.set(key, m)
      }
      return `chart${n}-${kind}-${m}`
    })
  } finally {
    chart.dispose()
  }
}

const barOption = (
  labels: ReadonlyArray<string>,
  series: ReadonlyArray<{ name: string; data: Array<number | null> }>,
  stacked = false
) => ({
  grid: { left: 56, right: 24, top: series.length > 1 ? 40 : 24, bottom: 64 },
  ...(series.length > 1 ? { legend: { top: 4 } } : {}),
  xAxis: { type: "category", data: labels, axisLabel: { interval: 0, rotate: labels.length > 6 ? 30 : 0 } },
  yAxis: { type: "value", minInterval: 1 },
  series: series.map((s) => ({
    type: "bar",
    name: s.name,
    data: s.data,
    ...(stacked ? { stack: "total" } : { label: { show: true, position: "top" } })
  }))
})

const pieOption = (labels: ReadonlyArray<string>, data: ReadonlyArray<number | null>) => ({
  legend: { bottom: 4 },
  series: [
    {
      type: "pie",
      radius: ["30%", "62%"],
      center: ["50%", "45%"],
      label: { formatter: "{b}：{c}" },
      data: labels.map((name, i) => ({ name, value: data[i] ?? null }))
    }
  ]
})

/**
 * What a chart draws of a cell: its count, 0 for an empty one, and null — no bar, no slice — for a suppressed one:
 * drawn as 0 it would claim that nobody is there, and drawn at all it would show what the table hides (M28.1).
 */
const drawn = (cell: Query.Cell | undefined): number | null =>
  cell === undefined ? 0 : cell.suppressed || cell.count === null ? null : cell.count

/** The counts of a one-dimensional table ({@link drawn}). */
const counts = (result: Query.Result) => result.rows.values.map((v) => drawn(cellOf(result, v.value)))

/** The categories of a chart, a suppressed one marked as the table marks it ("小学（<5）"). */
const labelsOf = (result: Query.Result): ReadonlyArray<string> => {
  const hidden = `（<${result.suppression.threshold}）`
  return result.rows.values.map((v) =>
    result.columns.dimension === null && drawn(cellOf(result, v.value)) === null ? `${v.label}${hidden}` : v.label
  )
}

const chartOf = (n: number, section: Report.Section, result: Query.Result): string => {
  const labels = labelsOf(result)
  if (section.chart === "none" || labels.length === 0) return ""
  if (section.chart === "pie") return svg(n, pieOption(labels, counts(result)))
  if (section.chart === "stacked") {
    const series = result.columns.values.map((c) => ({
      name: c.label,
      data: result.rows.values.map((r) => drawn(cellOf(result, r.value, c.value)))
    }))
    return svg(n, barOption(labels, series, true))
  }
  return svg(n, barOption(labels, [{ name: result.rows.label, data: counts(result) }]))
}

const tableOf = (result: Query.Result): string => {
  const s = result.suppression
  if (result.columns.dimension === null) {
    const rows = result.rows.values
      .map((v) => {
        const cell = cellOf(result, v.value)
        return `<tr><td>${escape(v.label)}</td><td class="n">${shown(cell, s)}</td><td class="n">${percent(cell)}</td></tr>`
      })
      .join("")
    return `<table><thead><tr><th>${escape(result.rows.label)}</th><th>人数</th><th>占比</th></tr></thead><tbody>${rows}<tr class="total"><td>合计</td><td class="n">${shown(result.total, s)}</td><td class="n">100.0%</td></tr></tbody></table>`
  }
  const head = result.columns.values.map((c) => `<th>${escape(c.label)}</th>`).join("")
  const rows = result.rows.values
    .map((r) => {
      const cells = result.columns.values.map((c) => `<td class="n">${shown(cellOf(result, r.value, c.value), s)}</td>`)
      const total = result.rowTotals.find((c) => c.row === r.value)
      return `<tr><td>${escape(r.label)}</td>${cells.join("")}<td class="n">${shown(total, s)}</td></tr>`
    })
    .join("")
  const totals = result.columns.values
    .map(
      (c) =>
        `<td class="n">${shown(
          result.columnTotals.find((t) => t.column === c.value),
          s
        )}</td>`
    )
    .join("")
  return `<table><thead><tr><th>${escape(result.rows.label)} \\ ${escape(result.columns.label)}</th>${head}<th>合计</th></tr></thead><tbody>${rows}<tr class="total"><td>合计</td>${totals}<td class="n">${shown(result.total, s)}</td></tr></tbody></table>`
}

const style = `
body { font-family: ${fontFamily}; color: #1f2329; margin: 24px 40px; font-size: 14px; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; border-bottom: 2px solid #5470c6; padding-bottom: 4px; margin-top: 28px; }
h3 { font-size: 15px; margin: 18px 0 6px; } .meta { color: #646a73; } .figure { break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; margin: 6px 0 12px; } th, td { border: 1px solid #c9cdd4; padding: 3px 10px; }
th { background: #f2f3f5; } td.n { text-align: right; font-variant-numeric: tabular-nums; } tr.total td { font-weight: bold; }
.note { color: #646a73; font-size: 12px; } pre { font-size: 11px; white-space: pre-wrap; word-break: break-all; background: #f7f8fa; padding: 8px; }
svg { display: block; }
`

/**
 * The report as a standalone HTML page (M29.1): the summary, the period's changes, a chart and a table per
 * section, the forecast with its method (O8.1), and the queries that made it. No script.
 *
 * @since 0.1.0
 */
export const html = (report: Report.Report): string => {
  let n = 0
  const total = report.tables[0]?.total
  const threshold = report.tables[0]?.suppression.threshold ?? 0
  const changes = Report.changeRows(report.changes)
  const parts: Array<string> = []
  parts.push(`<h1>${escape(report.title)}</h1>`)
  parts.push(
    `<p class="meta">统计单位：${escape(report.unit.name)}　统计期间：${report.period.from} 至 ${report.period.to}　统计时点：${report.period.to}　生成时间：<time>${escape(report.generatedAt)}</time></p>`
  )
  parts.push("<h2>一、总体情况</h2>")
  parts.push(
    `<p>截至 ${report.period.to}，${escape(report.unit.name)}辖区内在岗教师（含暂未任职）共 <strong>${total === undefined ? "0" : shown(total, report.tables[0]!.suppression)}</strong> 人。本期新入职 ${report.changes.onboardings} 人，调入 ${report.changes.transfers.in} 人，调出 ${report.changes.transfers.out} 人，退休 ${report.changes.leavers.retired} 人。</p>`
  )
  parts.push("<h2>二、本期变动</h2>")
  parts.push(
    `<div class="figure">${svg(
      n++,
      barOption(
        changes.map(([k]) => k),
        [{ name: "人次", data: changes.map(([, v]) => v) }]
      ),
      720,
      300
    )}</div>`
  )
  parts.push(
    `<table><thead><tr><th>变动</th><th>人次</th></tr></thead><tbody>${changes.map(([k, v]) => `<tr><td>${k}</td><td class="n">${v}</td></tr>`).join("")}</tbody></table>`
  )
  parts.push("<h2>三、队伍结构</h2>")
  Report.sections.forEach((section, i) => {
    const result = report.tables[i]
    if (result === undefined) return
    parts.push(
      `<div class="figure"><h3>${i + 1}. ${escape(section.title)}</h3>${chartOf(n++, section, result)}${tableOf(result)}</div>`
    )
  })
  parts.push(
    `<p class="note">为保护个人信息，不足 ${threshold} 人的单元格不予显示（记为“&lt;${threshold}”），必要时另隐去若干单元格以免推算。</p>`
  )
  const f = report.forecast
  parts.push("<h2>四、教师补充需求预测</h2>")
  parts.push(
    `<div class="figure">${svg(
      n++,
      barOption(
        f.years.map((y) => `${y.from}起`),
        [{ name: "预计退休人数", data: [...f.totalByYear] }]
      ),
      720,
      280
    )}</div>`
  )
  parts.push(
    `<table><thead><tr><th>年度</th><th>起止</th><th>预计退休人数</th></tr></thead><tbody>${f.years
      .map(
        (y, i) =>
          `<tr><td>第${y.index}年</td><td>${y.from} 至 ${y.to}（不含）</td><td class="n">${f.totalByYear[i]}</td></tr>`
      )
      .join("")}</tbody></table>`
  )
  if (f.overdue > 0) parts.push(`<p class="note">其中已达退休年龄仍在岗 ${f.overdue} 人，计入第一年。</p>`)
  const rows = f.retirements.filter((r) => r.total > 0)
  if (rows.length > 0) {
    parts.push(
      `<h3>按地区、学段和学科</h3><table><thead><tr><th>地区</th><th>学段</th><th>学科</th><th>在岗</th>${f.years.map((y) => `<th>第${y.index}年</th>`).join("")}<th>合计</th></tr></thead><tbody>${rows
        .map(
          (r) =>
            `<tr><td>${escape(regionLabel(r.region))}</td><td>${escape(levelLabel(r.level))}</td><td>${escape(subjectLabel(r.subject))}</td><td class="n">${r.teachers}</td>${r.byYear.map((v) => `<td class="n">${v}</td>`).join("")}<td class="n">${r.total}</td></tr>`
        )
        .join("")}</tbody></table>`
    )
  }
  if (f.needs.length > 0) {
    parts.push(
      `<h3>按生师比标准的补充需求</h3><table><thead><tr><th>地区</th><th>学段</th><th>学生数</th><th>生师比</th><th>所需教师</th><th>在岗</th>${f.years.map((y) => `<th>第${y.index}年缺口</th>`).join("")}</tr></thead><tbody>${f.needs
        .map(
          (r) =>
            `<tr><td>${escape(regionLabel(r.region))}</td><td>${escape(levelLabel(r.level))}</td><td class="n">${r.students}</td><td class="n">1:${r.ratio}</td><td class="n">${r.required}</td><td class="n">${r.serving}</td>${r.shortfall.map((v) => `<td class="n">${v}</td>`).join("")}</tr>`
        )
        .join("")}</tbody></table>`
    )
  }
  parts.push(`<h3>预测方法与假设</h3><ol>${f.method.zh.map((m) => `<li>${escape(m)}</li>`).join("")}</ol>`)
  parts.push("<h2>附：本报告的查询</h2>")
  parts.push(
    `<p class="note">以下查询在同样的数据上重新运行，得到同样的报告（生成时间除外）。</p><pre>${escape(JSON.stringify(report.queries, null, 1))}</pre>`
  )
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escape(report.title)}</title>
<style>${style}</style>
</head>
<body>
${parts.join("\n")}
</body>
</html>
`
}

/**
 * The report as an XLSX workbook (M29.1): a sheet of the summary and the queries, one sheet per section with its
 * figures, the changes, and the forecast. The workbook's dates are the period's last day and the zip's times fixed,
 * so the same report gives the same bytes.
 *
 * @since 0.1.0
 */
export const xlsx = async (report: Report.Report): Promise<Buffer> => {
  const book = new ExcelJS.Workbook()
  const day = new Date(`${report.period.to}T00:00:00Z`)
  book.creator = "tmis"
  book.lastModifiedBy = "tmis"
  book.created = day
  book.modified = day
  const about = book.addWorksheet("说明")
  about.columns = [{ width: 16 }, { width: 80 }]
  about.addRows([
    ["报告", report.title],
    ["统计单位", report.unit.name],
    ["统计期间", `${report.period.from} 至 ${report.period.to}`],
    ["生成时间", report.generatedAt],
    ["查询", JSON.stringify(report.queries)]
  ])
  const changes = book.addWorksheet("本期变动")
  changes.columns = [
    { header: "变动", width: 24 },
    { header: "人次", width: 10 }
  ]
  changes.addRows(Report.changeRows(report.changes).map(([k, v]) => [k, v]))
  Report.sections.forEach((section, i) => {
    const result = report.tables[i]
    if (result === undefined) return
    const sheet = book.addWorksheet(`${i + 1}.${section.title}`.slice(0, 31))
    const value = (cell: Query.Cell | undefined) =>
      cell === undefined ? 0 : cell.suppressed ? `<${result.suppression.threshold}` : cell.count
    if (result.columns.dimension === null) {
      sheet.columns = [
        { header: result.rows.label, width: 20 },
        { header: "人数", width: 10 },
        { header: "占比", width: 10 }
      ]
      for (const v of result.rows.values) {
        const cell = cellOf(result, v.value)
        sheet.addRow([v.label, value(cell), cell?.suppressed || cell?.share == null ? null : cell.share])
      }
      sheet.addRow(["合计", value(result.total), 1])
      sheet.getColumn(3).numFmt = "0.0%"
    } else {
      sheet.columns = [
        { header: `${result.rows.label} \\ ${result.columns.label}`, width: 20 },
        ...result.columns.values.map((c) => ({ header: c.label, width: 10 })),
        { header: "合计", width: 10 }
      ]
      for (const r of result.rows.values) {
        sheet.addRow([
          r.label,
          ...result.columns.values.map((c) => value(cellOf(result, r.value, c.value))),
          value(result.rowTotals.find((t) => t.row === r.value))
        ])
      }
      sheet.addRow([
        "合计",
        ...result.columns.values.map((c) => value(result.columnTotals.find((t) => t.column === c.value))),
        value(result.total)
      ])
    }
  })
  const f = report.forecast
  const forecast = book.addWorksheet("补充需求预测")
  forecast.columns = [
    { header: "地区", width: 16 },
    { header: "学段", width: 12 },
    { header: "学科", width: 12 },
    { header: "在岗", width: 8 },
    ...f.years.map((y) => ({ header: `第${y.index}年(${y.from}起)`, width: 14 })),
    { header: "合计", width: 8 }
  ]
  for (const r of f.retirements) {
    forecast.addRow([
      regionLabel(r.region),
      levelLabel(r.level),
      subjectLabel(r.subject),
      r.teachers,
      ...r.byYear,
      r.total
    ])
  }
  forecast.addRow([
    "合计",
    "",
    "",
    f.retirements.reduce((a, r) => a + r.teachers, 0),
    ...f.totalByYear,
    f.totalByYear.reduce((a, b) => a + b, 0)
  ])
  forecast.addRow([])
  for (const m of f.method.zh) forecast.addRow([m])
  if (f.needs.length > 0) {
    const needs = book.addWorksheet("补充需求")
    needs.columns = [
      { header: "地区", width: 16 },
      { header: "学段", width: 12 },
      { header: "学生数", width: 10 },
      { header: "生师比", width: 8 },
      { header: "所需教师", width: 10 },
      { header: "在岗", width: 8 },
      ...f.years.map((y) => ({ header: `第${y.index}年缺口`, width: 12 }))
    ]
    for (const r of f.needs) {
      needs.addRow([
        regionLabel(r.region),
        levelLabel(r.level),
        r.students,
        r.ratio,
        r.required,
        r.serving,
        ...r.shortfall
      ])
    }
  }
  return Spreadsheet.fixedTimes(Buffer.from(await book.xlsx.writeBuffer()))
}

/**
 * Where Chromium is: `TMIS_CHROMIUM`, else Debian's `/usr/bin/chromium`.
 *
 * @since 0.1.0
 */
export const chromiumPath = (): string | undefined => {
  const path = process.env.TMIS_CHROMIUM ?? "/usr/bin/chromium"
  return existsSync(path) ? path : undefined
}

interface Shared {
  readonly browser: Promise<import("playwright-core").Browser>
  users: number
  idle?: NodeJS.Timeout
}

/** One Chromium per process, launched on first use and closed when no PDF has been printed for a while. */
let shared: Shared | undefined

const idleMs = 60_000

const forget = (entry: Shared) => {
  if (shared === entry) shared = undefined
}

const acquire = async (executablePath: string) => {
  if (shared === undefined) {
    const { chromium } = await import("playwright-core")
    const browser = chromium.launch({
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-sync"]
    })
    const created: Shared = { browser, users: 0 }
    shared = created
    browser.then(
      (b) => b.on("disconnected", () => forget(created)),
      () => forget(created)
    )
  }
  const entry = shared
  entry.users += 1
  clearTimeout(entry.idle)
  const release = () => {
    entry.users -= 1
    if (entry.users > 0) return
    entry.idle = setTimeout(() => {
      if (shared === entry && entry.users === 0) {
        forget(entry)
        void entry.browser.then((b) => b.close()).catch(() => undefined)
      }
    }, idleMs)
    entry.idle.unref()
  }
  try {
    return { browser: await entry.browser, release }
  } catch (error) {
    release()
    throw error
  }
}

/**
 * The report's HTML printed to an A4 PDF by headless Chromium (playwright-core, no browser download: the deployment
 * installs Chromium and a CJK font such as Debian's fonts-noto-cjk). One Chromium serves the process, launched on
 * the first PDF and closed after a minute without one. Rejects when no Chromium is found.
 *
 * @since 0.1.0
 */
export const pdf = async (page: string): Promise<Buffer> => {
  const executablePath = chromiumPath()
  if (executablePath === undefined) throw new Error("no Chromium: install it or set TMIS_CHROMIUM")
  const { browser, release } = await acquire(executablePath)
  const context = await browser.newContext().catch((error) => {
    release()
    throw error
  })
  try {
    const tab = await context.newPage()
    await tab.setContent(page, { waitUntil: "load" })
    return Buffer.from(
      await tab.pdf({
        format: "A4",
        printBackground: true,
        margin: { top: "12mm", bottom: "12mm", left: "10mm", right: "10mm" }
      })
    )
  } finally {
    await context.close().catch(() => undefined)
    release()
  }
}
