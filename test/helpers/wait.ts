// Waiting in tests: the one copy of sleep and waitFor, used by every suite.

/** PARVIS_TEST_SLOWDOWN=2 doubles every wait, for a machine busier than usual. */
export const SLOWDOWN = Math.max(1, Number(process.env.PARVIS_TEST_SLOWDOWN ?? 1) || 1);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Probe<T> = () => Promise<T> | T;

/**
 * Polls until a condition holds, and returns the value that satisfied it.
 *
 * - `waitFor(fn, timeoutMs?, what?)`: until `fn` returns something other than
 *   undefined, null or false;
 * - `waitFor(probe, ok, timeoutMs?)`: until `ok(probe())` holds (for values
 *   that may legitimately be 0, "" or false, such as a queue length).
 *
 * Errors thrown by the probe count as "not yet"; on timeout the last value or
 * error is in the message. It polls every 25 ms for the first second (most
 * waits are short), then every 250 ms (a slow wait need not load the machine).
 */
export function waitFor<T>(fn: Probe<T | undefined | null | false>, timeoutMs?: number, what?: string): Promise<T>;
export function waitFor<T>(probe: Probe<T>, ok: (value: T) => boolean, timeoutMs?: number): Promise<T>;
export async function waitFor<T>(
  probe: Probe<T>,
  okOrTimeout?: ((value: T) => boolean) | number,
  timeoutOrWhat?: number | string,
): Promise<T> {
  const ok = typeof okOrTimeout === "function" ? okOrTimeout : (v: T) => v !== undefined && v !== null && v !== false;
  const timeoutMs =
    SLOWDOWN * ((typeof okOrTimeout === "number" ? okOrTimeout : typeof timeoutOrWhat === "number" ? timeoutOrWhat : undefined) ?? 15_000);
  const what = typeof timeoutOrWhat === "string" ? timeoutOrWhat : "condition";
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (ok(value)) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    const elapsed = Date.now() - start;
    if (elapsed > timeoutMs) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last)?.slice(0, 2000);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await sleep(elapsed < 1_000 ? 25 : 250);
  }
}
