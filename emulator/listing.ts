// GET query forms applied to a list of objects: filter=k:v, attrs=a,b, count=yes, pagesize/pageno.
import type { NitroQuery, Reply } from "./wire";
import { listing } from "./wire";

export function shapeListing(type: string, objects: Record<string, unknown>[], query: NitroQuery): Reply {
  let selected = objects.filter((o) => Object.entries(query.filter).every(([k, v]) => matches(o[k], v)));
  if ((query.params.count ?? "").toLowerCase() === "yes") return listing(type, [{ __count: selected.length }]);
  const pageSize = Number(query.params.pagesize);
  if (Number.isInteger(pageSize) && pageSize > 0) {
    const pageNo = Math.max(1, Number(query.params.pageno) || 1);
    selected = selected.slice((pageNo - 1) * pageSize, pageNo * pageSize);
  }
  const attrs = query.params.attrs?.split(",").map((a) => a.trim()).filter(Boolean);
  if (attrs && attrs.length > 0) selected = selected.map((o) => Object.fromEntries(Object.entries(o).filter(([k]) => attrs.includes(k))));
  return listing(type, selected);
}

function matches(value: unknown, wanted: string): boolean {
  if (Array.isArray(value)) return value.some((v) => String(v) === wanted);
  return value !== undefined && String(value) === wanted;
}
