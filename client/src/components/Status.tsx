// One status: boost header, author, content (behind its content warning),
// media, and the actions a reader can take.
import { useEffect, useId, useState, type MouseEvent } from "react";
import { api, type Status as StatusEntity, type StatusEdit, type Visibility } from "../api";
import { useI18n } from "../i18n/context";
import { canBoost, displayName } from "../lib/format";
import { Link, navigate, paths } from "../lib/router";
import { useAnnounce } from "../state/announcer";
import { useCompose } from "../state/compose";
import { useSession } from "../state/session";
import { publishLocal } from "../streaming/socket";
import { Avatar, RelativeTime, useErrorText } from "./common";
import { ConfirmDialog, Dialog } from "./Dialog";
import { ReportDialog } from "./ReportDialog";
import { BookmarkIcon, BoostIcon, EditIcon, FlagIcon, GlobeIcon, LockIcon, MailIcon, ReplyIcon, StarIcon, TrashIcon, UnlockIcon } from "./Icons";
import { Menu } from "./Menu";
import { useGroupModerationItems } from "./GroupModeration";
import { Poll } from "./Poll";
import { MediaGrid } from "./MediaGrid";
import { ObservationCard } from "./ObservationCard";
import { StatusPlace } from "./StatusPlace";
import "./Status.css";

export function VisibilityIcon({ visibility }: { visibility: Visibility }) {
  const { t } = useI18n();
  const label = t(`visibility.${visibility}`);
  const Icon = visibility === "public" ? GlobeIcon : visibility === "unlisted" ? UnlockIcon : visibility === "private" ? LockIcon : MailIcon;
  return (
    <span className="visibility-icon" title={label}>
      <Icon title={label} width={16} height={16} />
    </span>
  );
}

/**
 * Renders status HTML. SECURITY: `html` must be the `content` (or `note`) field
 * produced by the server, which sanitizes it with a strict allowlist
 * (server/domain/sanitize.ts) before storing or serving it — for local posts
 * and for posts received by federation alike. Never pass text typed in the
 * browser or built on the client here.
 */
export function ServerHtml({
  html,
  className,
  onClick,
  lang,
}: {
  html: string;
  className?: string;
  onClick?: (e: MouseEvent<HTMLDivElement>) => void;
  lang?: string;
}) {
  return <div className={className} onClick={onClick} lang={lang} dangerouslySetInnerHTML={{ __html: html }} />;
}

interface StatusProps {
  status: StatusEntity;
  /** the status a thread is about: bigger, with its full date */
  focused?: boolean;
}

