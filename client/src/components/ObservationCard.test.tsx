import { cleanup, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { Status } from "./Status";

afterEach(cleanup);

const bob = makeAccount({ id: "2", username: "bob", display_name: "Bob" });

describe("ObservationCard in a status", () => {
  it("shows a camera's kind, main tags in French words, state and last seen", () => {
    const status = makeStatus({
      account: bob,
      content: "<p>Caméra de vidéosurveillance (dôme)</p>",
      parvis_observation: {
        kind: "camera",
        tags: { "surveillance:type": "camera", "camera:type": "dome", "operator:type": "commune", "camera:direction": "270", operator: "Mairie de Fontaine" },
        state: "gone_proposed",
        last_seen_at: "2026-11-20T10:00:00Z",
        confirmations_count: 3,
      },
    });
    renderWithProviders(<Status status={status} />);
    const card = screen.getByRole("region", { name: "Observation : caméra" });
    expect(card.textContent).toContain("Caméra de vidéosurveillance");
    expect(card.textContent).toContain("Disparition signalée");
    expect(screen.getByText("Type de caméra").nextElementSibling?.textContent).toBe("Dôme");
    expect(screen.getByText("Type d’opérateur").nextElementSibling?.textContent).toBe("Commune");
    expect(screen.getByText("Orientation").nextElementSibling?.textContent).toBe("270°");
    expect(screen.getByText("Mairie de Fontaine")).toBeTruthy();
    expect(card.textContent).toMatch(/Vue le 20 novembre 2026 · 3 confirmations/);
  });

  it("shows a civic issue, and a value it does not know as it came", () => {
    const status = makeStatus({
      account: bob,
      parvis_observation: { kind: "issue", tags: { issue: "potholes" }, state: "present", last_seen_at: "2026-11-20T10:00:00Z", confirmations_count: 0 },
    });
    renderWithProviders(<Status status={status} />);
    const card = screen.getByRole("region", { name: "Observation : signalement" });
    expect(card.textContent).toContain("potholes");
    expect(card.textContent).toContain("Toujours là");
    expect(card.textContent).not.toContain("confirmation");
  });

  it("is absent from an ordinary post", () => {
    renderWithProviders(<Status status={makeStatus({ account: bob, content: "<p>Bonjour</p>" })} />);
    expect(screen.queryByRole("region", { name: /Observation/ })).toBeNull();
  });
});
