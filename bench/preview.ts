// Starts preview-child.ts in a fresh Node process (TypeScript through tsx) and returns its report.
import { spawn } from "node:child_process";
import path from "node:path";
import type { PreviewReport, PreviewRequest } from "./preview-child";

const CHILD = path.join(__dirname, "preview-child.ts");

export function measurePreviewInChild(request: PreviewRequest): Promise<PreviewReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--require", require.resolve("tsx/cjs"), CHILD], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(new Error(`the preview measurement process exited with ${code}: ${stderr.trim() || "no message"}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as PreviewReport);
      } catch {
        reject(new Error(`the preview measurement process printed no report: ${stdout.slice(0, 200)}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}
