import { act, cleanup, fireEvent, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import type { MediaAttachment } from "../api/types";
import { renderWithProviders } from "../testing/fixtures";
import { MediaGrid } from "./MediaGrid";

afterEach(cleanup);

const picture = (id: string, description: string | null): MediaAttachment => ({
  id,
  type: "image",
  url: `/media/${id}.jpg`,
  preview_url: `/media/${id}-small.webp`,
  description,
  blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
  meta: { original: { width: 100, height: 50 }, focus: { x: 0.5, y: -0.5 } },
});

describe("MediaGrid", () => {
  it("shows pictures with their alt text and the focal point, and PDFs as document cards", () => {
    renderWithProviders(
      <MediaGrid
        attachments={[
          picture("1", "La fontaine"),
          { id: "3", type: "unknown", url: "/media/3.pdf", preview_url: null, description: "Budget 2026" },
        ]}
      />,
    );
    const img = screen.getByAltText("La fontaine") as HTMLImageElement;
    expect(img.getAttribute("src")).toBe("/media/1-small.webp");
    expect(img.style.objectPosition).toBe("75% 75%");
    const card = screen.getByRole("link", { name: /Budget 2026/ });
    expect(card.getAttribute("href")).toBe("/media/3.pdf");
    expect(card.textContent).toContain("PDF");
  });

  it("plays video, GIFs and sound in place from their own URL, with the alt text as their name", () => {
    const { container } = renderWithProviders(
      <MediaGrid
        attachments={[
          { id: "4", type: "video", url: "/media_proxy/attachments/4/original", preview_url: null, description: "Le conseil municipal" },
          { id: "5", type: "gifv", url: "/media/5.mp4", preview_url: "/media/5.jpg", description: null },
          { id: "6", type: "audio", url: "/media_proxy/attachments/6/original", preview_url: null, description: null },
        ]}
      />,
    );
    const videos = container.querySelectorAll("video");
    expect(videos).toHaveLength(2);
    expect(videos[0].getAttribute("src")).toBe("/media_proxy/attachments/4/original");
    expect(videos[0].getAttribute("aria-label")).toBe("Le conseil municipal");
    expect(videos[0].loop).toBe(false);
    expect(videos[1].loop).toBe(true);
    expect(videos[1].muted).toBe(true);
    expect(videos[1].getAttribute("poster")).toBe("/media/5.jpg");
    expect(videos[1].getAttribute("aria-label")).toBe("Vidéo");
    const audio = container.querySelector("audio");
    expect(audio?.getAttribute("src")).toBe("/media_proxy/attachments/6/original");
    expect(audio?.getAttribute("aria-label")).toBe("Enregistrement audio");
    // none of them is shown as an image or a document card
    expect(container.querySelectorAll("img")).toHaveLength(0);
    expect(screen.queryByRole("link")).toBeNull();
  });

  it("opens a full-screen viewer; arrows move between pictures, Escape closes and gives the focus back", async () => {
    renderWithProviders(<MediaGrid attachments={[picture("1", "La fontaine"), picture("2", "Le lavoir")]} />);
    const first = screen.getByRole("button", { name: "Voir l’image 1 sur 2 en plein écran" });
    first.focus();
    await act(async () => first.click());
    const viewer = screen.getByRole("dialog", { name: "Image 1 sur 2" });
    expect(viewer.querySelector("img")?.getAttribute("src")).toBe("/media/1.jpg");
    expect(document.activeElement?.textContent).toBe("Fermer");

    await act(async () => fireEvent.keyDown(viewer, { key: "ArrowRight" }));
    expect(viewer.querySelector("img")?.getAttribute("alt")).toBe("Le lavoir");
    await act(async () => fireEvent.keyDown(viewer, { key: "ArrowRight" }));
    expect(viewer.querySelector("img")?.getAttribute("alt")).toBe("La fontaine");
    await act(async () => fireEvent.keyDown(viewer, { key: "ArrowLeft" }));
    expect(viewer.querySelector("img")?.getAttribute("alt")).toBe("Le lavoir");

    // Tab from the last button wraps to the first: the focus stays in the viewer
    const buttons = Array.from(viewer.querySelectorAll("button"));
    buttons[buttons.length - 1].focus();
    await act(async () => fireEvent.keyDown(viewer, { key: "Tab" }));
    expect(document.activeElement).toBe(buttons[0]);

    await act(async () => fireEvent.keyDown(viewer, { key: "Escape" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(first);
  });
});
