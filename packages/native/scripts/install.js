#!/usr/bin/env node
'use strict'
// Install step: use a matching prebuild when one ships, otherwise compile with
// node-gyp against the headers of the Node.js that runs this script, so no
// header tarball is ever downloaded. `--rebuild` always compiles.
const { execFileSync } = require('child_process')
const fs = require('fs')
const path = require('path')

const root = path.join(__dirname, '..')

// io_uring is Linux's: elsewhere there is nothing to build, and the package
// loads without the addon (availability() says why there are no rings).
if (process.platform !== 'linux') process.exit(0)

if (!process.argv.includes('--rebuild')) {
  try {
    require('node-gyp-build').path(root)
    process.exit(0)
  } catch {
    // no prebuild fits this platform, architecture and libc: compile below
  }
}

const nodedir = path.resolve(process.execPath, '..', '..')
if (!fs.existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(`@iouring/native: no prebuild fits and no Node.js headers at ${nodedir}/include/node; ` +
    'install the Node.js development headers (they ship with the official Node.js tarballs)')
  process.exit(1)
}
// Our own node-gyp in this workspace; the one npm and pnpm bundle (they set
// npm_config_node_gyp for install scripts) when installed from the registry.
let nodeGyp = process.env.npm_config_node_gyp
try {
  nodeGyp = require.resolve('node-gyp/bin/node-gyp.js')
} catch {
  // installed from the registry: no devDependencies, use the package manager's
}
if (!nodeGyp) {
  console.error('@iouring/native: no prebuild fits and node-gyp was not found to build from source')
  process.exit(1)
}
execFileSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodedir}`], { cwd: root, stdio: 'inherit' })
