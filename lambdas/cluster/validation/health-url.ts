import { BlockList, isIP } from 'node:net';
import { ClusterError } from '../errors.js';

/** How the public health URL (`fluxguard.io/health-url`) may be reached. */
export interface HealthUrlOptions {
  /**
   * Address ranges (CIDR, e.g. `10.20.0.0/16`) that may be probed although they are not public, for
   * an app published on an internal load balancer. Default: none, only public addresses.
   */
  allowedRanges?: readonly string[];
  /** PEM certificates trusted for the URL besides Node's bundled roots (an internal CA). */
  ca?: string;
}

/** Ranges that are not public: IANA special-purpose registries for IPv4 and IPv6. */
const SPECIAL_PURPOSE: ReadonlyArray<[string, number, 'ipv4' | 'ipv6']> = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.88.99.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b:1::', 48, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001::', 23, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];

const NOT_PUBLIC = new BlockList();
for (const [address, prefix, family] of SPECIAL_PURPOSE) NOT_PUBLIC.addSubnet(address, prefix, family);

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), if it is one. */
function mappedIpv4(address: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return mapped;
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1] ?? '0', 16);
  const low = Number.parseInt(hex[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/**
 * Whether an IP address is public: not loopback, private, link-local (the instance metadata
 * service), shared, documentation, multicast or otherwise reserved. An IPv4-mapped IPv6 address is
 * judged by its IPv4 address. Anything that is not an IP address is not public.
 */
export function isPublicAddress(address: string): boolean {
  const mapped = mappedIpv4(address);
  if (mapped) return isPublicAddress(mapped);
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * A check of resolved addresses against {@link HealthUrlOptions.allowedRanges} and the public rule.
 *
 * @throws {ClusterError} when an allowed range is not CIDR notation
 */
export function addressPolicy(options: HealthUrlOptions = {}): (address: string) => boolean {
  const allowed = new BlockList();
  for (const range of options.allowedRanges ?? []) {
    const [address = '', prefix = ''] = range.split('/');
    const family = isIP(address);
    if (family === 0 || prefix === '')
      throw new ClusterError(`health URL allowed range is not a CIDR range: ${range}`);
    allowed.addSubnet(address, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
  }
  return (address) => {
    const plain = mappedIpv4(address) ?? address;
    const family = isIP(plain);
    if (family !== 0 && allowed.check(plain, family === 4 ? 'ipv4' : 'ipv6')) return true;
    return isPublicAddress(plain);
  };
}

/** Why a URL is not probed at all, or undefined when it may be (its resolved address is checked later). */
export function urlRefusal(url: string, mayReach: (address: string) => boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a URL';
  }
  if (parsed.protocol !== 'https:') return 'only https URLs are probed';
  if (parsed.username || parsed.password) return 'URLs with credentials are not probed';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0 && !mayReach(host)) return `${host} is not a public address`;
  return undefined;
}
