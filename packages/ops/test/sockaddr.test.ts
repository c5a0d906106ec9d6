import { describe, expect, it } from 'vitest'
import * as ops from '../src/index.js'

const roundTrip = (addr: ops.SocketAddress): ReturnType<typeof ops.decodeSockaddr> => {
  const bytes = ops.encodeSockaddr(addr)
  return ops.decodeSockaddr(new DataView(bytes.buffer), 0, bytes.length)
}

describe('IPv4', () => {
  it('lays out sockaddr_in with the port in network byte order', () => {
    const bytes = ops.encodeSockaddr({ family: 'IPv4', address: '127.0.0.1', port: 8080 })
    expect([...bytes]).toEqual([2, 0, 0x1f, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0])
  })

  it('round trips', () => {
    for (const address of ['0.0.0.0', '255.255.255.255', '10.1.2.3']) {
      for (const port of [0, 1, 65535]) expect(roundTrip({ family: 'IPv4', address, port })).toEqual({ family: 'IPv4', address, port })
    }
  })

  it('rejects malformed text and bad ports', () => {
    for (const address of ['1.2.3', '1.2.3.4.5', '256.0.0.1', '01.2.3.4', '1.2.3.a', '', ' 1.2.3.4', '::1']) {
      expect(() => ops.encodeSockaddr({ family: 'IPv4', address, port: 1 })).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_IP_ADDRESS' }))
    }
    for (const port of [-1, 65536, 1.5, NaN]) {
      expect(() => ops.encodeSockaddr({ family: 'IPv4', address: '1.2.3.4', port })).toThrowError(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
    }
  })
})

describe('IPv6', () => {
  it('lays out sockaddr_in6: port and flowinfo big-endian, scope id host order', () => {
    const bytes = ops.encodeSockaddr({ family: 'IPv6', address: 'fe80::1:2', port: 443, flowinfo: 0x12345, scopeid: 3 })
    expect(bytes.length).toBe(28)
    expect([...bytes.subarray(0, 8)]).toEqual([10, 0, 0x01, 0xbb, 0x00, 0x01, 0x23, 0x45])
    expect([...bytes.subarray(8, 24)]).toEqual([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2])
    expect([...bytes.subarray(24)]).toEqual([3, 0, 0, 0])
  })

  it('round trips with flowinfo and scope id', () => {
    const addr = { family: 'IPv6' as const, address: 'fe80::abcd', port: 5353, flowinfo: 0xfffff, scopeid: 0xffff_ffff }
    expect(roundTrip(addr)).toEqual(addr)
    expect(roundTrip({ family: 'IPv6', address: '::1', port: 80 })).toEqual({ family: 'IPv6', address: '::1', port: 80, flowinfo: 0, scopeid: 0 })
  })

  it('takes a numeric zone from the address when scopeid is absent', () => {
    expect(roundTrip({ family: 'IPv6', address: 'fe80::1%7', port: 1 })).toEqual({ family: 'IPv6', address: 'fe80::1', port: 1, flowinfo: 0, scopeid: 7 })
    expect(() => ops.encodeSockaddr({ family: 'IPv6', address: 'fe80::1%eth0', port: 1 })).toThrowError(TypeError)
  })

  const canonical: [string, string][] = [
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group stays
    ['2001:0db8:0000:0000:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:0:1:0:0:0', '2001:db8:0:0:1::'], // the longer run wins
    ['::ffff:192.0.2.128', '::ffff:192.0.2.128'],
    ['::ffff:c000:0280', '::ffff:192.0.2.128'],
    ['::192.0.2.128', '::192.0.2.128'], // IPv4-compatible keeps its dotted tail, as inet_ntop does
    ['64:ff9b::192.0.2.33', '64:ff9b::c000:221'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['fe80::', 'fe80::'],
  ]
  for (const [input, printed] of canonical) {
    it(`parses ${input} and prints ${printed}`, () => {
      expect(ops.formatIP(ops.parseIP(input))).toBe(printed)
      expect((roundTrip({ family: 'IPv6', address: input, port: 0 }) as ops.Inet6Address).address).toBe(printed)
    })
  }

  it('rejects malformed text', () => {
    for (const address of [':::', '1:::2', '1::2::3', '12345::', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '::1.2.3', '1.2.3.4::', 'g::', ':1::', '1::2:', '::ffff:1.2.3.256', '1:2:3:4:5:6:7::8:9']) {
      expect(() => ops.parseIP(address)).toThrowError(ops.InvalidAddressError)
    }
  })

  it('parseIP / formatIP for IPv4', () => {
    expect([...ops.parseIP('192.168.0.1')]).toEqual([192, 168, 0, 1])
    expect(ops.formatIP(new Uint8Array([8, 8, 4, 4]))).toBe('8.8.4.4')
    expect(() => ops.formatIP(new Uint8Array(5))).toThrowError(TypeError)
  })
})

describe('Unix', () => {
  it('pathname: family, path, NUL; addrlen counts the NUL', () => {
    const bytes = ops.encodeSockaddr({ path: '/tmp/s' })
    expect(bytes.length).toBe(2 + 6 + 1)
    expect([...bytes]).toEqual([1, 0, ...Buffer.from('/tmp/s'), 0])
    expect(roundTrip({ path: '/tmp/s' })).toEqual({ path: '/tmp/s' })
  })

  it('abstract names keep every byte, no NUL added', () => {
    const bytes = ops.encodeSockaddr({ path: '\0abstract\0x' })
    expect(bytes.length).toBe(2 + 11)
    expect(bytes[2]).toBe(0)
    expect(roundTrip({ path: '\0abstract\0x' })).toEqual({ path: '\0abstract\0x' })
  })

  it('unnamed and maximum-length paths, UTF-8', () => {
    expect(ops.encodeSockaddr({ path: '' }).length).toBe(2)
    expect(roundTrip({ path: '' })).toEqual({ path: '' })
    const max = '/' + 'a'.repeat(107)
    expect(ops.encodeSockaddr({ path: max }).length).toBe(110)
    expect(roundTrip({ path: max })).toEqual({ path: max })
    expect(roundTrip({ path: '/tmp/ü' })).toEqual({ path: '/tmp/ü' })
    expect(() => ops.encodeSockaddr({ path: '/' + 'a'.repeat(108) })).toThrowError(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }))
  })

  it('decodes a kernel-style address padded past the NUL', () => {
    const v = new DataView(new ArrayBuffer(110))
    ops.writeSockaddr(v, 0, { path: '/run/x.sock' })
    expect(ops.decodeSockaddr(v, 0, 110)).toEqual({ path: '/run/x.sock' })
  })
})

