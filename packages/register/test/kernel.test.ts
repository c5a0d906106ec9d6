import { readFileSync } from 'node:fs'
import { release } from 'node:os'
import { describe, expect, it } from 'vitest'
import {
  CANCEL_FLAGS,
  IORING_ASYNC_CANCEL_ALL,
  IORING_ASYNC_CANCEL_FD,
  IORING_ASYNC_CANCEL_OP,
  IORING_FEAT_NODROP,
  IORING_FEAT_SINGLE_MMAP,
  IORING_REGISTER_BUFFERS,
  IORING_REGISTER_CLONE_BUFFERS,
  IORING_REGISTER_MEM_REGION,
  IORING_REGISTER_PBUF_RING,
  IORING_REGISTER_PROBE,
  IORING_REGISTER_RESIZE_RINGS,
  IORING_TIMEOUT_MULTISHOT,
  OPCODES,
  REGISTER_OPS,
  TIMEOUT_FLAGS,
} from '@iouring/ops'
import {
  decodeFeatures,
  encodeFeatures,
  kernelAtLeast,
  kernelVersion,
  parseKernelVersion,
  probe,
  registerError,
  requireFlags,
  requireKernel,
  requires,
} from '@iouring/register'
import { MiniRing } from './helpers.js'

describe('kernel versions', () => {
  it('kernelVersion() parses os.release()', () => {
    const version = kernelVersion()
    const [major, minor] = release().split('.').map((part) => parseInt(part, 10))
    expect(version.major).toBe(major)
    expect(version.minor).toBe(minor)
    expect(version.release).toBe(release())
    expect(kernelVersion()).toBe(version)
    expect(Object.isFrozen(version)).toBe(true)
  })

  it('parses distribution release strings and compares versions', () => {
    expect(parseKernelVersion('5.15.0-91-generic')).toMatchObject({ major: 5, minor: 15, patch: 0 })
    expect(parseKernelVersion('6.18.44-fc-v782')).toMatchObject({ major: 6, minor: 18, patch: 44 })
    expect(parseKernelVersion('6.1')).toMatchObject({ major: 6, minor: 1, patch: 0 })
    expect(() => parseKernelVersion('linux')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    const old = parseKernelVersion('5.10.200')
    expect(kernelAtLeast('5.10', old)).toBe(true)
    expect(kernelAtLeast('5.11', old)).toBe(false)
    expect(kernelAtLeast('4.19', old)).toBe(true)
    expect(kernelAtLeast('5.10.201', old)).toBe(false)
    expect(kernelAtLeast('5.1')).toBe(true)
  })

  it('requires() gives the kernel that added an opcode or register opcode', () => {
    expect(requires('READ_FIXED')).toBe('5.1')
    expect(requires('IORING_OP_READ')).toBe('5.6')
    expect(requires('READV_FIXED')).toBe('6.15')
    expect(requires('REGISTER_BUFFERS2')).toBe('5.13')
    expect(requires('IORING_REGISTER_CLONE_BUFFERS')).toBe('6.12')
    expect(requires('REGISTER_RESIZE_RINGS')).toBe('6.13')
    for (const op of [...OPCODES, ...REGISTER_OPS]) expect(requires(op.name)).toBe(op.since)
    expect(() => requires('NOT_AN_OP')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => requires(3 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }))
  })
})

