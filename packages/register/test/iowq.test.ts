// @module-tag ring
import { readFileSync, readdirSync } from 'node:fs'
import { cpus } from 'node:os'
import { describe, expect, it } from 'vitest'
import { IOSQE_ASYNC, addFlags, prepNop } from '@iouring/ops'
import { clearIowqAffinity, iowqMaxWorkers, setIowqAffinity } from '@iouring/register'
import { MiniRing } from './helpers.js'

// Its own file (so its own process): io-wq workers belong to the thread, and
// the affinity test needs the first workers of this process to start after it.

/** CPUs each io-wq worker thread of this process may run on ('0-1', '1', ...). */
function workerCpus(): string[] {
  const out: string[] = []
  for (const tid of readdirSync('/proc/self/task')) {
    let comm: string
    try {
      comm = readFileSync(`/proc/self/task/${tid}/comm`, 'latin1').trim()
    } catch {
      continue
    }
    if (!comm.startsWith('iou-wrk-')) continue
    const status = readFileSync(`/proc/self/task/${tid}/status`, 'latin1')
    out.push(/Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1] ?? '?')
  }
  return out
}

function asyncNop(r: MiniRing): number {
  const at = r.sqe(1)
  prepNop(r.sqes, at)
  addFlags(r.sqes, at, IOSQE_ASYNC)
  return r.run(1)[0].res
}

describe('io-wq', () => {
  it('setIowqAffinity(): workers started afterwards run only on the given CPUs', () => {
    const r = new MiniRing()
    expect(workerCpus()).toEqual([])
    const cpu = cpus().length - 1
    setIowqAffinity(r, [cpu])
    expect(asyncNop(r)).toBe(0)
    const workers = workerCpus()
    expect(workers.length).toBeGreaterThan(0)
    for (const allowed of workers) expect(allowed).toBe(String(cpu))
    clearIowqAffinity(r)
    expect(() => setIowqAffinity(r, [])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => setIowqAffinity(r, [-1])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    expect(() => setIowqAffinity(r, [4095])).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    r.close()
  })

  it('iowqMaxWorkers(): reads the limits, sets them, and returns the previous ones', () => {
    const r = new MiniRing()
    expect(asyncNop(r)).toBe(0)
    const before = iowqMaxWorkers(r)
    expect(before[0]).toBeGreaterThan(0)
    expect(before[1]).toBeGreaterThan(0)
    expect(iowqMaxWorkers(r, [2, 3])).toEqual(before)
    expect(iowqMaxWorkers(r)).toEqual([2, 3])
    // 0 leaves a limit as it is.
    expect(iowqMaxWorkers(r, [0, 5])).toEqual([2, 3])
    expect(iowqMaxWorkers(r, before)).toEqual([2, 5])
    expect(iowqMaxWorkers(r)).toEqual(before)
    expect(() => iowqMaxWorkers(r, [1] as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
    r.close()
  })
})
