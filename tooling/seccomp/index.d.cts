/**
 * Path of the deny-io-uring program: `deny-io-uring [--errno=EPERM|ENOSYS|<n>]
 * [--only=setup,enter,register] command [args...]` runs the command under a
 * seccomp filter that fails those io_uring system calls with that errno.
 */
export declare const denyIoUring: string
