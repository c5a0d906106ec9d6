#!/usr/bin/env node
// Builds the package in the current directory twice from the same sources:
// dist/esm (the package is "type": "module") and dist/cjs (marked CommonJS by
// its own package.json), so `import` and `require` both get native code, and
// each half gets declarations that TypeScript reads in the right module mode.
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const tsc = require.resolve('typescript/bin/tsc')

rmSync('dist', { recursive: true, force: true })
const run = (...args) => execFileSync(process.execPath, [tsc, ...args], { stdio: 'inherit' })
run('-p', 'tsconfig.json', '--outDir', 'dist/esm')
mkdirSync('dist/cjs', { recursive: true })
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n')
run('-p', 'tsconfig.json', '--outDir', 'dist/cjs', '--module', 'commonjs', '--moduleResolution', 'node10')
