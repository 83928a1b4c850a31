// Domain events raised while an inbox activity's effects run in a transaction
// are held back until it commits: subscribers (outbox, real time,
// notifications) then read rows that exist, and nothing is announced for
// effects that were rolled back.
import { EventBus, type EventName } from "../../server/events";

export class DeferredEvents extends EventBus {
  private readonly held: Array<{ event: EventName; payload: unknown }> = [];

  override emit<K extends EventName>(event: K, payload: Parameters<EventBus["emit"]>[1] & object): void {
    this.held.push({ event, payload });
  }

  /** Replays the held events on the real bus (after commit). */
  flush(target: EventBus): void {
    for (const { event, payload } of this.held.splice(0)) target.emit(event, payload as never);
  }
}
