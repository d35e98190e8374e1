import * as crypto from 'crypto';
import fc from 'fast-check';
import {
  consistencyProof,
  inclusionProof,
  leafHash,
  MerkleAccumulator,
  nodeHash,
  treeHash,
  verifyConsistency,
  verifyInclusion,
} from '../../lib/runtime/audit/merkle';

// The Certificate Transparency reference test tree (RFC 6962 hashing, unchanged in RFC 9162 §2.1): its eight leaf
// inputs, the roots of its first 1..8 leaves, and reference proofs, as published with the CT implementations.
const hex = (b: Buffer) => b.toString('hex');
const unhex = (s: string) => Buffer.from(s, 'hex');
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f']
  .map(unhex)
  .map(leafHash);
const ROOTS = [
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];
const at = (xs: Buffer[]) => (i: number) => xs[i];

/** The RFC's definition written out naively over an array: the brute-force reference. */
function naiveRoot(xs: Buffer[]): Buffer {
  if (!xs.length) return crypto.createHash('sha256').digest();
  if (xs.length === 1) return xs[0];
  let k = 1;
  while (k * 2 < xs.length) k *= 2;
  return nodeHash(naiveRoot(xs.slice(0, k)), naiveRoot(xs.slice(k)));
}
const randomLeaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf-${i}`)));

describe('RFC 9162 Merkle tree', () => {
  test('roots match the CT reference vectors, directly and streamed', () => {
    expect(hex(treeHash(at(LEAVES), 0, 0))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const acc = new MerkleAccumulator();
    for (let n = 1; n <= 8; n++) {
      expect(hex(treeHash(at(LEAVES), 0, n))).toBe(ROOTS[n - 1]);
      acc.push(LEAVES[n - 1]);
      expect(hex(acc.root())).toBe(ROOTS[n - 1]);
    }
  });

  test('proofs match the CT reference proofs', () => {
    expect(inclusionProof(at(LEAVES), 0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(consistencyProof(at(LEAVES), 1, 8).map(hex)).toEqual(inclusionProof(at(LEAVES), 0, 8).map(hex));
    expect(consistencyProof(at(LEAVES), 6, 8).map(hex)).toEqual([
      '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(consistencyProof(at(LEAVES), 2, 5).map(hex)).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
    expect(verifyConsistency(6, 8, unhex(ROOTS[5]), unhex(ROOTS[7]), consistencyProof(at(LEAVES), 6, 8))).toBe(true);
  });

  test('every inclusion and consistency proof up to 40 leaves verifies against the brute-force root, and no other', () => {
    const xs = randomLeaves(40);
    for (let n = 1; n <= 40; n++) {
      const root = naiveRoot(xs.slice(0, n));
      const acc = new MerkleAccumulator();
      xs.slice(0, n).forEach((x) => acc.push(x));
      expect(acc.root().equals(root)).toBe(true);
      for (let i = 0; i < n; i++) {
        const p = inclusionProof(at(xs), i, n);
        expect(verifyInclusion(xs[i], i, n, p, root)).toBe(true);
        expect(verifyInclusion(xs[i], (i + 1) % n, n, p, root)).toBe(n === 1);
        expect(verifyInclusion(xs[(i + 1) % 40], i, n, p, root)).toBe(false);
      }
      for (let m = 1; m <= n; m++) {
        const p = consistencyProof(at(xs), m, n);
        const old = naiveRoot(xs.slice(0, m));
        expect(verifyConsistency(m, n, old, root, p)).toBe(true);
        if (m < n) expect(verifyConsistency(m, n, naiveRoot(xs.slice(1, m + 1)), root, p)).toBe(false);
      }
    }
  });

  test('any altered byte of a proof, leaf or root fails (property)', () => {
    const xs = randomLeaves(37);
    const root = naiveRoot(xs);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 36 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (i, pick, flip) => {
        const p = inclusionProof(at(xs), i, 37);
        const parts = [xs[i], root, ...p].map((b) => Buffer.from(b));
        const which = pick % parts.length;
        parts[which][pick % 32] ^= flip;
        expect(verifyInclusion(parts[0], i, 37, parts.slice(2), parts[1])).toBe(false);
      }),
    );
  });
});
