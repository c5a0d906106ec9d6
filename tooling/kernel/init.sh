#!/bin/sh
# The guest's /init (busybox sh). Shows the host's root and the repository
# read-only with a tmpfs overlay for writes, runs /share/command.sh in it as
# root, writes that command's exit status to /share/status and powers off.
# /share is the runner's per-run directory on the host; /share/params names
# the repository's path.
/bin/busybox --install -s /bin
export PATH=/bin

fail() {
  echo "kernel: $*" >&2
  poweroff -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
while read -r module; do
  insmod "/modules/$module" || fail "insmod $module failed"
done </modules/order

ninep=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$ninep" share /share || fail 'cannot mount the run directory'
. /share/params
mount -t 9p -o "$ninep,ro,cache=loose" hostroot /lower/root || fail 'cannot mount the host root'
mount -t 9p -o "$ninep,ro,cache=loose" repo /lower/repo || fail 'cannot mount the repository'
mount -t tmpfs -o mode=0755 writes /rw
mkdir -p /rw/root/upper /rw/root/work /rw/repo/upper /rw/repo/work
mount -t overlay -o lowerdir=/lower/root,upperdir=/rw/root/upper,workdir=/rw/root/work root /newroot || fail 'overlay on the host root failed'

mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev
# What udev would add: /dev/fd and the standard streams.
ln -s /proc/self/fd /newroot/dev/fd
ln -s /proc/self/fd/0 /newroot/dev/stdin
ln -s /proc/self/fd/1 /newroot/dev/stdout
ln -s /proc/self/fd/2 /newroot/dev/stderr
mkdir -p /newroot/dev/pts /newroot/dev/shm
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs -o mode=1777 shm /newroot/dev/shm
mount -t tmpfs -o mode=1777 tmp /newroot/tmp
mount -t tmpfs -o mode=0755 run /newroot/run
mkdir -p /newroot/run/iouring-kernel
mount -o bind /share /newroot/run/iouring-kernel
# Last, so a repository under /tmp or /run is not hidden by those tmpfs mounts.
mkdir -p "/newroot$repo"
mount -t overlay -o lowerdir=/lower/repo,upperdir=/rw/repo/upper,workdir=/rw/repo/work repo "/newroot$repo" || fail 'overlay on the repository failed'
ip link set lo up

# Through a pipe, so the command sees no terminal (plain test reporter output).
set -o pipefail
chroot /newroot /bin/sh /run/iouring-kernel/command.sh 2>&1 | cat
echo $? >/share/status
sync
poweroff -f
