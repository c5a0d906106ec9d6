// struct statx decoded into what Node's fs.Stats / fs.BigIntStats are made of.
// dev and rdev are combined from major/minor the way glibc's makedev (and so
// libuv) does; times are seconds + nanoseconds pairs.

import {
  STATX_STRUCT_SIZE, STATX_TIMESTAMP_NSEC, STATX_TIMESTAMP_SEC, STX_ATIME, STX_ATOMIC_WRITE_SEGMENTS_MAX, STX_ATOMIC_WRITE_UNIT_MAX,
  STX_ATOMIC_WRITE_UNIT_MAX_OPT, STX_ATOMIC_WRITE_UNIT_MIN, STX_ATTRIBUTES, STX_ATTRIBUTES_MASK, STX_BLKSIZE,
  STX_BLOCKS, STX_BTIME, STX_CTIME, STX_DEV_MAJOR, STX_DEV_MINOR, STX_DIO_MEM_ALIGN, STX_DIO_OFFSET_ALIGN,
  STX_DIO_READ_OFFSET_ALIGN, STX_GID, STX_INO, STX_MASK, STX_MNT_ID, STX_MODE, STX_MTIME, STX_NLINK, STX_RDEV_MAJOR,
  STX_RDEV_MINOR, STX_SIZE, STX_SUBVOL, STX_UID,
} from './layout.js'
import { readI64, readU64 } from './u64.js'

/** A statx timestamp: seconds and nanoseconds since the epoch. */
export interface StatxTimestamp<T extends number | bigint> {
  /** Seconds since the epoch. */
  sec: T
  /** Nanoseconds within the second. */
  nsec: T
}

/** T is number for fs.Stats-like results, bigint for fs.BigIntStats-like ones. */
export interface Statx<T extends number | bigint> {
  /** The device of the file's filesystem, from stx_dev_major and stx_dev_minor as makedev combines them. */
  dev: T
  /** The inode number. */
  ino: T
  /** File type and permission bits (S_IF* | 0o7777). */
  mode: T
  /** Number of hard links. */
  nlink: T
  /** Owner's user id. */
  uid: T
  /** Owner's group id. */
  gid: T
  /** The device a device file stands for (makedev of stx_rdev_major and stx_rdev_minor). */
  rdev: T
  /** Size in bytes. */
  size: T
  /** The block size for efficient I/O. */
  blksize: T
  /** Number of 512-byte blocks allocated. */
  blocks: T
  /** Last access. */
  atime: StatxTimestamp<T>
  /** Last modification of the contents. */
  mtime: StatxTimestamp<T>
  /** Last change of the inode. */
  ctime: StatxTimestamp<T>
  /** Creation (stx_btime), where the filesystem records it (STATX_BTIME in `mask`). */
  birthtime: StatxTimestamp<T>
  /** STATX_* bits saying which fields the filesystem filled in */
  mask: number
  /** STATX_ATTR_* */
  attributes: bigint
  /** The STATX_ATTR_* bits this filesystem supports. */
  attributesMask: bigint
  /** stx_dev_major. */
  devMajor: number
  /** stx_dev_minor. */
  devMinor: number
  /** stx_rdev_major. */
  rdevMajor: number
  /** stx_rdev_minor. */
  rdevMinor: number
  /** The mount id (STATX_MNT_ID or STATX_MNT_ID_UNIQUE). */
  mntId: bigint
  /** O_DIRECT memory alignment (STATX_DIOALIGN), 0 if unsupported. */
  dioMemAlign: number
  /** O_DIRECT file offset alignment (STATX_DIOALIGN). */
  dioOffsetAlign: number
  /** O_DIRECT read offset alignment (STATX_DIO_READ_ALIGN). */
  dioReadOffsetAlign: number
  /** The subvolume id (STATX_SUBVOL). */
  subvol: bigint
  /** Smallest atomic write, in bytes (STATX_WRITE_ATOMIC). */
  atomicWriteUnitMin: number
  /** Largest atomic write, in bytes (STATX_WRITE_ATOMIC). */
  atomicWriteUnitMax: number
  /** Largest atomic write the filesystem does well, in bytes (STATX_WRITE_ATOMIC). */
  atomicWriteUnitMaxOpt: number
  /** Most iovec segments in one atomic write (STATX_WRITE_ATOMIC). */
  atomicWriteSegmentsMax: number
}

