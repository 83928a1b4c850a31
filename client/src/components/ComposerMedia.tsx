// The composer's attachments: choosing files (button, drop, paste), upload
// progress, an alt-text field per file with a gentle reminder, removal.
import { useCallback, useEffect, useId, useRef, useState } from "react";
import { api, type MediaAttachment } from "../api";
import { useI18n } from "../i18n/context";
import { useAnnounce } from "../state/announcer";
import { FormError, useErrorText } from "./common";

export const MAX_ATTACHMENTS = 4;

export interface Draft {
  key: string;
  name: string;
  /** an object URL of the local file, for the preview */
  preview: string | null;
  progress: number;
  media: MediaAttachment | null;
  error: unknown;
  description: string;
}

let counter = 0;

/** State and actions of the attachments being prepared. */
export function useDrafts() {
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const live = useRef(drafts);
  live.current = drafts;

  const update = (key: string, change: Partial<Draft>) => setDrafts((list) => list.map((d) => (d.key === key ? { ...d, ...change } : d)));

  const add = useCallback(
    (files: File[]) => {
      const room = MAX_ATTACHMENTS - live.current.length;
      setNotice(files.length > room ? t("media.tooMany", { count: MAX_ATTACHMENTS }) : null);
      for (const file of files.slice(0, Math.max(0, room))) {
        const key = `draft-${++counter}`;
        const preview = file.type.startsWith("image/") && typeof URL.createObjectURL === "function" ? URL.createObjectURL(file) : null;
        const draft: Draft = { key, name: file.name || "file", preview, progress: 0, media: null, error: null, description: "" };
        setDrafts((list) => [...list, draft]);
        api
          .uploadMedia(file, (progress) => update(key, { progress }))
          .then((media) => {
            update(key, { media, progress: 1 });
            announce(t("media.uploaded", { name: draft.name }));
          })
          .catch((error: unknown) => {
            update(key, { error });
            announce(t("media.failed", { name: draft.name, error: errorText(error) }));
          });
      }
    },
    [t, announce, errorText],
  );

  const remove = (key: string) => {
    const draft = live.current.find((d) => d.key === key);
    if (draft?.preview) URL.revokeObjectURL?.(draft.preview);
    setDrafts((list) => list.filter((d) => d.key !== key));
    setNotice(null);
  };

  const clear = () => {
    for (const d of live.current) if (d.preview) URL.revokeObjectURL?.(d.preview);
    setDrafts([]);
  };

  useEffect(() => () => live.current.forEach((d) => d.preview && URL.revokeObjectURL?.(d.preview)), []);

  const uploading = drafts.some((d) => !d.media && !d.error);
  const ready = drafts.filter((d) => d.media);
  return { drafts, notice, add, remove, clear, setDescription: (key: string, description: string) => update(key, { description }), uploading, ready };
}

interface Props {
  drafts: Draft[];
  notice: string | null;
  onFiles: (files: File[]) => void;
  onRemove: (key: string) => void;
  onDescription: (key: string, value: string) => void;
  disabled?: boolean;
}

export function AttachButton({ onFiles, disabled, full }: { onFiles: (files: File[]) => void; disabled?: boolean; full: boolean }) {
  const { t } = useI18n();
  const input = useRef<HTMLInputElement>(null);
  const ids = useId();
  return (
    <>
      <button
        type="button"
        className="button button-small button-secondary"
        onClick={() => input.current?.click()}
        disabled={disabled || full}
        aria-describedby={`${ids}-hint`}
      >
        {t("media.attach")}
      </button>
      <span id={`${ids}-hint`} className="visually-hidden">
        {t("media.attachHint", { count: MAX_ATTACHMENTS })}
      </span>
      <input
        ref={input}
        type="file"
        hidden
        multiple
        accept="image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,image/avif,application/pdf"
        data-testid="attach-input"
        onChange={(e) => {
          onFiles(Array.from(e.target.files ?? []));
          e.target.value = "";
        }}
      />
    </>
  );
}

export function ComposerMedia({ drafts, notice, onRemove, onDescription, disabled }: Props) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const ids = useId();
  if (drafts.length === 0 && !notice) return null;
  return (
    <div className="composer-media">
      <FormError>{notice}</FormError>
      <ul className="composer-media-list">
        {drafts.map((d) => {
          const isDocument = d.media?.type === "unknown" || (!d.preview && !d.media);
          const altId = `${ids}-${d.key}-alt`;
          const reminderId = `${ids}-${d.key}-reminder`;
          return (
            <li key={d.key} className="composer-media-item" data-testid="draft">
              <div className="composer-media-thumb">
                {d.preview || d.media?.preview_url ? <img src={d.preview ?? d.media?.preview_url ?? ""} alt="" /> : <span aria-hidden="true">PDF</span>}
              </div>
              <div className="composer-media-body">
                <span className="composer-media-name">{d.name}</span>
                {d.error ? (
                  <p className="form-error" role="alert">
                    {t("media.failed", { name: d.name, error: errorText(d.error) })}
                  </p>
                ) : !d.media ? (
                  <progress max={1} value={d.progress} aria-label={t("media.uploading", { name: d.name, percent: Math.round(d.progress * 100) })} />
                ) : (
                  <>
                    <label htmlFor={altId}>{isDocument ? t("media.altLabelDocument") : t("media.altLabel")}</label>
                    <textarea
                      id={altId}
                      rows={2}
                      maxLength={1500}
                      value={d.description}
                      disabled={disabled}
                      aria-describedby={d.description.trim() ? undefined : reminderId}
                      onChange={(e) => onDescription(d.key, e.target.value)}
                    />
                    {d.description.trim() ? null : (
                      <p id={reminderId} className="composer-media-reminder">
                        {t("media.altReminder")}
                      </p>
                    )}
                  </>
                )}
              </div>
              <button type="button" className="button button-small button-secondary" onClick={() => onRemove(d.key)} disabled={disabled}>
                {t("media.remove", { name: d.name })}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
