// A status's attachments: a grid of pictures with blurhash placeholders while
// they load, document cards for PDFs and other files, and a full-screen viewer
// (arrow keys move between pictures, Escape closes, the focus stays inside).
import { decode } from "blurhash";
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import type { MediaAttachment } from "../api";
import { useI18n } from "../i18n/context";

const placeholders = new Map<string, string>();

/** A blurhash as a tiny PNG data URL (cached); null where canvas is not available. */
export function blurhashDataUrl(hash: string): string | null {
  const cached = placeholders.get(hash);
  if (cached) return cached;
  try {
    const pixels = decode(hash, 32, 32);
    const canvas = document.createElement("canvas");
    canvas.width = 32;
    canvas.height = 32;
    const context = canvas.getContext("2d");
    if (!context) return null;
    const image = context.createImageData(32, 32);
    image.data.set(pixels);
    context.putImageData(image, 0, 0);
    const url = canvas.toDataURL();
    placeholders.set(hash, url);
    return url;
  } catch {
    return null;
  }
}

/** The tile's shape: a lone picture keeps its own (within limits), several share 16:9 tiles. */
function tileAspect(media: MediaAttachment, alone: boolean): number {
  const aspect = media.meta?.original?.aspect ?? (media.meta?.original?.width && media.meta?.original?.height ? media.meta.original.width / media.meta.original.height : 16 / 9);
  return alone ? Math.min(Math.max(aspect, 0.75), 2.5) : 16 / 9;
}

function Picture({ media, onOpen, label, alone }: { media: MediaAttachment; onOpen: () => void; label: string; alone: boolean }) {
  const { t } = useI18n();
  const [loaded, setLoaded] = useState(false);
  const placeholder = useMemo(() => (media.blurhash ? blurhashDataUrl(media.blurhash) : null), [media.blurhash]);
  const focus = media.meta?.focus;
  const position = focus ? `${((focus.x + 1) / 2) * 100}% ${((1 - focus.y) / 2) * 100}%` : undefined;
  return (
    <button
      type="button"
      className="media-tile"
      onClick={onOpen}
      aria-label={label}
      style={{ aspectRatio: String(tileAspect(media, alone)), ...(placeholder && !loaded ? { backgroundImage: `url(${placeholder})` } : {}) }}
    >
      <img
        src={media.preview_url ?? media.url}
        alt={media.description ?? t("status.imageWithoutDescription")}
        loading="lazy"
        onLoad={() => setLoaded(true)}
        style={{ objectPosition: position, opacity: loaded || !placeholder ? 1 : 0 }}
      />
    </button>
  );
}

function DocumentCard({ media }: { media: MediaAttachment }) {
  const { t } = useI18n();
  const isPdf = /\.pdf($|\?)/i.test(media.url);
  return (
    <a className="media-document" href={media.url} target="_blank" rel="noopener noreferrer">
      <span className="media-document-icon" aria-hidden="true">
        {isPdf ? "PDF" : "…"}
      </span>
      <span className="media-document-text">
        <span className="media-document-title">{media.description || (isPdf ? t("media.document") : t("status.attachment"))}</span>
        <span className="media-document-action">{t("media.open")}</span>
      </span>
    </a>
  );
}

const PLAYABLE = new Set(["video", "gifv", "audio"]);

/** Video and sound play in place, from our origin (remote ones through the instance's media proxy). */
function Playable({ media }: { media: MediaAttachment }) {
  const { t } = useI18n();
  const label = media.description || t(media.type === "audio" ? "media.audio" : "media.video");
  const caption = media.description ? <figcaption className="media-playable-caption">{media.description}</figcaption> : null;
  if (media.type === "audio") {
    return (
      <figure className="media-playable">
        <audio controls preload="none" src={media.url} aria-label={label} />
        {caption}
      </figure>
    );
  }
  // a "GIF" (gifv) loops silently, but never starts by itself for someone who asked for less motion
  const gif = media.type === "gifv";
  const still = typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  return (
    <figure className="media-playable">
      <video
        src={media.url}
        poster={media.preview_url ?? undefined}
        controls
        preload="metadata"
        playsInline
        loop={gif}
        muted={gif}
        autoPlay={gif && !still}
        aria-label={label}
      />
      {caption}
    </figure>
  );
}

