import { getSystemErrorMap } from 'node:util'
import { describe, expect, it } from 'vitest'
import * as native from '@iouring/native'

describe('systemError names every Linux errno', () => {
  it('names errnos libuv has no name for, with their Linux values', () => {
    const sample: [number, string, string][] = [
      [10, 'ECHILD', 'no child processes'],
      [116, 'ESTALE', 'stale file handle'],
      [115, 'EINPROGRESS', 'operation now in progress'],
      [122, 'EDQUOT', 'disk quota exceeded'],
      [62, 'ETIME', 'timer expired'],
      [77, 'EBADFD', 'file descriptor in bad state'],
      [130, 'EOWNERDEAD', 'owner died'],
      [133, 'EHWPOISON', 'memory page has hardware error'],
    ]
    for (const [errno, code, message] of sample) {
      const err = native.systemError(-errno, 'waitid')
      expect({ code: err.code, errno: err.errno, syscall: err.syscall, message: err.message }).toEqual({ code, errno: -errno, syscall: 'waitid', message: `${code}: ${message}, waitid` })
    }
  })

  it('has a name for every errno from 1 to 133 (41 and 58 are unused on Linux)', () => {
    for (let errno = 1; errno <= 133; errno++) {
      if (errno === 41 || errno === 58) continue
      expect(native.systemError(errno, 'x').code).toMatch(/^E[A-Z0-9]+$/)
    }
  })

  it('says what Node says for every errno Node itself names', () => {
    for (const [negative, [code, message]] of getSystemErrorMap()) {
      if (negative < -133) continue
      expect(native.systemError(negative, 'read').message).toBe(`${code}: ${message}, read`)
    }
  })
})
