// What the router gives every screen. Kept apart from routes.tsx, which loads
// the screens: a screen importing its props from the route table made each
// screen and the table import each other.
import type { Params } from "../lib/router";

export interface ScreenProps {
  params: Params;
  search: URLSearchParams;
}
