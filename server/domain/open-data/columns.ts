// The OpenStreetMap keys the CSV gives a column of their own, in this order:
// the observation vocabulary (surveillance cameras, then civic issues).
// Any other key goes to the CSV's other_tags column.
export const CSV_TAG_KEYS: readonly string[] = [
  "surveillance",
  "surveillance:type",
  "surveillance:zone",
  "camera:type",
  "camera:direction",
  "camera:mount",
  "operator",
  "operator:type",
  "surveillance:signage",
  "surveillance:signage:controller",
  "check_date",
  "issue",
  "description",
];
