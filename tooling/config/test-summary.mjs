#!/usr/bin/env node
// Prints one line for the whole workspace after `pnpm test`, from the JSON
// report each package's vitest run wrote: "tests: N passed, N failed, N skipped".
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')
let passed = 0
let failed = 0
let skipped = 0
for (const group of ['packages', 'tooling', 'examples']) {
  const dir = join(root, group)
  if (!existsSync(dir)) continue
  for (const name of readdirSync(dir)) {
    const report = join(dir, name, '.vitest', 'report.json')
    if (!existsSync(report)) continue
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = JSON.parse(readFileSync(report, 'utf8'))
    passed += numPassedTests
    failed += numFailedTests
    skipped += numPendingTests + numTodoTests
  }
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
