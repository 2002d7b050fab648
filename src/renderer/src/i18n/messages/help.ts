import { defineMessages } from '../define';

export const help = defineMessages({
  en: {
    title: 'Keyboard shortcuts',
    runPause: 'Run or pause the machine',
    step: 'Step to the next timer (while paused)',
    focusConsole: 'Focus the guest console',
    toggleTheme: 'Switch light and dark theme',
    showHelp: 'Show this help',
    timelineZoom: 'Timeline: zoom in and out',
    timelinePan: 'Timeline: move left and right',
    timelineFit: 'Timeline: zoom to fit',
    timelineFollow: 'Timeline: follow live',
    timelineCursors: 'Timeline: place cursor A / B at the mouse',
    about: 'edu-lab: a virtual-hardware lab around QEMU\u2019s educational PCI device.',
  },
  'zh-CN': {
    title: '键盘快捷键',
    runPause: '运行或暂停虚拟机',
    step: '单步到下一个定时器（暂停时）',
    focusConsole: '聚焦客户机控制台',
    toggleTheme: '切换浅色与深色主题',
    showHelp: '显示本帮助',
    timelineZoom: '时间线：放大与缩小',
    timelinePan: '时间线：左右移动',
    timelineFit: '时间线：缩放至全部',
    timelineFollow: '时间线：跟随最新',
    timelineCursors: '时间线：在鼠标处放置光标 A / B',
    about: 'edu-lab：围绕 QEMU 教学用 PCI 设备的虚拟硬件实验室。',
  },
});
