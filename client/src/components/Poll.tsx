// A status's poll: a vote form while it is open and the reader has not voted,
// then the results (counts hidden until the end when the author asked so).
import { useId, useState, type FormEvent } from "react";
import { api, type Poll as PollEntity } from "../api";
import { useI18n } from "../i18n/context";
import { useAnnounce } from "../state/announcer";
import { useSession } from "../state/session";
import { FormError, useErrorText } from "./common";
import "./Civic.css";

export function Poll({ poll: initial }: { poll: PollEntity }) {
  const { t, formatDateTime, formatNumber } = useI18n();
  const { account } = useSession();
  const announce = useAnnounce();
  const errorText = useErrorText();
  const id = useId();
  const [poll, setPoll] = useState(initial);
  const [chosen, setChosen] = useState<number[]>([]);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const canVote = Boolean(account) && !poll.expired && !poll.voted;
  const total = poll.multiple ? (poll.voters_count ?? poll.votes_count) : poll.votes_count;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0 || sending) return;
    setSending(true);
    setError(null);
    try {
      setPoll(await api.vote(poll.id, chosen));
      announce(t("poll.voted"));
    } catch (e) {
      setError(e);
    } finally {
      setSending(false);
    }
  };

  const footer = (
    <p className="poll-footer">
      {poll.multiple && poll.voters_count !== null ? t("poll.voters", { count: poll.voters_count }) : t("poll.votes", { count: poll.votes_count })}
      {" · "}
      {poll.expired ? t("poll.ended") : poll.expires_at ? t("poll.endsAt", { date: formatDateTime(poll.expires_at) }) : null}
    </p>
  );

  if (canVote) {
    return (
      <form className="poll" onSubmit={submit}>
        <fieldset>
          <legend className="visually-hidden">{t("poll.legend")}</legend>
          <ul className="poll-choices">
            {poll.options.map((option, i) => (
              <li key={i}>
                <label className="poll-choice">
                  <input
                    type={poll.multiple ? "checkbox" : "radio"}
                    name={`${id}-choice`}
                    checked={chosen.includes(i)}
                    onChange={(e) =>
                      setChosen((list) => (poll.multiple ? (e.target.checked ? [...list, i] : list.filter((c) => c !== i)) : [i]))
                    }
                  />
                  <span>{option.title}</span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <button type="submit" className="button button-small" disabled={chosen.length === 0 || sending}>
          {sending ? t("poll.voting") : t("poll.vote")}
        </button>
        {footer}
        <FormError>{error ? errorText(error) : null}</FormError>
      </form>
    );
  }

  return (
    <div className="poll">
      <ul className="poll-results">
        {poll.options.map((option, i) => {
          const mine = poll.own_votes?.includes(i) ?? false;
          if (option.votes_count === null) {
            return (
              <li key={i} className="poll-result">
                <span className="poll-title">{option.title}</span> <span className="poll-hidden">({t("poll.hidden")})</span>
              </li>
            );
          }
          const percent = total > 0 ? Math.round((option.votes_count / total) * 100) : 0;
          return (
            <li key={i} className={mine ? "poll-result poll-result-mine" : "poll-result"}>
              <span className="poll-line">
                <span className="poll-title">
                  {option.title}
                  {mine ? <span className="poll-mine"> ({t("poll.yourChoice")})</span> : null}
                </span>
                <span className="poll-percent">{formatNumber(percent)} %</span>
              </span>
              <progress max={100} value={percent} aria-label={t("poll.optionResult", { title: option.title, percent: formatNumber(percent) })} />
            </li>
          );
        })}
      </ul>
      {footer}
    </div>
  );
}