/** glibc's makedev: major bits 0-11 at 8, 12-31 at 32; minor bits 0-7 at 0, 8-31 at 12. */
export function makedev(major: number, minor: number): bigint {
  return (BigInt((major & 0xfffff000) >>> 0) << 32n) | BigInt((major & 0xfff) << 8) | (BigInt((minor & 0xffffff00) >>> 0) << 12n) | BigInt(minor & 0xff)
}

/** makedev as a number: exact while major < 2^21, as Node's fs.Stats is. */
function makedevNumber(major: number, minor: number): number {
  return ((major & 0xfffff000) >>> 0) * 2 ** 32 + ((major & 0xfff) << 8) + ((minor & 0xffffff00) >>> 0) * 2 ** 12 + (minor & 0xff)
}

/** Decodes the 256-byte struct statx at `at`; `bigint` picks the value type. */
export function decodeStatx(view: DataView, at: number, bigint?: false): Statx<number>
export function decodeStatx(view: DataView, at: number, bigint: true): Statx<bigint>
export function decodeStatx(view: DataView, at: number, bigint = false): Statx<number> | Statx<bigint> {
  const u32 = (off: number): number => view.getUint32(at + off, true)
  const devMajor = u32(STX_DEV_MAJOR)
  const devMinor = u32(STX_DEV_MINOR)
  const rdevMajor = u32(STX_RDEV_MAJOR)
  const rdevMinor = u32(STX_RDEV_MINOR)
  const raw = {
    mask: u32(STX_MASK),
    attributes: view.getBigUint64(at + STX_ATTRIBUTES, true),
    attributesMask: view.getBigUint64(at + STX_ATTRIBUTES_MASK, true),
    devMajor,
    devMinor,
    rdevMajor,
    rdevMinor,
    mntId: view.getBigUint64(at + STX_MNT_ID, true),
    dioMemAlign: u32(STX_DIO_MEM_ALIGN),
    dioOffsetAlign: u32(STX_DIO_OFFSET_ALIGN),
    dioReadOffsetAlign: u32(STX_DIO_READ_OFFSET_ALIGN),
    subvol: view.getBigUint64(at + STX_SUBVOL, true),
    atomicWriteUnitMin: u32(STX_ATOMIC_WRITE_UNIT_MIN),
    atomicWriteUnitMax: u32(STX_ATOMIC_WRITE_UNIT_MAX),
    atomicWriteUnitMaxOpt: u32(STX_ATOMIC_WRITE_UNIT_MAX_OPT),
    atomicWriteSegmentsMax: u32(STX_ATOMIC_WRITE_SEGMENTS_MAX),
  }
  if (bigint) {
    const time = (off: number): StatxTimestamp<bigint> => ({
      sec: view.getBigInt64(at + off + STATX_TIMESTAMP_SEC, true),
      nsec: BigInt(u32(off + STATX_TIMESTAMP_NSEC)),
    })
    return {
      dev: makedev(devMajor, devMinor),
      ino: view.getBigUint64(at + STX_INO, true),
      mode: BigInt(view.getUint16(at + STX_MODE, true)),
      nlink: BigInt(u32(STX_NLINK)),
      uid: BigInt(u32(STX_UID)),
      gid: BigInt(u32(STX_GID)),
      rdev: makedev(rdevMajor, rdevMinor),
      size: view.getBigUint64(at + STX_SIZE, true),
      blksize: BigInt(u32(STX_BLKSIZE)),
      blocks: view.getBigUint64(at + STX_BLOCKS, true),
      atime: time(STX_ATIME),
      mtime: time(STX_MTIME),
      ctime: time(STX_CTIME),
      birthtime: time(STX_BTIME),
      ...raw,
    }
  }
  const time = (off: number): StatxTimestamp<number> => ({
    sec: readI64(view, at + off + STATX_TIMESTAMP_SEC),
    nsec: u32(off + STATX_TIMESTAMP_NSEC),
  })
  return {
    dev: makedevNumber(devMajor, devMinor),
    ino: readU64(view, at + STX_INO),
    mode: view.getUint16(at + STX_MODE, true),
    nlink: u32(STX_NLINK),
    uid: u32(STX_UID),
    gid: u32(STX_GID),
    rdev: makedevNumber(rdevMajor, rdevMinor),
    size: readU64(view, at + STX_SIZE),
    blksize: u32(STX_BLKSIZE),
    blocks: readU64(view, at + STX_BLOCKS),
    atime: time(STX_ATIME),
    mtime: time(STX_MTIME),
    ctime: time(STX_CTIME),
    birthtime: time(STX_BTIME),
    ...raw,
  }
}

