// Paths on the appliance's disk: folders written with or without a trailing slash name the
// same folder; certkey file names are relative to /nsconfig/ssl/ unless absolute.

export const SSL_FOLDER = "/nsconfig/ssl";

export function normalizeFolder(location: string): string {
  const trimmed = `/${location}`.replace(/\/+/g, "/").replace(/\/$/, "");
  return trimmed === "" ? "/" : trimmed;
}

export function joinPath(folder: string, fileName: string): string {
  return `${normalizeFolder(folder)}/${fileName}`.replace(/\/+/g, "/");
}

/** A certkey's `cert`/`key` value as a full path. */
export function certkeyFilePath(name: string): string {
  return name.startsWith("/") ? name.replace(/\/+/g, "/") : joinPath(SSL_FOLDER, name);
}

export function folderOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/** C asctime form in UTC, e.g. "Tue Sep 24 08:41:54 2024", as the appliance prints file times. */
export function asctime(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${days[date.getUTCDay()]} ${months[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, " ")} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}
