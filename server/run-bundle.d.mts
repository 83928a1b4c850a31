// Types of server/run-bundle.mjs (plain JavaScript: the server's process never loads the TypeScript stripper).
export declare const BUNDLE_DIR: string;
export declare const BUNDLE_FILE: string;
export declare function serverBundleFile(root: string): string;
export declare function codeCacheName(source: string, execArgv?: readonly string[]): string;
export interface BundleRun {
  /** what became of the code cache at this start ("off": no cache folder, or source maps enabled) */
  cache: "accepted" | "rejected" | "absent" | "off";
  cacheFile: string | undefined;
  /** settles once the cache has been written (true), or was not to be (false) */
  written: Promise<boolean>;
}
export declare function runBundle(file: string, options?: { cacheDir?: string | undefined; writeAfterMs?: number; execArgv?: readonly string[] }): BundleRun;
