// The privacy page: the commune's record of processing for this service, written
// from the instance's own configuration (registration and federation modes,
// media limits, session length, deletion grace period, log anonymisation, the data
// controller), so that it says what this instance does rather than what one could.
import type { DomainContext } from "../context";
import { WEB_SESSION_DAYS } from "../access/sessions";
import { getSettings } from "../instance/settings";

export type PrivacyLocale = "fr" | "en";

/** What the page is generated from; published too, so that it can be checked against the configuration. */
export interface PrivacyFacts {
  communeName: string;
  origin: string;
  dataController: string;
  contactEmail: string;
  registrationMode: "open" | "approval" | "closed";
  federationMode: "open" | "allowlist";
  /** days a deleted account can still be restored by logging in, before its content is purged */
  deletionGraceDays: number;
  /** days a web session cookie lasts without use (server/api/web-session.ts) */
  webSessionDays: number;
  maxImageMegabytes: number;
  maxDocumentMegabytes: number;
  moderationLogAnonymised: boolean;
}

export interface PrivacySection {
  id: string;
  title: string;
  paragraphs: string[];
}

/** Days of the account deletion grace period (PARVIS_ACCOUNT_DELETION_GRACE_DAYS). */
function graceDays(config: DomainContext["config"]): number {
  return Math.round(config.dataRights.deletionGraceMs / 86_400_000);
}

export async function privacyFacts(ctx: DomainContext): Promise<PrivacyFacts> {
  const s = await getSettings(ctx);
  const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return {
    communeName: ctx.config.commune.name,
    origin: ctx.config.origin,
    dataController: s.dataController.trim(),
    contactEmail: s.contactEmail.trim(),
    registrationMode: s.registrationMode,
    federationMode: s.federationMode,
    deletionGraceDays: graceDays(ctx.config),
    webSessionDays: WEB_SESSION_DAYS,
    maxImageMegabytes: mb(ctx.config.media.maxImageBytes),
    maxDocumentMegabytes: mb(ctx.config.media.maxDocumentBytes),
    moderationLogAnonymised: s.moderationLogAnonymise,
  };
}

export function privacySections(f: PrivacyFacts, locale: PrivacyLocale): PrivacySection[] {
  return locale === "en" ? english(f) : french(f);
}

function french(f: PrivacyFacts): PrivacySection[] {
  const controller = f.dataController || `La commune de ${f.communeName}`;
  const contact = f.contactEmail ? `Pour exercer vos droits ou pour toute question : ${f.contactEmail}.` : "Le contact de la commune est indiqué sur la page « À propos ».";
  return [
    {
      id: "controller",
      title: "Responsable du traitement",
      paragraphs: [`${controller} est responsable du traitement des données personnelles de ce service (${f.origin}).`, contact],
    },
    {
      id: "account",
      title: "Votre compte",
      paragraphs: [
        "Nous conservons votre nom d’utilisateur, votre adresse électronique si vous l’avez donnée, une empreinte de votre mot de passe (jamais le mot de passe lui-même), votre langue, votre rôle et la date à laquelle vous avez accepté la charte et les règles.",
        f.registrationMode === "approval"
          ? "Les inscriptions sont examinées par l’équipe de modération : le motif que vous écrivez en vous inscrivant est conservé et lu par elle."
          : "Les inscriptions ne sont pas examinées une à une : aucun motif n’est demandé.",
        "Finalité : vous permettre de publier et d’échanger avec les habitant·es et les autres instances. Base légale : l’exécution d’une mission d’intérêt public de la commune (article 6.1.e du RGPD).",
        `Durée : tant que le compte existe. Après une demande de suppression, vous disposez de ${f.deletionGraceDays} jours pour l’annuler en vous reconnectant ; ensuite vos publications, médias et données de compte sont effacés.`,
      ],
    },
    {
      id: "content",
      title: "Vos publications",
      paragraphs: [
        `Vos messages, sondages, favoris, signets, abonnements et médias (images jusqu’à ${f.maxImageMegabytes} Mo, réencodées à l’envoi sans leurs métadonnées — position GPS comprise ; documents PDF jusqu’à ${f.maxDocumentMegabytes} Mo, conservés tels quels) sont conservés jusqu’à ce que vous les supprimiez ou supprimiez votre compte.`,
        "Qui les voit : un message public est visible de tout le monde, y compris sans compte ; un message réservé aux abonné·es ne l’est que d’eux ; un message direct, que des personnes mentionnées. L’équipe d’administration a techniquement accès à la base de données.",
        f.federationMode === "allowlist"
          ? "Ce service ne fédère qu’avec une liste d’instances approuvées par l’administration : vos messages publics et destinés à des abonné·es de ces instances y sont copiés."
          : "Ce service est fédéré : vos messages publics, et ceux destinés à des abonné·es d’autres instances, y sont copiés. Une suppression leur est transmise, mais leur effacement dépend d’elles.",
      ],
    },
    {
      id: "connections",
      title: "Connexions",
      paragraphs: [
        "Pour chaque session ou application connectée, nous conservons l’adresse IP et le navigateur de la connexion et la date de dernière utilisation, afin que vous puissiez voir et fermer vos sessions et pour la sécurité du service.",
        `Ces données sont effacées quand vous fermez la session ; le cookie de session du site expire après ${f.webSessionDays} jours.`,
      ],
    },
    {
      id: "moderation",
      title: "Modération",
      paragraphs: [
        "Les signalements sont lus par l’équipe de modération uniquement ; la personne signalée ne sait pas qui l’a signalée.",
        f.moderationLogAnonymised
          ? "Chaque décision de modération est inscrite au journal public de modération, sans jamais nommer la ou le modérateur·rice ; les habitant·es visé·es n’y sont pas nommé·es. Le journal est conservé sans limite de durée, car il garantit la transparence de la modération."
          : "Chaque décision de modération est inscrite au journal public de modération, sans jamais nommer la ou le modérateur·rice ; le nom du compte visé y figure. Le journal est conservé sans limite de durée, car il garantit la transparence de la modération.",
      ],
    },
    {
      id: "rights",
      title: "Vos droits",
      paragraphs: [
        "Accès et portabilité : depuis vos paramètres, demandez une archive de vos données (profil, publications, médias, abonnements) ; elle se réimporte sur Mastodon et les autres serveurs compatibles.",
        "Déménagement : déclarez votre nouveau compte comme alias puis déménagez ; vos abonné·es sont invité·es à vous suivre à la nouvelle adresse.",
        `Rectification et effacement : modifiez votre profil à tout moment, ou supprimez votre compte depuis vos paramètres (${f.deletionGraceDays} jours pour changer d’avis).`,
        "Vous pouvez aussi adresser une réclamation à la CNIL (www.cnil.fr).",
      ],
    },
  ];
}

