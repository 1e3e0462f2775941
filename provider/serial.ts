// Certificate serials compared and stored one way: upper-case hex, no separators, no leading
// zeros (NITRO and certificate readers write them with varying case, colons and padding).
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/[^0-9a-fA-F]/g, "").replace(/^0+/, "").toUpperCase();
  return hex === "" ? "0" : hex;
}
