import { execFileSync } from 'node:child_process'
import { mkdtempSync, openSync, rmSync, constants } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'iouring-core-'))
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** An empty FIFO opened read-write: a read on it stays pending until someone writes. */
export function emptyPipe(dir: string, name = 'fifo'): number {
  const path = join(dir, name)
  execFileSync('mkfifo', [path])
  return openSync(path, constants.O_RDWR)
}

export function forceGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  gc()
  gc()
}
