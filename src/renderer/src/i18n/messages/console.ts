import { defineMessages } from '../define';

export const console_ = defineMessages({
  en: {
    label: 'Guest serial console (ttyS0)',
    copy: 'Copy',
    paste: 'Paste',
    clear: 'Clear',
  },
  'zh-CN': {
    label: '客户机串口控制台（ttyS0）',
    copy: '复制',
    paste: '粘贴',
    clear: '清屏',
  },
});
