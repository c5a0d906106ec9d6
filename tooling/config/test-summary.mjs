#!/usr/bin/env node
// Prints one line for the whole workspace after `pnpm test`, from the JSON
// report each package's vitest run wrote: "tests: N passed, N failed, N skipped".
// A test file that failed with no failed test in it (it failed to load, or a
// hook failed) counts as one failed test, and so does a package whose test
// run wrote no report: neither may pass for "0 failed". The tests of a file
// whose process died (the watchdog kills a blocked one) have no result in its
// report, neither passed, failed nor skipped: each counts as failed, named.
import { existsSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { testedPackages } from './workspace.mjs'

// The workspace root: this repository's, or the one given (the watchdog's test gives its own);
// then, optionally, the package directories that ran (the kernel runner's suite.mjs runs a few).
const root = process.argv[2] ?? join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..')
const ran = process.argv.slice(3)
let passed = 0
let failed = 0
let skipped = 0
const notes = []
for (const dir of testedPackages(root)) {
  if (ran.length > 0 && !ran.includes(dir)) continue
  const report = join(root, dir, '.vitest', 'report.json')
  if (!existsSync(report)) {
    failed++
    notes.push(`${dir} wrote no test report`)
    continue
  }
  const { numPassedTests, numFailedTests, testResults } = JSON.parse(readFileSync(report, 'utf8'))
  passed += numPassedTests
  failed += numFailedTests
  for (const file of testResults) {
    const name = relative(root, file.name)
    // Skipped: 'skipped' and 'todo'. vitest's numPendingTests also counts a
    // test that was running or queued when its process died: that one is lost.
    skipped += file.assertionResults.filter((test) => test.status === 'skipped' || test.status === 'todo').length
    const lost = file.assertionResults.filter((test) => test.status === 'pending')
    for (const test of lost) notes.push(`${name}: no result for "${test.fullName}" (its test process died)`)
    failed += lost.length
    if (file.status !== 'failed' || lost.length > 0 || file.assertionResults.some((test) => test.status === 'failed')) continue
    failed++
    notes.push(`${name} failed outside its tests: ${String(file.message).split('\n')[0]}`)
  }
}
for (const note of notes) console.log(note)
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
