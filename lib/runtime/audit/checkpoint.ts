/**
 * Signed checkpoints: an RFC 9162 tree head over one chain's record hashes, signed by the sealer with an
 * asymmetric KMS key (ECC_NIST_P256, ECDSA_SHA_256) that only the sealer may use for kms:Sign. Anyone holding the
 * public key checks a checkpoint offline; the writer cannot forge one.
 */
import * as crypto from 'crypto';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { z } from 'zod';
import { checkpointPrefix } from '../../baseline/contract';

/** Checkpoint format version. */
export const CHECKPOINT_VERSION = 1;
/** KMS key spec and signing algorithm of the checkpoint key (AWS KMS developer guide, "Asymmetric key specs"). */
export const CHECKPOINT_KEY_SPEC = 'ECC_NIST_P256';
export const CHECKPOINT_SIGNING_ALGORITHM = 'ECDSA_SHA_256';

export interface Checkpoint {
  readonly v: number;
  /** `<tenant>/<writer>`. */
  readonly chain: string;
  /** Records covered: the first `size` records (sequence 0..size-1). */
  readonly size: number;
  /** RFC 9162 root over their leaf hashes, hex. */
  readonly root: string;
  /** Hash of record size-1 (hex): lets a reader match the checkpoint to the chain's end without the tree. */
  readonly lastHash: string;
  /** When it was signed (ISO-8601). */
  readonly time: string;
  /** The signing key (ARN), informative: the verifier uses the public key it is given. */
  readonly keyId: string;
  /** DER-encoded ECDSA signature over `signedBytes`, base64. */
  readonly signature: string;
}

const HEX64 = /^[0-9a-f]{64}$/;
export const checkpointSchema = z.strictObject({
  v: z.literal(CHECKPOINT_VERSION),
  chain: z.string().regex(/^[a-z][a-z0-9]{2,31}\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  root: z.string().regex(HEX64),
  lastHash: z.string().regex(HEX64),
  time: z.iso.datetime({ offset: true }),
  keyId: z.string().max(2048),
  signature: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});

/** The exact bytes signed: a small text note, one field per line, in a fixed order (after Go's sumdb notes). */
export function signedBytes(c: Omit<Checkpoint, 'signature'>): Buffer {
  return Buffer.from(
    `hipaa-stack audit checkpoint v${c.v}\n${c.chain}\n${c.size}\n${c.root}\n${c.lastHash}\n${c.time}\n${c.keyId}\n`,
    'utf8',
  );
}

/** Key of a chain's checkpoint of `size` records, beside (not inside) the chain's prefix. */
export const checkpointKey = (tenant: string, writerId: string, size: number) =>
  `${checkpointPrefix(tenant, writerId)}${String(size).padStart(12, '0')}.json`;
export const checkpointSizeOf = (key: string): number | undefined => {
  const m = /\/(\d{12})\.json$/.exec(key);
  return m ? Number(m[1]) : undefined;
};

/** Signs a message; returns a DER-encoded ECDSA signature. */
export type Signer = (message: Buffer) => Promise<Buffer>;

/** A signer backed by KMS `Sign` (RAW message, ECDSA_SHA_256): the private key never leaves KMS. */
export function kmsSigner(kms: KMSClient, keyId: string): Signer {
  return async (message) => {
    const r = await kms.send(
      new SignCommand({ KeyId: keyId, Message: message, MessageType: 'RAW', SigningAlgorithm: CHECKPOINT_SIGNING_ALGORITHM }),
    );
    if (!r.Signature) throw new Error(`KMS Sign with ${keyId} returned no signature`);
    return Buffer.from(r.Signature);
  };
}

/** The checkpoint public key, fetched once with KMS `GetPublicKey` (DER SubjectPublicKeyInfo). */
export async function fetchPublicKey(kms: KMSClient, keyId: string): Promise<crypto.KeyObject> {
  const r = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (r.KeySpec !== CHECKPOINT_KEY_SPEC) throw new Error(`key ${keyId} is ${r.KeySpec}, expected ${CHECKPOINT_KEY_SPEC}`);
  return crypto.createPublicKey({ key: Buffer.from(r.PublicKey!), format: 'der', type: 'spki' });
}

/** A public key from PEM text (as saved from `aws kms get-public-key` or `audit:prove`). */
export function publicKeyFromPem(pem: string): crypto.KeyObject {
  const k = crypto.createPublicKey(pem);
  if (k.asymmetricKeyType !== 'ec' || k.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
    throw new Error(`the public key is ${k.asymmetricKeyType} ${k.asymmetricKeyDetails?.namedCurve ?? ''}, expected an ECC NIST P-256 key`);
  return k;
}

/** Build and sign a checkpoint. */
export async function signCheckpoint(
  body: { chain: string; size: number; root: Buffer; lastHash: string; time: Date },
  keyId: string,
  sign: Signer,
): Promise<Checkpoint> {
  const unsigned = {
    keyId,
    v: CHECKPOINT_VERSION,
    chain: body.chain,
    size: body.size,
    root: body.root.toString('hex'),
    lastHash: body.lastHash,
    time: body.time.toISOString(),
  };
  const signature = await sign(signedBytes(unsigned));
  return { ...unsigned, signature: signature.toString('base64') };
}

/** Parse and check a checkpoint: its schema and its signature under `publicKey`. Returns it, or what is wrong. */
export function checkCheckpoint(text: string, publicKey: crypto.KeyObject): Checkpoint | string {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  const r = checkpointSchema.safeParse(raw);
  if (!r.success) return `not a valid checkpoint: ${r.error.issues[0].path.join('.')}: ${r.error.issues[0].message}`;
  const c = r.data;
  const ok = crypto.verify('sha256', signedBytes(c), { key: publicKey, dsaEncoding: 'der' }, Buffer.from(c.signature, 'base64'));
  return ok ? c : 'the signature does not verify with the checkpoint public key';
}
