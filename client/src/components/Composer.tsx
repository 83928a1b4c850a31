// The composer: text with @mention and #hashtag completion, content warning,
// visibility, a live count against the instance's limit, reply and edit modes.
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from "react";
import { api, type Status, type StatusGroup, type Visibility } from "../api";
import { useI18n } from "../i18n/context";
import { countCharacters, displayName, htmlToText, replyMentions, replyVisibility } from "../lib/format";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import { publishLocal } from "../streaming/socket";
import { FormError, useErrorText } from "./common";
import { AttachButton, ComposerMedia, MAX_ATTACHMENTS, useDrafts } from "./ComposerMedia";
import { ComposerPlace, type PlaceDraft } from "./ComposerPlace";
import "./Composer.css";
import "./Civic.css";

const VISIBILITIES: Visibility[] = ["public", "unlisted", "private", "direct"];

interface ComposerProps {
  replyTo?: Status;
  edit?: Status;
  /** posting in this group: its audience replaces the visibility choice */
  group?: StatusGroup;
  onDone?: (status: Status) => void;
  autoFocus?: boolean;
}

interface Suggestion {
  key: string;
  label: string;
  detail?: string;
  replacement: string;
}

interface Completion {
  start: number;
  end: number;
  kind: "@" | "#";
  query: string;
}

