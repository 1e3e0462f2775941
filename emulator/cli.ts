// `npm run emulator -- [options]`: runs the NITRO emulator until interrupted.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_USERS, startEmulator, type DropRule, type EmulatorOptions, type EmulatorUser, type FaultRule, type VserverOption } from "./index";

const HELP = `NITRO emulator: an in-memory NetScaler for tests and demos.

  --port N               listen port (default 9443; 0 picks a free one)
  --host ADDR            listen address (default 127.0.0.1)
  --http                 plain HTTP instead of HTTPS
  --tls-cert-out FILE    where to write the server's self-signed certificate (PEM)
  --vserver NAME[,sni]   an SSL vserver (repeatable); ",sni" enables SNI; NAME@PARTITION puts it in a partition
  --partition NAME       an admin partition besides "default" (repeatable)
  --user NAME:PASS[:readonly]  users (repeatable; replaces the default nsroot/nsroot and reader/reader)
  --ha-role ROLE         standalone | primary | secondary (a secondary refuses writes with 1028)
  --session-timeout S    idle timeout in seconds (default 1800)
  --max-sessions N       sessions per user (default 20)
  --latency MS           added to every NITRO request
  --save-duration MS     how long a save runs (another save meanwhile answers 293)
  --fail METHOD,PATH,COUNT,STATUS,ERRORCODE   fail the next COUNT requests whose path contains PATH (METHOD * for any)
  --drop METHOD,PATH,COUNT,before|after       drop the connection of the next COUNT matching requests
  --verbose              print every NITRO request
At run time: curl the inspection endpoints /__emulator/state, /__emulator/requests,
POST /__emulator/reboot and POST /__emulator/faults (e.g. {"expireSessions":true}).`;

function parseCli(argv: string[]): { options: EmulatorOptions; faults: { fail: FaultRule[]; drop: DropRule[] }; verbose: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "9443" },
      host: { type: "string", default: "127.0.0.1" },
      http: { type: "boolean", default: false },
      "tls-cert-out": { type: "string" },
      vserver: { type: "string", multiple: true, default: [] },
      partition: { type: "string", multiple: true, default: [] },
      user: { type: "string", multiple: true, default: [] },
      "ha-role": { type: "string", default: "standalone" },
      "session-timeout": { type: "string" },
      "max-sessions": { type: "string" },
      latency: { type: "string" },
      "save-duration": { type: "string" },
      fail: { type: "string", multiple: true, default: [] },
      drop: { type: "string", multiple: true, default: [] },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const role = values["ha-role"];
  if (role !== "standalone" && role !== "primary" && role !== "secondary") throw new Error(`--ha-role: standalone, primary or secondary, not ${role}`);
  const port = count("--port", values.port);
  const options: EmulatorOptions = {
    port,
    host: values.host,
    http: values.http,
    vservers: values.vserver.map(vserverOption),
    partitions: values.partition,
    users: values.user.length > 0 ? values.user.map(userOption) : DEFAULT_USERS,
    haRole: role,
    sessionTimeoutSeconds: optionalCount("--session-timeout", values["session-timeout"]),
    maxSessionsPerUser: optionalCount("--max-sessions", values["max-sessions"]),
    latencyMs: optionalCount("--latency", values.latency),
    saveDurationMs: optionalCount("--save-duration", values["save-duration"]),
    tlsCertificateOut: values.http ? undefined : (values["tls-cert-out"] ?? join(tmpdir(), `nitro-emulator-${port}.pem`)),
  };
  return { options, faults: { fail: values.fail.map(failRule), drop: values.drop.map(dropRule) }, verbose: values.verbose };
}

function vserverOption(text: string): VserverOption {
  const [nameAndPartition, flag] = text.split(",");
  const [name, partition] = nameAndPartition.split("@");
  if (!name || (flag !== undefined && flag.toLowerCase() !== "sni")) throw new Error(`--vserver: NAME or NAME,sni (optionally NAME@PARTITION), not ${text}`);
  return { name, sni: flag !== undefined, ...(partition ? { partition } : {}) };
}

function userOption(text: string): EmulatorUser {
  const [username, password, role] = text.split(":");
  if (!username || password === undefined || (role !== undefined && role !== "readonly")) throw new Error("--user: NAME:PASSWORD or NAME:PASSWORD:readonly");
  return { username, password, readOnly: role === "readonly" };
}

function failRule(text: string): FaultRule {
  const [method, pathIncludes, n, status, errorcode] = text.split(",");
  if (!pathIncludes || status === undefined || errorcode === undefined) throw new Error(`--fail: METHOD,PATH,COUNT,STATUS,ERRORCODE, not ${text}`);
  return { ...(method === "*" ? {} : { method }), pathIncludes, count: count("--fail COUNT", n), status: count("--fail STATUS", status), errorcode: Number(errorcode) };
}

function dropRule(text: string): DropRule {
  const [method, pathIncludes, n, when] = text.split(",");
  if (!pathIncludes || (when !== "before" && when !== "after")) throw new Error(`--drop: METHOD,PATH,COUNT,before|after, not ${text}`);
  return { ...(method === "*" ? {} : { method }), pathIncludes, count: count("--drop COUNT", n), when };
}

function count(flag: string, text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: a whole number >= 0, not ${text}`);
  return n;
}

function optionalCount(flag: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : count(flag, text);
}

async function main(): Promise<void> {
  const { options, faults, verbose } = parseCli(process.argv.slice(2));
  if (verbose) {
    options.onRequest = (e) => console.log(`${e.method} ${e.path} -> ${e.status} (${e.errorcode}) ${e.durationMs.toFixed(1)} ms${e.bulkItems !== undefined ? ` [${e.bulkItems} items]` : ""}`);
  }
  const emulator = await startEmulator(options);
  for (const rule of faults.fail) emulator.faults.failNext(rule);
  for (const rule of faults.drop) emulator.faults.dropNext(rule);
  console.log(`NITRO emulator listening on ${emulator.url}`);
  if (options.tlsCertificateOut) console.log(`TLS certificate written to ${options.tlsCertificateOut} (trust it, e.g. curl --cacert ${options.tlsCertificateOut})`);
  console.log(`Users: ${(options.users ?? []).map((u) => `${u.username}${u.readOnly ? " (read-only)" : ""}`).join(", ")}; inspection at ${emulator.url}/__emulator/state`);
  const stop = (): void => {
    emulator.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`emulator: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
