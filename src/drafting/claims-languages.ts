import type { FactKind } from '../dispute/facts.js';
import type { Language } from '../dispute/language.js';

/**
 * What the claim-level check knows of French, German and Spanish (docs/architecture.md → "The reader's language"). A
 * statement in them is held to the words of the facts it cites, as an English one is: the facts are in its language
 * (i18n/facts.ts), so every word it says must be theirs, a connecting word below, or a word a cited fact's kind
 * shows. Words are compared by a stem that ignores accents and common endings (`foreignStem`). The events below only
 * name what a refused word stated, for the reviewer.
 */
export type ForeignLanguage = Exclude<Language, 'en'>;

/** Words that connect or frame and assert nothing: articles, pronouns, prepositions, auxiliaries, the parties. */
export const FOREIGN_CONNECTIVES: Record<ForeignLanguage, ReadonlySet<string>> = {
  fr: words(
    'le la les l un une des du de d au aux et ou mais donc car ce cet cette ces il elle ils elles on nous vous ' +
      'son sa ses leur leurs notre nos votre vos qui que qu quoi dont où à a en dans sur sous par pour avec sans ' +
      'selon vers chez entre après avant pendant depuis jusqu est sont était étaient été être avoir ont avait ' +
      'ci dessous dessus suivant suivants suivantes ainsi également aussi tout tous toute toutes chaque ' +
      'client clients cliente titulaire carte cartes banque émetteur compte comptes produit produits service ' +
      'services entreprise société commerçant litige litiges contestation paiement paiements achat débit ' +
      'conteste contestons contester demande demandons demander décision faveur sa base éléments élément ' +
      'pièces pièce document documents documentation dossier preuve preuves informations relevé relevés ' +
      'respectueusement présent présente présentes figurent figure trouverez ces voici puis',
  ),
  de: words(
    'der die das den dem des ein eine einen einem einer eines und oder aber denn also dieser diese dieses ' +
      'diesen diesem er sie es wir ihr ihre ihren ihrem ihrer sein seine seinen seinem seiner unser unsere ' +
      'unseren unserem unserer welcher welche welches wer was wo an auf aus bei mit nach von vor zu zum zur ' +
      'für über unter durch gemäß laut seit bis ist sind war waren wurde wurden worden sein hat haben hatte ' +
      'unten oben folgend folgende folgenden sowie auch alle jede jeder jedes ' +
      'kunde kunden kundin karteninhaber karteninhaberin karte karten bank kartenherausgeber konto konten ' +
      'produkt produkte dienst dienstleistung unternehmen händler rückbuchung rückbuchungen zahlung zahlungen ' +
      'kauf belastung widersprechen widerspricht bitten bitte bittet entscheidung entscheiden gunsten ' +
      'grundlage unterlagen unterlage dokument dokumente dokumentation nachweis nachweise informationen ' +
      'aufgeführt beigefügt anbei fall um uns danach dann',
  ),
  es: words(
    'el la los las lo un una unos unas y o pero pues porque este esta estos estas ese esa él ella ellos ellas ' +
      'nosotros nuestro nuestra nuestros nuestras su sus que quien cual cuyo donde a al de del en por para con ' +
      'sin sobre bajo según hacia desde hasta entre tras antes después durante es son fue fueron ha han había ' +
      'sido ser estar está están continuación siguiente siguientes así también todo todos toda todas cada ' +
      'cliente clientes titular tarjeta tarjetas banco emisor cuenta cuentas producto productos servicio ' +
      'servicios empresa comercio comerciante disputa disputas pago pagos compra cargo cargos impugna ' +
      'impugnamos impugnar solicita solicitamos solicitar decisión resuelva resolver favor base registros ' +
      'registro documento documentos documentación prueba pruebas información figuran figura adjunto adjuntos nos luego',
  ),
};

/**
 * Events a statement may state only when one of its facts is of a kind that records one; stems, lower-case. English
 * stems are looked for too: a model told to write French may still write English, which the English word check then
 * does not see.
 */
