// The OpenStreetMap keys the CSV gives a column of their own: the observation
// vocabulary's (server/domain/observations/tags.ts), cameras' keys then
// issues', each once. Any other key goes to the CSV's other_tags column.
import { OBSERVATION_TAGS } from "../observations";

export const CSV_TAG_KEYS: readonly string[] = [...new Set([...Object.keys(OBSERVATION_TAGS.camera), ...Object.keys(OBSERVATION_TAGS.issue)])];
