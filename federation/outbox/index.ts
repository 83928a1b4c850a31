// Outgoing federation: every local action, published as a domain event, is
// turned into an activity and handed to Fedify's persistent outbox queue,
// one file per event in this folder. Nothing is sent from the HTTP request
// (nor from the inbox): a listener runs after the domain write, enqueues,
// and a failure here is logged, never surfaced to the writer (the bus catches
// it). Remote actions (events whose actor is remote) are never echoed back.
import type { Services } from "../../server/services";
import { onAccountDeleted } from "./account-deleted";
import { onAccountMoved } from "./account-moved";
import { onGroupDeleted } from "./group-deleted";
import { onAccountUpdated } from "./account-updated";
import { onBlocked, onUnblocked } from "./blocked";
import { outboxContext, type OutboxFederation } from "./context";
import { onFavourited } from "./favourited";
import { onFollowCreated } from "./follow-created";
import { onFollowReconfirmed } from "./follow-reconfirmed";
import { onFollowRequestRejected } from "./follow-request-rejected";
import { onFollowRequested } from "./follow-requested";
import { onPollChanged } from "./poll-changed";
import { onPollVoted } from "./poll-voted";
import { onReportForwardRequested } from "./report-forwarded";
import { onStatusCreated } from "./status-created";
import { onStatusDeleted } from "./status-deleted";
import { onStatusUpdated } from "./status-updated";
import { onUnfavourited } from "./unfavourited";
import { onGroupFavourited } from "./group-favourited";
import { onGroupJoinRefused } from "./group-join-refused";
import { onGroupMemberAccepted } from "./group-member-accepted";
import { onGroupStatusCreated } from "./group-status-created";
import { onGroupStatusDeleted } from "./group-status-deleted";
import { onGroupStatusUpdated } from "./group-status-updated";
import { onGroupUpdated } from "./group-updated";
import { onRemoteGroupJoinRequested, onRemoteGroupLeft, onRemoteGroupPostCreated, onRemoteGroupPostDeleted, onRemoteGroupPostUpdated } from "./remote-groups";
import { onFollowRemoved, onFollowRequestCancelled } from "./unfollowed";

export interface OutboxHandle {
  /** unsubscribes from the domain events */
  stop(): void;
}

/** Subscribes to the domain events; returns the handle that unsubscribes. */
export function startOutbox(services: Services, federation: OutboxFederation): OutboxHandle {
  const o = outboxContext(services, federation);
  const { events } = services;
  const subscriptions = [
    events.on("status.created", (e) => onStatusCreated(o, e)),
    events.on("status.updated", (e) => onStatusUpdated(o, e)),
    events.on("status.deleted", (e) => onStatusDeleted(o, e)),
    events.on("favourite.created", (e) => onFavourited(o, e)),
    events.on("favourite.removed", (e) => onUnfavourited(o, e)),
    events.on("follow.requested", (e) => onFollowRequested(o, e)),
    events.on("follow.created", (e) => onFollowCreated(o, e)),
    events.on("follow.reconfirmed", (e) => onFollowReconfirmed(o, e)),
    events.on("follow.removed", (e) => onFollowRemoved(o, e)),
    events.on("follow_request.cancelled", (e) => onFollowRequestCancelled(o, e)),
    events.on("follow_request.rejected", (e) => onFollowRequestRejected(o, e)),
    events.on("block.created", (e) => onBlocked(o, e)),
    events.on("block.removed", (e) => onUnblocked(o, e)),
    events.on("account.updated", (e) => onAccountUpdated(o, e)),
    events.on("account.deleted", (e) => onAccountDeleted(o, e)),
    events.on("account.moved", (e) => onAccountMoved(o, e)),
    events.on("report.forward_requested", (e) => onReportForwardRequested(o, e)),
    events.on("group.deleted", (e) => onGroupDeleted(o, e)),
    events.on("poll.voted", (e) => onPollVoted(o, e)),
    events.on("poll.ended", (e) => onPollChanged(o, e.statusId)),
    // our groups (FEP-1b12): answers to remote members' Follows, and what the group announces
    events.on("group.member.accepted", (e) => onGroupMemberAccepted(o, e)),
    events.on("group.join.refused", (e) => onGroupJoinRefused(o, e)),
    events.on("group.updated", (e) => onGroupUpdated(o, e)),
    events.on("group.status.created", (e) => onGroupStatusCreated(o, e)),
    events.on("group.status.updated", (e) => onGroupStatusUpdated(o, e)),
    events.on("status.deleted", (e) => onGroupStatusDeleted(o, e)),
    events.on("favourite.created", (e) => onGroupFavourited(o, e)),
    // residents in remote groups (Lemmy, Mobilizon, another Parvis)
    events.on("remote_group.join_requested", (e) => onRemoteGroupJoinRequested(o, e)),
    events.on("remote_group.left", (e) => onRemoteGroupLeft(o, e)),
    events.on("group.status.created", (e) => onRemoteGroupPostCreated(o, e)),
    events.on("group.status.updated", (e) => onRemoteGroupPostUpdated(o, e)),
    events.on("status.deleted", (e) => onRemoteGroupPostDeleted(o, e)),
  ];
  return {
    stop() {
      for (const unsubscribe of subscriptions.splice(0)) unsubscribe();
    },
  };
}
