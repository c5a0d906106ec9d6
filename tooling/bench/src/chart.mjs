// The bench's results as SVG charts, one file per group of suites (nop,
// events, setup, read, fs, net, buffers), written next to the run's JSON:
// each suite a panel, each row a bar of its rate, labelled with its ratio to
// the best row of Node.js's own (node:fs, node:net, node:http, timers; the
// suite's baseline where it has none), the fastest C row (liburing, fio)
// marked as the floor. Plain SVG text, no dependency.
//
//   node src/chart.mjs bench-results/<date>.json    (re)draws a run's charts
import fs from 'node:fs'
import path from 'node:path'
import { formatRate } from './harness.mjs'

const WIDTH = 1120
const LABEL = 420 // the row names' column
const BARS = 380 // the bars' column; the value text follows the bar
const ROW = 22
const TITLE_CHARS = 150
const COLORS = { iouring: '#2f6fdf', node: '#8c8c8c', c: '#e0892b', other: '#5aa469' }
const LEGEND = [['iouring', '@iouring'], ['node', 'Node.js today'], ['c', 'C (liburing, fio)'], ['other', 'for reference']]

/** Whose a row is: @iouring's, Node.js's own, C's (the floor), or other. */
export function rowKind(name) {
  if (/^(C |fio)|\(C\)|the floor/.test(name)) return 'c'
  if (/@iouring|^(ring\.|low-level|promise ring|nop|READ_MULTISHOT|SINGLE_ISSUER|no flags)/.test(name)) return 'iouring'
  // node:fs *Sync is the kernel's own time, the floor of an asynchronous API: not a row to beat.
  if (/\*Sync/.test(name)) return 'other'
  if (/^(fs[ .]|node:|setTimeout|setImmediate|net\.Socket)/.test(name)) return 'node'
  return 'other'
}

const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** `text` broken into lines of at most `width` characters, at spaces. */
function wrap(text, width) {
  const lines = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  return line ? [...lines, line] : lines
}

/**
 * One suite as SVG elements from `y` down: its title, a bar per measured row,
 * a line per skipped or failed row, the C floor. Returns the elements and the
 * height used.
 */
function panel(suite, y) {
  const out = []
  const title = wrap(suite.title, TITLE_CHARS)
  for (const [i, line] of title.entries()) out.push(`<text class="title" x="10" y="${y + 16 + i * 16}">${escape(line)}</text>`)
  let top = y + 12 + title.length * 16
  const measured = suite.rows.filter((row) => typeof row.rate === 'number' && row.rate > 0)
  const nodeRows = measured.filter((row) => rowKind(row.name) === 'node')
  const reference = nodeRows.length ? nodeRows.reduce((a, b) => (b.rate > a.rate ? b : a)) : measured.find((row) => row.name === suite.baseline)
  const against = reference === undefined ? '' : nodeRows.length ? `x = ratio to the best Node.js row (${reference.name})` : `x = ratio to ${reference.name} (no Node.js row)`
  out.push(`<text class="note" x="10" y="${top + 10}">${escape(against)}</text>`)
  top += 18
  const max = Math.max(...measured.map((row) => row.rate), 1)
  const scale = (rate) => (rate / max) * BARS
  // The floor first, so that the bars and their values are drawn over it.
  const floor = measured.filter((row) => rowKind(row.name) === 'c').reduce((a, b) => (a === undefined || b.rate > a.rate ? b : a), undefined)
  if (floor !== undefined) {
    const x = (LABEL + scale(floor.rate)).toFixed(1)
    out.push(`<line class="floor" x1="${x}" y1="${top - 4}" x2="${x}" y2="${top + suite.rows.length * ROW}" stroke="${COLORS.c}" stroke-dasharray="4 3"/>`)
    out.push(`<text class="floor-label" x="${x}" y="${top - 6}">C floor</text>`)
  }
  for (const [i, row] of suite.rows.entries()) {
    const rowY = top + i * ROW
    out.push(`<text class="label" x="${LABEL - 8}" y="${rowY + 15}">${escape(row.name)}</text>`)
    if (!measured.includes(row)) {
      const why = row.skipped ? `skipped: ${row.skipped}` : row.failed ? `failed: ${row.failed.split('\n')[0]}` : 'no result'
      out.push(`<text class="skipped" x="${LABEL}" y="${rowY + 15}">${escape(why)}</text>`)
      continue
    }
    const kind = rowKind(row.name)
    const width = scale(row.rate)
    const ratio = reference ? ` ${(row.rate / reference.rate).toFixed(2)}x` : ''
    const cpu = row.serverCpuUs === undefined ? '' : `, server ${row.serverCpuUs.toFixed(1)} µs/${suite.per ?? 'op'}`
    out.push(`<rect class="bar ${kind}" x="${LABEL}" y="${rowY + 3}" width="${width.toFixed(1)}" height="${ROW - 6}" fill="${COLORS[kind]}" data-rate="${row.rate}"/>`)
    out.push(`<text class="value" x="${(LABEL + width + 6).toFixed(1)}" y="${rowY + 15}">${escape(`${formatRate(row.rate)}${ratio}${cpu}`)}</text>`)
  }
  return { out, height: top + suite.rows.length * ROW - y + 14 }
}

/** The suites of one group as one SVG document; `report` gives the run's facts for the footer. */
export function renderChart(report, suites) {
  const body = []
  let y = 10
  body.push(...LEGEND.map(([kind, text], i) => `<rect x="${10 + i * 170}" y="${y}" width="12" height="12" fill="${COLORS[kind]}"/><text class="note" x="${28 + i * 170}" y="${y + 10}">${escape(text)}</text>`))
  y += 24
  for (const suite of suites) {
    const { out, height } = panel(suite, y)
    body.push(`<g class="suite">`, ...out, `</g>`)
    y += height
  }
  const load = report.net?.loadAverage ? `, load average ${report.net.loadAverage.map((l) => l.toFixed(1)).join(' ')}` : ''
  const facts = `${report.date}: Linux ${report.kernel}, Node.js ${report.node}, ${report.cpus ?? 'unknown CPU'}${load}. Rates are medians; higher is faster.`
  body.push(`<text class="note" x="10" y="${y + 12}">${escape(facts)}</text>`)
  const height = y + 24
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    '<style>.title{font-weight:bold}.label{text-anchor:end}.note,.skipped{fill:#666}.floor-label{fill:#e0892b;text-anchor:middle;font-size:10px}.value{paint-order:stroke;stroke:#fff;stroke-width:3px}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n')
}

/** Writes one chart per group of `report`'s suites next to `jsonPath` (<date>-<group>.svg); returns their paths. */
export function writeCharts(report, jsonPath) {
  const groups = new Map()
  for (const suite of report.suites) groups.set(suite.group ?? 'other', [...(groups.get(suite.group ?? 'other') ?? []), suite])
  const stem = jsonPath.replace(/\.json$/, '')
  return [...groups].map(([group, suites]) => {
    const file = `${stem}-${group}.svg`
    fs.writeFileSync(file, renderChart(report, suites))
    return file
  })
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const json = process.argv[2]
  if (!json) {
    console.error('usage: node src/chart.mjs bench-results/<date>.json')
    process.exit(2)
  }
  for (const file of writeCharts(JSON.parse(fs.readFileSync(json, 'utf8')), json)) console.log(`wrote ${file}`)
}
