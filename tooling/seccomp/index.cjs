'use strict'
// Where the build put deny-io-uring (src/deny-io-uring.c).
exports.denyIoUring = require('path').join(__dirname, 'dist', 'deny-io-uring')
