// document.title = "(unread) Page · Instance"
let page = "";
let site = "Parvis";
let unread = 0;

function apply() {
  if (typeof document === "undefined") return;
  const base = page && page !== site ? `${page} · ${site}` : site;
  document.title = unread > 0 ? `(${unread}) ${base}` : base;
}

export function setPageTitle(title: string, siteTitle?: string) {
  page = title;
  if (siteTitle) site = siteTitle;
  apply();
}

export function setTitleUnread(count: number) {
  unread = count;
  apply();
}
