// @iouring/buffers: buffers the kernel picks for a request (provided-buffer
// rings, legacy provided buffers) and pools of registered buffers.
export { BufferGroup, BufferLease } from './group.js'
export type { BufferGroupEvents, BufferGroupStats } from './group.js'
export { BufferRing, MAX_BUFFER_SIZE, MAX_MAPPED_GROUP_ID, MAX_RING_ENTRIES } from './buffer-ring.js'
export type { BufferRingOptions, BufferRingStatus } from './buffer-ring.js'
