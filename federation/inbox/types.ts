// What an inbox handler is (one per activity, in this folder) and what it
// returns; index.ts registers the handlers and runs their effects.
import type { InboxContext } from "@fedify/fedify";
import type { Activity } from "@fedify/vocab";
import type { DomainContext } from "../../server/domain/context";
import type { Services } from "../../server/services";

/** What an activity does, run in the transaction that marks it processed. */
export type Effects = (ctx: DomainContext) => Promise<void>;

/** A handler's "nothing to do", with the reason logged. */
export interface Ignored {
  ignored: string;
}

export const ignore = (reason: string): Ignored => ({ ignored: reason });

/** Checks an activity and prepares its effects; null (or ignore(reason)) when it is ignored. */
export type InboxHandler<A extends Activity> = (ctx: InboxContext<Services>, activity: A) => Promise<Effects | Ignored | null>;
