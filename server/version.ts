// Parvis's version, from package.json: the instance entity, NodeInfo and the
// User-Agent of outgoing requests all say the same. Imported rather than read at
// run time, so that it is the same from the sources and from the bundle.
import packageJson from "../package.json" with { type: "json" };

export const PARVIS_VERSION: string = packageJson.version;
