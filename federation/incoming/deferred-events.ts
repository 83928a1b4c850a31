// Domain events raised while an inbox activity's effects run in a transaction
// are held back until it commits: subscribers (outbox, real time,
// notifications) then read rows that exist, and nothing is announced for
// effects that were rolled back.
import { HeldEvents } from "../../server/events";

export class DeferredEvents extends HeldEvents {}