describe('register errors', () => {
  it('EINVAL on a kernel older than the register opcode is ERR_IOURING_UNSUPPORTED_OP naming the version', () => {
    const err = registerError(-22, IORING_REGISTER_CLONE_BUFFERS, parseKernelVersion('6.1.0-13-amd64'))
    expect(err).toMatchObject({ code: 'ERR_IOURING_UNSUPPORTED_OP', opcode: 'REGISTER_CLONE_BUFFERS', since: '6.12' })
    expect(err.message).toBe('IORING_REGISTER_CLONE_BUFFERS is not supported by this kernel (6.1.0-13-amd64); it needs Linux 6.12 or newer')
  })

  it('otherwise a Node-style system error with the register opcode in `opcode` and the message', () => {
    const err = registerError(-22, IORING_REGISTER_CLONE_BUFFERS, parseKernelVersion('6.18.0'))
    expect(err).toMatchObject({ code: 'EINVAL', errno: -22, syscall: 'io_uring_register', opcode: 'REGISTER_CLONE_BUFFERS' })
    expect(err.message).toBe('EINVAL: invalid argument, io_uring_register IORING_REGISTER_CLONE_BUFFERS')
    const busy = registerError(-16, IORING_REGISTER_PROBE, parseKernelVersion('5.1.0'))
    expect(busy).toMatchObject({ code: 'EBUSY', opcode: 'REGISTER_PROBE' })
  })

  it('requireFlags() refuses a flag the kernel is older than, naming it and its version; requireKernel() any feature', () => {
    const kernel = parseKernelVersion('6.1.0-57-amd64')
    expect(() => requireFlags(CANCEL_FLAGS, 'IORING_ASYNC_CANCEL_', IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_OP, kernel)).toThrow(
      expect.objectContaining({
        code: 'ERR_IOURING_UNSUPPORTED_OP',
        since: '6.6',
        message: 'IORING_ASYNC_CANCEL_OP is not supported by this kernel (6.1.0-57-amd64); it needs Linux 6.6 or newer',
      }),
    )
    expect(() => requireFlags(CANCEL_FLAGS, 'IORING_ASYNC_CANCEL_', IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD, kernel)).not.toThrow()
    expect(() => requireFlags(TIMEOUT_FLAGS, 'IORING_', IORING_TIMEOUT_MULTISHOT, kernel)).toThrow(expect.objectContaining({ since: '6.4', message: expect.stringContaining('IORING_TIMEOUT_MULTISHOT') }))
    expect(() => requireFlags(TIMEOUT_FLAGS, 'IORING_', IORING_TIMEOUT_MULTISHOT, parseKernelVersion('6.4.0'))).not.toThrow()
    expect(() => requireKernel('a wider fadvise length', '6.12', kernel)).toThrow(expect.objectContaining({ code: 'ERR_IOURING_UNSUPPORTED_OP', since: '6.12' }))
    expect(() => requireKernel('a wider fadvise length', '6.12', parseKernelVersion('6.18.44'))).not.toThrow()
  })

  it('ENOMEM from registering buffers points at RLIMIT_MEMLOCK', () => {
    const err = registerError(-12, IORING_REGISTER_BUFFERS)
    expect(err).toMatchObject({ code: 'ENOMEM', opcode: 'REGISTER_BUFFERS' })
    expect(err.message).toMatch(/^ENOMEM: .*io_uring_register IORING_REGISTER_BUFFERS \(registered buffers are pinned and count against RLIMIT_MEMLOCK/)
  })

  it('ENOMEM from every registration the kernel counts against RLIMIT_MEMLOCK names it and its value; others do not', () => {
    const limit = readFileSync('/proc/self/limits', 'latin1').match(/^Max locked memory\s+(\S+)/m)![1]
    const shown = limit === 'unlimited' ? 'unlimited here' : `${Number(limit) / 1024} KiB here`
    const named: [number, string][] = [
      [IORING_REGISTER_PBUF_RING, 'a buffer ring is pinned and counts'],
      [IORING_REGISTER_RESIZE_RINGS, 'the new rings count'],
      [IORING_REGISTER_MEM_REGION, 'a memory region is pinned and counts'],
      [IORING_REGISTER_CLONE_BUFFERS, 'registered buffers are pinned and count'],
    ]
    for (const [opcode, what] of named) {
      expect(registerError(-12, opcode).message).toMatch(new RegExp(`\\(${what} against RLIMIT_MEMLOCK, ${shown}, unless the process has CAP_IPC_LOCK\\)$`))
    }
    expect(registerError(-12, IORING_REGISTER_PROBE).message).toBe('ENOMEM: not enough memory, io_uring_register IORING_REGISTER_PROBE')
  })
})

describe('probe and features', { tags: ['ring'] }, () => {
  it('probe() says for each opcode by name or value whether this kernel supports it', () => {
    const ring = new MiniRing()
    const p = probe(ring)
    expect(Object.isFrozen(p)).toBe(true)
    expect(p.supports('NOP')).toBe(true)
    expect(p.supports('READ_FIXED')).toBe(true)
    expect(p.supports('IORING_OP_WRITE_FIXED')).toBe(true)
    expect(p.supports(0)).toBe(true)
    expect(p.supports('NOT_AN_OPCODE')).toBe(false)
    expect(p.supports(p.lastOp + 1)).toBe(false)
    expect(p.supports(-1)).toBe(false)
    expect(p.supports(1.5)).toBe(false)
    // Every opcode the kernel lists up to lastOp that ops knows by name.
    expect(p.opcodes).toEqual(OPCODES.filter((op) => p.supports(op.value)).map((op) => op.name))
    if (kernelAtLeast('6.15')) {
      expect(p.lastOp).toBeGreaterThanOrEqual(61)
      expect(p.opcodes).toContain('READV_FIXED')
    } else {
      console.warn(`probe: skipping the READV_FIXED check; this kernel (${release()}) is older than 6.15`)
    }
    ring.close()
  })

  it('decodeFeatures() names every IORING_FEAT_* bit a ring reports', () => {
    const ring = new MiniRing()
    const features = decodeFeatures(ring.features)
    expect(features.has('NODROP')).toBe(true)
    expect(features.has('SINGLE_MMAP')).toBe(true)
    expect(encodeFeatures(features)).toBe(ring.features >>> 0)
    expect([...decodeFeatures(IORING_FEAT_NODROP | IORING_FEAT_SINGLE_MMAP)].sort()).toEqual(['NODROP', 'SINGLE_MMAP'])
    expect(decodeFeatures(0).size).toBe(0)
    expect(() => encodeFeatures(['NOPE'])).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }))
    expect(() => decodeFeatures(-1)).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    ring.close()
  })
})