export const FOREIGN_EVENTS: readonly {
  event: string;
  kinds: readonly FactKind[];
  stems: Record<Language, readonly string[]>;
}[] = [
  {
    event: 'a refund or credit',
    kinds: ['refund'],
    stems: {
      en: ['refund', 'reimburs', 'credited', 'repaid', 'repay', 'money back'],
      fr: ['rembours', 'recrédit'],
      de: ['erstatt', 'rückerstatt', 'zurückerstatt', 'gutgeschrieb', 'gutschrift', 'zurückgezahlt', 'rückzahl'],
      es: ['reembols', 'devolv', 'devuel', 'devolución', 'abonad', 'acreditad'],
    },
  },
  {
    event: 'a contact with the customer',
    kinds: ['communication'],
    stems: {
      en: ['contact', 'call', 'phon', 'spok', 'speak', 'emailed', 'messag', 'wrote', 'talk', 'repli', 'reply'],
      fr: ['contact', 'appel', 'téléphon', 'écrit', 'écrivi', 'répond', 'répons', 'courriel', 'parl'],
      de: ['kontakt', 'anruf', 'angerufen', 'telefon', 'geschrieben', 'schrieb', 'antwort', 'beantwort', 'gesprochen'],
      es: ['contact', 'llam', 'telefon', 'escrib', 'escrit', 'respond', 'respuest', 'habl'],
    },
  },
  {
    event: 'a delivery',
    kinds: ['deliverable', 'activity'],
    stems: {
      en: ['deliver', 'ship', 'sent', 'receiv', 'download'],
      fr: ['livr', 'envoy', 'expédi', 'télécharg'],
      de: ['geliefert', 'liefer', 'versand', 'versendet', 'gesendet', 'erhalten', 'empfang', 'herunterg'],
      es: ['entreg', 'envi', 'envío', 'recib', 'descarg'],
    },
  },
  {
    event: 'a verification',
    kinds: ['payment_check'],
    stems: {
      en: ['verif', 'authenticat', 'confirm', 'identit', 'approv'],
      fr: ['vérifi', 'authentifi', 'confirm', 'identit', 'approuv'],
      de: ['verifi', 'authentifi', 'bestätig', 'identit', 'genehmig', 'geprüft'],
      es: ['verific', 'autentic', 'confirm', 'identid', 'aprob'],
    },
  },
  {
    event: 'a cancellation',
    kinds: ['subscription', 'policy', 'policy_acceptance'],
    stems: {
      en: ['cancel', 'terminat', 'unsubscrib'],
      fr: ['annul', 'résili', 'désabonn', 'désinscri'],
      de: ['kündig', 'gekündigt', 'storn', 'abbestell', 'abgemeldet'],
      es: ['cancel', 'anul', 'baja'],
    },
  },
  {
    event: 'use of the product',
    kinds: ['activity', 'deliverable', 'account'],
    stems: {
      en: ['used', 'usage', 'login', 'logged', 'signed', 'access'],
      fr: ['utilis', 'connect', 'connexion', 'accéd', 'accès', 'usage'],
      de: ['genutzt', 'nutz', 'benutz', 'verwendet', 'angemeldet', 'anmeld', 'zugriff', 'zugegriffen'],
      es: ['utiliz', 'usó', 'usado', 'usaron', 'uso', 'conect', 'acced', 'acceso', 'sesión'],
    },
  },
];

/** "after the payment", in each language: said only when a cited fact is dated after it. */
export const AFTER_PAYMENT: Record<Language, RegExp> = {
  en: /\bafter\s+(?:the|this|that|their|his|her)\s+(?:payment|purchase|charge)\b/i,
  fr: /\baprès\s+(?:le|ce|son|leur)\s+(?:paiement|achat)\b/i,
  de: /\bnach\s+(?:der|dieser|seiner|ihrer)\s+(?:Zahlung|Belastung)\b|\bnach\s+(?:dem|diesem|seinem|ihrem)\s+Kauf\b/i,
  es: /\bdespués\s+(?:del|de\s+este|de\s+su)\s+(?:pago|cargo|compra)\b|\bdespués\s+de\s+(?:la|esta|su)\s+compra\b/i,
};

