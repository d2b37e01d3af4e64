/**
 * OneGate's per-VM token, as OpenNebula makes and checks it: AES-256-CBC with the first 32
 * characters of the owner's TOKEN_PASSWORD as key, an all-zero IV, PKCS#7 padding, over the
 * plaintext `<vm id>:<vm stime>`, base64-encoded. Reproducing the real scheme (rather than any
 * random string) keeps the reference's test vector meaningful and lets a token minted here be
 * checked by a real OneGate, and vice versa.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const CIPHER = "aes-256-cbc";
const IV = Buffer.alloc(16, 0);

function keyOf(tokenPassword: string): Buffer {
  const key = Buffer.from(tokenPassword.slice(0, 32), "utf8");
  if (key.length !== 32) throw new Error("TOKEN_PASSWORD must have at least 32 characters");
  return key;
}

/** The token a VM finds in its token.txt. */
export function makeToken(tokenPassword: string, vmId: number, stime: number): string {
  const cipher = createCipheriv(CIPHER, keyOf(tokenPassword), IV);
  return Buffer.concat([cipher.update(`${vmId}:${stime}`, "utf8"), cipher.final()]).toString("base64");
}

/** The plaintext of a token, or undefined if it does not decrypt (bad base64, key or padding). */
export function openToken(tokenPassword: string, token: string): string | undefined {
  try {
    const decipher = createDecipheriv(CIPHER, keyOf(tokenPassword), IV);
    const plain = Buffer.concat([decipher.update(Buffer.from(token, "base64")), decipher.final()]);
    return plain.toString("utf8");
  } catch {
    return undefined;
  }
}

/** True when `token` is exactly this VM's: it decrypts to `<id>:<stime>`. */
export function tokenMatches(tokenPassword: string, token: string, vmId: number, stime: number): boolean {
  return openToken(tokenPassword, token) === `${vmId}:${stime}`;
}

/** A fresh TOKEN_PASSWORD as oned makes one for every user: 64 hex characters. */
export function newTokenPassword(): string {
  return randomBytes(32).toString("hex");
}