export function Status({ status: outer, focused }: StatusProps) {
  const { t, formatDateTime } = useI18n();
  const boost = outer.reblog ? outer : null;
  const status = outer.reblog ?? outer;
  const [revealed, setRevealed] = useState(false);
  const [filterRevealed, setFilterRevealed] = useState(false);
  const contentId = useId();
  const hasCw = status.spoiler_text.trim().length > 0;
  const authorUrl = paths.profile(status.account.acct);
  const threadUrl = paths.status(status.account.acct, status.id);

  // Links inside the content: mentions and hashtags open inside the client.
  const onContentClick = (event: MouseEvent<HTMLDivElement>) => {
    const anchor = (event.target as Element).closest?.("a");
    if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    const href = anchor.getAttribute("href") ?? "";
    if (anchor.classList.contains("hashtag") || /\/tags\/[^/]+$/.test(href)) {
      const name = decodeURIComponent(href.split("/tags/")[1] ?? "") || (anchor.textContent ?? "").replace(/^#/, "");
      event.preventDefault();
      navigate(paths.tag(name));
      return;
    }
    if (anchor.classList.contains("mention")) {
      const mention = status.mentions.find((m) => m.url === href);
      if (mention) {
        event.preventDefault();
        navigate(paths.profile(mention.acct));
      }
    }
  };

  const replyTarget = status.in_reply_to_id
    ? (status.mentions.find((m) => m.id === status.in_reply_to_account_id)?.acct ??
      (status.in_reply_to_account_id === status.account.id ? status.account.acct : null))
    : null;

  // a "warn" filter of the reader's hides the post behind a notice until revealed
  const warnings = (outer.filtered ?? status.filtered ?? []).filter((r) => r.filter.filter_action === "warn");
  if (warnings.length > 0 && !filterRevealed) {
    return (
      <article className="status status-filtered" aria-label={t("status.by", { name: displayName(status.account) })}>
        <p className="status-filtered-text">{t("filters.filteredNotice", { titles: warnings.map((w) => w.filter.title).join(", ") })}</p>
        <button type="button" className="button button-small button-secondary" onClick={() => setFilterRevealed(true)}>
          {t("filters.showAnyway")}
        </button>
      </article>
    );
  }

  return (
    <article className={focused ? "status status-focused" : "status"} aria-label={t("status.by", { name: displayName(status.account) })}>
      {boost ? (
        <p className="status-boosted">
          <BoostIcon width={16} height={16} />
          <Link to={paths.profile(boost.account.acct)}>{t("status.boostedBy", { name: displayName(boost.account) })}</Link>
        </p>
      ) : null}
      <header className="status-header">
        <Link to={authorUrl} className="status-avatar" tabIndex={-1} aria-hidden="true">
          <Avatar account={status.account} size={focused ? 56 : 48} />
        </Link>
        <div className="status-author">
          <Link to={authorUrl} className="status-name">
            <bdi>{displayName(status.account)}</bdi>
          </Link>
          <span className="status-acct">@{status.account.acct}</span>
        </div>
        <div className="status-meta">
          <VisibilityIcon visibility={status.visibility} />
          {focused ? null : (
            <Link to={threadUrl} className="status-time">
              <RelativeTime value={status.created_at} />
            </Link>
          )}
        </div>
      </header>
      {status.parvis_group ? (
        <p className="status-group">
          <Link to={paths.group(status.parvis_group.id)}>{t("groups.postedIn", { name: status.parvis_group.name })}</Link>
        </p>
      ) : null}
      {replyTarget && status.in_reply_to_id && !focused ? (
        <p className="status-reply-to">
          <Link to={paths.status(replyTarget, status.in_reply_to_id)}>{t("status.inReplyTo", { acct: replyTarget })}</Link>
        </p>
      ) : null}
      {hasCw ? (
        <div className="status-cw">
          <p className="status-cw-text">
            <strong>{t("status.contentWarning")}</strong> {status.spoiler_text}
          </p>
          <button
            type="button"
            className="button button-small button-secondary"
            aria-expanded={revealed}
            aria-controls={contentId}
            onClick={() => setRevealed((r) => !r)}
          >
            {revealed ? t("status.showLess") : t("status.showMore")}
          </button>
        </div>
      ) : null}
      <div id={contentId} className="status-body">
        {!hasCw || revealed ? (
          <>
            <ServerHtml html={status.content} className="status-content" onClick={onContentClick} lang={status.language && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(status.language) ? status.language : undefined} />
            <Media status={status} />
            {status.poll ? <Poll poll={status.poll} /> : null}
            {status.parvis_observation ? <ObservationCard observation={status.parvis_observation} /> : null}
            {status.parvis_place ? <StatusPlace place={status.parvis_place} /> : null}
          </>
        ) : null}
      </div>
      {focused ? (
        <p className="status-detail-date">
          <time dateTime={status.created_at}>{formatDateTime(status.created_at)}</time>
        </p>
      ) : null}
      {status.edited_at ? <EditedMarker status={status} /> : null}
      <StatusActions status={status} threadUrl={threadUrl} />
    </article>
  );
}

function Media({ status }: { status: StatusEntity }) {
  if (!status.media_attachments?.length) return null;
  return <MediaGrid attachments={status.media_attachments} />;
}

function EditedMarker({ status }: { status: StatusEntity }) {
  const { t, formatDateTime } = useI18n();
  const [open, setOpen] = useState(false);
  const [history, setHistory] = useState<StatusEdit[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const errorText = useErrorText();
  useEffect(() => {
    if (!open) return;
    api.history(status.id).then(setHistory, setError);
  }, [open, status.id]);
  return (
    <>
      <button type="button" className="link-button status-edited" onClick={() => setOpen(true)}>
        {t("status.edited", { date: formatDateTime(status.edited_at ?? status.created_at) })}
      </button>
      <Dialog open={open} title={t("status.historyTitle")} onClose={() => setOpen(false)}>
        {error ? <p role="alert">{errorText(error)}</p> : null}
        {history ? (
          <ol className="history-list">
            {[...history].reverse().map((edit) => (
              <li key={edit.created_at}>
                <p className="history-date">
                  <time dateTime={edit.created_at}>{formatDateTime(edit.created_at)}</time>
                </p>
                {edit.spoiler_text ? <p className="status-cw-text">{edit.spoiler_text}</p> : null}
                <ServerHtml html={edit.content} className="status-content" />
              </li>
            ))}
          </ol>
        ) : !error ? (
          <p>{t("common.loading")}</p>
        ) : null}
      </Dialog>
    </>
  );
}

function StatusActions({ status, threadUrl }: { status: StatusEntity; threadUrl: string }) {
  const { t, formatNumber } = useI18n();
  const { account } = useSession();
  const compose = useCompose();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const moderation = useGroupModerationItems(status);
  const [reporting, setReporting] = useState(false);

  if (!account) {
    // Visitors see the counts, not the buttons.
    return (
      <p className="status-counts">
        <Link to={threadUrl}>{t("status.repliesCount", { count: status.replies_count })}</Link>
        <span>{t("status.boostsCount", { count: status.reblogs_count })}</span>
        <span>{t("status.favouritesCount", { count: status.favourites_count })}</span>
      </p>
    );
  }

  const own = status.account.id === account.id;
  const boostable = canBoost(status, account.id);

  const run = async (name: string, action: () => Promise<StatusEntity>, done?: string) => {
    if (busy) return;
    setBusy(name);
    try {
      const updated = await action();
      publishLocal({ stream: [], event: "status.update", payload: updated });
      if (done) announce(done);
    } catch (error) {
      announce(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  const toggleFavourite = () =>
    run("favourite", () => (status.favourited ? api.unfavourite(status.id) : api.favourite(status.id)));
  const toggleBookmark = () =>
    run(
      "bookmark",
      () => (status.bookmarked ? api.unbookmark(status.id) : api.bookmark(status.id)),
      status.bookmarked ? t("status.unbookmarked") : t("status.bookmarked"),
    );
  const toggleBoost = () =>
    run("reblog", async () => {
      if (status.reblogged) return api.unreblog(status.id);
      const wrapper = await api.reblog(status.id);
      // POST /reblog answers with the boost; what changed is the boosted status
      return wrapper.reblog ?? { ...status, reblogged: true, reblogs_count: status.reblogs_count + 1 };
    });

  const remove = async () => {
    setConfirmDelete(false);
    try {
      await api.deleteStatus(status.id);
      publishLocal({ stream: [], event: "delete", payload: status.id });
      announce(t("status.deleted"));
    } catch (error) {
      announce(errorText(error));
    }
  };

  return (
    <div className="status-actions">
      <button type="button" className="action-button" onClick={() => compose.open({ replyTo: status })}>
        <ReplyIcon />
        <span className="visually-hidden">{t("status.reply")}</span>
        <span className="action-count">{formatNumber(status.replies_count)}</span>
      </button>
      <button
        type="button"
        className="action-button action-boost"
        aria-pressed={!!status.reblogged}
        disabled={!boostable || busy === "reblog"}
        onClick={toggleBoost}
        title={boostable ? t("status.boost") : t("status.boostUnavailable")}
      >
        <BoostIcon />
        <span className="visually-hidden">{t("status.boost")}</span>
        <span className="action-count">{formatNumber(status.reblogs_count)}</span>
      </button>
      <button
        type="button"
        className="action-button action-favourite"
        aria-pressed={!!status.favourited}
        disabled={busy === "favourite"}
        onClick={toggleFavourite}
        title={t("status.favourite")}
      >
        <StarIcon filled={!!status.favourited} />
        <span className="visually-hidden">{t("status.favourite")}</span>
        <span className="action-count">{formatNumber(status.favourites_count)}</span>
      </button>
      <button
        type="button"
        className="action-button action-bookmark"
        aria-pressed={!!status.bookmarked}
        disabled={busy === "bookmark"}
        onClick={toggleBookmark}
        title={t("status.bookmark")}
      >
        <BookmarkIcon filled={!!status.bookmarked} />
        <span className="visually-hidden">{t("status.bookmark")}</span>
      </button>
      {own || moderation.items.length ? (
        <>
          <Menu
            label={t("status.more")}
            items={[
              ...(own
                ? [
                    { label: t("status.edit"), icon: <EditIcon />, onSelect: () => compose.open({ edit: status }) },
                    { label: t("status.delete"), icon: <TrashIcon />, danger: true, onSelect: () => setConfirmDelete(true) },
                  ]
                : []),
              ...moderation.items,
            ]}
          />
          {moderation.dialog}
          <ConfirmDialog
            open={confirmDelete}
            title={t("status.deleteTitle")}
            message={t("status.deleteConfirm")}
            confirmLabel={t("status.delete")}
            danger
            onConfirm={remove}
            onClose={() => setConfirmDelete(false)}
          />
        </>
      ) : (
        <>
          <Menu label={t("status.more")} items={[{ label: t("report.action"), icon: <FlagIcon />, onSelect: () => setReporting(true) }]} />
          {reporting ? <ReportDialog open account={status.account} status={status} onClose={() => setReporting(false)} /> : null}
        </>
      )}
    </div>
  );
}
