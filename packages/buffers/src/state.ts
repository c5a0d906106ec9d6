// The buffer groups this package registered on each ring. Holding them here
// keeps their memory alive for as long as the kernel may pick a buffer from
// them: until they are unregistered, or the ring's handle is collected (which
// happens only after the ring is closed).
import type { RingHandle } from '@iouring/native'
import { invalidState, outOfRange, validateInteger } from '@iouring/register'

/** The most buffer groups a ring has: the group id is the SQE's 16-bit buf_group. */
export const MAX_GROUP_ID = 0xffff

// One table for every copy of this package in the process (the ESM and the
// CommonJS build can both be loaded), as @iouring/register does.
const KEY = Symbol.for('@iouring/buffers:groups')
const tables: WeakMap<RingHandle, Map<number, object>> = ((globalThis as Record<symbol, unknown>)[KEY] ??= new WeakMap()) as WeakMap<RingHandle, Map<number, object>>

function groupsOf(handle: RingHandle): Map<number, object> {
  let groups = tables.get(handle)
  if (groups === undefined) {
    groups = new Map()
    tables.set(handle, groups)
  }
  return groups
}

/**
 * Validates `groupId` (or picks the lowest one this package has not used on
 * the ring, below `limit`) and checks that no group of this package has it.
 */
export function chooseGroupId(handle: RingHandle, groupId: unknown, name: string, limit = MAX_GROUP_ID): number {
  const groups = groupsOf(handle)
  if (groupId === undefined) {
    for (let id = 0; id <= limit; id++) if (!groups.has(id)) return id
    throw outOfRange(name, `a free group id <= ${limit}; every one is in use on this ring`, 'none left')
  }
  const id = validateInteger(groupId, name, 0, limit)
  if (groups.has(id)) throw invalidState(`buffer group ${id} is already registered on this ring`)
  return id
}

/** Records that `group` now holds `groupId` on the ring. */
export function holdGroup(handle: RingHandle, groupId: number, group: object): void {
  groupsOf(handle).set(groupId, group)
}

/** Forgets `group` (after it was unregistered or removed). */
export function releaseGroup(handle: RingHandle, groupId: number, group: object): void {
  const groups = tables.get(handle)
  if (groups?.get(groupId) === group) groups.delete(groupId)
}

/** The buffer groups of this package registered on a ring, by group id. */
export function groupsOn(handle: RingHandle): ReadonlyMap<number, object> {
  return groupsOf(handle)
}
