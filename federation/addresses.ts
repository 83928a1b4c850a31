// Which IP addresses an outbound fetch may reach: public unicast only.
// Everything a server-side request forgery would aim at is refused: loopback,
// private, link-local, CGNAT, unique-local, multicast, unspecified, reserved
// and documentation ranges, and IPv4 hidden inside IPv6 (mapped, NAT64, 6to4).
import { isIP } from "node:net";

/** IPv4 ranges that are not public unicast, as [network, prefix length]. */
const IPV4_BLOCKED: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8], // private
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata lives here)
  ["172.16.0.0", 12], // private
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast (deprecated)
  ["192.168.0.0", 16], // private
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, and 255.255.255.255 broadcast
];

function ipv4ToInt(address: string): number {
  return address.split(".").reduce((acc, part) => acc * 256 + Number(part), 0);
}

function inIpv4Range(value: number, network: string, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  const start = ipv4ToInt(network);
  return value >= start && value < start + size;
}

export function isPublicIpv4(address: string): boolean {
  const value = ipv4ToInt(address);
  return !IPV4_BLOCKED.some(([network, prefix]) => inIpv4Range(value, network, prefix));
}

/** The eight 16-bit groups of an IPv6 address (accepts `::` and a trailing dotted IPv4). */
export function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  const dotted = text.match(/(\d+\.\d+\.\d+\.\d+)$/);
  if (dotted) {
    const v = ipv4ToInt(dotted[1]);
    text = text.slice(0, -dotted[1].length) + `${Math.floor(v / 65536).toString(16)}:${(v % 65536).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array(missing).fill("0"), ...tailGroups].map((g) => parseInt(g, 16));
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g) || g < 0 || g > 0xffff)) {
    throw new TypeError(`Invalid IPv6 address: ${address}`);
  }
  return groups;
}

function embeddedIpv4(groups: number[], from: number): string {
  const hi = groups[from];
  const lo = groups[from + 1];
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

export function isPublicIpv6(address: string): boolean {
  const g = ipv6Groups(address);
  const first = g[0];
  if (g.every((x) => x === 0)) return false; // :: unspecified
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return false; // ::1 loopback
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated): judge the IPv4 inside
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) return isPublicIpv4(embeddedIpv4(g, 6));
  // 64:ff9b::/96 NAT64 and 64:ff9b:1::/48 local-use NAT64
  if (first === 0x64 && g[1] === 0xff9b) return g[2] === 0 && g.slice(3, 6).every((x) => x === 0) ? isPublicIpv4(embeddedIpv4(g, 6)) : false;
  if (first === 0x2002) return isPublicIpv4(embeddedIpv4(g, 1)); // 6to4
  if (first === 0x2001 && g[1] === 0) return false; // Teredo: tunnels to anywhere
  if (first === 0x2001 && g[1] === 0x0db8) return false; // documentation
  if (first === 0x0100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return false; // discard-only
  if ((first & 0xfe00) === 0xfc00) return false; // fc00::/7 unique local
  if ((first & 0xffc0) === 0xfe80) return false; // fe80::/10 link-local
  if ((first & 0xffc0) === 0xfec0) return false; // fec0::/10 site-local (deprecated)
  if ((first & 0xff00) === 0xff00) return false; // multicast
  // Only global unicast (2000::/3) is public.
  return (first & 0xe000) === 0x2000;
}

/** True for an IP literal that a fetch may reach. */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 4) return isPublicIpv4(bare);
  if (family === 6) return isPublicIpv6(bare);
  return false;
}
