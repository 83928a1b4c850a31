// Filters → Mastodon Filter (v2), FilterKeyword, FilterStatus, FilterResult and v1 Filter entities.
import type { FilterMatch, FilterKeyword, FilterStatus, FullFilter, V1Filter } from "../domain/filters";

export interface FilterKeywordEntity {
  id: string;
  keyword: string;
  whole_word: boolean;
}

export interface FilterStatusEntity {
  id: string;
  status_id: string;
}

export interface FilterEntity {
  id: string;
  title: string;
  context: string[];
  expires_at: string | null;
  filter_action: "warn" | "hide";
  keywords: FilterKeywordEntity[];
  statuses: FilterStatusEntity[];
}

export interface FilterResultEntity {
  filter: FilterEntity;
  keyword_matches: string[] | null;
  status_matches: string[] | null;
}

export function serializeKeyword(k: FilterKeyword): FilterKeywordEntity {
  return { id: k.id, keyword: k.keyword, whole_word: k.wholeWord };
}

export function serializeFilterStatus(s: FilterStatus): FilterStatusEntity {
  return { id: s.id, status_id: s.statusId };
}

export function serializeFilter(f: FullFilter): FilterEntity {
  return {
    id: f.filter.id,
    title: f.filter.title,
    context: f.filter.context,
    expires_at: f.filter.expiresAt ? f.filter.expiresAt.toISOString() : null,
    filter_action: f.filter.action,
    keywords: f.keywords.map(serializeKeyword),
    statuses: f.statuses.map(serializeFilterStatus),
  };
}

export function serializeFilterResult(m: FilterMatch): FilterResultEntity {
  return { filter: serializeFilter(m.filter), keyword_matches: m.keywordMatches, status_matches: m.statusMatches };
}

export function serializeV1Filter(v: V1Filter) {
  return {
    id: v.keyword.id,
    phrase: v.keyword.keyword,
    context: v.filter.context,
    whole_word: v.keyword.wholeWord,
    expires_at: v.filter.expiresAt ? v.filter.expiresAt.toISOString() : null,
    irreversible: v.filter.action === "hide",
  };
}
