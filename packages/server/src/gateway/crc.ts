/**
 * CRC-32C (Castagnoli) and CRC-64/NVME, two of S3's flexible checksums, which Node's zlib does
 * not offer. Both are reflected CRCs with all-ones init and final xor; the tables use
 * slicing-by-8 (eight bytes per step), which keeps verification near disk speed. CRC-64 values
 * are held as two unsigned 32-bit halves because JS bitwise operators work on 32 bits.
 */

const SLICES = 8;
type Slices = [
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
  Uint32Array,
];

/** `tables[k][n]`: the CRC contribution of byte n followed by k zero bytes. */
function crc32Tables(polynomial: number): Uint32Array[] {
  const tables = Array.from({ length: SLICES }, () => new Uint32Array(256));
  const base = tables[0]!;
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let bit = 0; bit < 8; bit++) c = c & 1 ? (c >>> 1) ^ polynomial : c >>> 1;
    base[n] = c >>> 0;
  }
  for (let k = 1; k < SLICES; k++) {
    const previous = tables[k - 1]!;
    const current = tables[k]!;
    for (let n = 0; n < 256; n++) current[n] = (previous[n]! >>> 8) ^ base[previous[n]! & 0xff]!;
  }
  return tables;
}

interface Crc64Tables {
  readonly hi: Uint32Array[];
  readonly lo: Uint32Array[];
}

function crc64Tables(polyHi: number, polyLo: number): Crc64Tables {
  const hi = Array.from({ length: SLICES }, () => new Uint32Array(256));
  const lo = Array.from({ length: SLICES }, () => new Uint32Array(256));
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let bit = 0; bit < 8; bit++) {
      const carry = l & 1;
      l = ((l >>> 1) | (h << 31)) >>> 0;
      h >>>= 1;
      if (carry) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    hi[0]![n] = h;
    lo[0]![n] = l;
  }
  for (let k = 1; k < SLICES; k++) {
    for (let n = 0; n < 256; n++) {
      const h = hi[k - 1]![n]!;
      const l = lo[k - 1]![n]!;
      const index = l & 0xff;
      hi[k]![n] = (h >>> 8) ^ hi[0]![index]!;
      lo[k]![n] = ((l >>> 8) | (h << 24)) ^ lo[0]![index]!;
    }
  }
  return { hi, lo };
}

const CRC32C = crc32Tables(0x82f63b78);
const CRC64_NVME = crc64Tables(0x9a6c9329, 0xac4bc9b5);

/** Continues a CRC-32C over `bytes`; start from 0, the result is the checksum of everything fed. */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = CRC32C as Slices;
  let crc = ~previous >>> 0;
  let i = 0;
  const end8 = bytes.length - (bytes.length % SLICES);
  for (; i < end8; i += SLICES) {
    crc ^= bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    crc =
      t7[crc & 0xff]! ^
      t6[(crc >>> 8) & 0xff]! ^
      t5[(crc >>> 16) & 0xff]! ^
      t4[crc >>> 24]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) crc = t0[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

/** A running CRC-64/NVME; `digest()` gives the 8 big-endian bytes S3 sends in base64. */
export class Crc64Nvme {
  private hi = 0xffffffff;
  private lo = 0xffffffff;

  update(bytes: Uint8Array): void {
    const [H0, H1, H2, H3, H4, H5, H6, H7] = CRC64_NVME.hi as Slices;
    const [L0, L1, L2, L3, L4, L5, L6, L7] = CRC64_NVME.lo as Slices;
    let hi = this.hi;
    let lo = this.lo;
    let i = 0;
    const end8 = bytes.length - (bytes.length % SLICES);
    for (; i < end8; i += SLICES) {
      const xl =
        (lo ^
          (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24))) >>>
        0;
      const xh =
        (hi ^
          (bytes[i + 4]! |
            (bytes[i + 5]! << 8) |
            (bytes[i + 6]! << 16) |
            (bytes[i + 7]! << 24))) >>>
        0;
      hi =
        H7[xl & 0xff]! ^
        H6[(xl >>> 8) & 0xff]! ^
        H5[(xl >>> 16) & 0xff]! ^
        H4[xl >>> 24]! ^
        H3[xh & 0xff]! ^
        H2[(xh >>> 8) & 0xff]! ^
        H1[(xh >>> 16) & 0xff]! ^
        H0[xh >>> 24]!;
      lo =
        L7[xl & 0xff]! ^
        L6[(xl >>> 8) & 0xff]! ^
        L5[(xl >>> 16) & 0xff]! ^
        L4[xl >>> 24]! ^
        L3[xh & 0xff]! ^
        L2[(xh >>> 8) & 0xff]! ^
        L1[(xh >>> 16) & 0xff]! ^
        L0[xh >>> 24]!;
    }
    for (; i < bytes.length; i++) {
      const index = (lo ^ bytes[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ L0[index]!;
      hi = (hi >>> 8) ^ H0[index]!;
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
  }

  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE(~this.hi >>> 0, 0);
    out.writeUInt32BE(~this.lo >>> 0, 4);
    return out;
  }
}
