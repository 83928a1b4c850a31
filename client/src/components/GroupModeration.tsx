// What a group's page tells the posts it shows: whether the reader moderates
// the group (pin, unpin, remove from the post's menu) and which posts are pinned.
import { createContext, useContext, useId, useState, type ReactElement } from "react";
import { api, type Status } from "../api";
import { useI18n } from "../i18n/context";
import { useAnnounce } from "../state/announcer";
import { publishLocal } from "../streaming/socket";
import { FormError, useErrorText } from "./common";
import { Dialog } from "./Dialog";
import type { MenuItem } from "./Menu";

export interface GroupModeration {
  groupId: string;
  pinnedIds: Set<string>;
  /** called after a pin, an unpin or a removal, to refresh the pinned posts */
  onChanged: () => void;
}

const GroupModerationContext = createContext<GroupModeration | null>(null);
export const GroupModerationProvider = GroupModerationContext.Provider;

/** The moderators' menu items for a post of the group whose page is open (none elsewhere). */
export function useGroupModerationItems(status: Status): { items: MenuItem[]; dialog: ReactElement | null } {
  const moderation = useContext(GroupModerationContext);
  const { t } = useI18n();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const [removing, setRemoving] = useState(false);
  if (!moderation || status.parvis_group?.id !== moderation.groupId) return { items: [], dialog: null };
  const pinned = moderation.pinnedIds.has(status.id);
  const togglePin = async () => {
    try {
      await api.pinGroupStatus(moderation.groupId, status.id, !pinned);
      announce(pinned ? t("groups.unpinned") : t("groups.pinned"));
      moderation.onChanged();
    } catch (e) {
      announce(errorText(e));
    }
  };
  return {
    items: [
      { label: pinned ? t("groups.unpin") : t("groups.pin"), onSelect: togglePin },
      { label: t("groups.removePost"), danger: true, onSelect: () => setRemoving(true) },
    ],
    dialog: (
      <RemovePostDialog
        open={removing}
        onClose={() => setRemoving(false)}
        onRemove={async (reason) => {
          await api.removeGroupStatus(moderation.groupId, status.id, reason);
          setRemoving(false);
          publishLocal({ stream: [], event: "delete", payload: status.id });
          announce(t("groups.postRemoved"));
          moderation.onChanged();
        }}
      />
    ),
  };
}

function RemovePostDialog({ open, onClose, onRemove }: { open: boolean; onClose: () => void; onRemove: (reason: string) => Promise<void> }) {
  const { t } = useI18n();
  const errorText = useErrorText();
  const id = useId();
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <Dialog open={open} title={t("groups.removePostTitle")} onClose={onClose}>
      <form
        className="form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await onRemove(reason.trim());
            setReason("");
          } catch (err) {
            setProblem(errorText(err));
          }
        }}
      >
        <FormError>{problem}</FormError>
        <p>{t("groups.removePostText")}</p>
        <div className="field">
          <label htmlFor={`${id}-reason`}>{t("groups.reason")}</label>
          <input id={`${id}-reason`} type="text" value={reason} maxLength={1000} onChange={(e) => setReason(e.target.value)} />
        </div>
        <div className="dialog-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="button button-danger">
            {t("groups.removePost")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
