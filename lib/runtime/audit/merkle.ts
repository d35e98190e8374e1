/**
 * Merkle tree hashing and proofs of RFC 9162 (Certificate Transparency v2) §2.1, as pure functions over leaf
 * hashes, separate from storage (the model is Go's golang.org/x/mod/sumdb/tlog):
 *   leaf hash  = SHA-256(0x00 || leaf)            node hash = SHA-256(0x01 || left || right)
 *   MTH({})    = SHA-256()                        MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of 2 < n
 * An audit chain's leaf is the 32 bytes of a record's hash, so a proof discloses no other record.
 */
import * as crypto from 'crypto';

const sha256 = (...parts: Buffer[]) => {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

export const leafHash = (leaf: Buffer): Buffer => sha256(LEAF, leaf);
export const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE, left, right);
/** The leaf hash of an audit record, from its hex record hash. */
export const recordLeaf = (recordHashHex: string): Buffer => leafHash(Buffer.from(recordHashHex, 'hex'));

/** Leaf hashes by index (an array, or a view over one large buffer). */
export type Leaves = (i: number) => Buffer;

/** Largest power of two smaller than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of leaves [lo, hi). */
export function treeHash(leaves: Leaves, lo: number, hi: number): Buffer {
  const n = hi - lo;
  if (n === 0) return sha256();
  if (n === 1) return leaves(lo);
  const k = split(n);
  return nodeHash(treeHash(leaves, lo, lo + k), treeHash(leaves, lo + k, hi));
}

/** Inclusion proof (audit path) of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1). */
export function inclusionProof(leaves: Leaves, index: number, size: number): Buffer[] {
  if (!(index >= 0 && index < size)) throw new Error(`inclusionProof: index ${index} must be within a tree of size ${size}`);
  const path = (m: number, lo: number, hi: number): Buffer[] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = split(n);
    return m < k ? [...path(m, lo, lo + k), treeHash(leaves, lo + k, hi)] : [...path(m - k, lo + k, hi), treeHash(leaves, lo, lo + k)];
  };
  return path(index, 0, size);
}

/** Check an inclusion proof (RFC 9162 §2.1.3.2). */
export function verifyInclusion(leaf: Buffer, index: number, size: number, proof: readonly Buffer[], root: Buffer): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** Consistency proof between the trees of the first `m` and the first `n` leaves (RFC 9162 §2.1.4.1). */
export function consistencyProof(leaves: Leaves, m: number, n: number): Buffer[] {
  if (!(m > 0 && m <= n)) throw new Error(`consistencyProof: sizes ${m} and ${n} must satisfy 0 < m <= n`);
  const sub = (m2: number, lo: number, hi: number, whole: boolean): Buffer[] => {
    const n2 = hi - lo;
    if (m2 === n2) return whole ? [] : [treeHash(leaves, lo, hi)];
    const k = split(n2);
    return m2 <= k
      ? [...sub(m2, lo, lo + k, whole), treeHash(leaves, lo + k, hi)]
      : [...sub(m2 - k, lo + k, hi, false), treeHash(leaves, lo, lo + k)];
  };
  return sub(m, 0, n, true);
}

/** Check a consistency proof (RFC 9162 §2.1.4.2): the tree of size n extends the tree of size m. */
export function verifyConsistency(m: number, n: number, oldRoot: Buffer, newRoot: Buffer, proof: readonly Buffer[]): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m <= 0 || m > n) return false;
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  const path = [...proof];
  if ((m & (m - 1)) === 0) path.unshift(oldRoot); // m is a power of two
  if (!path.length) return false;
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else sr = nodeHash(sr, c);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

/**
 * The root of a growing tree in O(log n) memory (the "compact range" of the tree's left edge): push leaf
 * hashes in order, read the root of the leaves so far at any time. Lets the verifier stream a chain of any
 * length and compare its root with every checkpoint on the way.
 */
export class MerkleAccumulator {
  /** Roots of complete subtrees, largest first, with their heights. */
  private readonly stack: { h: number; hash: Buffer }[] = [];
  size = 0;

  push(leaf: Buffer): void {
    let node = { h: 0, hash: leaf };
    while (this.stack.length && this.stack[this.stack.length - 1].h === node.h) {
      const left = this.stack.pop()!;
      node = { h: node.h + 1, hash: nodeHash(left.hash, node.hash) };
    }
    this.stack.push(node);
    this.size++;
  }

  root(): Buffer {
    if (!this.stack.length) return sha256();
    let r = this.stack[this.stack.length - 1].hash;
    for (let i = this.stack.length - 2; i >= 0; i--) r = nodeHash(this.stack[i].hash, r);
    return r;
  }
}
