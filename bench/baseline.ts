// THE BASELINE the benchmark compares against — not part of the product.
// It follows the common per-certificate sequence of existing NetScaler sync integrations:
// on every run, for each certificate, upload the .cer and the .key (deleting and re-adding a
// file that already exists), update the certkey or add it when the update says it is missing,
// bind it to the vserver; then save. One request at a time, changed or not.
import axios, { type AxiosInstance } from "axios";
import https from "node:https";

export interface BaselineCertificate {
  name: string;
  certificatePem: string;
  privateKeyPem: string;
}

export interface BaselineTarget {
  url: string;
  username: string;
  password: string;
  caCertificate?: string;
  vserver?: string;
}

const SSL_FOLDER = "/nsconfig/ssl/";

export class BaselineSync {
  private readonly http: AxiosInstance;
  requests = 0;

  constructor(private readonly target: BaselineTarget) {
    this.http = axios.create({
      baseURL: `${target.url}/nitro/v1/config`,
      httpsAgent: new https.Agent({ ca: target.caCertificate, keepAlive: true }),
      validateStatus: () => true,
      headers: { "Content-Type": "application/json" },
    });
  }

  private async call(method: "get" | "post" | "put" | "delete", path: string, body?: object): Promise<{ status: number; errorcode: number }> {
    this.requests++;
    const response = await this.http.request({ method, url: path, data: body });
    const data = response.data as { errorcode?: number } | undefined;
    return { status: response.status, errorcode: data?.errorcode ?? 0 };
  }

  async login(): Promise<void> {
    this.requests++;
    const response = await this.http.post("/login", { login: { username: this.target.username, password: this.target.password } });
    const cookie = (response.headers["set-cookie"] ?? []).map((c) => c.split(";")[0]).join("; ");
    this.http.defaults.headers.common["Cookie"] = cookie;
  }

  async logout(): Promise<void> {
    await this.call("post", "/logout", { logout: {} });
  }

  private async uploadReplacing(fileName: string, content: string): Promise<void> {
    const body = { systemfile: { filename: fileName, filelocation: SSL_FOLDER, filecontent: Buffer.from(content).toString("base64"), fileencoding: "BASE64" } };
    const first = await this.call("post", "/systemfile", body);
    if (first.status === 409) {
      await this.call("delete", `/systemfile/${encodeURIComponent(fileName)}?args=filelocation:${encodeURIComponent(SSL_FOLDER)}`);
      await this.call("post", "/systemfile", body);
    }
  }

  async syncAll(certificates: BaselineCertificate[]): Promise<void> {
    await this.login();
    for (const certificate of certificates) {
      const certFile = `${certificate.name}.cer`;
      const keyFile = `${certificate.name}.key`;
      await this.uploadReplacing(certFile, certificate.certificatePem);
      await this.uploadReplacing(keyFile, certificate.privateKeyPem);
      const update = await this.call("post", "/sslcertkey?action=update", { sslcertkey: { certkey: certificate.name, cert: certFile, key: keyFile, nodomaincheck: true } });
      if (update.errorcode !== 0) {
        await this.call("post", "/sslcertkey", { sslcertkey: { certkey: certificate.name, cert: certFile, key: keyFile } });
      }
      if (this.target.vserver) {
        await this.call("put", "/sslvserver_sslcertkey_binding", {
          sslvserver_sslcertkey_binding: { vservername: this.target.vserver, certkeyname: certificate.name, snicert: certificates.length > 1 },
        });
      }
    }
    await this.call("post", "/nsconfig?action=save", { nsconfig: {} });
    await this.logout();
  }

  /** Removal as the same integrations do it: per certificate unbind, delete certkey, delete both files. */
  async removeAll(names: string[]): Promise<void> {
    await this.login();
    for (const name of names) {
      if (this.target.vserver) {
        await this.call("delete", `/sslvserver_sslcertkey_binding/${encodeURIComponent(this.target.vserver)}?args=certkeyname:${encodeURIComponent(name)},snicert:true`);
      }
      await this.call("delete", `/sslcertkey/${encodeURIComponent(name)}`);
      for (const file of [`${name}.cer`, `${name}.key`]) {
        await this.call("delete", `/systemfile/${encodeURIComponent(file)}?args=filelocation:${encodeURIComponent(SSL_FOLDER)}`);
      }
    }
    await this.call("post", "/nsconfig?action=save", { nsconfig: {} });
    await this.logout();
  }
}
