// The route table. To add a screen (groups, moderation, map…): write it in
// screens/, add one line here, and a navigation entry in components/Layout.tsx
// if it deserves one.
import { lazy, type ComponentType, type LazyExoticComponent } from "react";
import type { ScreenProps } from "./screens/props";

export type Access = "any" | "user" | "guest";

export interface RouteDef {
  path: string;
  screen: LazyExoticComponent<ComponentType<ScreenProps>>;
  /** "user": logged-in only (visitors see the login form); "guest": visitors only */
  access: Access;
}

const screen = <M extends Record<string, unknown>>(loader: () => Promise<M>, name: keyof M & string) =>
  lazy(async () => ({ default: (await loader())[name] as ComponentType<ScreenProps> }));

export const LoginRouteScreen = screen(() => import("./screens/Login"), "LoginScreen");

const timelines = () => import("./screens/Timelines");
const profile = () => import("./screens/Profile");
const groups = () => import("./screens/Groups");
const moderation = () => import("./screens/Moderation");
const map = () => import("./screens/Map");

export const routes: RouteDef[] = [
  { path: "/", screen: screen(timelines, "RootScreen"), access: "any" },
  { path: "/home", screen: screen(timelines, "HomeScreen"), access: "user" },
  { path: "/local", screen: screen(timelines, "LocalScreen"), access: "any" },
  { path: "/federated", screen: screen(timelines, "FederatedScreen"), access: "any" },
  { path: "/tags/:tag", screen: screen(timelines, "TagScreen"), access: "any" },
  { path: "/about", screen: screen(() => import("./screens/About"), "AboutScreen"), access: "any" },
  { path: "/login", screen: LoginRouteScreen, access: "guest" },
  { path: "/register", screen: screen(() => import("./screens/Register"), "RegisterScreen"), access: "guest" },
  { path: "/notifications", screen: screen(() => import("./screens/Notifications"), "NotificationsScreen"), access: "user" },
  { path: "/search", screen: screen(() => import("./screens/Search"), "SearchScreen"), access: "any" },
  { path: "/settings", screen: screen(() => import("./screens/Settings"), "SettingsScreen"), access: "user" },
  { path: "/settings/data", screen: screen(() => import("./screens/MyData"), "MyDataScreen"), access: "user" },
  { path: "/bookmarks", screen: screen(() => import("./screens/Saved"), "BookmarksScreen"), access: "user" },
  { path: "/favourites", screen: screen(() => import("./screens/Saved"), "FavouritesScreen"), access: "user" },
  { path: "/lists", screen: screen(() => import("./screens/Lists"), "ListsScreen"), access: "user" },
  { path: "/lists/:id", screen: screen(() => import("./screens/Lists"), "ListScreen"), access: "user" },
  { path: "/groups", screen: screen(groups, "GroupsScreen"), access: "any" },
  { path: "/groups/mine", screen: screen(groups, "MyGroupsScreen"), access: "user" },
  { path: "/groups/new", screen: screen(groups, "NewGroupScreen"), access: "user" },
  { path: "/groups/:id", screen: screen(groups, "GroupScreen"), access: "any" },
  { path: "/groups/:id/manage", screen: screen(groups, "GroupManageScreen"), access: "user" },
  { path: "/filters", screen: screen(() => import("./screens/Filters"), "FiltersScreen"), access: "user" },
  { path: "/followed_tags", screen: screen(() => import("./screens/FollowedTags"), "FollowedTagsScreen"), access: "user" },
  { path: "/conversations", screen: screen(() => import("./screens/Conversations"), "ConversationsScreen"), access: "user" },
  { path: "/explore", screen: screen(() => import("./screens/Civic"), "ExploreScreen"), access: "any" },
  { path: "/scheduled_statuses", screen: screen(() => import("./screens/Civic"), "ScheduledScreen"), access: "user" },
  { path: "/moderation_log", screen: screen(() => import("./screens/ModerationLog"), "ModerationLogScreen"), access: "any" },
  { path: "/map", screen: screen(map, "MapScreen"), access: "any" },
  { path: "/map/new", screen: screen(map, "NewObservationScreen"), access: "user" },
  { path: "/observations/:id", screen: screen(map, "ObservationScreen"), access: "any" },
  { path: "/privacy", screen: screen(() => import("./screens/Privacy"), "PrivacyScreen"), access: "any" },
  { path: "/admin/instance", screen: screen(() => import("./screens/AdminInstance"), "AdminInstanceScreen"), access: "user" },
  { path: "/admin/announcements", screen: screen(() => import("./screens/Civic"), "AdminAnnouncementsScreen"), access: "user" },
  { path: "/admin/reports", screen: screen(moderation, "ModerationQueueScreen"), access: "user" },
  { path: "/admin/reports/:id", screen: screen(moderation, "ReportScreen"), access: "user" },
  { path: "/admin/accounts/:id", screen: screen(moderation, "ModerationAccountScreen"), access: "user" },
  { path: "/follow_requests", screen: screen(profile, "FollowRequestsScreen"), access: "user" },
  { path: "/users/:username", screen: screen(profile, "UsersRedirect"), access: "any" },
  { path: "/@:acct", screen: screen(profile, "ProfileScreen"), access: "any" },
  { path: "/@:acct/followers", screen: screen(profile, "FollowersScreen"), access: "any" },
  { path: "/@:acct/following", screen: screen(profile, "FollowingScreen"), access: "any" },
  { path: "/@:acct/:id", screen: screen(() => import("./screens/Thread"), "ThreadScreen"), access: "any" },
];

export const NotFoundScreen = screen(() => import("./screens/NotFound"), "NotFoundScreen");
