import { describe, expect, it } from 'vitest'
import * as ops from '../src/index.js'

const exported = ops as unknown as Record<string, unknown>
const version = (since: string): number[] => since.split('.').map(Number)

describe('OPCODES', () => {
  it('covers every value from 0 to IORING_OP_LAST - 1 with no gap and no duplicate', () => {
    const values = ops.OPCODES.map((op) => op.value)
    expect(new Set(values).size).toBe(values.length)
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: ops.IORING_OP_LAST }, (_, i) => i))
    expect(ops.IORING_OP_LAST).toBe(63)
    expect(ops.OPCODES.at(-1)).toEqual({ name: 'PIPE', value: 62, since: '6.16' })
  })

  it('has unique names', () => {
    expect(new Set(ops.OPCODES.map((op) => op.name)).size).toBe(ops.OPCODES.length)
  })

  it('never goes back in kernel version as the opcode numbers grow', () => {
    for (let i = 1; i < ops.OPCODES.length; i++) {
      const [a, b] = [version(ops.OPCODES[i - 1].since), version(ops.OPCODES[i].since)]
      expect(a[0] * 100 + a[1]).toBeLessThanOrEqual(b[0] * 100 + b[1])
    }
  })

  it('spot checks against the kernel enum', () => {
    const byName = Object.fromEntries(ops.OPCODES.map((op) => [op.name, op]))
    expect(byName.READ).toEqual({ name: 'READ', value: 22, since: '5.6' })
    expect(byName.URING_CMD.value).toBe(46)
    expect(byName.FUTEX_WAITV.value).toBe(53)
    expect(byName.RECV_ZC.value).toBe(58)
  })
})

describe('TABLES', () => {
  for (const [table, { prefix, entries }] of Object.entries(ops.TABLES)) {
    describe(table, () => {
      it('entries name exported constants with the same value', () => {
        for (const entry of entries) expect([prefix + entry.name, exported[prefix + entry.name]]).toEqual([prefix + entry.name, entry.value])
      })

      it('has unique names and values, non-negative integers below 2^32', () => {
        expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length)
        expect(new Set(entries.map((e) => e.value)).size).toBe(entries.length)
        for (const e of entries) {
          expect(Number.isInteger(e.value) && e.value >= 0 && e.value <= 0xffff_ffff).toBe(true)
        }
      })

      it('gives every entry a major.minor kernel version from 5.1 to 6.18', () => {
        for (const e of entries) {
          expect(e.since).toMatch(/^\d+\.\d+$/)
          const [major, minor] = version(e.since)
          expect(major * 100 + minor).toBeGreaterThanOrEqual(501)
          expect(major * 100 + minor).toBeLessThanOrEqual(618)
        }
      })
    })
  }

  it('exposes the contract names, with the two layout-clashing ones as *_TABLE', () => {
    expect(ops.TABLES.SQE_FLAGS.entries).toBe(ops.SQE_FLAGS_TABLE)
    expect(ops.TABLES.CQE_FLAGS.entries).toBe(ops.CQE_FLAGS_TABLE)
    expect(ops.TABLES.SETUP_FLAGS.entries).toBe(ops.SETUP_FLAGS)
    expect(ops.TABLES.FEATURES.entries).toBe(ops.FEATURES)
    expect(ops.TABLES.ENTER_FLAGS.entries).toBe(ops.ENTER_FLAGS)
    expect(ops.TABLES.REGISTER_OPS.entries).toBe(ops.REGISTER_OPS)
    expect(ops.FEATURES.find((f) => f.name === 'NODROP')).toEqual({ name: 'NODROP', value: 2, since: '5.5' })
  })

  it('register opcodes cover 0 to IORING_REGISTER_LAST - 1', () => {
    expect(ops.REGISTER_OPS.map((r) => r.value).sort((a, b) => a - b)).toEqual(Array.from({ length: ops.IORING_REGISTER_LAST }, (_, i) => i))
  })

  it('single-bit flag families are single bits', () => {
    const bitTables = ['SQE_FLAGS', 'SETUP_FLAGS', 'FEATURES', 'ENTER_FLAGS', 'CQE_FLAGS', 'TIMEOUT_FLAGS', 'POLL_FLAGS', 'CANCEL_FLAGS', 'RECVSEND_FLAGS', 'ACCEPT_FLAGS', 'MSG_RING_FLAGS', 'NOP_FLAGS', 'SPLICE_FLAGS', 'RESOLVE_FLAGS', 'EPOLL_EVENTS', 'RWF_FLAGS'] as const
    for (const name of bitTables) {
      for (const e of ops.TABLES[name].entries) expect([name, e.name, e.value & (e.value - 1)]).toEqual([name, e.name, 0])
    }
  })

  it('values at and above 2^31 stay positive', () => {
    expect(ops.SPLICE_F_FD_IN_FIXED).toBe(2 ** 31)
    expect(ops.EPOLLET).toBe(2 ** 31)
    expect(ops.IORING_REGISTER_USE_REGISTERED_RING).toBe(2 ** 31)
    expect(ops.IORING_OFF_PBUF_RING).toBe(2 ** 31)
    expect(ops.IORING_OFF_MMAP_MASK).toBe(0xf800_0000)
    expect(ops.IORING_NOTIF_USAGE_ZC_COPIED).toBe(2 ** 31)
    expect(ops.IORING_FILE_INDEX_ALLOC).toBe(2 ** 32 - 1)
  })

  it('Linux 6.18 facts the running kernel reports through IORING_REGISTER_QUERY', () => {
    // nr_request_opcodes 63, nr_register_opcodes 36, features 0x3ffff,
    // setup flags 0x7ffff, enter flags 0xff, sqe flags 0x7f
    const mask = (t: readonly ops.ConstantEntry[]): number => t.reduce((m, e) => (m | e.value) >>> 0, 0)
    expect(ops.OPCODES.length).toBe(63)
    expect(ops.REGISTER_OPS.length).toBe(36)
    expect(mask(ops.FEATURES)).toBe(0x3ffff)
    expect(mask(ops.SETUP_FLAGS)).toBe(0x7ffff)
    expect(mask(ops.ENTER_FLAGS)).toBe(0xff)
    expect(mask(ops.SQE_FLAGS_TABLE)).toBe(0x7f)
  })
})

describe('architecture-dependent values', () => {
  it('open flags for x86-64 and aarch64', () => {
    expect(ops.archOpenFlags('x64')).toEqual({ O_DIRECTORY: 0o200000, O_NOFOLLOW: 0o400000, O_DIRECT: 0o40000, O_LARGEFILE: 0o100000 })
    expect(ops.archOpenFlags('arm64')).toEqual({ O_DIRECTORY: 0o40000, O_NOFOLLOW: 0o100000, O_DIRECT: 0o200000, O_LARGEFILE: 0o400000 })
    const running = ops.archOpenFlags(process.arch)
    expect(ops.O_DIRECTORY).toBe(running.O_DIRECTORY)
    expect(ops.O_TMPFILE).toBe(0o20000000 | running.O_DIRECTORY)
  })

  it('epoll_event is packed (12 bytes) on x86-64 only', () => {
    expect(ops.epollEventLayout('x64')).toEqual({ size: 12, data: 4 })
    expect(ops.epollEventLayout('arm64')).toEqual({ size: 16, data: 8 })
    expect(ops.EPOLL_EVENT_SIZE).toBe(process.arch === 'x64' ? 12 : 16)
  })
})