type StatxInput = Statx<number> | Statx<bigint>

/** Writes a 256-byte struct statx from decoded fields (dev and rdev come
 * from their major/minor parts); for tests and mocks. */
export function writeStatx(view: DataView, at: number, s: StatxInput): number {
  for (let i = 0; i < STATX_STRUCT_SIZE; i += 4) view.setUint32(at + i, 0)
  const u32 = (off: number, value: number | bigint): void => view.setUint32(at + off, Number(value), true)
  const u64 = (off: number, value: number | bigint): void => view.setBigUint64(at + off, BigInt(value), true)
  const time = (off: number, t: StatxTimestamp<number> | StatxTimestamp<bigint>): void => {
    view.setBigInt64(at + off + STATX_TIMESTAMP_SEC, BigInt(t.sec), true)
    u32(off + STATX_TIMESTAMP_NSEC, t.nsec)
  }
  u32(STX_MASK, s.mask)
  u32(STX_BLKSIZE, s.blksize)
  u64(STX_ATTRIBUTES, s.attributes)
  u32(STX_NLINK, s.nlink)
  u32(STX_UID, s.uid)
  u32(STX_GID, s.gid)
  view.setUint16(at + STX_MODE, Number(s.mode), true)
  u64(STX_INO, s.ino)
  u64(STX_SIZE, s.size)
  u64(STX_BLOCKS, s.blocks)
  u64(STX_ATTRIBUTES_MASK, s.attributesMask)
  time(STX_ATIME, s.atime)
  time(STX_BTIME, s.birthtime)
  time(STX_CTIME, s.ctime)
  time(STX_MTIME, s.mtime)
  u32(STX_RDEV_MAJOR, s.rdevMajor)
  u32(STX_RDEV_MINOR, s.rdevMinor)
  u32(STX_DEV_MAJOR, s.devMajor)
  u32(STX_DEV_MINOR, s.devMinor)
  u64(STX_MNT_ID, s.mntId)
  u32(STX_DIO_MEM_ALIGN, s.dioMemAlign)
  u32(STX_DIO_OFFSET_ALIGN, s.dioOffsetAlign)
  u64(STX_SUBVOL, s.subvol)
  u32(STX_ATOMIC_WRITE_UNIT_MIN, s.atomicWriteUnitMin)
  u32(STX_ATOMIC_WRITE_UNIT_MAX, s.atomicWriteUnitMax)
  u32(STX_ATOMIC_WRITE_SEGMENTS_MAX, s.atomicWriteSegmentsMax)
  u32(STX_DIO_READ_OFFSET_ALIGN, s.dioReadOffsetAlign)
  u32(STX_ATOMIC_WRITE_UNIT_MAX_OPT, s.atomicWriteUnitMaxOpt)
  return STATX_STRUCT_SIZE
}
