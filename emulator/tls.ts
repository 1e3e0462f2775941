// The server's self-signed TLS certificate, made at start with Node's crypto and a tiny DER
// writer (an EC P-256 key: fast to generate; no node-forge in the emulator).
import { X509Certificate, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";

export interface ServerCredentials {
  certificatePem: string;
  privateKeyPem: string;
}

const DAY_MS = 24 * 3600 * 1000;

export function selfSignedCertificate(host: string): ServerCredentials {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const name = sequence(set(sequence(oid("2.5.4.3"), utf8("NITRO emulator"))));
  const ecdsaWithSha256 = sequence(oid("1.2.840.10045.4.3.2"));
  const now = Date.now();
  const serial = randomBytes(16);
  // Positive, and no leading zero byte: DER integers must be minimal ("illegal padding" otherwise).
  serial[0] = 0x40 | (serial[0] & 0x3f);
  const altNames = new Set(["localhost", "127.0.0.1", "::1", host]);
  const sanEntries = [...altNames].map((n) => (isIP(n) ? tagged(0x87, ipBytes(n)) : tagged(0x82, Buffer.from(n, "ascii"))));
  const extensions = tagged(
    0xa3,
    sequence(
      sequence(oid("2.5.29.19"), tagged(0x01, Buffer.from([0xff])), octetString(sequence(tagged(0x01, Buffer.from([0xff]))))),
      sequence(oid("2.5.29.17"), octetString(sequence(...sanEntries))),
    ),
  );
  const tbs = sequence(
    tagged(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    name,
    sequence(utcTime(new Date(now - DAY_MS)), utcTime(new Date(now + 825 * DAY_MS))),
    name,
    publicKey.export({ type: "spki", format: "der" }),
    extensions,
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = sequence(tbs, ecdsaWithSha256, tagged(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const certificatePem = `-----BEGIN CERTIFICATE-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`;
  new X509Certificate(certificatePem); // fails loudly here rather than in a client's handshake
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  return { certificatePem, privateKeyPem };
}

function tagged(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), length(content.length), content]);
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

const sequence = (...parts: Buffer[]): Buffer => tagged(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tagged(0x31, Buffer.concat(parts));
const octetString = (content: Buffer): Buffer => tagged(0x04, content);
const utf8 = (text: string): Buffer => tagged(0x0c, Buffer.from(text, "utf8"));

function integer(bytes: Buffer): Buffer {
  return tagged(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a * 40 + b];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tagged(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const iso = date.toISOString(); // 2025-01-02T03:04:05.678Z
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tagged(0x17, Buffer.from(text, "ascii"));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split(".").map(Number));
  const [head, tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t] : h;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}
