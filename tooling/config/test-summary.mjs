#!/usr/bin/env node
// Prints one line for the whole workspace after `pnpm test`, from the JSON
// report each package's vitest run wrote: "tests: N passed, N failed, N skipped".
// A test file that failed with no failed test in it (it failed to load, or a
// hook failed) counts as one failed test, and so does a package whose test
// run wrote no report: neither may pass for "0 failed".
import { readFileSync, readdirSync, existsSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')
let passed = 0
let failed = 0
let skipped = 0
const notes = []
for (const group of ['packages', 'tooling', 'examples']) {
  const dir = join(root, group)
  if (!existsSync(dir)) continue
  for (const name of readdirSync(dir)) {
    const manifest = join(dir, name, 'package.json')
    if (!existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test === undefined) continue
    const report = join(dir, name, '.vitest', 'report.json')
    if (!existsSync(report)) {
      failed++
      notes.push(`${group}/${name} wrote no test report`)
      continue
    }
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests, testResults } = JSON.parse(readFileSync(report, 'utf8'))
    passed += numPassedTests
    failed += numFailedTests
    skipped += numPendingTests + numTodoTests
    for (const file of testResults) {
      if (file.status !== 'failed' || file.assertionResults.some((test) => test.status === 'failed')) continue
      failed++
      notes.push(`${file.name.slice(root.length + 1)} failed outside its tests: ${String(file.message).split('\n')[0]}`)
    }
  }
}
for (const note of notes) console.log(note)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
