import { describe, expect, it } from "vitest";
import { makeStatus } from "../testing/fixtures";
import { applyStreamMessage, emptyTimeline, timelineReducer, type TimelineState } from "./timeline";
import { isStreamMessage, streamMatches } from "./types";
import { withoutViewerFlags } from "./socket";

function loaded(...ids: string[]): TimelineState {
  return timelineReducer(emptyTimeline, { type: "loaded", statuses: ids.map((id) => makeStatus({ id })), nextMaxId: "1" });
}

const ids = (state: TimelineState) => state.statuses.map((s) => s.id);
const live = { acceptNew: true, buffer: false };

describe("timeline reducer and streaming events", () => {
  it("an update puts the new status at the top", () => {
    const state = applyStreamMessage(loaded("20", "10"), { stream: ["user"], event: "update", payload: makeStatus({ id: "30" }) }, live);
    expect(ids(state)).toEqual(["30", "20", "10"]);
  });

  it("an update already shown is not duplicated", () => {
    const before = loaded("20", "10");
    const after = applyStreamMessage(before, { stream: ["user"], event: "update", payload: makeStatus({ id: "20" }) }, live);
    expect(ids(after)).toEqual(["20", "10"]);
  });

  it("an update is held back while the reader is scrolled down, then shown on flush", () => {
    const held = applyStreamMessage(loaded("10"), { stream: ["public:local"], event: "update", payload: makeStatus({ id: "30" }) }, { acceptNew: true, buffer: true });
    expect(ids(held)).toEqual(["10"]);
    expect(held.pending.map((s) => s.id)).toEqual(["30"]);
    const shown = timelineReducer(held, { type: "flush" });
    expect(ids(shown)).toEqual(["30", "10"]);
    expect(shown.pending).toEqual([]);
  });

  it("an update is ignored by a list that does not take new statuses", () => {
    const before = loaded("10");
    const after = applyStreamMessage(before, { stream: ["user"], event: "update", payload: makeStatus({ id: "30" }) }, { acceptNew: false, buffer: false });
    expect(after).toBe(before);
  });

  it("a delete removes the status and the boosts of it", () => {
    const original = makeStatus({ id: "10" });
    const boost = makeStatus({ id: "25", reblog: original });
    const state = timelineReducer(emptyTimeline, { type: "loaded", statuses: [makeStatus({ id: "30" }), boost, makeStatus({ id: "20" })], nextMaxId: null });
    const after = applyStreamMessage(state, { stream: ["user"], event: "delete", payload: "10" }, live);
    expect(ids(after)).toEqual(["30", "20"]);
  });

  it("a delete also removes a held-back status", () => {
    const held = applyStreamMessage(loaded("10"), { stream: ["public"], event: "update", payload: makeStatus({ id: "30" }) }, { acceptNew: true, buffer: true });
    const after = applyStreamMessage(held, { stream: ["public"], event: "delete", payload: "30" }, live);
    expect(after.pending).toEqual([]);
  });

  it("a status.update replaces the edited status in place", () => {
    const before = loaded("20", "10");
    const edited = { ...before.statuses[1], content: "<p>Edited</p>", edited_at: "2026-11-22T10:00:00Z" };
    const after = applyStreamMessage(before, { stream: ["user"], event: "status.update", payload: edited }, live);
    expect(ids(after)).toEqual(["20", "10"]);
    expect(after.statuses[1].content).toBe("<p>Edited</p>");
    expect(after.statuses[1].edited_at).toBe("2026-11-22T10:00:00Z");
  });

  it("a status.update reaches a status shown inside a boost", () => {
    const original = makeStatus({ id: "10", favourites_count: 0 });
    const state = timelineReducer(emptyTimeline, { type: "loaded", statuses: [makeStatus({ id: "25", reblog: original })], nextMaxId: null });
    const after = applyStreamMessage(state, { stream: [], event: "status.update", payload: { ...original, favourites_count: 3, favourited: true } }, live);
    expect(after.statuses[0].reblog?.favourites_count).toBe(3);
    expect(after.statuses[0].reblog?.favourited).toBe(true);
  });

  it("a pushed edit keeps the reader's own favourite and boost", () => {
    const mine = makeStatus({ id: "10", favourited: true, reblogged: true, content: "<p>Old</p>" });
    const state = timelineReducer(emptyTimeline, { type: "loaded", statuses: [mine], nextMaxId: null });
    // the server pushes one rendering for everyone, with neutral flags
    const pushed = withoutViewerFlags({ ...mine, favourited: false, reblogged: false, content: "<p>New</p>" });
    const after = applyStreamMessage(state, { stream: ["user"], event: "status.update", payload: pushed }, live);
    expect(after.statuses[0].content).toBe("<p>New</p>");
    expect(after.statuses[0].favourited).toBe(true);
    expect(after.statuses[0].reblogged).toBe(true);
  });

  it("a status.update for an unknown status changes nothing", () => {
    const before = loaded("20");
    expect(applyStreamMessage(before, { stream: ["user"], event: "status.update", payload: makeStatus({ id: "99" }) }, live)).toBe(before);
  });

  it("older pages are appended without duplicates", () => {
    const state = timelineReducer(loaded("30", "20"), { type: "appended", statuses: [makeStatus({ id: "20" }), makeStatus({ id: "10" })], nextMaxId: null });
    expect(ids(state)).toEqual(["30", "20", "10"]);
    expect(state.nextMaxId).toBeNull();
  });
});

describe("stream names", () => {
  it("matches messages to the stream a list asked for", () => {
    expect(streamMatches({ stream: "user" }, ["user"])).toBe(true);
    expect(streamMatches({ stream: "user" }, ["user:notification"])).toBe(true);
    expect(streamMatches({ stream: "public:local" }, ["public"])).toBe(false);
    expect(streamMatches({ stream: "public" }, ["public"])).toBe(true);
    expect(streamMatches({ stream: "hashtag", tag: "Marche" }, ["hashtag", "marche"])).toBe(true);
    expect(streamMatches({ stream: "hashtag", tag: "marche" }, ["hashtag", "fete"])).toBe(false);
  });

  it("rejects malformed messages", () => {
    expect(isStreamMessage({ event: "delete", payload: "1" })).toBe(true);
    expect(isStreamMessage({ event: "delete", payload: 1 })).toBe(false);
    expect(isStreamMessage({ event: "update", payload: null })).toBe(false);
    expect(isStreamMessage({ event: "filters_changed" })).toBe(false);
    expect(isStreamMessage("nope")).toBe(false);
  });
});
