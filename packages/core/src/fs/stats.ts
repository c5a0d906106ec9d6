// struct statx buffers for stat operations, and node:fs Stats / BigIntStats
// built from them.
//
// The buffers come from slabs that live as long as the module, handed out
// one per operation and returned when it settles (the kernel is done with a
// buffer by the CQE that settles its operation). Decoding reads the slab's
// typed arrays directly: no view or intermediate object per stat.
//
// The Stats objects are node:fs's own: the constructors are those of a real
// fs.Stats / fs.BigIntStats (the prototype's constructor of what fs.statSync
// returns), called with the arguments node:fs itself passes them, so
// `instanceof fs.Stats`, every method, every field and its value are Node's.
// Should a Node.js version change that constructor's signature (checked once
// against a real stat), the objects are built on the same prototypes with
// the same own fields instead.

import { statSync, type BigIntStats, type Stats } from 'node:fs'
import * as native from '@iouring/native'
import {
  STX_ATIME, STX_BLKSIZE, STX_BLOCKS, STX_BTIME, STX_CTIME, STX_DEV_MAJOR, STX_DEV_MINOR, STX_GID, STX_INO, STX_MODE, STX_MTIME,
  STX_NLINK, STX_RDEV_MAJOR, STX_RDEV_MINOR, STX_SIZE, STX_UID, decodeStatx, type Statx,
} from '@iouring/ops'

const ENTRY = 256
const PER_SLAB = 64

interface Slab {
  readonly u32: Uint32Array
  readonly i32: Int32Array
  readonly view: DataView
  readonly address: number
}

const slabs: Slab[] = []
const free: number[] = []

function grow(): void {
  const buffer = new ArrayBuffer(ENTRY * PER_SLAB)
  const index = slabs.length
  slabs.push({ u32: new Uint32Array(buffer), i32: new Int32Array(buffer), view: new DataView(buffer), address: native.addressOf(buffer) })
  for (let i = PER_SLAB - 1; i >= 0; i--) free.push(index * PER_SLAB + i)
}

/** A free 256-byte struct statx buffer, by id. Give it back with releaseStatx() or one of the decoders. */
export function takeStatx(): number {
  if (free.length === 0) grow()
  return free.pop() as number
}

/** The buffer's address, for prepStatx. */
export function statxAddress(id: number): number {
  return slabs[(id / PER_SLAB) | 0].address + (id % PER_SLAB) * ENTRY
}

export function releaseStatx(id: number): void {
  free.push(id)
}

/** Statx fields decoded (ops' decodeStatx); releases the buffer. */
export function statxResult(id: number, bigint: boolean): Statx<number> | Statx<bigint> {
  const slab = slabs[(id / PER_SLAB) | 0]
  const at = (id % PER_SLAB) * ENTRY
  const result = bigint ? decodeStatx(slab.view, at, true) : decodeStatx(slab.view, at)
  free.push(id)
  return result
}

/** How a Stats is made: node:fs's constructor's signature, numbers or bigints. */
type Make<T, S> = (dev: T, mode: T, nlink: T, uid: T, gid: T, rdev: T, blksize: T, ino: T, size: T, blocks: T, atime: T, mtime: T, ctime: T, birthtime: T) => S

let makeStats: Make<number, Stats> | undefined
let makeBigIntStats: Make<bigint, BigIntStats> | undefined

/** makedev() as glibc (and so libuv, and so node:fs) computes it, as a number. */
function makedev(major: number, minor: number): number {
  return ((major & 0xfffff000) >>> 0) * 2 ** 32 + ((major & 0xfff) << 8) + ((minor & 0xffffff00) >>> 0) * 2 ** 12 + (minor & 0xff)
}

function makedevBig(major: number, minor: number): bigint {
  return (BigInt((major & 0xfffff000) >>> 0) << 32n) | BigInt((major & 0xfff) << 8) | (BigInt((minor & 0xffffff00) >>> 0) << 12n) | BigInt(minor & 0xff)
}

/** Finds node:fs's constructors and checks that they build what node:fs builds. */
function setup(): void {
  const real = statSync('/')
  const realBig = statSync('/', { bigint: true })
  const Ctor = Object.getPrototypeOf(real).constructor as new (...args: number[]) => Stats
  const BigCtor = Object.getPrototypeOf(realBig).constructor as new (...args: bigint[]) => BigIntStats
  const viaCtor: Make<number, Stats> = (dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, a, m, c, b) =>
    new Ctor(dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, a, m, c, b)
  const viaBigCtor: Make<bigint, BigIntStats> = (dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, a, m, c, b) =>
    new BigCtor(dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, a, m, c, b)
  const f = real
  const g = realBig
  const built = viaCtor(f.dev, f.mode, f.nlink, f.uid, f.gid, f.rdev, f.blksize, f.ino, f.size, f.blocks, f.atimeMs, f.mtimeMs, f.ctimeMs, f.birthtimeMs)
  makeStats = same(built, real) ? viaCtor : onPrototype(real)
  const big = viaBigCtor(g.dev, g.mode, g.nlink, g.uid, g.gid, g.rdev, g.blksize, g.ino, g.size, g.blocks, g.atimeNs, g.mtimeNs, g.ctimeNs, g.birthtimeNs)
  makeBigIntStats = same(big, realBig) ? viaBigCtor : onBigPrototype(realBig)
}

function same(built: object, real: object): boolean {
  const a = built as Record<string, unknown>
  const b = real as Record<string, unknown>
  const keys = Object.keys(b)
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b) || Object.keys(a).join() !== keys.join()) return false
  return keys.every((key) => (a[key] instanceof Date ? (a[key] as Date).getTime() === (b[key] as Date).getTime() : a[key] === b[key]))
}