describe('decodeSockaddr edge cases', () => {
  it('empty or AF_UNSPEC addresses decode as null, unknown families throw', () => {
    const v = new DataView(new ArrayBuffer(16))
    expect(ops.decodeSockaddr(v, 0, 0)).toBeNull()
    expect(ops.decodeSockaddr(v, 0, 16)).toBeNull()
    v.setUint16(0, ops.AF_PACKET, true)
    expect(() => ops.decodeSockaddr(v, 0, 16)).toThrowError(TypeError)
  })

  it('writeSockaddr writes at an offset and returns addrlen', () => {
    const v = new DataView(new Uint8Array(64).fill(0xa5).buffer)
    expect(ops.writeSockaddr(v, 8, { family: 'IPv4', address: '1.2.3.4', port: 5 })).toBe(16)
    expect(v.getUint8(7)).toBe(0xa5)
    expect(v.getUint8(24)).toBe(0xa5)
    expect(ops.decodeSockaddr(v, 8, 16)).toEqual({ family: 'IPv4', address: '1.2.3.4', port: 5 })
    expect(ops.sockaddrSize({ family: 'IPv6', address: '::', port: 0 })).toBe(28)
  })
})

describe('agrees with Node (inet_pton / inet_ntop)', () => {
  it('prints random addresses the way node:net canonicalises them', async () => {
    const net = await import('node:net')
    let seed = 12345
    const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff)
    for (let n = 0; n < 2000; n++) {
      const bytes = new Uint8Array(16)
      // sparse groups so zero runs of every length and position turn up
      for (let g = 0; g < 8; g++) if (rand() % 3 === 0) { bytes[2 * g] = rand() & 0xff; bytes[2 * g + 1] = rand() & 0xff }
      if (n % 7 === 0) bytes.set([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff])
      const text = ops.formatIP(bytes)
      expect(net.isIPv6(text)).toBe(true)
      expect(new net.SocketAddress({ address: text, family: 'ipv6' }).address).toBe(text)
      expect(ops.parseIP(text)).toEqual(bytes)
    }
  })
})
