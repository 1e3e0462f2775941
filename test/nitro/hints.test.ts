import { expect } from "chai";
import { NitroError } from "../../provider/nitro";
import { bypassesProxy, proxyFor } from "../../provider/nitro/proxy";
import { redactRequest } from "../../provider/nitro/redact";

describe("NITRO error hints", () => {
  const cases: [Partial<NitroError>, RegExp][] = [
    [{ errorcode: 354 }, /username and password/],
    [{ errorcode: 2138, nitroMessage: "Not authorized to execute this command [add ssl certKey]" }, /permission for "add ssl certKey".*command policy/],
    [{ errorcode: 1028 }, /primary.*floating management address/],
    [{ errorcode: 368 }, /primary/],
    [{ errorcode: 445 }, /Too many sessions/],
    [{ errorcode: 1538 }, /key does not match the certificate/],
    [{ networkCode: "ECONNREFUSED" }, /check the URL, the port/],
    [{ networkCode: "ERR_TLS_CERT_ALTNAME_INVALID" }, /host name matches the certificate/],
    [{ networkCode: "CERT_HAS_EXPIRED" }, /caCertificate/],
  ];
  for (const [init, hint] of cases) {
    it(`explains ${init.errorcode ?? init.networkCode}`, () => {
      const err = new NitroError({ operation: "add sslcertkey", objectName: "web1", status: 599, ...init } as ConstructorParameters<typeof NitroError>[0]);
      expect(err.hint).to.match(hint);
      expect(err.message).to.include("add sslcertkey").and.include('"web1"');
      if (init.errorcode) expect(err.message).to.include(`errorcode ${init.errorcode}`);
    });
  }

  it("redacts every secret field of a request copy, at any depth", () => {
    const copy = redactRequest({
      method: "post",
      url: "https://adc/nitro/v1/config/systemfile",
      headers: { "X-NITRO-USER": "nsroot", "X-NITRO-PASS": "pw", Cookie: "NITRO_AUTH_TOKEN=##A", "Set-Cookie": "NITRO_AUTH_TOKEN=##A" },
      body: { systemfile: [{ filename: "a.key", filecontent: "S0VZ" }], login: { password: "pw" }, sslcertkey: { passplain: "pp" } },
    });
    expect(copy.method).to.equal("POST");
    expect(copy.headers).to.deep.equal({ "X-NITRO-USER": "nsroot", "X-NITRO-PASS": "[REDACTED]", Cookie: "[REDACTED]", "Set-Cookie": "[REDACTED]" });
    expect(JSON.stringify(copy.body)).not.to.match(/S0VZ|"pw"|"pp"/);
    expect(copy.body).to.deep.equal({ systemfile: [{ filename: "a.key", filecontent: "[REDACTED]" }], login: { password: "[REDACTED]" }, sslcertkey: { passplain: "[REDACTED]" } });
  });
});

describe("proxy selection", () => {
  const target = new URL("https://adc.corp.example:443");
  it("matches NO_PROXY entries by host, domain suffix, wildcard and port", () => {
    expect(bypassesProxy(target, "corp.example")).to.equal(true);
    expect(bypassesProxy(target, ".example")).to.equal(true);
    expect(bypassesProxy(target, "*.corp.example")).to.equal(true);
    expect(bypassesProxy(target, "*")).to.equal(true);
    expect(bypassesProxy(target, "adc.corp.example:443")).to.equal(true);
    expect(bypassesProxy(target, "adc.corp.example:8443")).to.equal(false);
    expect(bypassesProxy(target, "other.example, xcorp.example")).to.equal(false);
    expect(bypassesProxy(new URL("https://[::1]:8443"), "::1")).to.equal(true);
  });
  it("prefers the explicit proxy, then the lower-case variable, and refuses non-http proxies", () => {
    expect(proxyFor(target, "http://relay:3128", { HTTPS_PROXY: "http://env:1" })?.host).to.equal("relay:3128");
    expect(proxyFor(target, undefined, { https_proxy: "http://lower:1", HTTPS_PROXY: "http://upper:1" })?.host).to.equal("lower:1");
    expect(proxyFor(target, undefined, { HTTPS_PROXY: "envproxy:8080" })?.host).to.equal("envproxy:8080");
    expect(proxyFor(target, undefined, { HTTP_PROXY: "http://plain:1" })).to.equal(undefined);
    expect(proxyFor(new URL("http://adc"), undefined, { HTTP_PROXY: "http://plain:1" })?.host).to.equal("plain:1");
    const refusal = (() => {
      try {
        proxyFor(target, "socks5://u:secret@relay:1080", {});
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(refusal).to.include("only http://").and.include("redacted@relay").and.not.include("secret");
  });
});
