// Public surface of the map concept: tile coordinates, the tile proxy and its cache, the map's configuration.
export * from "./coordinates";
export * from "./tiles";
export * from "./settings";
