/**
 * The address a request came from, for per-address throttles. Framework-free: the production server
 * (server/index.ts) computes it from the socket once per request and passes it to the app in
 * CLIENT_ADDRESS_HEADER, overwriting whatever a client sent in that header.
 *
 * X-Forwarded-For is never trusted by default: any client can write it. With TRUST_PROXY=N (N proxies of
 * yours in front of the app, each appending the address it received from), the address is the N-th entry
 * from the right of the chain "X-Forwarded-For, socket address", the last one a proxy of yours vouched for.
 */
export const CLIENT_ADDRESS_HEADER = "x-lmr-client-address";

/**
 * The client address: the socket's peer, or with `trustProxy` hops the one the outermost trusted proxy saw.
 * IPv6 addresses are cut to their /64 network (one host's whole allocation), IPv4-mapped IPv6 to IPv4.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustProxy: number,
): string {
  const chain: string[] = [];
  if (trustProxy > 0 && forwardedFor !== undefined) {
    for (const part of (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor).split(",")) {
      const a = part.trim();
      if (a !== "") chain.push(a);
    }
  }
  chain.push(socketAddress ?? "unknown");
  return normalizeAddress(chain[Math.max(0, chain.length - 1 - trustProxy)]);
}

/** "::ffff:1.2.3.4" -> "1.2.3.4"; an IPv6 address -> its /64 ("2001:db8:1:2::/64"); anything else as is. */
export function normalizeAddress(raw: string): string {
  const a = raw.trim().replace(/^\[|\]$/g, "");
  const mapped = a.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i);
  if (mapped) return mapped[1];
  if (!a.includes(":")) return a;
  const [head, tail = ""] = a.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = tail === "" ? [] : tail.split(":");
  const groups = a.includes("::")
    ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right]
    : left;
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return a.toLowerCase();
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}