export function MediaGrid({ attachments }: { attachments: MediaAttachment[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState<number | null>(null);
  const pictures = attachments.filter((m) => m.type === "image");
  const playables = attachments.filter((m) => PLAYABLE.has(m.type) && m.url);
  const others = attachments.filter((m) => m.type !== "image" && !(PLAYABLE.has(m.type) && m.url));
  if (attachments.length === 0) return null;
  return (
    <div className="status-media">
      {pictures.length ? (
        <ul className={`media-grid media-grid-${Math.min(pictures.length, 4)}`}>
          {pictures.map((media, index) => (
            <li key={media.id}>
              <Picture media={media} alone={pictures.length === 1} onOpen={() => setOpen(index)} label={t("media.view", { index: index + 1, count: pictures.length })} />
            </li>
          ))}
        </ul>
      ) : null}
      {playables.length ? (
        <ul className="media-documents">
          {playables.map((media) => (
            <li key={media.id}>
              <Playable media={media} />
            </li>
          ))}
        </ul>
      ) : null}
      {others.length ? (
        <ul className="media-documents">
          {others.map((media) => (
            <li key={media.id}>
              <DocumentCard media={media} />
            </li>
          ))}
        </ul>
      ) : null}
      {open !== null ? <Viewer pictures={pictures} index={open} onIndex={setOpen} onClose={() => setOpen(null)} /> : null}
    </div>
  );
}

function Viewer({ pictures, index, onIndex, onClose }: { pictures: MediaAttachment[]; index: number; onIndex: (i: number) => void; onClose: () => void }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);
  const media = pictures[index];
  const count = pictures.length;

  useEffect(() => {
    const dialog = ref.current;
    const opener = document.activeElement;
    if (dialog && typeof dialog.showModal === "function" && !dialog.open) dialog.showModal();
    else dialog?.setAttribute("open", "");
    closeRef.current?.focus();
    return () => {
      if (opener instanceof HTMLElement) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key === "ArrowRight" && count > 1) {
      event.preventDefault();
      onIndex((index + 1) % count);
    } else if (event.key === "ArrowLeft" && count > 1) {
      event.preventDefault();
      onIndex((index - 1 + count) % count);
    } else if (event.key === "Escape") {
      event.preventDefault();
      onClose();
    } else if (event.key === "Tab") {
      // keep the focus on the viewer's own buttons (also where <dialog> is not modal)
      const buttons = Array.from(ref.current?.querySelectorAll<HTMLElement>("button") ?? []);
      if (buttons.length === 0) return;
      const at = buttons.indexOf(document.activeElement as HTMLElement);
      const next = event.shiftKey ? (at <= 0 ? buttons.length - 1 : at - 1) : at === buttons.length - 1 ? 0 : at + 1;
      event.preventDefault();
      buttons[next].focus();
    }
  };

  return (
    <dialog ref={ref} className="media-viewer" aria-label={t("media.viewer", { index: index + 1, count })} onKeyDown={onKeyDown} onCancel={(e) => (e.preventDefault(), onClose())}>
      <img src={media.url} alt={media.description ?? t("status.imageWithoutDescription")} />
      {media.description ? <p className="media-viewer-caption">{media.description}</p> : null}
      <div className="media-viewer-controls">
        {count > 1 ? (
          <button type="button" className="button button-secondary" onClick={() => onIndex((index - 1 + count) % count)}>
            {t("media.previous")}
          </button>
        ) : null}
        <span aria-live="polite">{t("media.viewer", { index: index + 1, count })}</span>
        {count > 1 ? (
          <button type="button" className="button button-secondary" onClick={() => onIndex((index + 1) % count)}>
            {t("media.next")}
          </button>
        ) : null}
        <button ref={closeRef} type="button" className="button" onClick={onClose}>
          {t("media.close")}
        </button>
      </div>
    </dialog>
  );
}