/** What a fact of a kind shows by being on record, beyond its own words (claims.ts `KIND_WORDS` in English). */
export const FOREIGN_KIND_WORDS: Record<ForeignLanguage, Partial<Record<FactKind, readonly string[]>>> = {
  fr: {
    communication: ['écrit', 'écrire', 'message', 'contact', 'contacté', 'correspondance', 'e-mail', 'courriel'],
    activity: ['utilise', 'utilisé', 'utilisation', 'usage', 'activité', 'actif'],
    deliverable: ['livré', 'livraison', 'livrer', 'créé', 'création', 'généré'],
    policy_acceptance: ['accepté', 'accepter', 'acceptation', 'politique', 'conditions'],
    prior_payment: ['antérieur', 'précédent', 'paiement', 'payé'],
    subscription: ['abonnement', 'abonné'],
    invoice: ['facture', 'facturé'],
    refund: ['remboursement', 'remboursé'],
    policy: ['politique', 'conditions', 'dit', 'indique', 'prévoit'],
  },
  de: {
    communication: ['schrieb', 'geschrieben', 'nachricht', 'kontakt', 'kontaktiert', 'korrespondenz', 'e-mail'],
    activity: ['nutzte', 'genutzt', 'nutzung', 'benutzt', 'aktivität', 'aktiv'],
    deliverable: ['geliefert', 'lieferung', 'erstellt', 'erzeugt', 'generiert'],
    policy_acceptance: ['akzeptierte', 'akzeptiert', 'zugestimmt', 'richtlinie', 'bedingungen'],
    prior_payment: ['frühere', 'vorherige', 'zahlung', 'bezahlt', 'zahlte'],
    subscription: ['abonnement', 'abonniert'],
    invoice: ['rechnung', 'berechnet'],
    refund: ['erstattung', 'erstattet'],
    policy: ['richtlinie', 'bedingungen', 'besagt', 'lautet'],
  },
  es: {
    communication: ['escribió', 'escrito', 'mensaje', 'contacto', 'contactó', 'correspondencia', 'correo'],
    activity: ['usó', 'utilizó', 'utilizado', 'uso', 'actividad', 'activo'],
    deliverable: ['entregado', 'entrega', 'entregó', 'creado', 'creó', 'generado', 'generó'],
    policy_acceptance: ['aceptó', 'aceptado', 'aceptación', 'política', 'términos'],
    prior_payment: ['anterior', 'previo', 'pago', 'pagado', 'pagó'],
    subscription: ['suscripción', 'suscrito'],
    invoice: ['factura', 'facturado'],
    refund: ['reembolso', 'reembolsado'],
    policy: ['política', 'términos', 'dice', 'indica', 'establece'],
  },
};

/** Endings a stem drops, longest first: enough that "payé", "payés" and "payer" meet; meaning is not guessed. */
const ENDINGS: Record<ForeignLanguage, readonly string[]> = {
  fr: [
    'issements',
    'issement',
    'ations',
    'ation',
    'ements',
    'ement',
    'aient',
    'ait',
    'ees',
    'ee',
    'es',
    'er',
    'ez',
    'e',
    's',
    'x',
  ],
  de: ['ungen', 'ung', 'ten', 'tet', 'te', 'ern', 'en', 'er', 'es', 'em', 'e', 'n', 's'],
  es: [
    'aciones',
    'acion',
    'amente',
    'mente',
    'ados',
    'adas',
    'ado',
    'ada',
    'idos',
    'idas',
    'ido',
    'ida',
    'ar',
    'er',
    'ir',
    'as',
    'os',
    'es',
    'a',
    'o',
    's',
  ],
};

/** A word's stem in the language: lower case, without accents, without one common ending (at least 3 letters left). */
export function foreignStem(word: string, language: ForeignLanguage): string {
  const bare = word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');
  const ending = ENDINGS[language].find((end) => bare.endsWith(end) && bare.length - end.length >= 3);
  return ending ? bare.slice(0, -ending.length) : bare;
}

/** Words that say the same thing as a word of the facts, as stems: one event, worded differently (claims.ts). */
export const FOREIGN_SAME_MEANING: Record<ForeignLanguage, readonly (readonly string[])[]> = Object.fromEntries(
  (
    [
      [
        'fr',
        [
          ['payé', 'paiement', 'payer', 'paie'],
          ['acheté', 'achat', 'acheter'],
          ['téléchargé', 'téléchargement'],
          ['généré', 'création', 'créé'],
        ],
      ],
      [
        'de',
        [
          ['zahlte', 'zahlung', 'bezahlt', 'gezahlt'],
          ['kaufte', 'kauf', 'gekauft'],
          ['heruntergeladen', 'download'],
          ['erstellt', 'generiert', 'erzeugt'],
        ],
      ],
      [
        'es',
        [
          ['pagó', 'pago', 'pagado', 'pagar', 'cargo'],
          ['compró', 'compra', 'comprado'],
          ['descargó', 'descarga', 'descargado'],
          ['generó', 'generado', 'creó', 'creado'],
        ],
      ],
    ] as const
  ).map(([language, groups]) => [language, groups.map((group) => group.map((word) => foreignStem(word, language)))]),
) as unknown as Record<ForeignLanguage, readonly (readonly string[])[]>;

function words(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}
