import { defineMessages } from '../define';

// The timeline view's messages (filled in with the view).
export const timeline = defineMessages({
  en: {},
  'zh-CN': {},
});
