// layout.ts against the kernel's structs, spelled out here independently.
import { describe, expect, it } from 'vitest'
import * as L from '../src/layout.js'

describe('struct layouts', () => {
  it('io_uring_sqe', () => {
    expect([L.SQE_SIZE, L.SQE128_SIZE]).toEqual([64, 128])
    expect({
      opcode: L.SQE_OPCODE, flags: L.SQE_FLAGS, ioprio: L.SQE_IOPRIO, fd: L.SQE_FD, off: L.SQE_OFF, addr2: L.SQE_ADDR2,
      cmd_op: L.SQE_CMD_OP, __pad1: L.SQE_PAD1, addr: L.SQE_ADDR, splice_off_in: L.SQE_SPLICE_OFF_IN, level: L.SQE_LEVEL,
      optname: L.SQE_OPTNAME, len: L.SQE_LEN, rw_flags: L.SQE_RW_FLAGS, user_data: L.SQE_USER_DATA,
      buf_index: L.SQE_BUF_INDEX, buf_group: L.SQE_BUF_GROUP, personality: L.SQE_PERSONALITY,
      splice_fd_in: L.SQE_SPLICE_FD_IN, file_index: L.SQE_FILE_INDEX, zcrx_ifq_idx: L.SQE_ZCRX_IFQ_IDX,
      optlen: L.SQE_OPTLEN, addr_len: L.SQE_ADDR_LEN, __pad3: L.SQE_PAD3, addr3: L.SQE_ADDR3, __pad2: L.SQE_PAD2,
      attr_ptr: L.SQE_ATTR_PTR, attr_type_mask: L.SQE_ATTR_TYPE_MASK, optval: L.SQE_OPTVAL, cmd: L.SQE_CMD,
    }).toEqual({
      opcode: 0, flags: 1, ioprio: 2, fd: 4, off: 8, addr2: 8, cmd_op: 8, __pad1: 12, addr: 16, splice_off_in: 16, level: 16,
      optname: 20, len: 24, rw_flags: 28, user_data: 32, buf_index: 40, buf_group: 40, personality: 42, splice_fd_in: 44,
      file_index: 44, zcrx_ifq_idx: 44, optlen: 44, addr_len: 44, __pad3: 46, addr3: 48, __pad2: 56, attr_ptr: 48,
      attr_type_mask: 56, optval: 48, cmd: 48,
    })
  })

  it('io_uring_cqe', () => {
    expect([L.CQE_SIZE, L.CQE32_SIZE, L.CQE_USER_DATA, L.CQE_RES, L.CQE_FLAGS, L.CQE_BIG_CQE]).toEqual([16, 32, 0, 8, 12, 16])
  })

  it('io_uring_params and ring offsets', () => {
    expect(L.PARAMS_SIZE).toBe(120)
    expect([L.PARAMS_SQ_ENTRIES, L.PARAMS_CQ_ENTRIES, L.PARAMS_FLAGS, L.PARAMS_SQ_THREAD_CPU, L.PARAMS_SQ_THREAD_IDLE, L.PARAMS_FEATURES, L.PARAMS_WQ_FD, L.PARAMS_RESV, L.PARAMS_SQ_OFF, L.PARAMS_CQ_OFF]).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 40, 80])
    expect([L.SQ_OFF_HEAD, L.SQ_OFF_TAIL, L.SQ_OFF_RING_MASK, L.SQ_OFF_RING_ENTRIES, L.SQ_OFF_FLAGS, L.SQ_OFF_DROPPED, L.SQ_OFF_ARRAY, L.SQ_OFF_RESV1, L.SQ_OFF_USER_ADDR, L.SQRING_OFFSETS_SIZE]).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 40])
    expect([L.CQ_OFF_HEAD, L.CQ_OFF_TAIL, L.CQ_OFF_RING_MASK, L.CQ_OFF_RING_ENTRIES, L.CQ_OFF_OVERFLOW, L.CQ_OFF_CQES, L.CQ_OFF_FLAGS, L.CQ_OFF_RESV1, L.CQ_OFF_USER_ADDR, L.CQRING_OFFSETS_SIZE]).toEqual([0, 4, 8, 12, 16, 20, 24, 28, 32, 40])
  })

  it('sizes of the structs io_uring points at', () => {
    expect({
      iovec: L.IOVEC_SIZE, timespec: L.TIMESPEC_SIZE, open_how: L.OPEN_HOW_SIZE, futex_waitv: L.FUTEX_WAITV_SIZE,
      getevents_arg: L.GETEVENTS_ARG_SIZE, reg_wait: L.REG_WAIT_SIZE, recvmsg_out: L.RECVMSG_OUT_SIZE,
      probe: L.PROBE_SIZE, probe_op: L.PROBE_OP_SIZE, buf: L.BUF_SIZE, attr_pi: L.ATTR_PI_SIZE,
      files_update: L.FILES_UPDATE_SIZE, rsrc_update: L.RSRC_UPDATE_SIZE, rsrc_register: L.RSRC_REGISTER_SIZE,
      rsrc_update2: L.RSRC_UPDATE2_SIZE, restriction: L.RESTRICTION_SIZE, buf_reg: L.BUF_REG_SIZE,
      buf_status: L.BUF_STATUS_SIZE, sync_cancel_reg: L.SYNC_CANCEL_REG_SIZE, file_index_range: L.FILE_INDEX_RANGE_SIZE,
      clock_register: L.CLOCK_REGISTER_SIZE, clone_buffers: L.CLONE_BUFFERS_SIZE, napi: L.NAPI_SIZE,
      region_desc: L.REGION_DESC_SIZE, mem_region_reg: L.MEM_REGION_REG_SIZE, zcrx_offsets: L.ZCRX_OFFSETS_SIZE,
      zcrx_area_reg: L.ZCRX_AREA_REG_SIZE, zcrx_ifq_reg: L.ZCRX_IFQ_REG_SIZE, zcrx_rqe: L.ZCRX_RQE_SIZE,
      zcrx_cqe: L.ZCRX_CQE_SIZE, query_hdr: L.QUERY_HDR_SIZE, query_opcode: L.QUERY_OPCODE_SIZE,
      sockaddr_in: L.SOCKADDR_IN_SIZE, sockaddr_in6: L.SOCKADDR_IN6_SIZE, sockaddr_un: L.SOCKADDR_UN_SIZE,
      sockaddr_storage: L.SOCKADDR_STORAGE_SIZE, msghdr: L.MSGHDR_SIZE, cmsghdr: L.CMSGHDR_SIZE,
      in_pktinfo: L.IN_PKTINFO_SIZE, in6_pktinfo: L.IN6_PKTINFO_SIZE, statx: L.STATX_STRUCT_SIZE,
    }).toEqual({
      iovec: 16, timespec: 16, open_how: 24, futex_waitv: 24, getevents_arg: 24, reg_wait: 64, recvmsg_out: 16,
      probe: 16, probe_op: 8, buf: 16, attr_pi: 32, files_update: 16, rsrc_update: 16, rsrc_register: 32,
      rsrc_update2: 32, restriction: 16, buf_reg: 40, buf_status: 40, sync_cancel_reg: 64, file_index_range: 16,
      clock_register: 16, clone_buffers: 32, napi: 16, region_desc: 64, mem_region_reg: 32, zcrx_offsets: 32,
      zcrx_area_reg: 48, zcrx_ifq_reg: 96, zcrx_rqe: 16, zcrx_cqe: 16, query_hdr: 40, query_opcode: 48,
      sockaddr_in: 16, sockaddr_in6: 28, sockaddr_un: 110, sockaddr_storage: 128, msghdr: 56, cmsghdr: 16,
      in_pktinfo: 12, in6_pktinfo: 20, statx: 256,
    })
  })

  it('siginfo_t, SIGCHLD member', () => {
    expect([L.SIGINFO_SIZE, L.SIGINFO_SIGNO, L.SIGINFO_ERRNO, L.SIGINFO_CODE, L.SIGINFO_PID, L.SIGINFO_UID, L.SIGINFO_STATUS]).toEqual([128, 0, 4, 8, 16, 20, 24])
  })

  it('struct statx field offsets', () => {
    expect([L.STX_MASK, L.STX_BLKSIZE, L.STX_ATTRIBUTES, L.STX_NLINK, L.STX_UID, L.STX_GID, L.STX_MODE, L.STX_INO, L.STX_SIZE, L.STX_BLOCKS, L.STX_ATTRIBUTES_MASK]).toEqual([0, 4, 8, 16, 20, 24, 28, 32, 40, 48, 56])
    expect([L.STX_ATIME, L.STX_BTIME, L.STX_CTIME, L.STX_MTIME, L.STX_RDEV_MAJOR, L.STX_RDEV_MINOR, L.STX_DEV_MAJOR, L.STX_DEV_MINOR, L.STX_MNT_ID]).toEqual([64, 80, 96, 112, 128, 132, 136, 140, 144])
    expect([L.STX_DIO_MEM_ALIGN, L.STX_DIO_OFFSET_ALIGN, L.STX_SUBVOL, L.STX_ATOMIC_WRITE_UNIT_MIN, L.STX_ATOMIC_WRITE_UNIT_MAX, L.STX_ATOMIC_WRITE_SEGMENTS_MAX, L.STX_DIO_READ_OFFSET_ALIGN, L.STX_ATOMIC_WRITE_UNIT_MAX_OPT]).toEqual([152, 156, 160, 168, 172, 176, 180, 184])
  })
})