/** The @mention or #hashtag being typed just before the caret, if any. */
export function completionAt(text: string, caret: number): Completion | null {
  const before = text.slice(0, caret);
  const match = /(^|[\s(])([@#])([\p{L}\p{N}_]+(?:@[\p{L}\p{N}_.:-]*)?)$/u.exec(before);
  if (!match) return null;
  const kind = match[2] as "@" | "#";
  const query = match[3];
  if (kind === "#" && query.includes("@")) return null;
  return { start: caret - query.length - 1, end: caret, kind, query };
}

function newKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

export function Composer({ replyTo, edit, group: groupProp, onDone, autoFocus }: ComposerProps) {
  const { t, locale } = useI18n();
  const { account, maxCharacters, instance } = useSession();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const ids = useId();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const cwRef = useRef<HTMLInputElement>(null);
  const idempotencyKey = useRef(newKey());

  const defaultVisibility: Visibility = account?.source?.privacy ?? "public";
  const [text, setText] = useState(() => (replyTo ? replyMentions(replyTo, account?.acct ?? null) : ""));
  const [cwEnabled, setCwEnabled] = useState(() => Boolean(replyTo?.spoiler_text || edit?.spoiler_text));
  const [cw, setCw] = useState(() => replyTo?.spoiler_text ?? edit?.spoiler_text ?? "");
  const [visibility, setVisibility] = useState<Visibility>(() =>
    edit ? edit.visibility : replyTo ? replyVisibility(replyTo.visibility, defaultVisibility) : defaultVisibility,
  );
  const [pollEnabled, setPollEnabled] = useState(false);
  const [pollOptions, setPollOptions] = useState<string[]>(["", ""]);
  const [pollDuration, setPollDuration] = useState(86_400);
  const [pollMultiple, setPollMultiple] = useState(false);
  const [scheduleEnabled, setScheduleEnabled] = useState(false);
  const [scheduleAt, setScheduleAt] = useState("");
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // the place the post is about (parvis_place), chosen on a small map
  const [place, setPlace] = useState<PlaceDraft | null>(null);
  const [loadingSource, setLoadingSource] = useState(Boolean(edit));
  const media = useDrafts();
  // a reply to (or an edit of) a group's post stays in its group
  const group = groupProp ?? replyTo?.parvis_group ?? edit?.parvis_group ?? null;
  const [dragging, setDragging] = useState(false);

  const [completion, setCompletion] = useState<Completion | null>(null);
  const [suggestions, setSuggestions] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(0);

  // Editing: start from the text the author typed, not from the HTML.
  useEffect(() => {
    if (!edit) return;
    let cancelled = false;
    api
      .statusSource(edit.id)
      .then(
        (source) => {
          if (cancelled) return;
          setText(source.text);
          setCw(source.spoiler_text);
          setCwEnabled(Boolean(source.spoiler_text));
        },
        () => {
          if (!cancelled) setText(htmlToText(edit.content));
        },
      )
      .finally(() => {
        if (!cancelled) setLoadingSource(false);
      });
    return () => {
      cancelled = true;
    };
  }, [edit]);

  useEffect(() => {
    if (!autoFocus || loadingSource) return;
    const area = textRef.current;
    if (!area) return;
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
  }, [autoFocus, loadingSource]);

  // Fetch suggestions for the word being typed (debounced).
  useEffect(() => {
    if (!completion) {
      setSuggestions([]);
      return;
    }
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        let items: Suggestion[];
        if (completion.kind === "@") {
          const accounts = await api.searchAccounts(completion.query, 5, controller.signal);
          items = accounts.map((a) => ({ key: a.id, label: `@${a.acct}`, detail: displayName(a), replacement: `@${a.acct} ` }));
        } else {
          const results = await api.search(completion.query, { type: "hashtags", limit: 5 }, controller.signal);
          items = results.hashtags.map((tag) => ({ key: tag.name, label: `#${tag.name}`, replacement: `#${tag.name} ` }));
        }
        setSuggestions(items);
        setActive(0);
      } catch {
        setSuggestions([]);
      }
    }, 200);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [completion?.kind, completion?.query]); // eslint-disable-line react-hooks/exhaustive-deps

  const used = countCharacters(text, instance?.configuration?.statuses?.characters_reserved_per_url ?? 23) + (cwEnabled ? countCharacters(cw) : 0);
  const remaining = maxCharacters - used;
  const tooLong = remaining < 0;
  const empty = text.trim().length === 0 && media.ready.length === 0;
  // a poll goes without media, as on Mastodon: attaching is off while the poll is on, the poll while files are attached
  const canAttach = !edit && !pollEnabled;

  const updateCompletion = (value: string, caret: number) => setCompletion(completionAt(value, caret));

  const choose = (suggestion: Suggestion) => {
    if (!completion) return;
    const next = text.slice(0, completion.start) + suggestion.replacement + text.slice(completion.end);
    const caret = completion.start + suggestion.replacement.length;
    setText(next);
    setCompletion(null);
    setSuggestions([]);
    requestAnimationFrame(() => {
      textRef.current?.focus();
      textRef.current?.setSelectionRange(caret, caret);
    });
  };

  const listOpen = completion !== null && suggestions.length > 0;
  const listId = `${ids}-suggestions`;

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (listOpen) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        setActive((a) => (a + 1) % suggestions.length);
        return;
      }
      if (event.key === "ArrowUp") {
        event.preventDefault();
        setActive((a) => (a - 1 + suggestions.length) % suggestions.length);
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(suggestions[active]);
        return;
      }
      if (event.key === "Escape") {
        // close the list, not the dialog around us
        event.preventDefault();
        event.stopPropagation();
        setCompletion(null);
        return;
      }
    }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      event.currentTarget.form?.requestSubmit();
    }
  };

  // Focus moves to the warning field as soon as it appears (before the next key).
  const focusCwNext = useRef(false);
  useLayoutEffect(() => {
    if (cwEnabled && focusCwNext.current) cwRef.current?.focus();
    focusCwNext.current = false;
  }, [cwEnabled]);

  const toggleCw = () => {
    focusCwNext.current = !cwEnabled;
    setCwEnabled(!cwEnabled);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (submitting || tooLong || empty || media.uploading) return;
    setSubmitting(true);
    setError(null);
    try {
      const spoiler = cwEnabled ? cw.trim() : "";
      const sentText = text;
      const poll = pollEnabled ? { options: pollOptions.map((o) => o.trim()), expires_in: pollDuration, multiple: pollMultiple } : undefined;
      if (!edit && scheduleEnabled && !group) {
        await api.scheduleStatus({
          status: text,
          visibility,
          spoiler_text: spoiler || undefined,
          sensitive: spoiler.length > 0 || undefined,
          in_reply_to_id: replyTo?.id,
          language: locale,
          poll,
          scheduled_at: new Date(scheduleAt).toISOString(),
        });
        announce(t("compose.scheduled"));
        setText((current) => (current === sentText ? "" : current));
        setCwEnabled(false);
        setPollEnabled(false);
        setPollOptions(["", ""]);
        setScheduleEnabled(false);
        setScheduleAt("");
        textRef.current?.focus();
        return;
      }
      const sentCw = cw;
      let status: Status;
      if (edit) {
        status = await api.editStatus(edit.id, { status: text, spoiler_text: spoiler, sensitive: spoiler.length > 0, language: edit.language ?? locale });
        publishLocal({ stream: [], event: "status.update", payload: status });
        announce(t("compose.edited"));
      } else {
        // alt text first: the post is delivered with its attachments as they are now
        for (const d of media.ready) {
          const description = d.description.trim();
          if (d.media && description !== (d.media.description ?? "")) await api.updateMedia(d.media.id, { description });
        }
        const mediaIds = media.ready.map((d) => d.media!.id);
        status = await api.postStatus(
          {
            status: text,
            visibility,
            spoiler_text: spoiler || undefined,
            sensitive: spoiler.length > 0 || undefined,
            in_reply_to_id: replyTo?.id,
            language: locale,
            poll,
            media_ids: mediaIds.length ? mediaIds : undefined,
            group_id: group?.id,
            parvis_place: place?.position
              ? { latitude: place.position.latitude, longitude: place.position.longitude, ...(place.name.trim() ? { name: place.name.trim() } : {}) }
              : undefined,
          },
          idempotencyKey.current,
        );
        // our own post belongs at the top of our home timeline (and its group's page) at once
        publishLocal({ stream: ["user"], event: "update", payload: status });
        if (status.parvis_group) publishLocal({ stream: ["group", status.parvis_group.id], event: "update", payload: status });
        announce(t("compose.posted"));
        idempotencyKey.current = newKey();
        // clear what was sent, but not what the author typed while it was sending
        setText((current) => (current === sentText ? "" : current));
        setCw((current) => (current === sentCw ? "" : current));
        setCwEnabled(false);
        setPollEnabled(false);
        setPollOptions(["", ""]);
        setPlace(null);
        media.clear();
        // the submit button is disabled now: keep keyboard users in the composer
        textRef.current?.focus();
      }
      onDone?.(status);
    } catch (e) {
      setError(e);
    } finally {
      setSubmitting(false);
    }
  };

  const visibilityHelp = useMemo(() => t(`visibilityHelp.${visibility}`), [t, visibility]);
  const submitLabel = edit ? t("compose.save") : scheduleEnabled && !group ? t("compose.schedule") : replyTo ? t("compose.replyButton") : t("compose.publish");
  const pollIncomplete = pollEnabled && pollOptions.some((o) => !o.trim());
  const scheduleIncomplete = scheduleEnabled && !group && !scheduleAt;

  return (
    <form
      className={dragging ? "composer composer-dragging" : "composer"}
      onSubmit={submit}
      aria-busy={submitting || loadingSource}
      onDragOver={(e) => {
        if (!canAttach || !Array.from(e.dataTransfer.types).includes("Files")) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        setDragging(false);
        if (!canAttach || e.dataTransfer.files.length === 0) return;
        e.preventDefault();
        media.add(Array.from(e.dataTransfer.files));
      }}
      onPaste={(e) => {
        const files = Array.from(e.clipboardData?.files ?? []);
        if (!canAttach || files.length === 0) return;
        e.preventDefault();
        media.add(files);
      }}
    >
      {group ? (
        <p className="composer-group">
          {t(group.visibility === "members" ? "groups.composeInMembers" : "groups.composeInPublic", { name: group.name })}
        </p>
      ) : null}
      {replyTo ? (
        <p className="composer-replying">{t("compose.replyingTo", { name: displayName(replyTo.account), acct: replyTo.account.acct })}</p>
      ) : null}
      {cwEnabled ? (
        <div className="field">
          <label htmlFor={`${ids}-cw`}>{t("compose.cwLabel")}</label>
          <input
            ref={cwRef}
            id={`${ids}-cw`}
            type="text"
            value={cw}
            onChange={(e) => setCw(e.target.value)}
            placeholder={t("compose.cwPlaceholder")}
            autoComplete="off"
          />
        </div>
      ) : null}
      <div className="field composer-text">
        <label htmlFor={`${ids}-text`} className={replyTo || edit ? "visually-hidden" : undefined}>
          {edit ? t("compose.editLabel") : replyTo ? t("compose.replyLabel") : t("compose.label")}
        </label>
        <textarea
          ref={textRef}
          id={`${ids}-text`}
          value={text}
          rows={4}
          disabled={loadingSource}
          placeholder={t("compose.placeholder")}
          aria-describedby={`${ids}-count ${ids}-hint`}
          aria-invalid={tooLong || undefined}
          aria-autocomplete="list"
          aria-haspopup="listbox"
          aria-controls={listOpen ? listId : undefined}
          aria-activedescendant={listOpen ? `${listId}-${active}` : undefined}
          onChange={(e) => {
            setText(e.target.value);
            updateCompletion(e.target.value, e.target.selectionStart ?? e.target.value.length);
          }}
          onSelect={(e) => updateCompletion(e.currentTarget.value, e.currentTarget.selectionStart ?? 0)}
          onKeyDown={onKeyDown}
          onBlur={() => setTimeout(() => setCompletion(null), 150)}
        />
        <span id={`${ids}-hint`} className="visually-hidden">
          {t("compose.hint")}
        </span>
        {listOpen ? (
          <ul id={listId} role="listbox" className="suggestions" aria-label={t("compose.suggestions")}>
            {suggestions.map((s, i) => (
              <li
                key={s.key}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? "suggestion suggestion-active" : "suggestion"}
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(s);
                }}
              >
                <span className="suggestion-label">{s.label}</span>
                {s.detail ? <span className="suggestion-detail">{s.detail}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      {pollEnabled ? (
        <fieldset className="composer-poll">
          <legend>{t("compose.pollLegend")}</legend>
          <ol className="composer-poll-options">
            {pollOptions.map((option, i) => (
              <li key={i}>
                <label htmlFor={`${ids}-option-${i}`} className="visually-hidden">
                  {t("compose.pollOption", { number: i + 1 })}
                </label>
                <input
                  id={`${ids}-option-${i}`}
                  type="text"
                  value={option}
                  maxLength={instance?.configuration?.polls?.max_characters_per_option || 50}
                  placeholder={t("compose.pollOption", { number: i + 1 })}
                  onChange={(e) => setPollOptions((list) => list.map((o, j) => (j === i ? e.target.value : o)))}
                />
                {pollOptions.length > 2 ? (
                  <button
                    type="button"
                    className="button button-small button-secondary"
                    onClick={() => setPollOptions((list) => list.filter((_, j) => j !== i))}
                  >
                    {t("compose.pollRemove", { number: i + 1 })}
                  </button>
                ) : null}
              </li>
            ))}
          </ol>
          {pollOptions.length < (instance?.configuration?.polls?.max_options || 4) ? (
            <button type="button" className="button button-small button-secondary" onClick={() => setPollOptions((list) => [...list, ""])}>
              {t("compose.pollAdd")}
            </button>
          ) : null}
          <div className="composer-poll-settings">
            <label htmlFor={`${ids}-duration`}>{t("compose.pollDuration")}</label>
            <select id={`${ids}-duration`} value={pollDuration} onChange={(e) => setPollDuration(Number(e.target.value))}>
              {[300, 1800, 3600, 21_600, 86_400, 259_200, 604_800].map((seconds) => (
                <option key={seconds} value={seconds}>
                  {t(`compose.pollDurations.${seconds}`)}
                </option>
              ))}
            </select>
            <label className="checkbox">
              <input type="checkbox" checked={pollMultiple} onChange={(e) => setPollMultiple(e.target.checked)} />
              {t("compose.pollMultiple")}
            </label>
          </div>
        </fieldset>
      ) : null}
      {scheduleEnabled && !group ? (
        <div className="field composer-schedule">
          <label htmlFor={`${ids}-schedule`}>{t("compose.scheduleLabel")}</label>
          <input id={`${ids}-schedule`} type="datetime-local" value={scheduleAt} onChange={(e) => setScheduleAt(e.target.value)} aria-describedby={`${ids}-schedule-help`} />
          <span id={`${ids}-schedule-help`} className="field-help">
            {t("compose.scheduleHelp")}
          </span>
        </div>
      ) : null}
      {canAttach ? (
        <ComposerMedia
          drafts={media.drafts}
          notice={media.notice}
          onFiles={media.add}
          onRemove={media.remove}
          onDescription={media.setDescription}
          disabled={submitting}
        />
      ) : null}
      {place && !edit && !(scheduleEnabled && !group) ? (
        <ComposerPlace value={place} onChange={setPlace} onRemove={() => setPlace(null)} />
      ) : null}
      {dragging ? <p className="composer-drop">{t("media.dropHere")}</p> : null}
      <div className="composer-toolbar">
        {edit ? null : <AttachButton onFiles={media.add} disabled={submitting || pollEnabled} full={media.drafts.length >= MAX_ATTACHMENTS} />}
        <button type="button" className="button button-small button-secondary" aria-pressed={cwEnabled} onClick={toggleCw}>
          {t("compose.cwToggle")}
        </button>
        {edit ? null : (
          <>
            <button type="button" className="button button-small button-secondary" aria-pressed={pollEnabled} disabled={media.drafts.length > 0} onClick={() => setPollEnabled((v) => !v)}>
              {t("compose.pollToggle")}
            </button>
            {scheduleEnabled && !group ? null : (
              <button
                type="button"
                className="button button-small button-secondary"
                aria-pressed={place !== null}
                onClick={() => setPlace((p) => (p ? null : { position: null, name: "" }))}
              >
                {t("map.addPlace")}
              </button>
            )}
            {group ? null : (
              <button type="button" className="button button-small button-secondary" aria-pressed={scheduleEnabled} onClick={() => setScheduleEnabled((v) => !v)}>
                {t("compose.scheduleToggle")}
              </button>
            )}
          </>
        )}
        {group ? null : (
        <div className="composer-visibility">
          <label htmlFor={`${ids}-visibility`}>{t("compose.visibility")}</label>
          <select
            id={`${ids}-visibility`}
            value={visibility}
            disabled={Boolean(edit)}
            onChange={(e) => setVisibility(e.target.value as Visibility)}
            aria-describedby={`${ids}-visibility-help`}
          >
            {VISIBILITIES.map((v) => (
              <option key={v} value={v}>
                {t(`visibility.${v}`)}
              </option>
            ))}
          </select>
          <span id={`${ids}-visibility-help`} className="visually-hidden">
            {visibilityHelp}
          </span>
        </div>
        )}
        <span id={`${ids}-count`} className={tooLong ? "char-count char-count-over" : "char-count"} data-testid="char-count">
          {tooLong ? t("compose.overLimit", { count: -remaining }) : t("compose.remaining", { count: remaining })}
        </span>
        <button type="submit" className="button" disabled={submitting || tooLong || empty || loadingSource || pollIncomplete || scheduleIncomplete || media.uploading}>
          {submitting ? t("compose.sending") : submitLabel}
        </button>
      </div>
      <FormError>{error ? errorText(error) : null}</FormError>
    </form>
  );
}
