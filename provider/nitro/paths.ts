// URL building for NITRO: object names in the path are percent-encoded once, and so are
// the values inside args=/filter= (so "/nsconfig/ssl/" travels as %2Fnsconfig%2Fssl%2F).
export const CONFIG = "/nitro/v1/config";
export const SSL_FOLDER = "/nsconfig/ssl/";

export function configPath(type: string, name?: string): string {
  return name === undefined ? `${CONFIG}/${type}` : `${CONFIG}/${type}/${encodeURIComponent(name)}`;
}

/** `args=k:v,k:v` with each value percent-encoded once. */
export function argsQuery(args: Record<string, string | boolean>): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}:${encodeURIComponent(String(v))}`)
    .join(",");
}

export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const parts = Object.entries(query)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  return parts.length ? `${path}?${parts.join("&")}` : path;
}
