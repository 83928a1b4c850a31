// Public surface of the open-data concept: public observations as GeoJSON and
// CSV (what is published, its licence, its validators), and the import of an
// OpenStreetMap extract as observations.
export * from "./public";
export * from "./terms";
export * from "./freshness";
export * from "./columns";
export * from "./osm-extract";
export * from "./osm-import";
