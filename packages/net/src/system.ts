// Socket system calls answered at once, where node:net's API is synchronous.
import { closeSync } from 'node:fs'
import * as native from '@iouring/native'

const intValue = new Int32Array(1)

/** setsockopt(2) with an int value: 0 or -errno. */
export function setIntOption(fd: number, level: number, name: number, value: number): number {
  intValue[0] = value
  return native.setsockopt(fd, level, name, intValue)
}

/** close(2), for an fd that may already be gone. */
export function closeQuietly(fd: number): void {
  try {
    closeSync(fd)
  } catch {
    // Already closed: nothing to release.
  }
}
