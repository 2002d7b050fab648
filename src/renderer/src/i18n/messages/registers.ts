import { defineMessages } from '../define';

// The registers view's messages (filled in with the view).
export const registers = defineMessages({
  en: {},
  'zh-CN': {},
});
