// Lists → Mastodon's List entity.
import type { List } from "../domain/lists";

export interface ListEntity {
  id: string;
  title: string;
  replies_policy: string;
  exclusive: boolean;
}

export function serializeList(l: List): ListEntity {
  return { id: l.id, title: l.title, replies_policy: l.repliesPolicy, exclusive: l.exclusive };
}
