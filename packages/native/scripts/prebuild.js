#!/usr/bin/env node
'use strict'
// prebuildify --napi --strip, compiling against the headers of the Node.js
// that runs this script (npm_config_nodedir), never against downloaded ones.
// One N-API build serves every Node.js version from 20.19 on.
const { execFileSync } = require('child_process')
const path = require('path')

const nodedir = path.resolve(process.execPath, '..', '..')
const prebuildify = require.resolve('prebuildify/bin.js')
execFileSync(process.execPath, [prebuildify, '--napi', '--strip', `--target=${process.versions.node}`], {
  cwd: path.join(__dirname, '..'),
  stdio: 'inherit',
  env: { ...process.env, npm_config_nodedir: nodedir }
})
