import { EventRing } from './events.js'

/**
 * File-system operations: open, close, stat, truncate, allocate, advise,
 * link and rename families, extended attributes, splice and tee.
 * IoUring extends this.
 */
export class FileRing extends EventRing {}
