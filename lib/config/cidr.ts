/** IPv4 CIDR blocks: parsing that refuses non-canonical forms, and the checks a VPC block must pass. */

export interface Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
}

/** Private IPv4 ranges (RFC 1918), the ranges AWS accepts for a VPC's IPv4 block without public-IP ownership. */
export const PRIVATE_RANGES: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * The largest and smallest VPC this app's subnet plan fits: 2 zones x (edge /24 + workers /20 + data /24),
 * see constructs/hipaa-vpc.ts (test/config-cidr.test.ts builds the VPC at both ends). AWS allows /16 at most.
 */
export const VPC_PREFIX = { min: 16, max: 18 } as const;

const OCTET = /^(0|[1-9]\d{0,2})$/;

/**
 * Parse `a.b.c.d/n`. Returns a reason instead when the text is not a canonical CIDR: octets with leading
 * zeros (`10.040.0.0`, which some tools read as octal), octets above 255, host bits set (`10.40.1.0/16`).
 */
export function parseCidr(text: string): Cidr | { readonly problem: string } {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!m) return { problem: 'is not in CIDR notation a.b.c.d/n' };
  const parts = m[1].split('.');
  if (parts.length !== 4) return { problem: 'must have four dot-separated numbers before the "/"' };
  for (const p of parts) {
    if (!OCTET.test(p)) return { problem: `has "${p.slice(0, 8)}" where a number 0-255 without leading zeros belongs` };
    if (Number(p) > 255) return { problem: `has ${p} where a number 0-255 belongs` };
  }
  const prefix = Number(m[2]);
  if (prefix > 32) return { problem: 'has a prefix length above 32' };
  const base = parts.reduce((acc, p) => acc * 256 + Number(p), 0);
  const size = 2 ** (32 - prefix);
  if (base % size !== 0) {
    return { problem: `has host bits set; the network of that block is ${formatCidr({ base: base - (base % size), prefix })}` };
  }
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  const o = [24, 16, 8, 0].map((s) => Math.floor(c.base / 2 ** s) % 256);
  return `${o.join('.')}/${c.prefix}`;
}

/** Whether block `inner` lies wholly inside `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix && Math.floor(inner.base / 2 ** (32 - outer.prefix)) === Math.floor(outer.base / 2 ** (32 - outer.prefix))
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** Every problem with a VPC block, as sentences (empty when it is usable). */
export function vpcCidrProblems(text: string): string[] {
  const c = parseCidr(text);
  if ('problem' in c) return [`${c.problem}; write it like 10.40.0.0/16`];
  const out: string[] = [];
  if (!PRIVATE_RANGES.some((r) => cidrContains(parseCidr(r) as Cidr, c))) {
    out.push(`must lie inside a private range (${PRIVATE_RANGES.join(', ')}, RFC 1918), e.g. 10.40.0.0/16`);
  }
  if (c.prefix < VPC_PREFIX.min) out.push(`is larger than AWS allows for a VPC (/${VPC_PREFIX.min} at most); use a /16 to /18`);
  if (c.prefix > VPC_PREFIX.max) {
    out.push(
      `is too small for the subnets (2 zones x /24 edge + /20 workers + /24 data need a /${VPC_PREFIX.max} or larger); use a /16 to /18`,
    );
  }
  return out;
}
