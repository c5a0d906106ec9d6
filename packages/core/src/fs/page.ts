import { readFileSync } from 'node:fs'

let page = 0

/** The page size, from the auxiliary vector (AT_PAGESZ); 4096 where it cannot be read. */
export function pageSize(): number {
  if (page !== 0) return page
  page = 4096
  try {
    const auxv = readFileSync('/proc/self/auxv')
    for (let i = 0; i + 16 <= auxv.length; i += 16) {
      if (auxv.readBigUInt64LE(i) === 6n /* AT_PAGESZ */) page = Number(auxv.readBigUInt64LE(i + 8))
    }
  } catch {
    // keep 4096
  }
  return page
}
