// deny-io-uring: runs a command under a seccomp filter that fails
// io_uring_setup, io_uring_enter and io_uring_register with a chosen errno,
// as a container runtime's profile does (Docker's default answers EPERM;
// profiles that list only known syscalls answer ENOSYS). Lets the tests and
// CI show what @iouring does where io_uring is denied.
//
//   deny-io-uring [--errno=EPERM|ENOSYS|<number>] [--only=setup,enter,register] command [args...]
//
// The filter is inherited by the command and everything it starts, and it
// cannot be lifted (PR_SET_NO_NEW_PRIVS, then PR_SET_SECCOMP).

#define _GNU_SOURCE
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#elif defined(__riscv) && __riscv_xlen == 64
#define NATIVE_ARCH AUDIT_ARCH_RISCV64
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NATIVE_ARCH AUDIT_ARCH_PPC64LE
#elif defined(__s390x__)
#define NATIVE_ARCH AUDIT_ARCH_S390X
#else
#error "deny-io-uring: add this architecture's AUDIT_ARCH_* value"
#endif

// The same numbers on every architecture (the unified syscall table).
#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#define __NR_io_uring_enter 426
#define __NR_io_uring_register 427
#endif

static const struct {
  const char *name;
  unsigned nr;
} calls[] = {
    {"setup", __NR_io_uring_setup},
    {"enter", __NR_io_uring_enter},
    {"register", __NR_io_uring_register},
};
#define NCALLS (sizeof(calls) / sizeof(calls[0]))

static int usage(void) {
  fprintf(stderr, "usage: deny-io-uring [--errno=EPERM|ENOSYS|<number>] [--only=setup,enter,register] command [args...]\n");
  return 2;
}

static int parse_errno(const char *s) {
  if (strcmp(s, "EPERM") == 0) return EPERM;
  if (strcmp(s, "ENOSYS") == 0) return ENOSYS;
  if (strcmp(s, "EACCES") == 0) return EACCES;
  char *end;
  long n = strtol(s, &end, 10);
  return *s != '\0' && *end == '\0' && n > 0 && n < 4096 ? (int)n : -1;
}

// Marks the calls named in a comma-separated list; false on an unknown name.
static int parse_only(char *list, int deny[NCALLS]) {
  for (size_t i = 0; i < NCALLS; i++) deny[i] = 0;
  for (char *name = strtok(list, ","); name != NULL; name = strtok(NULL, ",")) {
    size_t i = 0;
    while (i < NCALLS && strcmp(calls[i].name, name) != 0) i++;
    if (i == NCALLS) return 0;
    deny[i] = 1;
  }
  return 1;
}

int main(int argc, char **argv) {
  int err = EPERM;
  int deny[NCALLS] = {1, 1, 1};
  int arg = 1;
  for (; arg < argc && strncmp(argv[arg], "--", 2) == 0; arg++) {
    if (strncmp(argv[arg], "--errno=", 8) == 0) {
      err = parse_errno(argv[arg] + 8);
      if (err < 0) return usage();
    } else if (strncmp(argv[arg], "--only=", 7) == 0) {
      if (!parse_only(argv[arg] + 7, deny)) return usage();
    } else {
      return usage();
    }
  }
  if (arg >= argc) return usage();

  // Other architectures' calls (a 32-bit ABI) pass; on ours each denied
  // number jumps to the last instruction, which returns the errno.
  struct sock_filter prog[4 + NCALLS + 2];
  size_t n = 0, denied = 0;
  for (size_t i = 0; i < NCALLS; i++) denied += (size_t)deny[i];
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  size_t left = denied;
  for (size_t i = 0; i < NCALLS; i++) {
    if (!deny[i]) continue;
    // Past the remaining comparisons and the ALLOW: `left` instructions ahead.
    prog[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, calls[i].nr, (unsigned char)left, 0);
    left--;
  }
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  prog[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ((unsigned)err & SECCOMP_RET_DATA));
  struct sock_fprog fprog = {.len = (unsigned short)n, .filter = prog};

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    perror("deny-io-uring: prctl(PR_SET_NO_NEW_PRIVS)");
    return 126;
  }
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) != 0) {
    perror("deny-io-uring: prctl(PR_SET_SECCOMP)");
    return 126;
  }
  execvp(argv[arg], argv + arg);
  fprintf(stderr, "deny-io-uring: %s: %s\n", argv[arg], strerror(errno));
  return 127;
}
