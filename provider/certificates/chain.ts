// Intermediates: accept a bundle in any order, drop what NetScaler does not need (self-signed
// roots, duplicates, the leaf itself), and order the rest from the leaf's issuer upwards,
// checking each link by name AND signature. Whatever does not link is reported by subject.
import type { ParsedCertificate } from "./x509";

export interface OrderedChain {
  chain: ParsedCertificate[];
  problems: string[];
}

export function orderChain(leaf: ParsedCertificate, bundle: ParsedCertificate[]): OrderedChain {
  const seen = new Set<string>([leaf.facts.fingerprint]);
  const remaining: ParsedCertificate[] = [];
  for (const cert of bundle) {
    if (seen.has(cert.facts.fingerprint) || cert.facts.selfSigned) continue;
    seen.add(cert.facts.fingerprint);
    remaining.push(cert);
  }
  const chain: ParsedCertificate[] = [];
  const problems: string[] = [];
  let current = leaf;
  while (remaining.length > 0) {
    const named = remaining.filter((c) => c.facts.subject === current.facts.issuer);
    const signer = named.find((c) => current.isSignedBy(c));
    if (!signer) {
      for (const impostor of named) {
        problems.push(
          `the chain certificate "${impostor.facts.subject}" has the name of the issuer of "${current.facts.subject}" but did not sign it ` +
            `(signature check failed: it belongs to another key or PKI); supply the intermediate that issued "${current.facts.subject}"`,
        );
        remaining.splice(remaining.indexOf(impostor), 1);
      }
      break;
    }
    chain.push(signer);
    remaining.splice(remaining.indexOf(signer), 1);
    current = signer;
  }
  for (const stray of remaining) {
    problems.push(
      `the chain certificate "${stray.facts.subject}" does not link to the leaf "${leaf.facts.subject}": the chain reaches ` +
        `"${current.facts.subject}", whose issuer "${current.facts.issuer}" is not in the chain; ` +
        `add the missing intermediate, or remove "${stray.facts.subject}" if it belongs to another PKI`,
    );
  }
  return { chain, problems };
}
