import type { Text } from '../../../../common/lessons';
import { useI18n } from '../../i18n';

/** Lesson text in the UI language (lessons carry every language; English if one is missing). */
export function useLessonText() {
  const { language } = useI18n();
  return { tx: (text: Text): string => text[language.value] || text.en, language };
}
