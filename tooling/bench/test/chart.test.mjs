// The bench's charts (src/chart.mjs), drawn from a fixture report: a
// well-formed SVG document, one bar per measured row with its length in
// proportion to the row's rate, the ratios to Node.js's best row, the C
// floor at the fastest C row's bar end, skipped and failed rows named.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { renderChart, rowKind, writeCharts } from '../src/chart.mjs'

const fixture = JSON.parse(fs.readFileSync(new URL('./fixtures/report.json', import.meta.url), 'utf8'))
const suitesOf = (group) => fixture.suites.filter((suite) => suite.group === group)

/** The document's elements in order, each with its attributes and text; throws unless every tag is closed in order. */
function parse(svg) {
  const elements = []
  const open = []
  for (const [, closing, name, attrs, selfClosing, text] of svg.matchAll(/<(\/?)([\w-]+)([^>]*?)(\/?)>([^<]*)/g)) {
    if (closing) {
      expect(open.pop()?.name, `</${name}> closes the element open last`).toBe(name)
      continue
    }
    const element = { name, attrs: Object.fromEntries([...attrs.matchAll(/([\w-]+)="([^"]*)"/g)].map(([, k, v]) => [k, v])), text }
    elements.push(element)
    if (!selfClosing) open.push(element)
  }
  expect(open, 'every element is closed').toEqual([])
  // Outside tags, the only ampersands are entities: names like "&" and "<" are escaped.
  expect(svg.replace(/<[^>]*>/g, '').match(/&(?!(amp|lt|gt|quot);)/g)).toBeNull()
  return elements
}

const texts = (elements, cls) => elements.filter((e) => e.name === 'text' && e.attrs.class === cls).map((e) => e.text)
const bars = (elements) => elements.filter((e) => e.name === 'rect' && e.attrs.class?.startsWith('bar '))

describe('bench charts', () => {
  it('draws a well-formed SVG document whose size matches its viewBox', () => {
    const svg = renderChart(fixture, suitesOf('net'))
    const [root] = parse(svg)
    expect(root.name).toBe('svg')
    expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg')
    expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`)
    // The footer names the run: date, kernel, Node.js, CPU, load.
    expect(svg).toContain('2026-01-01T00:00:00.000Z: Linux 6.18.0-test, Node.js v20.20.0, Test CPU, load average 0.5 0.4 0.3')
  })

  it('draws one bar per measured row, in proportion to its rate, coloured by whose row it is', () => {
    const elements = parse(renderChart(fixture, suitesOf('net')))
    const drawn = bars(elements)
    const measured = suitesOf('net')[0].rows.filter((row) => row.rate !== undefined)
    expect(drawn.map((bar) => Number(bar.attrs['data-rate']))).toEqual(measured.map((row) => row.rate))
    expect(drawn.map((bar) => bar.attrs.class)).toEqual(['bar c', 'bar iouring', 'bar node', 'bar node'])
    const widest = Math.max(...drawn.map((bar) => Number(bar.attrs.width)))
    for (const [i, bar] of drawn.entries()) {
      expect(Number(bar.attrs.width) / widest).toBeCloseTo(measured[i].rate / 50000, 2)
    }
  })

  it('labels each bar with its rate, its ratio to the best Node.js row and the server CPU per operation', () => {
    const elements = parse(renderChart(fixture, suitesOf('net')))
    expect(texts(elements, 'value')).toEqual([
      '50.0 k/s 1.39x, server 4.5 µs/req',
      '45.0 k/s 1.25x, server 5.5 µs/req',
      '36.0 k/s 1.00x, server 7.4 µs/req',
      '33.0 k/s 0.92x, server 12.9 µs/req',
    ])
    expect(texts(elements, 'note')).toContain('x = ratio to the best Node.js row (node:net responder)')
  })

  it('takes the fastest Node.js row as the reference, not the suite\'s baseline', () => {
    const elements = parse(renderChart(fixture, suitesOf('fs')))
    // fs callbacks (30 k/s) beats the baseline fs.promises (20 k/s).
    expect(texts(elements, 'value').slice(0, 3)).toEqual(['60.0 k/s 2.00x', '20.0 k/s 0.67x', '30.0 k/s 1.00x'])
    // A suite without a Node.js row is measured against its baseline, and says so.
    expect(texts(elements, 'note')).toContain('x = ratio to low-level, batch 128 (no Node.js row)')
    expect(texts(elements, 'value').slice(3)).toEqual(['8.00 M/s 1.00x', '4.00 M/s 0.50x'])
  })

  it('marks the C floor at the end of the fastest C row\'s bar', () => {
    const elements = parse(renderChart(fixture, suitesOf('net')))
    const [floor] = elements.filter((e) => e.name === 'line' && e.attrs.class === 'floor')
    const cBar = bars(elements).find((bar) => bar.attrs.class === 'bar c')
    expect(Number(floor.attrs.x1)).toBeCloseTo(Number(cBar.attrs.x) + Number(cBar.attrs.width), 1)
    expect(floor.attrs.x2).toBe(floor.attrs.x1)
    expect(texts(elements, 'floor-label')).toEqual(['C floor'])
    // No C row, no floor.
    expect(parse(renderChart(fixture, suitesOf('fs'))).some((e) => e.attrs.class === 'floor')).toBe(false)
  })

  it('names skipped and failed rows instead of drawing them, and escapes every text', () => {
    const svg = renderChart(fixture, suitesOf('net'))
    const elements = parse(svg)
    expect(texts(elements, 'skipped')).toEqual(['skipped: hooks.threadedServer is not filled in', 'failed: server exited with code 1'])
    expect(texts(elements, 'label')).toContain('node:http &lt;keep-alive&gt; &amp; co')
    expect(renderChart(fixture, suitesOf('fs'))).toContain('NOP round trips &amp; &lt;no Node.js row&gt;')
  })

  it('tells whose each of the bench\'s row names is', () => {
    const kinds = {
      c: ['C liburing responder (the floor)', 'C liburing plain reads, batch = depth', 'fio --ioengine=io_uring (C)'],
      iouring: ['@iouring/core/fs', '@iouring ring.read (promise)', 'node:http over @iouring/net', 'low-level, batch 32', 'promise ring.nop(), depth 1', 'ring.sleep(0)', 'nop, { signal }', 'READ_MULTISHOT + BufferRing 16 x 64 KiB, copy out', 'SINGLE_ISSUER + COOP_TASKRUN', 'no flags'],
      node: ['fs.promises', 'fs callbacks, UV_USE_IO_URING=1', 'fs.read callbacks', 'node:net responder', 'node:http', 'node:dgram', 'setTimeout(0)', 'setImmediate', 'fs.createReadStream', 'net.Socket (how Node reads process.stdin)'],
      other: ['node:fs *Sync (the kernel alone; for reference)'],
    }
    for (const [kind, names] of Object.entries(kinds)) for (const name of names) expect([name, rowKind(name)]).toEqual([name, kind])
  })

  describe('writeCharts', () => {
    let dir
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

    it('writes one chart per group next to the run\'s JSON', () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iouring-chart-'))
      const json = path.join(dir, '2026-01-01T00-00-00-000Z.json')
      const written = writeCharts(fixture, json)
      expect(written).toEqual([path.join(dir, '2026-01-01T00-00-00-000Z-fs.svg'), path.join(dir, '2026-01-01T00-00-00-000Z-net.svg')])
      expect(bars(parse(fs.readFileSync(written[0], 'utf8')))).toHaveLength(5)
      expect(bars(parse(fs.readFileSync(written[1], 'utf8')))).toHaveLength(4)
    })
  })
})
