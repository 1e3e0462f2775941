// systemfile (NITRO.md "systemfile"; issue point 3).
import { expect } from "chai";
import { emulatorWithClient, objects, stop, type TestClient } from "../support/emulator-client";
import type { Emulator } from "../../emulator";

const b64 = (text: string): string => Buffer.from(text).toString("base64");
const file = (filename: string, content: string, filelocation = "/nsconfig/ssl/"): object => ({ systemfile: { filename, filelocation, filecontent: b64(content), fileencoding: "BASE64" } });
const SSL = "%2Fnsconfig%2Fssl%2F";

describe("emulator: systemfile", () => {
  let setup: { emulator: Emulator; client: TestClient };
  let client: TestClient;
  beforeEach(async () => {
    setup = await emulatorWithClient({ http: true, now: () => new Date("2025-03-01T10:20:30Z") });
    client = setup.client;
  });
  afterEach(() => stop(setup));

  it("adds a base64 file (201) and gets it back with content, size, times and mode", async () => {
    const add = await client.post("systemfile", file("a.cer", "hello"));
    expect([add.status, add.errorcode]).to.deep.equal([201, 0]);
    const get = await client.get(`systemfile?args=filename:a.cer,filelocation:${SSL}`);
    expect(get.status).to.equal(200);
    const [one, ...rest] = objects(get, "systemfile");
    expect(rest).to.have.length(0);
    expect(one).to.include({ filename: "a.cer", filecontent: b64("hello"), filesize: 5, filemodifiedtime: "Sat Mar  1 10:20:30 2025", fileaccesstime: "Sat Mar  1 10:20:30 2025" });
    expect(one.filemode).to.deep.equal(["FILE"]);
    expect(setup.emulator.state().files.default["/nsconfig/ssl/a.cer"]).to.deep.include({ contentBase64: b64("hello"), size: 5, modifiedAt: "2025-03-01T10:20:30.000Z" });
  });

  it("lists a folder without content; with and without the trailing slash name the same folder", async () => {
    await client.post("systemfile", file("a.cer", "A"));
    await client.post("systemfile", file("b.key", "BB", "/nsconfig/ssl"));
    await client.post("systemfile", file("c.txt", "C", "/nsconfig/ssl/sub"));
    for (const folder of [SSL, "%2Fnsconfig%2Fssl"]) {
      const list = objects(await client.get(`systemfile?args=filelocation:${folder}`), "systemfile");
      const files = list.filter((f) => (f.filemode as string[])[0] === "FILE");
      expect(files.map((f) => f.filename).sort()).to.deep.equal(["a.cer", "b.key"]);
      expect(files.every((f) => f.filecontent === undefined)).to.equal(true);
      expect(list.filter((f) => (f.filemode as string[])[0] === "DIRECTORY").map((f) => f.filename)).to.deep.equal(["sub"]);
    }
    const empty = await client.get("systemfile?args=filelocation:%2Fnsconfig%2Fother");
    expect(empty.status).to.equal(200);
    expect(empty.body).to.not.have.property("systemfile");
  });

  it("refuses a second add of an existing file with 409 / 1642, and overwrites in place with ?override=yes", async () => {
    await client.post("systemfile", file("a.cer", "one"));
    const again = await client.post("systemfile", file("a.cer", "two", "/nsconfig/ssl"));
    expect([again.status, again.errorcode]).to.deep.equal([409, 1642]);
    expect(again.body.message).to.equal("Cannot create output file. File already exists");
    const override = await client.post("systemfile?override=yes", file("a.cer", "two"));
    expect([override.status, override.errorcode]).to.deep.equal([201, 0]);
    expect(setup.emulator.state().files.default["/nsconfig/ssl/a.cer"].contentBase64).to.equal(b64("two"));
  });

  it("enforces the name and length rules: 1097 for a path in filename, more than 63 / 127 characters; 1095 when missing", async () => {
    const cases: Array<[object, number, number, string]> = [
      [file("x".repeat(64), "A"), 400, 1097, "filename"],
      [file("dir/a.cer", "A"), 400, 1097, "filename"],
      [file("a.cer", "A", `/${"f".repeat(127)}`), 400, 1097, "filelocation"],
      [{ systemfile: { filelocation: "/nsconfig/ssl/", filecontent: "QQ==" } }, 400, 1095, "filename"],
      [{ systemfile: { filename: "a.cer", filecontent: "QQ==" } }, 400, 1095, "filelocation"],
      [{ systemfile: { filename: "a.cer", filelocation: "/nsconfig/ssl/" } }, 400, 1095, "filecontent"],
      [{ systemfile: { filename: "a.cer", filelocation: "/nsconfig/ssl/", filecontent: "not base64!" } }, 400, 1097, "filecontent"],
    ];
    for (const [body, status, code, argument] of cases) {
      const reply = await client.post("systemfile", body);
      expect([reply.status, reply.errorcode], JSON.stringify(body).slice(0, 80)).to.deep.equal([status, code]);
      expect(reply.body.message).to.include(`[${argument}]`);
    }
    expect((await client.post("systemfile", file("x".repeat(63), "A"))).status).to.equal(201);
    expect((await client.post("systemfile", file("a.cer", "A", `/${"f".repeat(126)}`))).status).to.equal(201);
  });

  it("answers 400 / 1097 for a malformed body and 1095 when the type key is missing", async () => {
    const malformed = await client.request("POST", "systemfile", { body: "{not json" });
    expect([malformed.status, malformed.errorcode]).to.deep.equal([400, 1097]);
    const missing = await client.post("systemfile", { other: {} });
    expect([missing.status, missing.errorcode]).to.deep.equal([400, 1095]);
  });

  it("deletes a file (200); a missing file answers 404 / 258 on delete and get", async () => {
    await client.post("systemfile", file("a.cer", "A"));
    const del = await client.delete(`systemfile/a.cer?args=filelocation:${SSL}`);
    expect([del.status, del.errorcode]).to.deep.equal([200, 0]);
    expect(setup.emulator.state().files.default).to.deep.equal({});
    const again = await client.delete(`systemfile/a.cer?args=filelocation:${SSL}`);
    expect([again.status, again.errorcode]).to.deep.equal([404, 258]);
    expect(again.body.message).to.equal("No such resource [systemfile, a.cer]");
    const get = await client.get(`systemfile?args=filename:a.cer,filelocation:${SSL}`);
    expect([get.status, get.errorcode]).to.deep.equal([404, 258]);
  });

  it("accepts file names in the path encoded once, twice or not at all", async () => {
    for (const [name, path] of [
      ["a b.cer", "a%20b.cer"],
      ["c d.cer", "c%2520d.cer"],
      ["e#f.cer", "e%23f.cer"],
      ["plain.cer", "plain.cer"],
    ]) {
      await client.post("systemfile", file(name, "X"));
      const del = await client.delete(`systemfile/${path}?args=filelocation:${SSL}`);
      expect(del.status, path).to.equal(200);
    }
    expect(setup.emulator.state().files.default).to.deep.equal({});
  });

  it("accepts args values encoded once, twice or not at all", async () => {
    await client.post("systemfile", file("a.cer", "A"));
    for (const args of [`filename:a.cer,filelocation:${SSL}`, "filename:a.cer,filelocation:%252Fnsconfig%252Fssl%252F", "filename:a.cer,filelocation:/nsconfig/ssl/", "filename%3Aa.cer%2Cfilelocation%3A%2Fnsconfig%2Fssl"]) {
      expect(objects(await client.get(`systemfile?args=${args}`), "systemfile"), args).to.have.length(1);
    }
  });
});
