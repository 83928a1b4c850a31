// Public surface of the places concept: a status's published place, and the map's reads.
export * from "./place";
export * from "./map";
