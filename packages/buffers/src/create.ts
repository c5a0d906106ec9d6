// One way to get a buffer group on any kernel.
import { invalidArgType, kernelAtLeast, type Ring } from '@iouring/register'
import { BufferRing } from './buffer-ring.js'
import type { BufferGroup } from './group.js'
import { provideBuffers, type OperationsRing } from './legacy.js'

/** Options of bufferGroup(). */
export interface BufferGroupOptions {
  /** How many buffers: a power of two, at most 32768. */
  entries: number
  /** Bytes in each buffer. */
  size: number
  /** The group id requests name. Default: the lowest one free on this ring. */
  groupId?: number
  /** Use legacy provided buffers even where the kernel has buffer rings. */
  legacy?: boolean
}

/**
 * A buffer group on `ring` (an @iouring/core IoUring): a BufferRing where the
 * kernel has them (Linux 5.19), legacy provided buffers (provideBuffers())
 * before. Both read completions the same way (BufferGroup).
 */
export async function bufferGroup(ring: Ring & OperationsRing, options: BufferGroupOptions): Promise<BufferGroup> {
  if (options === null || typeof options !== 'object') throw invalidArgType('options', 'of type object', options)
  const { entries, size, groupId } = options
  if (options.legacy !== true && kernelAtLeast('5.19')) return new BufferRing(ring, { entries, size, groupId })
  return provideBuffers(ring, { count: entries, size, groupId })
}
