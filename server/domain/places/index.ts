// Public surface of the places concept: a status's published place (below statuses;
// the map's read of placed statuses is a timeline: ../timelines/places.ts).
export * from "./place";
