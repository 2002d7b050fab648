import { computed, ref } from 'vue';
import { LANGUAGES, type Language, type Messages } from './define';
import { app } from './messages/app';
import { clock } from './messages/clock';
import { config } from './messages/config';
import { console_ } from './messages/console';
import { dma } from './messages/dma';
import { help } from './messages/help';
import { lessons } from './messages/lessons';
import { logs } from './messages/logs';
import { registers } from './messages/registers';
import { session } from './messages/session';
import { timeline } from './messages/timeline';

export { LANGUAGES, type Language } from './define';

/** Every area's messages, by namespace: keys are `namespace.key`. */
const NAMESPACES = { app, clock, console: console_, registers, config, timeline, dma, logs, help, session, lessons } as const;

type Namespaces = typeof NAMESPACES;
export type MessageKey = {
  [N in keyof Namespaces]: `${N & string}.${keyof Namespaces[N]['en'] & string}`;
}[keyof Namespaces];

const STORAGE_KEY = 'edu-lab.language';

function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  } catch {
    // storage unavailable: fall through
  }
  return typeof navigator !== 'undefined' && navigator.language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

/** The UI language (what the guest prints is never translated). */
export const language = ref<Language>(initialLanguage());

export function setLanguage(lang: Language): void {
  language.value = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered: still switched
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** The message for `key` in the current language, with `{name}` replaced from `params`. */
export function t(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
  const dot = key.indexOf('.');
  const ns = NAMESPACES[key.slice(0, dot) as keyof Namespaces] as unknown as Record<Language, Messages>;
  const name = key.slice(dot + 1);
  const text = ns[language.value][name] ?? ns.en[name] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, p: string) => (p in params ? String(params[p]) : whole));
}

/** For templates: `const { t } = useI18n()` re-renders when the language changes. */
export function useI18n() {
  return { t, language: computed(() => language.value), setLanguage };
}
