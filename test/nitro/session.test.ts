import { expect } from "chai";
import { NitroError, withNitroSession } from "../../provider/nitro";
import { DONE, fakeSleep, nitroError, noEnv, plain, startFake, type FakeAppliance } from "./fake-appliance";

describe("NITRO session lifecycle", () => {
  let fake: FakeAppliance | undefined;
  afterEach(async () => fake?.close());

  it("logs in once, sends the NITRO_AUTH_TOKEN cookie, switches partition, and logs out", async () => {
    fake = await startFake(() => undefined);
    const count = await withNitroSession(plain(fake, { partition: "p1", sessionTimeoutSeconds: 600 }), async (s) => {
      await s.getCertkey("web1");
      return s.requestCount;
    }, noEnv);
    const [login, sw, get, logout] = fake.requests;
    expect(login.url).to.equal("/nitro/v1/config/login");
    expect(login.body).to.deep.equal({ login: { username: "nsroot", password: "s3cret-pass", timeout: 600 } });
    expect(login.headers.cookie).to.equal(undefined);
    expect(sw.url).to.equal("/nitro/v1/config/nspartition?action=Switch");
    expect(sw.body).to.deep.equal({ nspartition: { partitionname: "p1" } });
    expect(sw.headers.cookie).to.equal("NITRO_AUTH_TOKEN=##SESSION1");
    expect(get.headers.cookie).to.equal("NITRO_AUTH_TOKEN=##SESSION1");
    expect(logout.url).to.equal("/nitro/v1/config/logout");
    expect(logout.body).to.deep.equal({ logout: {} });
    expect(fake.requests).to.have.length(4);
    expect(count).to.equal(3);
  });

  it("accepts the sessionid cookie form and sends it back", async () => {
    fake = await startFake((req) =>
      req.url.endsWith("/login") ? { status: 201, body: DONE, headers: { "Set-Cookie": "sessionid=%23%23ABC; path=/nitro/v1; HttpOnly" } } : undefined,
    );
    await withNitroSession(plain(fake), (s) => s.getCertkeys(), noEnv);
    expect(fake.requests[1].headers.cookie).to.equal("NITRO_AUTH_TOKEN=##ABC; sessionid=%23%23ABC");
  });

  it("logs out when the work throws, and passes the error through", async () => {
    fake = await startFake(() => undefined);
    const boom = new Error("work failed");
    let caught: unknown;
    await withNitroSession(plain(fake), async () => {
      throw boom;
    }, noEnv).catch((e: unknown) => (caught = e));
    expect(caught).to.equal(boom);
    expect(fake.requests.at(-1)?.url).to.equal("/nitro/v1/config/logout");
  });

  it("logs out when the partition switch fails, with the errorcode and hint", async () => {
    fake = await startFake((req) => (req.url.includes("nspartition") ? nitroError(403, 2138, "Not authorized to execute this command [switch ns partition]") : undefined));
    const err = await withNitroSession(plain(fake, { partition: "p9" }), async () => 1, noEnv).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(NitroError);
    const e = err as NitroError;
    expect(e.operation).to.equal("switch nspartition");
    expect(e.objectName).to.equal("p9");
    expect(e.errorcode).to.equal(2138);
    expect(e.hint).to.match(/command policy/);
    expect(fake.requests.map((r) => r.url.split("?")[0])).to.deep.equal(["/nitro/v1/config/login", "/nitro/v1/config/nspartition", "/nitro/v1/config/logout"]);
  });

  it("reports bad credentials with 354 and a hint, without the password", async () => {
    fake = await startFake((req) => (req.url.endsWith("/login") ? nitroError(401, 354, "Invalid username or password") : undefined));
    const err = (await withNitroSession(plain(fake), async () => 1, noEnv).catch((e: unknown) => e)) as NitroError;
    expect(err.status).to.equal(401);
    expect(err.errorcode).to.equal(354);
    expect(err.message).to.include("login").and.include("354").and.include("username and password");
    expect(JSON.stringify(err)).not.to.include("s3cret-pass");
    expect(fake.requests).to.have.length(1);
  });

  it("logs in again once on 444 and repeats the call, switching the partition again", async () => {
    let expired = true;
    fake = await startFake((req) => {
      if (req.url.startsWith("/nitro/v1/config/sslcertkey") && expired) {
        expired = false;
        return nitroError(401, 444, "Session expired or killed. Please login again");
      }
      if (req.url.startsWith("/nitro/v1/config/sslcertkey")) return { status: 200, body: { ...DONE, sslcertkey: [{ certkey: "web1", cert: "web1.cer" }] } };
      return undefined;
    });
    const got = await withNitroSession(plain(fake, { partition: "p1" }), (s) => s.getCertkey("web1"), noEnv);
    expect(got?.cert).to.equal("web1.cer");
    const urls = fake.requests.map((r) => r.url.split("?")[0].replace("/nitro/v1/config/", ""));
    expect(urls).to.deep.equal(["login", "nspartition", "sslcertkey/web1", "login", "nspartition", "sslcertkey/web1", "logout"]);
    expect(fake.requests[5].headers.cookie).to.equal("NITRO_AUTH_TOKEN=##SESSION2");
  });

  it("shares one re-login between concurrent calls that saw the session die", async () => {
    fake = await startFake((req) => {
      if (req.url.startsWith("/nitro/v1/config/sslvserver/") && req.headers.cookie === "NITRO_AUTH_TOKEN=##SESSION1") {
        return { ...nitroError(401, 451, "Invalid session"), delayMs: 20 };
      }
      if (req.url.startsWith("/nitro/v1/config/sslvserver/")) return { status: 200, body: { ...DONE, sslvserver: [{ vservername: "vs", snienable: "ENABLED" }] } };
      return undefined;
    });
    const got = await withNitroSession(plain(fake), (s) => Promise.all([1, 2, 3, 4].map((n) => s.getVserver(`vs${n}`))), noEnv);
    expect(got.every((v) => v?.snienable === true)).to.equal(true);
    expect(fake.requests.filter((r) => r.url.endsWith("/login"))).to.have.length(2);
  });

  it("gives up after one re-login when the session keeps dying", async () => {
    fake = await startFake((req) => (req.url.includes("sslcertkey") ? nitroError(401, 1027, "Not logged in or connection timed out") : undefined));
    const err = (await withNitroSession(plain(fake), (s) => s.getCertkeys(), noEnv).catch((e: unknown) => e)) as NitroError;
    expect(err).to.be.instanceOf(NitroError);
    expect(err.errorcode).to.equal(1027);
    expect(fake.requests.filter((r) => r.url.endsWith("/login"))).to.have.length(2);
  });

  it("waits and repeats a save that answers 293, a bounded number of times", async () => {
    let busy = 2;
    fake = await startFake((req) => (req.url.includes("nsconfig") && busy-- > 0 ? nitroError(599, 293, "Operation already in progress") : undefined));
    const { sleep, waits } = fakeSleep();
    await withNitroSession(plain(fake), (s) => s.saveConfig(), { ...noEnv, sleep });
    const saves = fake.requests.filter((r) => r.url === "/nitro/v1/config/nsconfig?action=save");
    expect(saves).to.have.length(3);
    expect(saves[0].body).to.deep.equal({ nsconfig: {} });
    expect(waits).to.have.length(2);

    await fake.close();
    fake = await startFake((req) => (req.url.includes("nsconfig") ? nitroError(599, 293, "Operation already in progress") : undefined));
    const forever = fakeSleep();
    const err = (await withNitroSession(plain(fake), (s) => s.saveConfig(), { ...noEnv, sleep: forever.sleep }).catch((e: unknown) => e)) as NitroError;
    expect(err.errorcode).to.equal(293);
    expect(err.operation).to.equal("save nsconfig");
    expect(forever.waits.length).to.be.within(1, 20);
  });
});
