import { isMetadataError } from '../errors.js'
import { parseCidr, type Cidr } from '../ip/cidr.js'
import type { IpFamily } from '../ip/ip.js'

/** The address-family keys of a network definition. */
export type FamilyKey = 'ipv4' | 'ipv6'

/** `IPv4` or `IPv6`, as messages name a family. */
export function familyName(family: IpFamily): string {
  return family === 4 ? 'IPv4' : 'IPv6'
}

const EXAMPLE: Readonly<Record<FamilyKey, string>> = { ipv4: '10.252.0.0/17', ipv6: 'fd00:0:0:252::/64' }

/**
 * `text` as a CIDR without host bits, of the family of `key` when given; else reports `<field> must …` and returns
 * `undefined`. A subnet with host bits is refused rather than masked: `10.252.0.5/17` is more likely a typo than a
 * way to write `10.252.0.0/17`.
 */
export function parseSubnet(field: string, text: string, key: FamilyKey | undefined, report: (message: string) => void): Cidr | undefined {
  let cidr: Cidr
  try {
    cidr = parseCidr(text)
  } catch (err) {
    if (!isMetadataError(err, 'VALIDATION_FAILED')) throw err
    const reason = (err.details as { reason?: string } | undefined)?.reason ?? err.message
    report(`${field} must be a CIDR such as ${EXAMPLE[key ?? 'ipv4']} (${reason})`)
    return undefined
  }
  if (key !== undefined && familyKeyOf(cidr.family) !== key) {
    report(`${field} must be an ${familyName(key === 'ipv4' ? 4 : 6)} CIDR such as ${EXAMPLE[key]}, not ${text}`)
    return undefined
  }
  if (cidr.address.value !== cidr.network.value) {
    report(`${field} must be a network address without host bits: ${cidr.text}, not ${text}`)
    return undefined
  }
  return cidr
}

/** The definition key of an address family. */
export function familyKeyOf(family: IpFamily): FamilyKey {
  return family === 4 ? 'ipv4' : 'ipv6'
}
