// Certificates as the user pastes them: one or more PEM blocks, or base64 DER.
import { decodeBase64, hasPemMarker, scanPem } from "./pem";
import { parseCertificateDer, type ParsedCertificate } from "./x509";

export interface CertificatesRead {
  certificates: ParsedCertificate[];
  problems: string[];
}

const HOW = "paste the PEM text or base64 DER";

function decode(der: Buffer, where: string): ParsedCertificate | string {
  try {
    return parseCertificateDer(der);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\s+/g, " ").slice(0, 160) : "unreadable";
    return `${where} could not be decoded as an X.509 certificate (${reason}); it looks damaged or truncated: ${HOW} again`;
  }
}

/** Every certificate in `text`, in the order given. */
export function readCertificates(text: string): CertificatesRead {
  if (text.trim().length === 0) return { certificates: [], problems: [`is empty; ${HOW}`] };
  if (!hasPemMarker(text)) {
    const der = decodeBase64(text);
    // DER certificates start with a SEQUENCE tag; anything else is not an attempt at DER.
    if (!der || der[0] !== 0x30) return { certificates: [], problems: [`not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block found); ${HOW}`] };
    const parsed = decode(der, "the base64 DER");
    return typeof parsed === "string" ? { certificates: [], problems: [parsed] } : { certificates: [parsed], problems: [] };
  }
  const scan = scanPem(text);
  const problems = [...scan.problems];
  const certificates: ParsedCertificate[] = [];
  scan.blocks.forEach((block, index) => {
    if (block.label.endsWith("PRIVATE KEY")) {
      problems.push(
        `contains a private key block: put the key in privateKey (a secret), never beside the certificate, which is not secret; then ${HOW} of the certificate alone`,
      );
    } else if (block.label === "CERTIFICATE" || block.label === "X509 CERTIFICATE") {
      const parsed = decode(block.der, `the CERTIFICATE block #${index + 1}`);
      if (typeof parsed === "string") problems.push(parsed);
      else certificates.push(parsed);
    }
  });
  if (certificates.length === 0 && problems.length === 0) {
    const labels = [...new Set(scan.blocks.map((b) => `"${b.label}"`))].join(", ");
    problems.push(`not a PEM certificate (no "-----BEGIN CERTIFICATE-----" block found, only ${labels}); ${HOW}`);
  }
  return { certificates, problems };
}
