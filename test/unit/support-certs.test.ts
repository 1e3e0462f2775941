import { expect } from "chai";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { makePki, encryptKey, toPfxBase64, pooledKey } from "../support/certs";

describe("test certificate builders", () => {
  it("issue a chain that Node's own X509 reader verifies", () => {
    const pki = makePki();
    const leaf = pki.leaf("shop.example.com", { key: pooledKey(3) });
    const leafX = new X509Certificate(leaf.certificatePem);
    const interX = new X509Certificate(pki.intermediate.certificatePem);
    const rootX = new X509Certificate(pki.root.certificatePem);
    expect(leafX.checkIssued(interX)).to.equal(true);
    expect(leafX.verify(interX.publicKey)).to.equal(true);
    expect(interX.verify(rootX.publicKey)).to.equal(true);
    expect(leafX.serialNumber).to.equal(leaf.serialHex);
    expect(leafX.checkPrivateKey(createPrivateKey(leaf.key.privateKeyPem))).to.equal(true);
    expect(leafX.subjectAltName).to.contain("DNS:shop.example.com");
  });
  it("encrypt keys and build PFX bundles", () => {
    const pki = makePki();
    const leaf = pki.leaf("a.example.com");
    const enc = encryptKey(leaf.key, "s3cret");
    expect(enc).to.contain("ENCRYPTED");
    expect(() => createPrivateKey({ key: enc, passphrase: "s3cret" })).not.to.throw();
    expect(toPfxBase64(leaf, [pki.intermediate], "pw")).to.match(/^[A-Za-z0-9+/=]+$/);
  });
});
