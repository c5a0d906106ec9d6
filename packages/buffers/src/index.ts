/**
 * @iouring/buffers: buffers the kernel picks for a request (provided-buffer
 * rings, legacy provided buffers) and pools of registered buffers.
 *
 * @module @iouring/buffers
 */
export { BufferGroup, BufferLease } from './group.js'
export type { BufferGroupEvents, BufferGroupStats } from './group.js'
export { BufferRing, MAX_BUFFER_SIZE, MAX_MAPPED_GROUP_ID, MAX_RING_ENTRIES } from './buffer-ring.js'
export type { BufferRingOptions, BufferRingStatus } from './buffer-ring.js'
export { LegacyBufferGroup, MAX_PROVIDED_BUFFERS, provideBuffers } from './legacy.js'
export type { OperationsRing, ProvideBuffersOptions, RingOperations } from './legacy.js'
export { bufferGroup } from './create.js'
export type { BufferGroupOptions } from './create.js'
export { FixedBuffer, FixedBufferPool } from './pool.js'
export type { FixedBufferPoolOptions } from './pool.js'