function english(f: PrivacyFacts): PrivacySection[] {
  const controller = f.dataController || `The commune of ${f.communeName}`;
  const contact = f.contactEmail ? `To exercise your rights or ask any question: ${f.contactEmail}.` : "The commune's contact is given on the About page.";
  return [
    {
      id: "controller",
      title: "Data controller",
      paragraphs: [`${controller} is the controller of the personal data processed by this service (${f.origin}).`, contact],
    },
    {
      id: "account",
      title: "Your account",
      paragraphs: [
        "We keep your username, your email address if you gave one, a hash of your password (never the password itself), your language, your role and when you accepted the charter and rules.",
        f.registrationMode === "approval"
          ? "Registrations are reviewed by the moderation team: the reason you write when registering is kept and read by them."
          : "Registrations are not reviewed one by one: no reason is asked for.",
        "Purpose: letting you post and talk with residents and other instances. Legal basis: a task carried out in the public interest by the commune (GDPR article 6.1.e).",
        `Duration: as long as the account exists. After you ask for deletion you have ${f.deletionGraceDays} days to cancel by logging in; then your posts, media and account data are erased.`,
      ],
    },
    {
      id: "content",
      title: "Your posts",
      paragraphs: [
        `Your posts, polls, favourites, bookmarks, follows and media (images up to ${f.maxImageMegabytes} MB, re-encoded on upload without their metadata, GPS position included; PDF documents up to ${f.maxDocumentMegabytes} MB, kept as sent) are kept until you delete them or your account.`,
        "Who sees them: a public post is visible to everyone, even without an account; a followers-only post to your followers; a direct post to the people mentioned. The administrators have technical access to the database.",
        f.federationMode === "allowlist"
          ? "This service federates only with instances the administrators approved: your public posts, and those meant for followers there, are copied to them."
          : "This service is federated: your public posts, and those meant for followers on other instances, are copied to those instances. Deletions are sent to them, but erasing their copies is up to them.",
      ],
    },
    {
      id: "connections",
      title: "Connections",
      paragraphs: [
        "For each session or connected app we keep the IP address and browser it connected from and when it was last used, so that you can see and close your sessions, and for the security of the service.",
        `They are erased when you close the session; the website's session cookie expires after ${f.webSessionDays} days.`,
      ],
    },
    {
      id: "moderation",
      title: "Moderation",
      paragraphs: [
        "Reports are read by the moderation team only; the reported person is not told who reported them.",
        f.moderationLogAnonymised
          ? "Every moderation decision is written to the public moderation log, never naming the moderator; residents it concerns are not named. The log is kept without time limit: it is what makes moderation accountable."
          : "Every moderation decision is written to the public moderation log, never naming the moderator; the account concerned is named. The log is kept without time limit: it is what makes moderation accountable.",
      ],
    },
    {
      id: "rights",
      title: "Your rights",
      paragraphs: [
        "Access and portability: from your settings, ask for an archive of your data (profile, posts, media, follows); Mastodon and other compatible servers can import it.",
        "Moving: declare your new account as an alias, then move; your followers are asked to follow you at the new address.",
        `Rectification and erasure: edit your profile at any time, or delete your account from your settings (${f.deletionGraceDays} days to change your mind).`,
        "You may also lodge a complaint with the CNIL (www.cnil.fr), the French data protection authority.",
      ],
    },
  ];
}
