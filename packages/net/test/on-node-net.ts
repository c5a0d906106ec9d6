// Kept apart from helpers.ts: loading @iouring/net emits its fallback warning, which
// fallback.test.ts must see itself.
import * as nodeNet from 'node:net'
import { Server } from '@iouring/net'

/** Whether @iouring/net runs on node:net here (IOURING_NET_FALLBACK: no io_uring, or a kernel before 5.19). */
export const onNodeNet = (Server as unknown) === nodeNet.Server
