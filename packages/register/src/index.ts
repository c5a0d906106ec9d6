/**
 * @iouring/register: io_uring_register(2) for any ring (anything with the
 * addon's `handle`, such as @iouring/core's IoUring).
 *
 * @module @iouring/register
 */
export type { Ring, RingWithFd, RingRegistrations } from './ring.js'
export { call as callRegister, handleOf, registrations } from './ring.js'
export {
  MAX_BUFFERS,
  MAX_BUFFER_BYTES,
  cloneBuffers,
  registerBuffers,
  registerBuffersSparse,
  unregisterBuffers,
  updateBuffers,
} from './buffers.js'
export type { CloneBuffersOptions, RegisterBuffersOptions } from './buffers.js'
export { registerFiles, registerFilesSparse, registeredFiles, setFileAllocRange, unregisterFiles, updateFiles } from './files.js'
export type { RegisterFilesOptions } from './files.js'
export { FixedFile, MAX_FIXED_FILES, fixedFile, isFixedFile } from './fixed-file.js'
export { decodeFeatures, encodeFeatures, probe } from './probe.js'
export type { Probe } from './probe.js'
export {
  clearIowqAffinity,
  enableRings,
  iowqMaxWorkers,
  napiStaticId,
  registerClock,
  registerEventfd,
  registerEventfdAsync,
  registerNapi,
  registerPersonality,
  registerRestrictions,
  registerRingFd,
  resizeRings,
  setIowqAffinity,
  syncCancel,
  unregisterEventfd,
  unregisterNapi,
  unregisterPersonality,
} from './control.js'
export type { NapiSettings, NapiTracking, Restrictions, SyncCancelMatch } from './control.js'
export { kernelAtLeast, kernelVersion, parseKernelVersion, requires } from './kernel.js'
export type { KernelVersion } from './kernel.js'
export { invalidArgType, invalidArgValue, invalidState, outOfRange, registerError, unsupported } from './errors.js'
export type { CodedError, RegisterError } from './errors.js'
export { isDetached, validateInteger, validateTags, validateUint32, validateView, validateViews } from './validate.js'