/** The fallback: node:fs's prototype, with the own fields a real Stats has, in its order. */
function onPrototype(real: Stats): Make<number, Stats> {
  const proto = Object.getPrototypeOf(real) as object
  const ownDates = Object.hasOwn(real, 'atime')
  return (dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs) => {
    const stats = Object.assign(Object.create(proto) as object, { dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeMs, mtimeMs, ctimeMs, birthtimeMs })
    if (ownDates) Object.assign(stats, { atime: dateOf(atimeMs), mtime: dateOf(mtimeMs), ctime: dateOf(ctimeMs), birthtime: dateOf(birthtimeMs) })
    return stats as Stats
  }
}

function onBigPrototype(real: BigIntStats): Make<bigint, BigIntStats> {
  const proto = Object.getPrototypeOf(real) as object
  const ownDates = Object.hasOwn(real, 'atime')
  const ms = (ns: bigint): bigint => ns / 1000000n
  return (dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks, atimeNs, mtimeNs, ctimeNs, birthtimeNs) => {
    const stats = Object.assign(Object.create(proto) as object, { dev, mode, nlink, uid, gid, rdev, blksize, ino, size, blocks })
    Object.assign(stats, { atimeMs: ms(atimeNs), mtimeMs: ms(mtimeNs), ctimeMs: ms(ctimeNs), birthtimeMs: ms(birthtimeNs) })
    Object.assign(stats, { atimeNs, mtimeNs, ctimeNs, birthtimeNs })
    if (ownDates) {
      const date = (ns: bigint): Date => dateOf(Number(ms(ns)))
      Object.assign(stats, { atime: date(atimeNs), mtime: date(mtimeNs), ctime: date(ctimeNs), birthtime: date(birthtimeNs) })
    }
    return stats as BigIntStats
  }
}

/** node:fs's dateFromMs. */
function dateOf(ms: number): Date {
  return new Date(Math.round(ms))
}

/** fs.Stats from the struct statx in buffer `id` (a statx's CQE result `res` is 0); releases the buffer. */
export function statsResult(res: number, id: number): Stats {
  if (makeStats === undefined) setup()
  const { u32, i32 } = slabs[(id / PER_SLAB) | 0]
  const w = ((id % PER_SLAB) * ENTRY) >>> 2
  const stats = makeStats!(
    makedev(u32[w + (STX_DEV_MAJOR >>> 2)], u32[w + (STX_DEV_MINOR >>> 2)]),
    u32[w + (STX_MODE >>> 2)] & 0xffff,
    u32[w + (STX_NLINK >>> 2)],
    u32[w + (STX_UID >>> 2)],
    u32[w + (STX_GID >>> 2)],
    makedev(u32[w + (STX_RDEV_MAJOR >>> 2)], u32[w + (STX_RDEV_MINOR >>> 2)]),
    u32[w + (STX_BLKSIZE >>> 2)],
    u64(u32, w + (STX_INO >>> 2)),
    u64(u32, w + (STX_SIZE >>> 2)),
    u64(u32, w + (STX_BLOCKS >>> 2)),
    ms(u32, i32, w + (STX_ATIME >>> 2)),
    ms(u32, i32, w + (STX_MTIME >>> 2)),
    ms(u32, i32, w + (STX_CTIME >>> 2)),
    ms(u32, i32, w + (STX_BTIME >>> 2)),
  )
  free.push(id)
  return stats
}

function u64(u32: Uint32Array, i: number): number {
  return u32[i] + u32[i + 1] * 2 ** 32
}

/** node:fs's msFromTimeSpec (sec * 1e3 + nsec / 1e6) of the statx_timestamp at word `i`. */
function ms(u32: Uint32Array, i32: Int32Array, i: number): number {
  return (u32[i] + i32[i + 1] * 2 ** 32) * 1e3 + u32[i + 2] / 1e6
}

/** fs.BigIntStats from the struct statx in buffer `id`; releases the buffer. */
export function bigIntStatsResult(res: number, id: number): BigIntStats {
  if (makeBigIntStats === undefined) setup()
  const { u32, view } = slabs[(id / PER_SLAB) | 0]
  const at = (id % PER_SLAB) * ENTRY
  const w = at >>> 2
  // node:fs's nsFromTimeSpecBigInt: sec * 1e9 + nsec.
  const ns = (off: number): bigint => view.getBigInt64(at + off, true) * 1000000000n + BigInt(view.getUint32(at + off + 8, true))
  const stats = makeBigIntStats!(
    makedevBig(u32[w + (STX_DEV_MAJOR >>> 2)], u32[w + (STX_DEV_MINOR >>> 2)]),
    BigInt(u32[w + (STX_MODE >>> 2)] & 0xffff),
    BigInt(u32[w + (STX_NLINK >>> 2)]),
    BigInt(u32[w + (STX_UID >>> 2)]),
    BigInt(u32[w + (STX_GID >>> 2)]),
    makedevBig(u32[w + (STX_RDEV_MAJOR >>> 2)], u32[w + (STX_RDEV_MINOR >>> 2)]),
    BigInt(u32[w + (STX_BLKSIZE >>> 2)]),
    view.getBigUint64(at + STX_INO, true),
    view.getBigUint64(at + STX_SIZE, true),
    view.getBigUint64(at + STX_BLOCKS, true),
    ns(STX_ATIME),
    ns(STX_MTIME),
    ns(STX_CTIME),
    ns(STX_BTIME),
  )
  free.push(id)
  return stats
}
