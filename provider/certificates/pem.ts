// PEM text handling: find the blocks in what the user pasted, tell a truncated block from a
// missing one, and turn base64 DER into PEM. Works on text only; no parsing of the contents.

export interface PemBlock {
  /** The label between "BEGIN " and the dashes, e.g. "CERTIFICATE" or "RSA PRIVATE KEY". */
  label: string;
  /** Header lines before the base64 body (legacy encrypted keys carry Proc-Type and DEK-Info). */
  headers: Record<string, string>;
  /** DER bytes. */
  der: Buffer;
  /** The block exactly as pasted, normalised to "\n" line ends (what a key upload sends). */
  text: string;
}

export interface PemScan {
  blocks: PemBlock[];
  /** Blocks that could not be read, described for the user (no block content). */
  problems: string[];
}

const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----\s*$/;
const END = /^-----END ([A-Z0-9 ]+)-----\s*$/;
const BASE64_LINE = /^[A-Za-z0-9+/=]*$/;

/** Every PEM block in `text`, in order. Text between blocks (comments, "Bag Attributes") is ignored. */
export function scanPem(text: string): PemScan {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const blocks: PemBlock[] = [];
  const problems: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const begin = BEGIN.exec(lines[i].trim());
    if (!begin) {
      i++;
      continue;
    }
    const label = begin[1];
    const beginLine = i + 1;
    const ordinal = blocks.length + problems.length + 1;
    let j = i + 1;
    while (j < lines.length && !END.test(lines[j].trim()) && !BEGIN.test(lines[j].trim())) j++;
    const end = j < lines.length ? END.exec(lines[j].trim()) : null;
    if (!end) {
      problems.push(
        `truncated PEM: the "-----BEGIN ${label}-----" block #${ordinal} (line ${beginLine}) has no "-----END ${label}-----" line; paste the whole block`,
      );
      i = j;
      continue;
    }
    if (end[1] !== label) {
      problems.push(`PEM block #${ordinal} (line ${beginLine}) begins as "${label}" but ends as "${end[1]}"; paste the block again`);
      i = j + 1;
      continue;
    }
    const body = lines.slice(i + 1, j).map((l) => l.trim());
    const headers: Record<string, string> = {};
    let k = 0;
    for (; k < body.length && body[k].includes(":"); k++) {
      const [name, ...rest] = body[k].split(":");
      headers[name.trim()] = rest.join(":").trim();
    }
    const base64 = body.slice(k).join("");
    if (!BASE64_LINE.test(base64) || base64.length === 0 || base64.length % 4 !== 0) {
      problems.push(
        `the "${label}" PEM block #${ordinal} (line ${beginLine}) is damaged: its body is not complete base64 (truncated or edited); paste the block again`,
      );
    } else {
      const rawLines = lines.slice(i, j + 1).map((l) => l.trim());
      blocks.push({ label, headers, der: Buffer.from(base64, "base64"), text: rawLines.join("\n") + "\n" });
    }
    i = j + 1;
  }
  return { blocks, problems };
}

/** PEM text for DER bytes: 64 characters a line, trailing newline. */
export function derToPem(der: Buffer, label = "CERTIFICATE"): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/** DER bytes when `text` is nothing but base64 (whitespace allowed), else undefined. */
export function decodeBase64(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0 || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}

export function hasPemMarker(text: string): boolean {
  return text.includes("-----BEGIN ");
}
