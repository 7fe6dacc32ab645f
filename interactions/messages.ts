// Every word a person reads, in French (default) and English. Views and flows use keys;
// FlowError codes map to `error.<code>`.
export type Locale = 'fr' | 'en';
export const LOCALES: readonly Locale[] = ['fr', 'en'];

const fr = {
  'lang.name': 'Français',
  'layout.skip': 'Aller au contenu',
  'layout.terms': "Conditions générales d'utilisation",
  'layout.legal': 'Mentions légales',
  'layout.contact': 'Contact',
  'login.title': 'Se connecter',
  'login.intro': 'Vous avez été redirigé(e) ici pour vous connecter à {service} avec {brand}.',
  'login.email': 'Votre email',
  'login.password': 'Votre mot de passe',
  'login.submit': 'Se connecter',
  'login.forgot': 'Mot de passe oublié ?',
  'login.register.title': 'Créer un compte {brand}',
  'login.register.text': 'Accédez aux services publics en ligne avec un seul identifiant et un seul mot de passe. {brand} est conçu pour protéger votre vie privée et votre sécurité.',
  'login.register': 'Créer un compte',
  'consent.title': 'Autoriser {service}',
  'consent.intro': '{service} demande à accéder aux informations suivantes de votre compte {brand} :',
  'consent.scope.email': 'votre adresse email',
  'consent.scope.profile': 'la date de mise à jour de votre compte',
  'consent.scope.offline_access': "l'accès à ces informations lorsque vous n'êtes pas connecté(e)",
  'consent.scope.openid': 'votre identifiant de compte',
  'consent.allow': 'Autoriser',
  'consent.deny': 'Refuser',
  'pending.title': 'Veuillez activer votre compte',
  'pending.text': "Pour activer votre compte {brand}, cliquez sur le lien contenu dans l'email envoyé à",
  'pending.spam': "N'oubliez pas de vérifier vos messages indésirables ou votre dossier « Spams ».",
  'logout.title': 'Se déconnecter',
  'logout.question': 'Voulez-vous vous déconnecter de {brand} ?',
  'logout.confirm': 'Se déconnecter',
  'logout.cancel': 'Rester connecté(e)',
  'loggedOut.title': 'Vous êtes déconnecté(e)',
  'loggedOut.text': 'Vous pouvez fermer cette page.',
  'error.title': 'Une erreur est survenue',
  'error.generic': "Nous n'avons pas pu traiter votre demande. Retournez sur le service en ligne et recommencez.",
  'error.expired': 'Cette demande de connexion a expiré. Retournez sur le service en ligne et recommencez.',
  'error.code': "Code de l'erreur",
  'error.invalid_credentials': 'Email ou mot de passe incorrect.',
  'error.account_not_activated': "Votre compte n'est pas encore activé.",
  'error.invalid_input': 'Vérifiez les informations saisies.',
  'error.input_too_long': 'Les informations saisies sont trop longues.',
  'error.csrf_failed': "Le formulaire a expiré. Rechargez la page et recommencez.",
  'error.email_taken': 'Cette adresse email est déjà utilisée.',
  'error.not_found': "Cette page n'existe pas.",
  'error.required': 'Ce champ est obligatoire.',
  'error.email_invalid': 'Saisissez une adresse email valide, par exemple nom@exemple.nc.',
};

type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'lang.name': 'English',
  'layout.skip': 'Skip to content',
  'layout.terms': 'Terms of use',
  'layout.legal': 'Legal notice',
  'layout.contact': 'Contact',
  'login.title': 'Sign in',
  'login.intro': 'You were sent here to sign in to {service} with {brand}.',
  'login.email': 'Your email',
  'login.password': 'Your password',
  'login.submit': 'Sign in',
  'login.forgot': 'Forgot your password?',
  'login.register.title': 'Create a {brand} account',
  'login.register.text': 'Use online public services with one username and one password. {brand} is built to protect your privacy and your security.',
  'login.register': 'Create an account',
  'consent.title': 'Authorise {service}',
  'consent.intro': '{service} asks to access the following information of your {brand} account:',
  'consent.scope.email': 'your email address',
  'consent.scope.profile': 'when your account was last updated',
  'consent.scope.offline_access': 'access to this information while you are signed out',
  'consent.scope.openid': 'your account identifier',
  'consent.allow': 'Allow',
  'consent.deny': 'Deny',
  'pending.title': 'Please activate your account',
  'pending.text': 'To activate your {brand} account, follow the link in the email sent to',
  'pending.spam': 'Remember to look in your junk or spam folder.',
  'logout.title': 'Sign out',
  'logout.question': 'Do you want to sign out of {brand}?',
  'logout.confirm': 'Sign out',
  'logout.cancel': 'Stay signed in',
  'loggedOut.title': 'You are signed out',
  'loggedOut.text': 'You can close this page.',
  'error.title': 'Something went wrong',
  'error.generic': 'We could not process your request. Go back to the online service and try again.',
  'error.expired': 'This sign-in request has expired. Go back to the online service and try again.',
  'error.code': 'Error code',
  'error.invalid_credentials': 'Incorrect email or password.',
  'error.account_not_activated': 'Your account is not activated yet.',
  'error.invalid_input': 'Check what you entered.',
  'error.input_too_long': 'What you entered is too long.',
  'error.csrf_failed': 'This form has expired. Reload the page and try again.',
  'error.email_taken': 'This email address is already in use.',
  'error.not_found': 'This page does not exist.',
  'error.required': 'This field is required.',
  'error.email_invalid': 'Enter a valid email address, for example name@example.com.',
};

const catalogues: Record<Locale, Record<MessageKey, string>> = { fr, en };
export type { MessageKey };
export type Translate = (key: MessageKey | string, params?: Record<string, string | number>) => string;

export function translator(locale: Locale, defaults: Record<string, string> = {}): Translate {
  return (key, params = {}) => {
    const template = catalogues[locale][key as MessageKey] ?? catalogues.fr[key as MessageKey] ?? key;
    const values: Record<string, string | number> = { ...defaults, ...params };
    return template.replace(/\{(\w+)\}/g, (match, name: string) => String(values[name] ?? match));
  };
}

/** ui_locales from the relying party first, then the browser's Accept-Language, then French. */
export function pickLocale(uiLocales: unknown, acceptLanguage: string | undefined): Locale {
  const candidates = [
    ...(typeof uiLocales === 'string' ? uiLocales.split(/\s+/) : []),
    ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]!.trim()),
  ];
  for (const candidate of candidates) {
    const base = candidate.toLowerCase().split('-')[0] as Locale;
    if (LOCALES.includes(base)) return base;
  }
  return 'fr';
}
