import { defineMessages } from '../define';

// The config view's messages (filled in with the view).
export const config = defineMessages({
  en: {},
  'zh-CN': {},
});
