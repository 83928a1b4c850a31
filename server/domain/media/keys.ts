// Media store keys: names, never paths, so no store call can reach outside its folder or bucket.

/**
 * A key: lower-case letters, digits, dots, dashes and underscores, in at most
 * two segments ("cache/…"); no segment starts with a dot, so no ".." and no
 * hidden temporary file can be named.
 */
const KEY = /^(?:[a-z0-9][a-z0-9_-]{0,30}\/)?[a-z0-9][a-z0-9._-]{0,127}$/;

export function isMediaKey(key: string): boolean {
  return KEY.test(key);
}

export function checkKey(key: string): string {
  if (!isMediaKey(key)) throw new Error(`Invalid media key ${JSON.stringify(key)}`);
  return key;
}

