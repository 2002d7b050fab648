import { defineMessages } from '../define';

// The dma view's messages (filled in with the view).
export const dma = defineMessages({
  en: {},
  'zh-CN': {},
});
