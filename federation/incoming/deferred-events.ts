// Domain events raised while an inbox activity's effects run in a transaction
// are held back until it commits: subscribers (outbox, real time,
// notifications) then read rows that exist, and nothing is announced for
// effects that were rolled back.
import { EventBus, type DomainEvents, type EventName } from "../../server/events";

export class DeferredEvents extends EventBus {
  private readonly held: Array<{ event: EventName; payload: unknown; journalId: string | undefined }> = [];

  override emit<K extends EventName>(event: K, payload: DomainEvents[K], journalId?: string): void {
    this.held.push({ event, payload, journalId });
  }

  /** Replays the held events on the real bus (after commit), with their journal rows. */
  flush(target: EventBus): void {
    for (const { event, payload, journalId } of this.held.splice(0)) target.emit(event, payload as never, journalId);
  }
}
