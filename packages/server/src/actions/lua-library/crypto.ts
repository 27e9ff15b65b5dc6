/**
 * `crypto/sha256`, `crypto/md5`, `crypto/hmac` and `crypto/aes`. AES is lakeFS's CBC scheme:
 * the key's length picks AES-128/192/256, the ciphertext is a random 16-byte IV followed by the
 * PKCS#7-padded blocks.
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { fromHex, type LuaModule } from "./module.js";

const BLOCK = 16;

function aesAlgorithm(key: Buffer): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new Error(`crypto/aes: invalid key size ${key.length}`);
  }
  return `aes-${key.length * 8}-cbc`;
}

function encryptCBC(keyHex: string, plainHex: string): string {
  const key = fromHex(keyHex);
  const iv = randomBytes(BLOCK);
  const cipher = createCipheriv(aesAlgorithm(key), key, iv);
  return Buffer.concat([iv, cipher.update(fromHex(plainHex)), cipher.final()]).toString("hex");
}

function decryptCBC(keyHex: string, cipherHex: string): string {
  const key = fromHex(keyHex);
  const data = fromHex(cipherHex);
  const algorithm = aesAlgorithm(key);
  if (data.length < 2 * BLOCK || data.length % BLOCK !== 0) {
    throw new Error("crypto/aes: ciphertext is not an IV followed by whole blocks");
  }
  const decipher = createDecipheriv(algorithm, key, data.subarray(0, BLOCK));
  decipher.setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(data.subarray(BLOCK)), decipher.final()]);
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK || plain.subarray(-pad).some((b) => b !== pad)) {
    throw new Error("crypto/aes: invalid padding (wrong key or corrupt ciphertext)");
  }
  return plain.subarray(0, -pad).toString("hex");
}

export const crypto: LuaModule = {
  host: {
    digest: (algorithm: string, hex: string) =>
      createHash(algorithm).update(fromHex(hex)).digest("hex"),
    hmac: (algorithm: string, messageHex: string, keyHex: string) =>
      createHmac(algorithm, fromHex(keyHex)).update(fromHex(messageHex)).digest("hex"),
    encryptCBC,
    decryptCBC,
  },
  lua: `
local function digester(algorithm)
  return module({ digest = function(s) return fromhex(call("digest", algorithm, tohex(checkstring(s, 1, "digest")))) end })
end
package.preload["crypto/sha256"] = digester("sha256")
package.preload["crypto/md5"] = digester("md5")
local function signer(algorithm, fname)
  return function(m, k)
    m, k = checkstring(m, 1, fname), checkstring(k, 2, fname)
    return fromhex(call("hmac", algorithm, tohex(m), tohex(k)))
  end
end
package.preload["crypto/hmac"] = module({
  signsha256 = signer("sha256", "signsha256"),
  signsha1 = signer("sha1", "signsha1"),
})
package.preload["crypto/aes"] = module({
  encryptCBC = function(key, plaintext)
    key, plaintext = checkstring(key, 1, "encryptCBC"), checkstring(plaintext, 2, "encryptCBC")
    return fromhex(call("encryptCBC", tohex(key), tohex(plaintext)))
  end,
  decryptCBC = function(key, ciphertext)
    key, ciphertext = checkstring(key, 1, "decryptCBC"), checkstring(ciphertext, 2, "decryptCBC")
    return fromhex(call("decryptCBC", tohex(key), tohex(ciphertext)))
  end,
})
`,
};
