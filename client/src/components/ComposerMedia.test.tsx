import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialAccount, MediaAttachment } from "../api/types";
import { jsonResponse, makeAccount, makeStatus, renderWithProviders } from "../testing/fixtures";
import { Composer } from "./Composer";

const fetchMock = vi.fn<typeof fetch>();
const me = makeAccount({ id: "1", username: "alice", display_name: "Alice" }) as CredentialAccount;

/** A stand-in XMLHttpRequest: each send() waits until the test answers it. */
class FakeXhr {
  static sent: FakeXhr[] = [];
  upload: { onprogress: ((e: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  withCredentials = false;
  status = 0;
  statusText = "";
  responseText = "";
  method = "";
  url = "";
  body: FormData | null = null;
  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader() {}
  abort() {}
  send(body: FormData) {
    this.body = body;
    FakeXhr.sent.push(this);
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

const media = (id: string, extra: Partial<MediaAttachment> = {}): MediaAttachment => ({
  id,
  type: "image",
  url: `/media/${id}.jpg`,
  preview_url: `/media/${id}-small.webp`,
  description: null,
  blurhash: "LEHV6nWB2yk8pyo0adR*.7kCMdnj",
  ...extra,
});

const file = (name: string, type = "image/jpeg") => new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0])], name, { type });

beforeEach(() => {
  FakeXhr.sent = [];
  fetchMock.mockReset();
  fetchMock.mockImplementation(async (input, init) => {
    const url = String(input);
    if (url.startsWith("/api/v1/media/")) return jsonResponse(media("10", { description: JSON.parse(String(init?.body)).description }));
    return jsonResponse(makeStatus({ account: me }));
  });
  vi.stubGlobal("fetch", fetchMock);
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const attach = async (...files: File[]) => {
  await act(async () => {
    fireEvent.change(screen.getByTestId("attach-input"), { target: { files } });
  });
};

describe("Composer attachments", () => {
  it("uploads a chosen file with progress, asks for alt text, and posts it with the description", async () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 500 });
    await attach(file("lampadaire.jpg"));
    expect(FakeXhr.sent).toHaveLength(1);
    expect(FakeXhr.sent[0].url).toBe("/api/v2/media");
    expect((FakeXhr.sent[0].body?.get("file") as File).name).toBe("lampadaire.jpg");
    const publish = screen.getByRole("button", { name: "Publier" }) as HTMLButtonElement;
    expect(publish.disabled).toBe(true);

    await act(async () => FakeXhr.sent[0].progress(50, 100));
    expect(screen.getByRole("progressbar").getAttribute("aria-label")).toBe("Envoi de lampadaire.jpg : 50 %");

    await act(async () => FakeXhr.sent[0].answer(200, media("10")));
    const alt = screen.getByLabelText("Description pour les personnes qui ne voient pas l’image (texte alternatif)");
    expect(screen.getByText(/Pas encore de description/)).toBeTruthy();
    expect(alt.getAttribute("aria-describedby")).toBeTruthy();
    // a post with only a picture may be published
    expect(publish.disabled).toBe(false);

    fireEvent.change(alt, { target: { value: "Le lampadaire cassé" } });
    expect(screen.queryByText(/Pas encore de description/)).toBeNull();
    await act(async () => publish.click());

    await waitFor(() => expect(fetchMock.mock.calls.some(([u]) => String(u) === "/api/v1/statuses")).toBe(true));
    const put = fetchMock.mock.calls.find(([u]) => String(u) === "/api/v1/media/10");
    expect(put?.[1]?.method).toBe("PUT");
    expect(JSON.parse(String(put?.[1]?.body))).toEqual({ description: "Le lampadaire cassé" });
    const postCall = fetchMock.mock.calls.find(([u]) => String(u) === "/api/v1/statuses");
    expect(JSON.parse(String(postCall?.[1]?.body)).media_ids).toEqual(["10"]);
    // the description is saved before the post is sent
    expect(fetchMock.mock.calls.indexOf(put!)).toBeLessThan(fetchMock.mock.calls.indexOf(postCall!));
    await waitFor(() => expect(screen.queryByTestId("draft")).toBeNull());
  });

  it("keeps at most four attachments and says so", async () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 500 });
    await attach(file("1.jpg"), file("2.jpg"), file("3.jpg"), file("4.jpg"), file("5.jpg"));
    expect(FakeXhr.sent).toHaveLength(4);
    expect(screen.getAllByTestId("draft")).toHaveLength(4);
    expect(screen.getByRole("alert").textContent).toBe("4 pièces jointes au plus par publication.");
    expect((screen.getByRole("button", { name: "Ajouter des images ou un PDF" }) as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows the server's refusal and lets the file be removed", async () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 500 });
    await attach(file("notes.png", "image/png"));
    await act(async () => FakeXhr.sent[0].answer(422, { error: "Validation failed: File type is not supported" }));
    expect(within(screen.getByTestId("draft")).getByRole("alert").textContent).toBe(
      "notes.png n’a pas pu être joint : Validation failed: File type is not supported",
    );
    await act(async () => screen.getByRole("button", { name: "Retirer notes.png" }).click());
    expect(screen.queryByTestId("draft")).toBeNull();
  });

  it("accepts files dropped on the composer", async () => {
    renderWithProviders(<Composer />, { account: me, maxCharacters: 500 });
    const form = screen.getByLabelText("Que voulez-vous partager ?").closest("form")!;
    await act(async () => {
      fireEvent.drop(form, { dataTransfer: { files: [file("budget.pdf", "application/pdf")], types: ["Files"] } });
    });
    expect(FakeXhr.sent).toHaveLength(1);
    expect(screen.getByText("budget.pdf")).toBeTruthy();
  });
});
